"""Importing a full JSON export (tracker/reports/export.schema.json) into an empty account.

All or nothing: the document is checked whole (version, schema, then its whole structure in
tracker.imports.full_checks: cycles, dates; and in tracker.imports.full_activities every
activity through the one activity check) before anything is added, and everything is added in
one transaction. Both format versions are read: 2, the current one, and 1, whose activities
belonged to one credential each (they become the person's, counted as they were). Ids in the
document only show what belongs to what; new rows get new ids. Proof files are not in an export
(only their facts), so they cannot come back; the summary says how many to upload again. The
account's email and password stay those of the account importing. The change history
("history", when an export has it) is not imported: the account's own history starts with
the import, with one record for each activity (its values, as a new activity's record has
them).
"""

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import BinaryIO

from jsonschema import Draft202012Validator
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, func, select

from tracker import history
from tracker.activities.services import choose_counting, facts_of
from tracker.clock import today
from tracker.credentials import snapshots
from tracker.display import count_of
from tracker.fields import is_storable
from tracker.imports.full_activities import Planned, check_activities
from tracker.imports.full_checks import ExportRefused, check_structure, moment_of, refuse
from tracker.models import Activity, Cycle, CycleStatus, HeldCredential, HeldModule, User
from tracker.reports.export import FORMAT_VERSION, SCHEMA_PATH

# The schema of each format version this Recert reads.
SCHEMAS = {FORMAT_VERSION: SCHEMA_PATH, 1: Path(__file__).with_name("export-v1.schema.json")}


def too_big(limit: int) -> str:
    return (f"The file is larger than {limit // (1024 * 1024)} MB, the most Recert takes. "
            "Nothing was imported. Ask the person who runs Recert to raise the limit.")


def read_document(stream: BinaryIO, limit: int):
    """The JSON document of an uploaded export, read from its stream (Werkzeug keeps a large
    upload in a temporary file, not in memory) and never more than `limit` bytes of it:
    ExportRefused when the file is larger, or is not JSON. Memory stays a small multiple of
    the file, which the limit bounds (see tracker.config: MAX_IMPORT_BYTES)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise ExportRefused(too_big(limit))
    try:
        return json.loads(data)  # UTF-8 (or -16, -32) is found out from the bytes
    except ValueError as error:  # not JSON, or not text (UnicodeDecodeError)
        raise ExportRefused(
            "This is not a Recert export file (it is not JSON we can read).") from error


@cache
def _validator(version: int) -> Draft202012Validator:
    schema = json.loads(SCHEMAS[version].read_text())
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _texts(value):
    """Every string in a JSON document, keys too."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


@dataclass(frozen=True)
class Checked:
    """What the import adds of a checked document: the rule set each credential is kept under
    now, and the activities (with their choices by the credential's place)."""

    current: list
    activities: list[Planned]


def check_document(document, today: date, now: datetime) -> Checked:
    """Refuse a document Recert would not have written (see tracker.imports.full_checks and
    tracker.imports.full_activities); what to add of it."""
    if not isinstance(document, dict) or "format_version" not in document:
        raise ExportRefused("This is not a Recert export file.")
    version = document["format_version"]
    if type(version) is not int or version not in SCHEMAS:
        readable = " and ".join(str(v) for v in sorted(SCHEMAS))
        raise ExportRefused(
            f"This export has format version {version}; this Recert reads versions "
            f"{readable}. Export again from an up-to-date Recert."
        )
    error = next(iter(_validator(version).iter_errors(document)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the document"
        raise ExportRefused(f"The export file is damaged at {where}: {error.message}")
    structure = check_structure(document, today, now)
    planned, found = check_activities(document, structure, now)
    refuse(structure.problems + found)
    # After the activities, whose own check names the text it refuses.
    if not all(is_storable(text) for text in _texts(document)):
        raise ExportRefused("The export file has invisible control characters in its text, "
                            "which Recert cannot keep. It was not made by Recert as it is.")
    return Checked(structure.current, planned)


def import_full_export(session: Session, user: User, document) -> str:
    """Add the document's credentials, cycles and activities to an empty account.

    Returns a sentence saying what was added; raises ExportRefused when nothing was.
    """
    # Activities outlive the credentials they counted toward: an account is empty without
    # either.
    already = any(session.exec(select(func.count()).select_from(model)
                               .where(model.user_id == user.id)).one()
                  for model in (HeldCredential, Activity))
    if already:
        raise ExportRefused("Your account already has credentials or activities. An export "
                            "can only go into an empty account, so nothing is mixed up or "
                            "doubled.")
    checked = check_document(document, today(), datetime.now(UTC))
    credentials = [_credential(user, item) for item in document["credentials"]]
    user.display_name = document["account"]["display_name"] or user.display_name
    session.add(user)
    session.add_all(credentials)
    try:
        session.flush()  # the credentials' and cycles' new ids, in the same transaction
        session.add_all([
            snapshots.imported(credential, cycle, cycle_item["closing_snapshot"])
            for credential, item in zip(credentials, document["credentials"], strict=True)
            for cycle, cycle_item in zip(credential.cycles, item["cycles"], strict=True)
            if cycle.status != CycleStatus.OPEN and cycle_item.get("closing_snapshot")
        ])
        held = [(credential.id, ruleset)
                for credential, ruleset in zip(credentials, checked.current, strict=True)]
        activities = [_activity(user, credentials, planned) for planned in checked.activities]
        session.add_all(activities)
        session.flush()  # the activities' new ids
        for credential in credentials:
            history.record(session, user.id, history.IMPORTED, "credential", credential.id,
                           "Imported from a full export, with its cycles and activities")
        history.record_many(session, user.id, history.IMPORTED, "activity",
                            "Imported from your Recert export", {
                                activity.id: history.filled(facts_of(activity, held))
                                for activity in activities
                            })
        session.commit()
    except SQLAlchemyError as error:
        session.rollback()
        raise ExportRefused("We could not save the import, and nothing was added. "
                            "Please try again.") from error
    files = sum(len(planned.item["evidence"]) for planned in checked.activities)
    summary = (f"Imported {count_of(len(credentials), 'credential', 'credentials')} and "
               f"{count_of(len(activities), 'activity', 'activities')}.")
    if files:
        summary += (f" The export lists {count_of(files, 'proof file', 'proof files')} but does "
                    "not contain them: upload them again on each activity.")
    return summary


def _credential(user: User, item: dict) -> HeldCredential:
    credential = HeldCredential(
        user_id=user.id, ruleset_code=item["ruleset"],
        certificate_number=item["certificate_number"],
        certified_on=_day(item["certified_on"]), created_at=_moment(item["created_at"]),
    )
    credential.modules = [HeldModule(module_code=m["code"], passed_on=_day(m["passed_on"]))
                          for m in item["modules"]]
    credential.cycles = [
        Cycle(starts_on=_day(c["starts_on"]), ends_on=_day(c["ends_on"]),
              points_required=Decimal(c["points_required"]),
              ruleset_version=c["ruleset_version"], status=CycleStatus(c["status"]),
              closed_on=_day(c["closed_on"]),
              carried_in=Decimal(c.get("carried_in", "0")),
              report_downloaded_on=_day(c.get("report_downloaded_on")),
              estimates_checked_on=_day(c.get("estimates_checked_on")))
        for c in item["cycles"]
    ]
    return credential


def _activity(user: User, credentials: list[HeldCredential], planned: Planned) -> Activity:
    """A checked activity of the person, with its choices for the new credentials."""
    item = planned.item
    activity = Activity(
        user_id=user.id, **planned.values, created_at=_moment(item["created_at"]),
        updated_at=_moment(item["updated_at"]), deleted_at=_moment(item["deleted_at"]))
    choose_counting(activity, {credentials[place].id: choice
                               for place, choice in planned.counting.items()})
    return activity


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _moment(value: str | None) -> datetime | None:
    return None if value is None else moment_of(value)
