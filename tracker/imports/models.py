"""How a person's spreadsheet columns were matched to Recert's fields, kept for the next file
with the same headers."""

from datetime import datetime

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from tracker.models import UTCDateTime, utcnow


class ColumnMatching(SQLModel, table=True):
    __tablename__ = "column_matchings"
    __table_args__ = (UniqueConstraint("user_id", "headers_key"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE")  # first in the unique key
    headers_key: str = Field(max_length=64)  # SHA-256 of the file's headers, as read
    # Recert's field -> the file's header (or None), plus the defaults chosen for the file.
    matching: dict = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = Field(sa_type=UTCDateTime, default_factory=utcnow)
