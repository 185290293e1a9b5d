"""Accounts: creating, finding and signing in users, and their login sessions."""

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from tracker.auth.passwords import hash_password, needs_rehash, verify_password
from tracker.models import LoginSession, User, utcnow

# last_seen_at is written at most this often, so most pages cost no extra statement.
SEEN_EVERY = timedelta(minutes=5)
# A login unused for this long is over (Flask-Login's remember cookie lasts 365 days too).
IDLE_LIMIT = timedelta(days=365)


class EmailTaken(ValueError):
    """Another account already uses this email."""


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalize_email(email))).first()


def register_user(session: Session, email: str, display_name: str, password: str, *,
                  may_log_in_unverified: bool = False, start_over_unverified: bool = False
                  ) -> User:
    """A new account, its email not verified yet; EmailTaken when the address has one. The
    password is hashed either way, so a taken address answers no sooner (that would tell).

    With `start_over_unverified`, an address whose account nobody has proven yet (unverified,
    and not one made before addresses were verified) does not count as taken: that account
    takes this password and name and is returned, so whoever registered it first (maybe
    not the owner of the address) no longer knows its password."""
    password_hash = hash_password(password)
    existing = find_user_by_email(session, email)
    if existing is not None:
        if start_over_unverified and _start_over(session, existing, display_name,
                                                 password_hash):
            return existing
        raise EmailTaken(email)
    user = User(
        email=normalize_email(email),
        display_name=display_name.strip(),
        password_hash=password_hash,
        may_log_in_unverified=may_log_in_unverified,
    )
    session.add(user)
    try:
        session.commit()
    except IntegrityError:  # the same address, registered at the same moment
        session.rollback()
        raise EmailTaken(email) from None
    return user


def _start_over(session: Session, user: User, display_name: str, password_hash: str) -> bool:
    """Give an unproven account a new password and name, in one conditional UPDATE (not once
    its address is verified, even at the same moment); False when it is not unproven."""
    result = session.execute(
        update(User)
        .where(User.id == user.id, User.email_verified_at.is_(None),
               User.may_log_in_unverified.is_(False))
        .values(password_hash=password_hash, display_name=display_name.strip())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        return False
    end_all_login_sessions(session, user)  # it could not log in: this is only to be sure
    session.commit()
    session.refresh(user)
    return True


def set_password(session: Session, user: User, new_password: str) -> None:
    """A new password, and every browser logged in as this user logged out (this one too: the
    caller logs it in again). The caller commits."""
    user.password_hash = hash_password(new_password)
    end_all_login_sessions(session, user)
    session.add(user)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user with this email and password, or None (without saying which was wrong)."""
    user = find_user_by_email(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.commit()
    return user


def start_login_session(session: Session, user: User, device: str = "") -> None:
    """Record a new logged-in browser (`device` names it in words); its token becomes part of
    Flask-Login's id."""
    now = utcnow()
    # Logins that were left open so long that they ended: no need to keep them.
    session.exec(delete(LoginSession).where(LoginSession.user_id == user.id,
                                            LoginSession.last_seen_at < now - IDLE_LIMIT))
    login = LoginSession(user_id=user.id, created_at=now, last_seen_at=now, device=device)
    session.add(login)
    session.commit()
    user.login_session_token = login.token


def end_login_session(session: Session, user: User) -> None:
    """Log this browser out for good: a copy of its cookie no longer works either."""
    session.exec(delete(LoginSession).where(LoginSession.token == user.login_session_token))
    session.commit()


def end_all_login_sessions(session: Session, user: User) -> None:
    """Log out every browser of this user, this one too (the caller commits)."""
    session.exec(delete(LoginSession).where(LoginSession.user_id == user.id))


def load_user(session: Session, login_id: str) -> User | None:
    """The user of Flask-Login's stored id (`<user id>:<session token>`), in one statement.

    Only a login session that still exists counts. Its last_seen_at is brought up to date
    when it is older than SEEN_EVERY, and only when nothing else is pending in the session.
    """
    user_id, _, token = login_id.partition(":")
    if not user_id.isdigit() or not token:
        return None
    now = utcnow()
    busy = session.in_transaction()
    row = session.exec(
        select(User, LoginSession)
        .join(LoginSession, LoginSession.user_id == User.id)
        .where(User.id == int(user_id), LoginSession.token == token,
               LoginSession.last_seen_at >= now - IDLE_LIMIT)
    ).first()
    if row is None:
        return None
    user, login = row
    user.login_session_token = token
    if not busy and login.last_seen_at <= now - SEEN_EVERY:
        login.last_seen_at = now
        session.commit()
    return user
