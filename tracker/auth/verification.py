"""Verified email: the signed links emailed to an address, and who may log in before following
one.

Every link carries a token signed with the site's secret key (itsdangerous), salted for its one
purpose, so a token made for one job never works for another. It names the account and the
address it was sent to, so it dies when the account's email changes. Emails with a link spend
the address's hourly budget (tracker.mail.within_budget): over it, nothing is sent and the page
says nothing different.
"""

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlmodel import Session

from tracker import mail
from tracker.models import User, utcnow

VERIFY = "verify-email"
CHANGE_EMAIL = "change-email"
VERIFY_HOURS = 48


class LinkProblem(Exception):
    """An emailed link that cannot be used; the message says why in plain words."""


BROKEN = LinkProblem("This link is not right. Copy the whole link from the email, or ask for "
                     "a new one.")
EXPIRED = LinkProblem("This link is too old: it no longer works. Ask for a new one.")
USED = LinkProblem("This link was already used, or your account changed since we sent it. "
                   "It no longer works.")


def _serializer(purpose: str, signed_at: float | None = None) -> URLSafeTimedSerializer:
    signer = TimestampSigner
    if signed_at is not None:  # a token made as if at another time (tests of old links)
        class _SignedThen(TimestampSigner):
            def get_timestamp(self) -> int:
                return int(signed_at)
        signer = _SignedThen
    return URLSafeTimedSerializer(current_app.secret_key, salt=purpose, signer=signer)


def sign(purpose: str, data: dict, signed_at: float | None = None) -> str:
    return _serializer(purpose, signed_at).dumps(data)


def read(purpose: str, token: str, max_hours: int) -> dict:
    """What a token made by `sign` for `purpose` holds; LinkProblem when it is too old, changed
    or made for something else."""
    try:
        data = _serializer(purpose).loads(token, max_age=max_hours * 3600)
    except SignatureExpired:
        raise EXPIRED from None
    except BadSignature:
        raise BROKEN from None
    if not isinstance(data, dict):
        raise BROKEN
    return data


def _account_of(session: Session, data: dict) -> User:
    """The account a token names, while it still uses the address the token was sent to."""
    user_id = data.get("user")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or user.email != data.get("email"):
        raise USED
    return user


# Verifying the address an account has.

def may_log_in(user: User) -> bool:
    return user.email_verified_at is not None or user.may_log_in_unverified


def verify_token(user: User, signed_at: float | None = None) -> str:
    return sign(VERIFY, {"user": user.id, "email": user.email}, signed_at)


def send_link(user: User) -> None:
    """Email `user` a link that verifies their address (within the address's budget)."""
    if not mail.within_budget(user.email):
        return
    mail.send(user.display_name, user.email, "Confirm your email for Recert", "verify",
              link=mail.link("registration.verify", token=verify_token(user)),
              hours=VERIFY_HOURS)


def tell_owner(user: User) -> None:
    """Someone tried to make an account with `user`'s address: tell its owner, or, when the
    account is not verified yet, send it a fresh link instead."""
    if user.email_verified_at is None:
        send_link(user)
        return
    if not mail.within_budget(user.email):
        return
    mail.send(user.display_name, user.email, "Someone tried to make a Recert account with your "
              "email", "account_exists", login_link=mail.link("auth.login"),
              reset_link=mail.link("password_reset.forgot"))


def account_to_verify(session: Session, token: str) -> User:
    """The account a verification link is for; LinkProblem when it cannot be used."""
    user = _account_of(session, read(VERIFY, token, VERIFY_HOURS))
    if user.email_verified_at is not None:
        raise USED
    return user


def mark_verified(session: Session, user: User) -> None:
    """A link sent to the address was followed (the caller commits)."""
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
        session.add(user)


# Changing the address: the link goes to the new one.

@dataclass(frozen=True)
class EmailChange:
    user: User
    new_email: str


def change_token(user: User, new_email: str, signed_at: float | None = None) -> str:
    return sign(CHANGE_EMAIL, {"user": user.id, "email": user.email, "new": new_email},
                signed_at)


def send_change_link(user: User, new_email: str) -> None:
    """Email the new address a link that moves `user`'s account to it."""
    if not mail.within_budget(new_email):
        return
    mail.send(user.display_name, new_email, "Confirm your new email for Recert",
              "email_change", link=mail.link("account.confirm_email",
                                             token=change_token(user, new_email)),
              hours=VERIFY_HOURS)


def email_change_of(session: Session, token: str) -> EmailChange:
    data = read(CHANGE_EMAIL, token, VERIFY_HOURS)
    new_email = data.get("new")
    if not isinstance(new_email, str):
        raise BROKEN
    return EmailChange(_account_of(session, data), new_email)


def tell_old_address(user: User, old_email: str) -> None:
    """The account's email moved away from `old_email`: say so there."""
    mail.send(user.display_name, old_email, "Your Recert email was changed", "email_changed",
              new_email=user.email)
