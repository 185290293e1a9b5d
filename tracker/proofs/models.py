"""Tables of files that are not an activity's proof yet: a form's pending uploads and the
drafts of the proof inbox. Both belong to a person and go with their account."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, LargeBinary
from sqlmodel import Field, SQLModel

from tracker.models import PROVIDER_MAX_LENGTH, TITLE_MAX_LENGTH, UTCDateTime, utcnow


class PendingUpload(SQLModel, table=True):
    """A checked file a form sent that was not saved yet (the form came back with an error or a
    warning, or the file was read for a new activity). Kept for an hour, so nobody chooses it
    again; attached to the activity when the form is saved."""

    __tablename__ = "pending_uploads"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=50)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=LargeBinary)
    preview: bytes | None = Field(default=None, sa_type=LargeBinary)  # a small JPEG of an image
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow, index=True)


class Draft(SQLModel, table=True):
    """A file of the proof inbox with what was read from it: not an activity and counted
    nowhere until the person saves it as one (or discards it)."""

    __tablename__ = "drafts"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    kind: str | None = Field(default=None, max_length=40)
    title: str = Field(default="", max_length=TITLE_MAX_LENGTH)
    provider: str = Field(default="", max_length=PROVIDER_MAX_LENGTH)
    completed_on: date | None = None
    started_on: date | None = None
    quantity: Decimal | None = Field(default=None, max_digits=10, decimal_places=2)
    # How it was read: "pdf-text", "ocr" or "none"; None while not read yet.
    source: str | None = Field(default=None, max_length=10)
    read_fields: list[str] = Field(default_factory=list, sa_type=JSON)  # the fields read
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=50)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_type=LargeBinary)
    preview: bytes | None = Field(default=None, sa_type=LargeBinary)
    created_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
