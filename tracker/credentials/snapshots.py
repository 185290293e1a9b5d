"""A closed cycle's activities as they stood on the day it closed, so its report never changes.

A renewal is sent to the agency with the figures of that day. Editing, trashing or adding
activities later must not change the closed cycle's report, so closing keeps a copy of what
the report is made from (each activity's fields, its files' facts, the modules held), and
the closed cycle's ledger is evaluated from that copy under the cycle's own rule-set version.
Cycles closed before snapshots existed have none and are evaluated from the live activities.
"""

from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import String
from sqlalchemy import column as sa_column
from sqlmodel import Session, select

from tracker.ledger import EVIDENCE_FACTS, Ledger, engine_cycle, evaluated, ledger_of
from tracker.models import Activity, Cycle, CycleSnapshot, CycleStatus, HeldCredential
from tracker.served_rulesets import ruleset_of

# An activity as the cycle counted it: its columns, with its amount in the category's unit,
# and the category it counted in (snapshots taken before activities had kinds have no kind).
ACTIVITY_COLUMNS = [*Activity.__table__.columns, sa_column("category", String)]
FILE_COLUMNS = [column.expression for column in EVIDENCE_FACTS]
# What a full export carries of a snapshot: what its report is made from (and each activity's
# kind, kept by snapshots taken since activities have kinds: EXPORTED_KIND).
EXPORTED_ACTIVITY_FIELDS = ("id", "category", "title", "provider", "completed_on", "started_on",
                            "quantity", "fraction", "description", "tags")
EXPORTED_KIND = "kind"
EXPORTED_FILE_FIELDS = ("id", "activity_id", "filename", "content_type", "size", "sha256")


def _to_json(value):
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if isinstance(value, date) else value  # datetimes are dates too


def _from_json(column, value):
    """The value as the column's own Python type (dates, moments, amounts come back as text)."""
    if value is None:
        return None
    kind = column.type.python_type
    if kind in (date, datetime):
        return kind.fromisoformat(value)
    return Decimal(value) if kind is Decimal else value


def _row(columns, item: dict) -> SimpleNamespace:
    return SimpleNamespace(**{c.name: _from_json(c, item.get(c.name)) for c in columns})


def take(cycle: Cycle, credential: HeldCredential, ledger: Ledger) -> CycleSnapshot:
    """The copy of `ledger` (the cycle evaluated on its closing day) that the cycle keeps;
    the cycle's counted_at_close is set from it, so the dashboard need not read the copy."""
    cycle.counted_at_close = ledger.progress.counted
    return CycleSnapshot(
        cycle_id=cycle.id,
        modules=sorted(credential.module_codes),
        activities=[{c.name: _to_json(getattr(a, c.name)) for c in ACTIVITY_COLUMNS}
                    for a in ledger.activities],
        files=[{c.name: _to_json(getattr(f, c.name)) for c in FILE_COLUMNS}
               for files in ledger.files.values() for f in files],
    )


def _frozen_ledger(snapshot: CycleSnapshot, credential: HeldCredential, cycle: Cycle) -> Ledger:
    activities = tuple(_row(ACTIVITY_COLUMNS, item) for item in snapshot.activities)
    files: dict[int, list] = {}
    for item in snapshot.files:
        facts = _row(FILE_COLUMNS, item)
        files.setdefault(facts.activity_id, []).append(facts)
    held_then = replace(engine_cycle(credential, cycle), modules=frozenset(snapshot.modules))
    return evaluated(ruleset_of(credential, cycle), held_then, activities, files, cycle.closed_on)


def evaluated_on(cycle: Cycle, today: date) -> date:
    """A closed cycle keeps the figures of the day it closed; an open one is seen today."""
    return cycle.closed_on or today


def cycle_ledger(session: Session, credential: HeldCredential, cycle: Cycle,
                 today: date) -> Ledger:
    """The cycle's ledger: a closed cycle's as on its closing day, an open one's as `today`."""
    if cycle.status != CycleStatus.OPEN:
        snapshot = session.get(CycleSnapshot, cycle.id)
        if snapshot is not None:
            return _frozen_ledger(snapshot, credential, cycle)
    return ledger_of(session, credential, evaluated_on(cycle, today), cycle)


def snapshots_of(session: Session, cycles: list[Cycle]) -> dict[int, CycleSnapshot]:
    """The snapshots of the closed ones among `cycles`: one statement, none if none closed."""
    closed = [c.id for c in cycles if c.status != CycleStatus.OPEN]
    if not closed:
        return {}
    found = session.exec(select(CycleSnapshot).where(CycleSnapshot.cycle_id.in_(closed)))
    return {snapshot.cycle_id: snapshot for snapshot in found}


def exported(cycle: Cycle, snapshot: CycleSnapshot | None) -> dict | None:
    """A snapshot as the full export writes it (tracker/reports/export.schema.json)."""
    if snapshot is None:
        return None
    counted = cycle.counted_at_close
    return {
        "counted": None if counted is None else _to_json(counted),
        "modules": list(snapshot.modules),
        "activities": [{name: item.get(name) for name in EXPORTED_ACTIVITY_FIELDS}
                       | ({EXPORTED_KIND: item[EXPORTED_KIND]} if item.get(EXPORTED_KIND) else {})
                       for item in snapshot.activities],
        "files": [{name: item.get(name) for name in EXPORTED_FILE_FIELDS}
                  for item in snapshot.files],
    }


def imported(credential: HeldCredential, cycle: Cycle, item: dict) -> CycleSnapshot:
    """A snapshot from a full export (its activities checked as the forms check them), for
    the new closed `cycle`. Its counted points are worked out again, not taken from the file."""
    snapshot = CycleSnapshot(cycle_id=cycle.id, modules=item["modules"],
                             activities=item["activities"], files=item["files"])
    cycle.counted_at_close = _frozen_ledger(snapshot, credential, cycle).progress.counted
    return snapshot
