"""Importing activities from a CSV: a preview first, then every new row in one transaction.

The file's columns are Recert's (the template's, the CSV export's) or those a matching chose
(tracker.imports.matching); the person may change the kind of some rows in the preview.

The rows become activities of the person, counted toward every credential that takes their
kind (tracker.imports.rows reads them). A preview costs the credential's ledger (cached, or
its statements), one statement for the person's activities (the duplicate check) and one
engine call for the credential's activities and the new ones together; the commit checks the
rows against the logged activities again, then adds the new ones with one bulk INSERT (their
choices with another, their history with a third) and one commit, whatever the size of the
file.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, insert, select

from tracker import history
from tracker.activities import validation
from tracker.activities.services import facts_of, held_of
from tracker.display import count_of
from tracker.imports import parsing
from tracker.imports.matching import Matching
from tracker.imports.parsing import CellProblem, FileProblem, RawRow
from tracker.imports.rows import ImportRow, Reading, duplicate_key, read_row
from tracker.ledger import engine_cycle, ledger_of, mark_activities_changed
from tracker.models import Activity, CountingChoice, Cycle, HeldCredential, User, utcnow
from tracker.rules import engine
from tracker.rules.catalog import RuleSet


class ImportFailed(RuntimeError):
    """Nothing was written: the file has problems, or the database refused the change."""


@dataclass
class Preview:
    rows: list[ImportRow] = field(default_factory=list)
    file_problem: str = ""
    held: list[tuple[int, RuleSet]] = field(default_factory=list)  # the person's credentials
    kinds: dict[int, str] = field(default_factory=dict)  # kinds chosen in the preview, by row

    @property
    def problems(self) -> list[CellProblem]:
        return [problem for row in self.rows for problem in row.problems]

    @property
    def new_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.values is not None and not row.duplicate]

    @property
    def duplicates(self) -> list[ImportRow]:
        return [row for row in self.rows if row.duplicate]

    @property
    def can_commit(self) -> bool:
        return not self.file_problem and not self.problems and bool(self.new_rows)


def preview(session: Session, credential: HeldCredential, cycle: Cycle, ruleset: RuleSet,
            data: bytes, today: date, day_first: bool = False, *,
            matching: Matching | None = None, kinds: dict[int, str] | None = None,
            points: bool = True) -> Preview:
    """Every row read and checked, duplicates marked, the new ones evaluated toward the
    credential with the rest (unless `points` is False: the confirm step re-checks the rows
    but shows no points). `kinds` are the kinds chosen in the preview, by row number."""
    try:
        raws = parsing.read_rows(data, None if matching is None else matching.columns)
    except FileProblem as problem:
        return Preview(file_problem=str(problem))
    user = session.get(User, credential.user_id)
    reading = Reading(credential.id, ruleset, held_of(session, user), today, day_first)
    rows = []
    for raw in raws:
        if matching is not None:
            matching.prepare(raw)
        row = read_row(raw, reading)
        wanted = (kinds or {}).get(raw.number)
        if wanted and (row.kind is None or row.kind.code != wanted):
            # A new kind counts where it fits: the row's category choice was for the old one.
            row = read_row(RawRow(raw.number, {**raw.cells, "Kind": wanted, "Category": ""}),
                           reading)
        if matching is not None:  # problems name the file's own columns
            row.problems = [replace(problem, column=matching.names.get(problem.column,
                                                                       problem.column))
                            for problem in row.problems]
        rows.append(row)
    logged = _logged_keys(session, credential.user_id)
    _mark_duplicates(rows, logged)
    full = validation.too_many_activities(len(logged) + len(Preview(rows).new_rows))
    if full:
        return Preview(file_problem=full)
    if points:
        _evaluate(session, rows, credential, cycle, ruleset, today)
    return Preview(rows, held=reading.held, kinds=kinds or {})


def _mark_duplicates(rows: list[ImportRow], logged: list) -> None:
    """Mark the rows that repeat a logged activity or an earlier row (afresh each time)."""
    seen = {duplicate_key(activity): activity.id for activity in logged}
    for row in rows:
        row.duplicate, row.same_as = "", None
        if row.values is None:
            continue
        key = duplicate_key(row.values)
        if key in seen:
            row.same_as = seen[key]
            row.duplicate = (f"Same as row {row.same_as.removeprefix('row-')} of this file."
                             if isinstance(row.same_as, str) else "Already logged.")
        else:
            seen[key] = row.row_id


def _evaluate(session, rows, credential, cycle, ruleset, today) -> None:
    """One engine call for the credential's ledger and the new rows that count toward it:
    points as they would be once saved."""
    ledger = ledger_of(session, credential, today, cycle)
    new = [row.engine_input() for row in rows if row.values is not None and not row.duplicate]
    inputs = [*ledger.activities, *(checked for checked in new if checked is not None)]
    progress = engine.evaluate(ruleset, engine_cycle(credential, cycle), inputs, today)
    results = {result.id: result for result in progress.activities}
    for row in rows:
        if row.values is not None:
            row.result = results.get(row.same_as or row.row_id)


def commit(session: Session, user: User, credential: HeldCredential, result: Preview) -> int:
    """Write every new row in one transaction, or nothing; returns how many were added.

    The rows are checked again against the logged activities first, in the same transaction:
    the same file confirmed twice (a double click, two tabs) adds its rows once. Rows found
    logged meanwhile are marked as duplicates in `result`.
    """
    if result.file_problem or result.problems:
        raise ImportFailed(result.file_problem or "The file has problems; nothing was added.")
    try:
        # The person's credentials get a new revision (a bulk insert passes by the flush
        # hook) first: this UPDATE locks their rows until the commit, so a second confirm
        # waits here, then finds the first one's rows below.
        mark_activities_changed(session, people={user.id})
        logged = _logged_keys(session, user.id)
        _mark_duplicates(result.rows, logged)
        full = validation.too_many_activities(len(logged) + len(result.new_rows))
        if full:
            session.rollback()
            raise ImportFailed(full)
        added = _insert(session, user, credential, result.new_rows, result.held)
        if added:
            session.commit()
        else:
            session.rollback()  # nothing to add: leave the credentials as they were
    except SQLAlchemyError as error:
        session.rollback()
        raise ImportFailed("We could not save the activities, and nothing was added. "
                           "Please try again.") from error
    return added


def _logged_keys(session: Session, user_id: int) -> list:
    """What the duplicate check compares, of each of the person's live activities."""
    return list(session.execute(
        select(Activity.id, Activity.completed_on, Activity.started_on, Activity.kind,
               Activity.title, Activity.quantity)
        .where(Activity.user_id == user_id, Activity.deleted_at.is_(None))
    ))


def _insert(session: Session, user: User, credential: HeldCredential, rows: list[ImportRow],
            held: list[tuple[int, RuleSet]]) -> int:
    """The rows, their choices and their history, in the session's transaction; returns how
    many."""
    if not rows:
        return 0
    # An ORM bulk insert (executemany) rather than add_all: building 10,000 SQLModel objects
    # and flushing them one by one takes many seconds; this takes a fraction of one.
    now = utcnow()
    activities = [
        {"user_id": user.id, "created_at": now, "updated_at": now, "deleted_at": None,
         **row.values}
        for row in rows
    ]
    # In the order of `activities`, to pair each id with its row's values.
    new_ids = session.scalars(
        insert(Activity).returning(Activity.id, sort_by_parameter_order=True), activities
    ).all()
    choices = [
        {"activity_id": new_id, "held_credential_id": choice.held_credential_id,
         "category": choice.category, "excluded": choice.excluded}
        for new_id, row in zip(new_ids, rows, strict=True) for choice in row.activity.choices
    ]
    if choices:
        session.execute(insert(CountingChoice), choices)
    history.record(session, user.id, history.IMPORTED, "credential", credential.id,
                   f"Imported {count_of(len(rows), 'activity', 'activities')} from a file")
    history.record_many(session, user.id, history.IMPORTED, "activity", "Imported from a file", {
        new_id: history.filled(facts_of(row.activity, held))
        for new_id, row in zip(new_ids, rows, strict=True)
    })
    return len(rows)


def added_sentence(added: int, skipped: int) -> str:
    """What a commit did, in one sentence."""
    if not added:
        return ("Nothing was added: every row is already logged "
                "(maybe this file was imported twice).")
    return (f"Added {count_of(added, 'activity', 'activities')}"
            + (f"; skipped {skipped} already logged." if skipped else "."))
