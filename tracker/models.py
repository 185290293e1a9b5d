"""Database tables. Business rules live in tracker.rules and the services, not here."""

import secrets
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import PrivateAttr
from sqlalchemy import JSON, DateTime, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import declared_attr
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, Relationship, SQLModel

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


class UTCDateTime(TypeDecorator):
    """A timestamp, stored as DateTime(timezone=True) in UTC and always read back as an aware
    UTC datetime: SQLite keeps no time zone (it gives naive datetimes back) and PostgreSQL
    answers in the connection's zone, so no caller has to fix either up. A naive datetime is
    taken to be UTC, both ways."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        # SQLite keeps the wall-clock time whatever the zone, and PostgreSQL reads a naive
        # datetime in the connection's zone: both get UTC.
        return _as_utc(value)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return _as_utc(value)


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def new_login_token() -> str:
    return secrets.token_urlsafe(24)


def versioned(cls) -> dict:
    """Mapper arguments that make `version` SQLAlchemy's version counter.

    Every UPDATE (and DELETE) of the row then checks the version it was read at and raises it;
    a write from a stale copy matches no row and raises StaleDataError (see tracker.concurrency).
    """
    return {"version_id_col": cls.__table__.c.version}


def owned_rows(back_populates: str, order_by: str):
    """A relationship to the rows that belong to this one, in order: they go with it (deleted by
    the database's ON DELETE CASCADE, so SQLAlchemy need not load them first)."""
    return Relationship(back_populates=back_populates, sa_relationship_kwargs={
        "order_by": order_by, "passive_deletes": True, "cascade": "all, delete-orphan"})


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    # When the person followed a link sent to `email`; None until then (tracker.auth.emails).
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Accounts made before email was verified may log in unverified (they see a banner asking
    # them to confirm); accounts made since may not.
    may_log_in_unverified: bool = Field(default=False)
    # Two-factor sign-in with an authenticator app (TOTP): its base32 secret once turned on,
    # and the last time step a code was accepted for, so one code works once.
    totp_secret: str | None = Field(default=None, max_length=64)
    totp_last_step: int | None = None
    # The secret in the personal calendar feed's URL; a new one makes the old URL stop working.
    calendar_token: str = Field(max_length=64, default_factory=new_login_token, unique=True)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    # The IANA time zone times are shown in ("America/Chicago"), from the browser (tracker.
    # time_zones); None: UTC.
    time_zone: str | None = Field(default=None, max_length=64)
    # The LoginSession token this object was logged in or loaded with (not a column).
    _login_session_token: str | None = PrivateAttr(default=None)

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

    @property
    def login_session_token(self) -> str | None:
        # Objects loaded from the database start without Pydantic's private values.
        return (self.__pydantic_private__ or {}).get("_login_session_token")

    @login_session_token.setter
    def login_session_token(self, token: str) -> None:
        self._login_session_token = token

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session and remember cookie: `<user id>:<token>`."""
        if self.login_session_token is None:
            raise RuntimeError("Log in through tracker.auth.services.start_login_session.")
        return f"{self.id}:{self.login_session_token}"


class CycleStatus(StrEnum):
    OPEN = "open"
    RENEWED = "renewed"
    LAPSED = "lapsed"


class LoginSession(SQLModel, table=True):
    """One logged-in browser; logging out deletes it, so a copied cookie stops working."""

    __tablename__ = "login_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    token: str = Field(max_length=64, unique=True, default_factory=new_login_token)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    last_seen_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    # The browser and system, in words ("Chrome on Windows"), from its user agent at login.
    device: str = Field(default="", max_length=120)


class RecoveryCode(SQLModel, table=True):
    """A single-use code that stands in for the second step of logging in; only its hash is
    kept."""

    __tablename__ = "recovery_codes"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    code_hash: str = Field(max_length=64)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Passkey(SQLModel, table=True):
    """A WebAuthn credential (passkey) the person registered, named by them."""

    __tablename__ = "passkeys"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=80)
    credential_id: bytes = Field(sa_type=LargeBinary, unique=True)
    public_key: bytes = Field(sa_type=LargeBinary)
    sign_count: int = 0
    # How the browser can reach it ("internal", "usb", "hybrid"...), as WebAuthn names them.
    transports: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ApiToken(SQLModel, table=True):
    """A personal access token for the JSON API (/api/v1 and /api/v2); only its SHA-256 hash
    is kept."""

    __tablename__ = "api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=80)
    token_hash: str = Field(max_length=64, unique=True)
    scope: str = Field(max_length=20)  # "read" or "read write" (see tracker.account.tokens)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_on: date | None = None  # usable through this day; None: until revoked


class HeldCredential(SQLModel, table=True):
    """A credential a person holds, under one rule set (e.g. `mssc-cpt`)."""

    __tablename__ = "held_credentials"
    __table_args__ = (UniqueConstraint("user_id", "ruleset_code"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    ruleset_code: str = Field(max_length=40)
    certificate_number: str = Field(default="", max_length=40)
    certified_on: date
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    # Raised by every save: a save that started from an older version is refused.
    version: int = Field(default=1)
    # A new random number whenever the person's activities, their files or this credential's
    # choices about them change: cached evaluations are keyed on it (see tracker.ledger).
    activities_revision: int = Field(default_factory=lambda: secrets.randbelow(2**31))

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return versioned(cls)

    modules: list["HeldModule"] = owned_rows("credential", "HeldModule.id")
    cycles: list["Cycle"] = owned_rows("credential", "Cycle.starts_on")

    @property
    def module_codes(self) -> frozenset[str]:
        return frozenset(module.module_code for module in self.modules)

    @property
    def open_cycle(self) -> "Cycle | None":
        return next((cycle for cycle in self.cycles if cycle.status == CycleStatus.OPEN), None)

    @property
    def current_cycle(self) -> "Cycle":
        """The open cycle, or the latest one when none is open."""
        return self.open_cycle or self.cycles[-1]


class HeldModule(SQLModel, table=True):
    """A certificate module passed (CPT: safety, quality, production, maintenance, green)."""

    __tablename__ = "held_modules"
    __table_args__ = (UniqueConstraint("held_credential_id", "module_code"),)

    id: int | None = Field(default=None, primary_key=True)
    held_credential_id: int = Field(
        foreign_key="held_credentials.id", ondelete="CASCADE", index=True
    )
    module_code: str = Field(max_length=40)
    passed_on: date | None = None

    credential: HeldCredential = Relationship(back_populates="modules")


class Cycle(SQLModel, table=True):
    """One renewal period of a held credential, under the rule-set version it opened with."""

    __tablename__ = "cycles"

    id: int | None = Field(default=None, primary_key=True)
    held_credential_id: int = Field(
        foreign_key="held_credentials.id", ondelete="CASCADE", index=True
    )
    starts_on: date
    ends_on: date
    points_required: Decimal = Field(max_digits=8, decimal_places=2)
    ruleset_version: str = Field(max_length=20)
    status: CycleStatus = Field(default=CycleStatus.OPEN, sa_type=String(10))
    closed_on: date | None = None
    # Excess points the previous cycle passed on, where the rule set allows carry-over.
    carried_in: Decimal = Field(default=Decimal(0), max_digits=8, decimal_places=2)
    # A closed cycle's counted points on the day it closed (its CycleSnapshot holds the rest).
    counted_at_close: Decimal | None = Field(default=None, max_digits=10, decimal_places=2)
    # Steps to renew the person marked done in this cycle (tracker.dashboard.renewal_steps): the
    # day they last downloaded its report or proof packet, the day they checked the estimates.
    report_downloaded_on: date | None = None
    estimates_checked_on: date | None = None

    credential: HeldCredential = Relationship(back_populates="cycles")


class CycleSnapshot(SQLModel, table=True):
    """What a closed cycle's report is made from, as it stood on the day the cycle closed.

    Kept apart from `cycles`, which every page loads: a snapshot holds every activity.
    """

    __tablename__ = "cycle_snapshots"

    cycle_id: int = Field(foreign_key="cycles.id", ondelete="CASCADE", primary_key=True)
    modules: list[str] = Field(default_factory=list, sa_type=JSON)
    activities: list[dict] = Field(default_factory=list, sa_type=JSON)
    files: list[dict] = Field(default_factory=list, sa_type=JSON)
    taken_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


# How long an activity's texts may be: the columns, and every door's check
# (tracker.activities.validation).
TITLE_MAX_LENGTH = 200
PROVIDER_MAX_LENGTH = 200
NOTES_MAX_LENGTH = 5000


class Activity(SQLModel, table=True):
    """Something a person did that may earn points: a course, a job, a certification..."""

    __tablename__ = "activities"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    # One of tracker.rules.kinds; each held credential's rule set says where that kind counts.
    kind: str = Field(max_length=40)
    title: str = Field(max_length=TITLE_MAX_LENGTH)
    provider: str = Field(default="", max_length=PROVIDER_MAX_LENGTH)
    # Quantity kinds: the day it was completed. Periods (a job): the last day, or None while
    # still employed.
    completed_on: date | None = None
    started_on: date | None = None
    # In the kind's unit (hours, semester credit hours...); None for a period.
    quantity: Decimal | None = Field(default=None, max_digits=10, decimal_places=2)
    fraction: Decimal | None = Field(default=None, max_digits=3, decimal_places=2)
    description: str = Field(default="", sa_type=Text)
    # Skills of the person's credentials (CPT's key work activities...): each credential reads
    # the codes of its own rule set.
    tags: list[str] = Field(default_factory=list, sa_type=JSON)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Raised by every save: a save that started from an older version is refused.
    version: int = Field(default=1)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return versioned(cls)

    evidence: list["Evidence"] = owned_rows("activity", "Evidence.id")
    choices: list["CountingChoice"] = owned_rows("activity", "CountingChoice.id")


class CountingChoice(SQLModel, table=True):
    """What a person chose about one activity for one of their credentials: to leave it out
    (`excluded`), or to count it in another of that rule set's categories that take its kind.
    Without a row, an activity counts toward every credential whose rule set takes its kind,
    in the category the kind lands in by default."""

    __tablename__ = "counting_choices"
    __table_args__ = (UniqueConstraint("activity_id", "held_credential_id"),)

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activities.id", ondelete="CASCADE")  # first in the key
    held_credential_id: int = Field(
        foreign_key="held_credentials.id", ondelete="CASCADE", index=True
    )
    category: str | None = Field(default=None, max_length=40)  # None: where the kind lands
    excluded: bool = Field(default=False)

    activity: Activity = Relationship(back_populates="choices")


class Evidence(SQLModel, table=True):
    """A file that proves an activity, kept in the database so backups and servers share it."""

    __tablename__ = "evidence"

    id: int | None = Field(default=None, primary_key=True)
    activity_id: int = Field(foreign_key="activities.id", ondelete="CASCADE", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=50)
    size: int
    sha256: str = Field(max_length=64, index=True)
    data: bytes = Field(sa_type=LargeBinary)  # as it came (an iPhone's HEIC as JPEG)
    preview: bytes | None = Field(default=None, sa_type=LargeBinary)  # a small JPEG of an image
    uploaded_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)

    activity: Activity = Relationship(back_populates="evidence")


class ReminderNotice(SQLModel, table=True):
    """A reminder of a cycle that was dismissed on screen or sent by email (never twice)."""

    __tablename__ = "reminder_notices"
    __table_args__ = (UniqueConstraint("cycle_id", "code", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    cycle_id: int = Field(foreign_key="cycles.id", ondelete="CASCADE", index=True)
    code: str = Field(max_length=20)  # see tracker.rules.reminders
    kind: str = Field(max_length=10)  # "dismissed" or "emailed"
    at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)


class ChangeRecord(SQLModel, table=True):
    """One entry of a person's change history: who changed which object, when, and how.

    `object_id` is not a foreign key: the record outlives the object it tells about.
    `changes` is a list of {"field", "old", "new"}: field names and values in plain words
    (text, or null when there was none).
    """

    __tablename__ = "change_records"
    __table_args__ = (
        Index("ix_change_records_object", "user_id", "object_type", "object_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Indexed by ix_change_records_object, which starts with user_id.
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")
    at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
    action: str = Field(max_length=20)  # created, changed, deleted, restored, imported, renewed...
    object_type: str = Field(max_length=20)  # activity, credential, cycle, evidence
    object_id: int
    summary: str = Field(sa_type=Text)
    changes: list[dict] = Field(default_factory=list, sa_type=JSON)


class SavedRequest(SQLModel, table=True):
    """A request that saved something, kept for a day under the key its sender gave it (the
    API's Idempotency-Key, a web form's one-time submission id), so that the same request sent
    again is answered as the first was instead of saving twice (tracker.idempotency)."""

    __tablename__ = "saved_requests"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")  # first in the unique key
    key: str = Field(max_length=300)
    fingerprint: str = Field(max_length=64)  # SHA-256 of the method, path and body
    status: int = 0  # the answer's, written in the same commit as the change
    headers: dict = Field(default_factory=dict, sa_type=JSON)
    body: bytes = Field(default=b"", sa_type=LargeBinary)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow, index=True)
