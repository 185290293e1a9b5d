"""Two-factor sign-in: codes from an authenticator app, recovery codes and passkeys.

(Issue 14, being built.)"""

from sqlmodel import Session

from tracker.models import User


def is_on(session: Session, user: User) -> bool:
    """Whether logging in as `user` takes a second step after the password."""
    return user.totp_secret is not None
