"""The change history: who changed which object, when, and which fields from what to what.

A service records a change with `record(...)` before it commits, in the same session, so the
record and the change are kept (or lost) together. Field names and values are stored in plain
words, as people read them on the activity page, the account's log and in the JSON export.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert
from sqlmodel import Session, select

from tracker.models import ChangeRecord, User, utcnow

PER_PAGE = 50

CREATED = "created"
CHANGED = "changed"
DELETED = "deleted"
TRASHED = "trashed"
RESTORED = "restored"
IMPORTED = "imported"
RENEWED = "renewed"

# What each action is called on screen.
ACTION_WORDS = {
    CREATED: "Added",
    CHANGED: "Changed",
    DELETED: "Deleted",
    TRASHED: "Moved to the trash",
    RESTORED: "Restored",
    IMPORTED: "Imported",
    RENEWED: "Renewed",
}

# The fields of each kind of object, by the names people know them by.
ACTIVITY_FIELDS = {
    "kind": "Kind of activity",
    "title": "Title",
    "provider": "Provider",
    "started_on": "Date started",
    "completed_on": "Date completed",
    "quantity": "Quantity",
    "fraction": "Share of full time",
    "description": "Notes",
    "tags": "Skills",
}
CREDENTIAL_FIELDS = {
    "certified_on": "Date certified",
    "certificate_number": "Certificate number",
}
CYCLE_FIELDS = {
    "starts_on": "Cycle starts",
    "ends_on": "Cycle ends",
    "points_required": "Points required",
    "ruleset_version": "Rules version",
    "status": "Status",
    "closed_on": "Closed on",
}


def plain(value: Any) -> str | None:
    """A value as text people read: ISO dates, decimals without trailing zeros, lists joined."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    if isinstance(value, (list, tuple, set, frozenset)):
        return "; ".join(str(plain(item)) for item in value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


Sayers = Mapping[str, Callable[[Any], Any]]


def snapshot(obj: Any, fields: Mapping[str, str], say: Sayers | None = None) -> dict[str, Any]:
    """The object's fields as plain text, by their people's names (`say` turns codes into names)."""
    say = say or {}
    taken = {}
    for name, label in fields.items():
        value = getattr(obj, name)
        taken[label] = plain(say[name](value) if name in say else value)
    return taken


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """[{field, old, new}] for each field whose text differs, in the order of `after`."""
    return [
        {"field": field, "old": before.get(field), "new": new}
        for field, new in after.items()
        if before.get(field) != new
    ]


def filled(after: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The changes of a new object: every field that has a value, from nothing."""
    return [{"field": f, "old": None, "new": new} for f, new in after.items() if new is not None]


def record(session: Session, user_id: int, action: str, object_type: str, object_id: int,
           summary: str, changes: Iterable[Mapping[str, Any]] = ()) -> ChangeRecord:
    """Add a record to the session: it is committed (or rolled back) with the change itself.

    A new object needs its id first: call `session.flush()` before recording its creation.
    """
    entry = ChangeRecord(
        user_id=user_id, action=action, object_type=object_type, object_id=object_id,
        summary=summary, changes=_stored(changes),
    )
    session.add(entry)
    return entry


def _stored(changes: Iterable[Mapping[str, Any]]) -> list[dict[str, str | None]]:
    return [{"field": str(c["field"]), "old": plain(c.get("old")), "new": plain(c.get("new"))}
            for c in changes]


def record_many(session: Session, user_id: int, action: str, object_type: str, summary: str,
                changes_of: Mapping[int, Iterable[Mapping[str, Any]]]) -> None:
    """A record for each of many objects (by id, with its own changes), as one bulk insert
    (an import of 10,000 rows)."""
    at = utcnow()
    rows = [{"user_id": user_id, "at": at, "action": action, "object_type": object_type,
             "object_id": object_id, "summary": summary, "changes": _stored(changes)}
            for object_id, changes in changes_of.items()]
    if rows:
        session.execute(insert(ChangeRecord), rows)


def history_of(session: Session, user: User, object_type: str,
               object_id: int) -> list[ChangeRecord]:
    """The user's records about one object, newest first."""
    return list(session.exec(
        select(ChangeRecord)
        .where(ChangeRecord.user_id == user.id, ChangeRecord.object_type == object_type,
               ChangeRecord.object_id == object_id)
        .order_by(ChangeRecord.at.desc(), ChangeRecord.id.desc())
    ))


@dataclass(frozen=True)
class LogPage:
    records: list[ChangeRecord]
    page: int
    pages: int
    total: int


def log_of(session: Session, user: User, page: int = 1) -> LogPage:
    """One page of the user's records, newest first; a page out of range gives the nearest.

    An import shows as its one summary: the same note on each imported activity (kept for the
    activity's own history) would bury everything else under thousands of lines.
    """
    shown = (ChangeRecord.user_id == user.id,
             ~((ChangeRecord.action == IMPORTED) & (ChangeRecord.object_type == "activity")))
    total = session.exec(select(func.count()).select_from(ChangeRecord).where(*shown)).one()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    records = list(session.exec(
        select(ChangeRecord)
        .where(*shown)
        .order_by(ChangeRecord.at.desc(), ChangeRecord.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ))
    return LogPage(records, page, pages, total)


def all_of(session: Session, user: User) -> list[ChangeRecord]:
    """Every record of the user, oldest first (for the JSON export)."""
    return list(session.exec(
        select(ChangeRecord).where(ChangeRecord.user_id == user.id)
        .order_by(ChangeRecord.at, ChangeRecord.id)
    ))
