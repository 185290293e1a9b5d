"""Verified email: the signed link sent to an address, and who may log in before following it.

(Issue 14, being built: the link and its emails.)"""

from tracker.models import User


def may_log_in(user: User) -> bool:
    return user.email_verified_at is not None or user.may_log_in_unverified


def send_link(user: User) -> None:
    """Email `user` a link that verifies their address."""
