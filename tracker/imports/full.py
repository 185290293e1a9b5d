"""Importing a full JSON export (tracker/reports/export.schema.json) into an empty account.

All or nothing: the document is checked whole (version, schema, rule sets) before anything
is added, and everything is added in one transaction. Ids in the document only show what
belongs to what; new rows get new ids. Proof files are not in an export (only their facts),
so they cannot come back; the summary says how many to upload again. The account's email
and password stay those of the account importing. The change history ("history", when an
export has it) is not imported: the account's own history starts with the import, with one
record for each activity (its values, as a new activity's record has them).
"""

import json
from datetime import date, datetime
from decimal import Decimal

from jsonschema import Draft202012Validator
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, func, select

from tracker import history
from tracker.activities import validation
from tracker.activities.services import facts_of
from tracker.credentials import snapshots
from tracker.display import count_of
from tracker.fields import is_storable
from tracker.models import Activity, Cycle, CycleStatus, HeldCredential, HeldModule, User
from tracker.reports.export import FORMAT_VERSION, SCHEMA_PATH
from tracker.rules.catalog import RuleSet, UnknownRuleSetError
from tracker.served_rulesets import catalog


class ExportRefused(ValueError):
    """The document cannot be imported; nothing was written."""


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


def check_document(document) -> list[RuleSet]:
    """Refuse a document Recert would not have written; the rule set each credential's
    activities are kept under (that of its latest cycle)."""
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
    exported_on = date.fromisoformat(document["exported_on"])
    current = []
    for credential in document["credentials"]:
        ruleset = _ruleset(credential["ruleset"], None)
        for cycle in credential["cycles"]:
            ruleset = _ruleset(credential["ruleset"], cycle["ruleset_version"])
            if cycle["status"] != CycleStatus.OPEN and cycle["closed_on"] is None:
                raise ExportRefused(f"The export file is damaged: the closed cycle from "
                                    f"{cycle['starts_on']} has no closing day.")
            kept = cycle.get("closing_snapshot")
            if kept and cycle["status"] != CycleStatus.OPEN:
                _check_activities(ruleset, kept["activities"], exported_on)
        _check_activities(ruleset, credential["activities"], exported_on)
        current.append(ruleset)
    # After the activities, whose own check names the text it refuses.
    if not all(is_storable(text) for text in _texts(document)):
        raise ExportRefused("The export file has invisible control characters in its text, "
                            "which Recert cannot keep. It was not made by Recert as it is.")
    return current


def _ruleset(code: str, version: str | None) -> RuleSet:
    try:
        return catalog().get(code, version)
    except UnknownRuleSetError:
        known = f"{code} version {version}" if version else code
        raise ExportRefused(f"This Recert does not know the rule set {known}.") from None


def _check_activities(ruleset: RuleSet, items: list[dict], exported_on: date) -> None:
    """Refuse activities Recert's own forms would never have saved: a crafted file must not
    put texts, amounts or dates in that its pages cannot show (checked as on the export day)."""
    ids = [item["id"] for item in items]
    if len(set(ids)) != len(ids):
        raise ExportRefused("The export file is damaged: two activities have the same id.")
    for item in items:
        problems = validation.problems(ruleset, _entered(item), exported_on)
        if problems:
            raise ExportRefused(f"The export file is damaged: activity {item['id']}: " + " ".join(
                f"{problem.field}: {problem.message}" for problem in problems))


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
    rulesets = check_document(document)
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
            for credential, ruleset, item in zip(credentials, rulesets, document["credentials"],
                                                 strict=True)
            for activity in _activities(user, credential, ruleset, item["activities"])
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


def _entered(item: dict) -> dict:
    """An exported activity as tracker.activities.validation reads one."""
    return {
        "category": item["category"], "title": item["title"], "provider": item["provider"],
        "completed_on": _day(item["completed_on"]), "started_on": _day(item["started_on"]),
        "quantity": _amount(item["quantity"]), "fraction": _amount(item["fraction"]),
        "description": item["description"], "tags": item["tags"],
    }


def _activities(user: User, credential: HeldCredential, ruleset: RuleSet,
                items: list[dict]) -> list[Activity]:
    return [
        Activity(
            user_id=user.id, held_credential_id=credential.id,
            **validation.model_values(ruleset, _entered(a)),
            created_at=_moment(a["created_at"]), updated_at=_moment(a["updated_at"]),
            deleted_at=_moment(a["deleted_at"]),
        )
        for a in items
    ]


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))


def _amount(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)
