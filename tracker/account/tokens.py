"""Personal access tokens for the JSON API: made, listed, found by their secret, revoked.

A token's secret is shown once, when it is made; only its SHA-256 hash is stored. A slow
password hash (argon2, as for passwords) is not needed here: it protects secrets people choose,
which are guessable, at the cost of tens of milliseconds per check. A token's secret is 256 bits
from `secrets`, so no one can guess it from its hash, and the API checks a token on every
request: one fast hash and one indexed lookup by that hash.

A person has at most MAX_TOKENS tokens, and a new token expires after DEFAULT_LIFETIME unless
they choose another day (or, on purpose, none: see TokenForm).
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session, delete, func, select, update

from tracker.models import ApiToken, User, utcnow

PREFIX = "recert_"
READ = "read"
READ_WRITE = "read write"
SCOPES = (READ, READ_WRITE)
# last_used_at is written at most this often, so most requests cost no write.
USED_EVERY = timedelta(minutes=1)
MAX_TOKENS = 20
DEFAULT_LIFETIME = timedelta(days=365)


class TooManyTokens(Exception):
    """The person already has MAX_TOKENS tokens."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def default_expiry(today: date) -> date:
    return today + DEFAULT_LIFETIME


def count_tokens(session: Session, user: User) -> int:
    return session.exec(select(func.count()).select_from(ApiToken)
                        .where(ApiToken.user_id == user.id)).one()


def create_token(session: Session, user: User, name: str, scope: str,
                 expires_on: date | None) -> NewToken:
    """A new token; TooManyTokens (and nothing made) when the person has MAX_TOKENS already."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    # Lock the person's row (on PostgreSQL; SQLite writes one at a time anyway) so that two
    # tokens made at once cannot both pass the count.
    session.exec(select(User.id).where(User.id == user.id).with_for_update())
    if count_tokens(session, user) >= MAX_TOKENS:
        session.rollback()
        raise TooManyTokens(user.id)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(secret), scope=scope,
                     expires_on=expires_on)
    session.add(token)
    session.commit()
    return NewToken(token, secret)


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    return list(session.exec(
        select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc(),
                                                                     ApiToken.id.desc())
    ))


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken | None:
    """Delete the user's token (it stops working at once); None when it is not theirs."""
    token = session.exec(
        select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user.id)
    ).first()
    if token is None:
        return None
    session.exec(delete(ApiToken).where(ApiToken.id == token.id))
    session.commit()
    return token


def is_expired(token: ApiToken, today: date) -> bool:
    return token.expires_on is not None and token.expires_on < today


def can_write(token: ApiToken) -> bool:
    return token.scope == READ_WRITE


def find_token(session: Session, secret: str) -> tuple[ApiToken, User] | None:
    """The token with this secret and its owner, in one statement; None for no such token."""
    if not secret.startswith(PREFIX) or len(secret) > 200:
        return None
    row = session.exec(
        select(ApiToken, User).join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == hash_secret(secret))
    ).first()
    return (row[0], row[1]) if row is not None else None


def note_use(session: Session, token: ApiToken, now: datetime | None = None) -> None:
    """Bring last_used_at up to date when it is older than USED_EVERY (then commit)."""
    now = now or utcnow()
    last = token.last_used_at
    if last is not None and now - last < USED_EVERY:
        return
    session.exec(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    session.commit()
    token.last_used_at = now
