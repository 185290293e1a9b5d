"""Database tables. Business rules live in tracker.rules and the services, not here."""

import secrets
from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlmodel import Field, SQLModel

# Named constraints, so migrations can refer to them the same way on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    # Part of the id Flask-Login keeps in the session and remember cookie: changing it
    # (on a password change) logs out every other browser of this user.
    login_token: str = Field(max_length=64, default_factory=new_login_token)
    created_at: datetime = Field(sa_type=DateTime(timezone=True), default_factory=utcnow)

    # Flask-Login's user interface.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.login_token}"
