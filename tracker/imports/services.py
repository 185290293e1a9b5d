"""Importing activities from a CSV: a preview first, then every new row in one transaction.

A preview costs two statements (the credential's activities, and which of them have files)
and one engine call for the existing activities and the new ones together; the commit checks
the rows against the logged activities again, then adds the new ones with one bulk INSERT
(and their history with another) and one commit, whatever the size of the file.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from types import SimpleNamespace

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, insert, select

from tracker import history
from tracker.activities import validation
from tracker.activities.services import facts_of
from tracker.display import count_of
from tracker.imports import parsing
from tracker.imports.parsing import CellProblem, FileProblem, RawRow
from tracker.ledger import engine_cycle, engine_input, mark_activities_changed
from tracker.models import Activity, Cycle, Evidence, HeldCredential, User, utcnow
from tracker.rules import engine
from tracker.rules.catalog import RuleSet

# The column each field is read from, to name it in a problem.
COLUMN_OF = {"category": "Category", "title": "Title", "provider": "Provider",
             "completed_on": "Date completed", "started_on": "Start date",
             "quantity": "Quantity", "fraction": "Full-time fraction", "description": "Notes",
             "tags": "Skills"}


NEW_ROWS_ORDER = 2**40


class ImportFailed(RuntimeError):
    """Nothing was written: the file has problems, or the database refused the change."""


@dataclass
class ImportRow:
    number: int
    values: dict | None  # the Activity fields, or None when the row has problems
    problems: list[CellProblem]
    duplicate: str = ""  # "" or why it is skipped
    same_as: int | str | None = None  # a duplicate's logged activity (id) or row ("row-N")
    checked: engine.ActivityInput | None = None  # the row as the engine sees it
    # The engine's result: for a new row as it would be once saved, for a duplicate that of
    # the activity (or row) it repeats.
    result: engine.ActivityResult | None = None

    @cached_property
    def activity(self) -> SimpleNamespace:
        """The row's values as attributes, as display's helpers read an activity."""
        return SimpleNamespace(**self.values)


@dataclass
class Preview:
    rows: list[ImportRow] = field(default_factory=list)
    file_problem: str = ""

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


def skill_codes(ruleset: RuleSet) -> dict[str, str]:
    """Each skill's code, by its code or its name in lower case."""
    known = {}
    for code, name in ruleset.skills.items():
        known[code.casefold()] = code
        known[name.casefold()] = code
    return known


def read_row(raw: RawRow, ruleset: RuleSet, today: date, day_first: bool,
             skills: dict[str, str]) -> ImportRow:
    """The activity a row describes, checked as every door checks one (values None on
    problems). Only the cells its category uses are read."""
    category = ruleset.category(raw.text("Category")) or _category_by_name(ruleset, raw)
    entered = {
        "category": category.code if category else raw.text("Category"),
        "title": raw.text("Title"), "provider": raw.text("Provider"),
        "description": raw.text("Notes"), "tags": _tags(raw, skills),
        "completed_on": parsing.read_date(raw, "Date completed", day_first),
    }
    if category is not None and category.is_period:
        entered["still_employed"] = parsing.read_yes_no(raw, "Still employed")
        entered["started_on"] = parsing.read_date(raw, "Start date", day_first)
        entered["fraction"] = parsing.read_number(raw, "Full-time fraction")
    else:
        entered["quantity"] = parsing.read_number(raw, "Quantity")
    for problem in validation.problems(ruleset, entered, today):
        column = COLUMN_OF[problem.field]
        if not any(p.column == column for p in raw.problems):  # a cell not read says so
            raw.problem(column, problem.message)
    if raw.problems:
        return ImportRow(raw.number, None, raw.problems)
    values = validation.model_values(ruleset, entered)
    # Ordered after every saved activity (whose order is its id), as it would be once saved.
    checked = _input(values, f"row-{raw.number}", NEW_ROWS_ORDER + raw.number)
    return ImportRow(raw.number, values, raw.problems, checked=checked)


def _category_by_name(ruleset: RuleSet, raw: RawRow):
    wanted = raw.text("Category").casefold()
    return next((c for c in ruleset.categories
                 if wanted in (c.code.casefold(), c.name.casefold())), None)


def _tags(raw: RawRow, known: dict[str, str]) -> list[str]:
    """Skills by code or name; any other is kept as written, for the check to name."""
    return [known.get(item.casefold(), item) for item in parsing.read_list(raw, "Skills")]


def _input(values: dict, row_id: str, order: int) -> engine.ActivityInput:
    return engine.ActivityInput(
        id=row_id, category=values["category"], completed_on=values["completed_on"],
        quantity=values["quantity"], started_on=values["started_on"],
        fraction=values["fraction"], order=order,
    )


def duplicate_key(values) -> tuple:
    """Same date(s), category, title and quantity: the same activity."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    quantity = get("quantity")
    return (get("completed_on"), get("started_on"), get("category"), get("title"),
            None if quantity is None else Decimal(quantity).normalize())


def preview(session: Session, credential: HeldCredential, cycle: Cycle, ruleset: RuleSet,
            data: bytes, today: date, day_first: bool = False, *, points: bool = True
            ) -> Preview:
    """Every row read and checked, duplicates marked, the new ones evaluated with the rest
    (unless `points` is False: the confirm step re-checks the rows but shows no points)."""
    try:
        raws = parsing.read_rows(data)
    except FileProblem as problem:
        return Preview(file_problem=str(problem))
    skills = skill_codes(ruleset)
    rows = [read_row(raw, ruleset, today, day_first, skills) for raw in raws]
    existing = list(session.execute(
        select(*Activity.__table__.columns)
        .where(Activity.held_credential_id == credential.id, Activity.deleted_at.is_(None))
        .order_by(Activity.id)
    ))
    _mark_duplicates(rows, existing)
    full = validation.too_many_activities(len(existing) + len(Preview(rows).new_rows))
    if full:
        return Preview(file_problem=full)
    if points:
        with_files = set(session.exec(
            select(Evidence.activity_id).join(Activity).where(
                Activity.held_credential_id == credential.id, Activity.deleted_at.is_(None))
        ))
        _evaluate(rows, existing, with_files, credential, cycle, ruleset, today)
    return Preview(rows)


def _mark_duplicates(rows: list[ImportRow], existing: list) -> None:
    """Mark the rows that repeat a logged activity or an earlier row (afresh each time)."""
    seen = {duplicate_key(activity): activity.id for activity in existing}
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
            seen[key] = f"row-{row.number}"


def _evaluate(rows, existing, with_files, credential, cycle, ruleset, today) -> None:
    """One engine call for the ledger and the new rows: points as they would be once saved."""
    new = [row for row in rows if row.values is not None and not row.duplicate]
    inputs = [engine_input(a, a.id in with_files) for a in existing]
    inputs += [row.checked for row in new]
    progress = engine.evaluate(ruleset, engine_cycle(credential, cycle), inputs, today)
    results = {result.id: result for result in progress.activities}
    for row in rows:
        if row.values is not None:
            row.result = results[row.same_as or row.checked.id]


def commit(session: Session, user: User, credential: HeldCredential, result: Preview) -> int:
    """Write every new row in one transaction, or nothing; returns how many were added.

    The rows are checked again against the logged activities first, in the same transaction:
    the same file confirmed twice (a double click, two tabs) adds its rows once. Rows found
    logged meanwhile are marked as duplicates in `result`.
    """
    if result.file_problem or result.problems:
        raise ImportFailed(result.file_problem or "The file has problems; nothing was added.")
    try:
        # The credential's new revision (a bulk insert passes by the flush hook) comes first:
        # this UPDATE locks its row until the commit, so a second confirm waits here, then
        # finds the first one's rows below.
        mark_activities_changed(session, {credential.id})
        logged = _logged_keys(session, credential)
        _mark_duplicates(result.rows, logged)
        full = validation.too_many_activities(len(logged) + len(result.new_rows))
        if full:
            session.rollback()
            raise ImportFailed(full)
        added = _insert(session, user, credential, result.new_rows)
        if added:
            session.commit()
        else:
            session.rollback()  # nothing to add: leave the credential as it was
    except SQLAlchemyError as error:
        session.rollback()
        raise ImportFailed("We could not save the activities, and nothing was added. "
                           "Please try again.") from error
    return added


def _logged_keys(session: Session, credential: HeldCredential) -> list:
    """What the duplicate check compares, of each of the credential's activities."""
    return list(session.execute(
        select(Activity.id, Activity.completed_on, Activity.started_on, Activity.category,
               Activity.title, Activity.quantity)
        .where(Activity.held_credential_id == credential.id, Activity.deleted_at.is_(None))
    ))


def _insert(session: Session, user: User, credential: HeldCredential,
            rows: list[ImportRow]) -> int:
    """The rows and their history, in the session's transaction; returns how many."""
    if not rows:
        return 0
    # An ORM bulk insert (executemany) rather than add_all: building 10,000 SQLModel objects
    # and flushing them one by one takes many seconds; this takes a fraction of one.
    now = utcnow()
    activities = [
        {"user_id": user.id, "held_credential_id": credential.id, "created_at": now,
         "updated_at": now, "deleted_at": None, **row.values}
        for row in rows
    ]
    # In the order of `activities`, to pair each id with its row's values.
    new_ids = session.scalars(
        insert(Activity).returning(Activity.id, sort_by_parameter_order=True), activities
    ).all()
    history.record(session, user.id, history.IMPORTED, "credential", credential.id,
                   f"Imported {count_of(len(rows), 'activity', 'activities')} from a file")
    history.record_many(session, user.id, history.IMPORTED, "activity", "Imported from a file", {
        new_id: history.filled(facts_of(row.activity, credential))
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
