"""Where a person is logged in: their browsers (login sessions), and ending them.

Each browser that logged in has a LoginSession row; its cookie names the row's token, and a
browser whose row is gone is logged out at its next request (tracker.auth.services.load_user).
The current browser is never ended here: "Log out" in the menu does that.
"""

from sqlmodel import Session, delete, select

from tracker.models import LoginSession, User


def logins_of(session: Session, user: User) -> list[LoginSession]:
    """The person's logged-in browsers, the one used most recently first."""
    return list(session.exec(
        select(LoginSession).where(LoginSession.user_id == user.id)
        .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
    ))


def _others(user: User):
    """The person's login sessions but the one of this browser."""
    return (LoginSession.user_id == user.id,
            LoginSession.token != (user.login_session_token or ""))


def end_other_login(session: Session, user: User, login_id: int) -> str | None:
    """Log out one of the person's other browsers and name it (its device in words); None when
    it is not theirs, or is this one, and nothing is ended."""
    ended = session.exec(delete(LoginSession).where(LoginSession.id == login_id, *_others(user))
                         .returning(LoginSession.device)).first()
    session.commit()
    return ended[0] if ended is not None else None


def end_other_logins(session: Session, user: User) -> int:
    """Log out every browser of the person but this one; how many were logged out."""
    ended = session.exec(delete(LoginSession).where(*_others(user))).rowcount
    session.commit()
    return ended
