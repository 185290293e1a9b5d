"""Everything a person has in Recert as one JSON-ready document (see export.schema.json).

Dates are ISO text, timestamps ISO 8601 in UTC, amounts decimal text. The "id" fields show
what refers to what; nothing else depends on them. Activities are the person's, each with
its choices of where it counts by credential id. Evidence comes as metadata only: the files'
bytes are never read; so do the drafts of the proof inbox, with what was read from each file.
The change history comes last, oldest first. A fixed number of
statements, however much data there is.
"""

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlmodel import Session, select

from tracker import history
from tracker.credentials import snapshots
from tracker.credentials.services import credentials_of
from tracker.ledger import EVIDENCE_FACTS, ledgers_of
from tracker.models import (
    Activity,
    ChangeRecord,
    CountingChoice,
    Cycle,
    CycleSnapshot,
    Evidence,
    HeldCredential,
    User,
)
from tracker.proofs.models import Draft
from tracker.rules.cases import progress_to_json

# 2: activities belong to the person (a kind each, and where it counts by credential); 1 had
# them under each credential, in one of its categories (tracker.imports.legacy reads it).
FORMAT_VERSION = 2
SCHEMA_PATH = Path(__file__).with_name("export.schema.json")


def full_export(session: Session, user: User, today: date) -> dict[str, Any]:
    """The account, credentials, cycles, activities (trash too), evidence facts and history."""
    credentials = credentials_of(session, user)
    progress = {
        credential.current_cycle.id: progress_to_json(ledger.progress)
        for credential, ledger in zip(
            credentials, ledgers_of(session, credentials, today), strict=True
        )
    }
    kept = snapshots.snapshots_of(session, [cycle for c in credentials for cycle in c.cycles])
    return {
        "format_version": FORMAT_VERSION,
        "exported_on": today.isoformat(),
        "account": {
            "id": user.id,
            "email": user.email,
            "display_name": user.display_name,
            "created_at": _moment(user.created_at),
        },
        "credentials": [_credential(c, progress, kept) for c in credentials],
        "activities": _activities(session, user),
        "drafts": _drafts(session, user),
        "history": [_change(record) for record in history.all_of(session, user)],
    }


def _activities(session: Session, user: User) -> list[dict]:
    """Live and trashed activities with their choices and files' metadata: two statements
    (one of them a row per file)."""
    counting: dict[int, list[dict]] = {}
    for choice in session.execute(
        select(CountingChoice.activity_id, CountingChoice.held_credential_id,
               CountingChoice.category, CountingChoice.excluded)
        .join(Activity).where(Activity.user_id == user.id)
        .order_by(CountingChoice.activity_id, CountingChoice.held_credential_id)
    ):
        counting.setdefault(choice.activity_id, []).append({
            "credential_id": choice.held_credential_id, "category": choice.category,
            "excluded": choice.excluded})
    file_facts = [column.label(f"file_{column.key}") for column in EVIDENCE_FACTS]
    rows = session.execute(
        select(*Activity.__table__.columns, *file_facts)
        .outerjoin(Evidence, Evidence.activity_id == Activity.id)
        .where(Activity.user_id == user.id)
        .order_by(Activity.id, Evidence.id)
    )
    activities: list[dict] = []
    for row in rows:
        if not activities or activities[-1]["id"] != row.id:
            activities.append(_activity(row, counting.get(row.id, [])))
        if row.file_id is not None:
            activities[-1]["evidence"].append(_evidence(_FileFacts(row)))
    return activities


def _drafts(session: Session, user: User) -> list[dict]:
    """The proof inbox's drafts, oldest first: what was read, and their files' metadata (one
    statement, which reads no file's bytes)."""
    rows = session.execute(
        select(Draft.id, Draft.kind, Draft.title, Draft.provider, Draft.completed_on,
               Draft.started_on, Draft.quantity, Draft.source, Draft.read_fields,
               Draft.filename, Draft.content_type, Draft.size, Draft.sha256, Draft.created_at)
        .where(Draft.user_id == user.id).order_by(Draft.id)
    )
    return [{
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "provider": row.provider,
        "completed_on": _day(row.completed_on),
        "started_on": _day(row.started_on),
        "quantity": _amount(row.quantity),
        "source": row.source,
        "read_fields": list(row.read_fields or []),
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "sha256": row.sha256,
        "created_at": _moment(row.created_at),
    } for row in rows]


class _FileFacts:
    """An evidence file's facts from a joined row's `file_...` columns."""

    def __init__(self, row) -> None:
        self._row = row

    def __getattr__(self, name: str):
        return getattr(self._row, f"file_{name}")


def _credential(credential: HeldCredential, progress: dict[int, dict],
                kept: dict[int, CycleSnapshot]) -> dict[str, Any]:
    return {
        "id": credential.id,
        "ruleset": credential.ruleset_code,
        "certificate_number": credential.certificate_number,
        "certified_on": _day(credential.certified_on),
        "created_at": _moment(credential.created_at),
        "modules": [
            {"code": m.module_code, "passed_on": _day(m.passed_on)} for m in credential.modules
        ],
        "cycles": [_cycle(cycle, progress.get(cycle.id), kept.get(cycle.id))
                   for cycle in credential.cycles],
    }


def _cycle(cycle: Cycle, progress: dict | None, kept: CycleSnapshot | None) -> dict[str, Any]:
    return {
        "id": cycle.id,
        "starts_on": _day(cycle.starts_on),
        "ends_on": _day(cycle.ends_on),
        "points_required": _amount(cycle.points_required),
        "ruleset_version": cycle.ruleset_version,
        "status": str(cycle.status),
        "closed_on": _day(cycle.closed_on),
        "carried_in": _amount(cycle.carried_in),
        "report_downloaded_on": _day(cycle.report_downloaded_on),
        "estimates_checked_on": _day(cycle.estimates_checked_on),
        "closing_snapshot": snapshots.exported(cycle, kept),
        "progress": progress,
    }


def _activity(row, counting: list[dict]) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "provider": row.provider,
        "completed_on": _day(row.completed_on),
        "started_on": _day(row.started_on),
        "quantity": _amount(row.quantity),
        "fraction": _amount(row.fraction),
        "description": row.description,
        "tags": list(row.tags or []),
        "counting": counting,
        "created_at": _moment(row.created_at),
        "updated_at": _moment(row.updated_at),
        "deleted_at": _moment(row.deleted_at),
        "in_trash": row.deleted_at is not None,
        "evidence": [],
    }


def _evidence(item) -> dict[str, Any]:
    return {
        "id": item.id,
        "filename": item.filename,
        "content_type": item.content_type,
        "size": item.size,
        "sha256": item.sha256,
        "uploaded_at": _moment(item.uploaded_at),
    }


def _change(record: ChangeRecord) -> dict[str, Any]:
    return {
        "at": _moment(record.at),
        "action": record.action,
        "object_type": record.object_type,
        "object_id": record.object_id,
        "summary": record.summary,
        "changes": [
            {"field": c["field"], "old": c.get("old"), "new": c.get("new")}
            for c in record.changes or []
        ],
    }


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _moment(value: datetime | None) -> str | None:
    """ISO 8601 in UTC (the zone that tracker.models.UTCDateTime reads timestamps in)."""
    return None if value is None else value.isoformat()


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")
