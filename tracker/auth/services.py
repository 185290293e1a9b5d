"""Accounts: creating, finding and signing in users."""

from sqlmodel import Session, select

from tracker.auth.passwords import hash_password, needs_rehash, verify_password
from tracker.models import User


class EmailTaken(ValueError):
    """Another account already uses this email."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def register_user(session: Session, email: str, display_name: str, password: str) -> User:
    if find_user_by_email(session, email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=hash_password(password),
    )
    session.add(user)
    session.commit()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user with this email and password, or None (without saying which was wrong)."""
    user = find_user_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def load_user(session: Session, login_id: str) -> User | None:
    """The user named by Flask-Login's stored id (`<user id>:<login token>`)."""
    user_id, _, token = login_id.partition(":")
    if not user_id.isdigit():
        return None
    user = session.get(User, int(user_id))
    if user is None or user.login_token != token:
        return None
    return user
