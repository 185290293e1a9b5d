"""Verified email: the signed links emailed to an address, and who may log in before following
one.

Every link carries a token signed with the site's secret key (itsdangerous), salted for its one
purpose, so a token made for one job never works for another. It names the account and the
address it was sent to, so it dies when the account's email changes; a verification link also
carries a fingerprint of the password hash, so it dies when the password changes (registering
an unverified address again starts its account over with a new password: the links sent
before then no longer work). Emails with a link spend the address's hourly budget
(tracker.mail.within_budget): over it, nothing is sent and the page says nothing different.

An address nobody has proven gets no name in its emails: the name was typed by whoever gave
the address, maybe a stranger.
"""

import hashlib
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import update
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


def fingerprint(user: User) -> str:
    """Changes when the password or the email does. (A token is signed, not secret: it carries
    no part of the hash itself.)"""
    return hashlib.sha256(f"{user.email}\n{user.password_hash}".encode()).hexdigest()[:32]


def name_for_email(user: User) -> str:
    """The name to greet `user` by in an email to their address: none until the address is
    proven (the name was typed by whoever gave it)."""
    return user.display_name if user.email_verified_at is not None else ""


# Verifying the address an account has.

def may_log_in(user: User) -> bool:
    return user.email_verified_at is not None or user.may_log_in_unverified


def verify_token(user: User, signed_at: float | None = None) -> str:
    return sign(VERIFY, {"user": user.id, "email": user.email, "fp": fingerprint(user)},
                signed_at)


def send_link(user: User) -> None:
    """Email `user` a link that verifies their address (within the address's budget), after
    the answer."""
    if not mail.within_budget(user.email):
        return
    mail.send_soon("", user.email, "Confirm your email for Recert", "verify",
                   link=mail.link("registration.verify", token=verify_token(user)),
                   hours=VERIFY_HOURS)


def tell_owner(user: User) -> None:
    """Someone tried to make an account with `user`'s address, which is verified or belongs to
    an account made before addresses were (which keeps its password): tell its owner, after
    the answer."""
    if not mail.within_budget(user.email):
        return
    mail.send_soon("", user.email, "Someone tried to make a Recert account with your email",
                   "account_exists", login_link=mail.link("auth.login"),
                   reset_link=mail.link("password_reset.forgot"))


def account_to_verify(session: Session, token: str) -> User:
    """The account a verification link is for; LinkProblem when it cannot be used (also once
    the password changed since it was sent)."""
    data = read(VERIFY, token, VERIFY_HOURS)
    user = _account_of(session, data)
    if user.email_verified_at is not None or data.get("fp") != fingerprint(user):
        raise USED
    return user


def confirm(session: Session, user: User) -> None:
    """The verification link was followed: mark the address verified, in one conditional
    UPDATE, only while the account still has the email and password the link was checked
    against (registering again may start it over at the same moment); USED otherwise."""
    result = session.execute(
        update(User)
        .where(User.id == user.id, User.email == user.email,
               User.password_hash == user.password_hash, User.email_verified_at.is_(None))
        .values(email_verified_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if result.rowcount != 1:
        raise USED
    session.refresh(user)


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
    """Email the new address (not proven: no name in it) a link that moves `user`'s account
    to it, after the answer."""
    if not mail.within_budget(new_email):
        return
    mail.send_soon("", new_email, "Confirm your new email for Recert", "email_change",
                   link=mail.link("account.confirm_email", token=change_token(user, new_email)),
                   hours=VERIFY_HOURS)


def email_change_of(session: Session, token: str) -> EmailChange:
    data = read(CHANGE_EMAIL, token, VERIFY_HOURS)
    new_email = data.get("new")
    if not isinstance(new_email, str):
        raise BROKEN
    return EmailChange(_account_of(session, data), new_email)


def tell_old_address(user: User, old_email: str, old_was_verified: bool) -> None:
    """The account's email moved away from `old_email`: say so there (by name only when that
    address had been proven)."""
    mail.send(user.display_name if old_was_verified else "", old_email,
              "Your Recert email was changed", "email_changed", new_email=user.email)
