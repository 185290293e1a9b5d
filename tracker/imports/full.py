"""Importing a full JSON export (tracker/reports/export.schema.json) into an empty account.

All or nothing: the document is checked whole (version, schema, then its whole structure in
tracker.imports.full_checks: cycles, dates, every activity through the one activity check)
before anything is added, and everything is added in one transaction. Ids in the document
only show what belongs to what; new rows get new ids. Proof files are not in an export
(only their facts), so they cannot come back; the summary says how many to upload again. The
account's email and password stay those of the account importing. The change history
("history", when an export has it) is not imported: the account's own history starts with
the import, with one record for each activity (its values, as a new activity's record has
them).
"""

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import BinaryIO

from jsonschema import Draft202012Validator
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, func, select

from tracker import history
from tracker.activities import validation
from tracker.activities.services import facts_of
from tracker.clock import today
from tracker.credentials import snapshots
from tracker.display import count_of
from tracker.fields import is_storable
from tracker.imports.full_checks import Checked, ExportRefused, check_structure, entered, moment_of
from tracker.models import Activity, Cycle, CycleStatus, HeldCredential, HeldModule, User
from tracker.reports.export import FORMAT_VERSION, SCHEMA_PATH
from tracker.rules.catalog import RuleSet


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


def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
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


def check_document(document, today: date, now: datetime) -> Checked:
    """Refuse a document Recert would not have written (see tracker.imports.full_checks);
    the rule set each credential is kept under now, and that of each of its activities."""
    if not isinstance(document, dict) or "format_version" not in document:
        raise ExportRefused("This is not a Recert export file.")
    if document["format_version"] != FORMAT_VERSION:
        raise ExportRefused(
            f"This export has format version {document['format_version']}; this Recert reads "
            f"version {FORMAT_VERSION}. Export again from an up-to-date Recert."
        )
    error = next(iter(_validator().iter_errors(document)), None)
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "the document"
        raise ExportRefused(f"The export file is damaged at {where}: {error.message}")
    checked = check_structure(document, today, now)
    # After the activities, whose own check names the text it refuses.
    if not all(is_storable(text) for text in _texts(document)):
        raise ExportRefused("The export file has invisible control characters in its text, "
                            "which Recert cannot keep. It was not made by Recert as it is.")
    return checked


def import_full_export(session: Session, user: User, document) -> str:
    """Add the document's credentials, cycles and activities to an empty account.

    Returns a sentence saying what was added; raises ExportRefused when nothing was.
    """
    held = session.exec(
        select(func.count()).select_from(HeldCredential).where(HeldCredential.user_id == user.id)
    ).one()
    if held:
        raise ExportRefused("Your account already has credentials. An export can only go "
                            "into an empty account, so nothing is mixed up or doubled.")
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
        imported = [
            (credential, activity)
            for credential, rulesets, item in zip(credentials, checked.activities,
                                                  document["credentials"], strict=True)
            for activity in _activities(user, credential, rulesets, item["activities"])
        ]
        session.add_all([activity for _credential, activity in imported])
        session.flush()  # the activities' new ids
        for credential in credentials:
            history.record(session, user.id, history.IMPORTED, "credential", credential.id,
                           "Imported from a full export, with its cycles and activities")
        history.record_many(session, user.id, history.IMPORTED, "activity",
                            "Imported from your Recert export", {
                                activity.id: history.filled(facts_of(activity, credential))
                                for credential, activity in imported
                            })
        session.commit()
    except SQLAlchemyError as error:
        session.rollback()
        raise ExportRefused("We could not save the import, and nothing was added. "
                            "Please try again.") from error
    activities = sum(len(c["activities"]) for c in document["credentials"])
    files = sum(len(a["evidence"]) for c in document["credentials"] for a in c["activities"])
    summary = (f"Imported {count_of(len(credentials), 'credential', 'credentials')} and "
               f"{count_of(activities, 'activity', 'activities')}.")
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
              carried_in=Decimal(c.get("carried_in", "0")))
        for c in item["cycles"]
    ]
    return credential


def _activities(user: User, credential: HeldCredential, rulesets: list[RuleSet],
                items: list[dict]) -> list[Activity]:
    """The activities, each with the values its own rule set keeps (see full_checks)."""
    return [
        Activity(
            user_id=user.id, held_credential_id=credential.id,
            **validation.model_values(ruleset, entered(a)),
            created_at=_moment(a["created_at"]), updated_at=_moment(a["updated_at"]),
            deleted_at=_moment(a["deleted_at"]),
        )
        for ruleset, a in zip(rulesets, items, strict=True)
    ]


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _moment(value: str | None) -> datetime | None:
    return None if value is None else moment_of(value)
