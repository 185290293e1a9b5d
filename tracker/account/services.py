"""Changes a person makes to their own account."""

from sqlmodel import Session

from tracker.auth.passwords import hash_password
from tracker.auth.services import (
    EmailTaken,
    end_all_login_sessions,
    find_user_by_email,
    normalize_email,
)
from tracker.models import User


def change_password(session: Session, user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    # Every browser logged in as this user is logged out, and so is any copy of this one's
    # cookie; the caller logs this browser in again.
    end_all_login_sessions(session, user)
    session.add(user)
    session.commit()


def change_email(session: Session, user: User, new_email: str) -> None:
    other = find_user_by_email(session, new_email)
    if other is not None and other.id != user.id:
        raise EmailTaken(new_email)
    user.email = normalize_email(new_email)
    session.add(user)
    session.commit()


def delete_account(session: Session, user: User) -> None:
    """Remove the user; the database cascades to every row (and login) that belongs to them."""
    session.delete(user)
    session.commit()
