"""Importing activities from a CSV: a preview first, then every new row in one transaction.

A preview costs two statements (the credential's activities, and which of them have files)
and one engine call for the existing activities and the new ones together; the commit adds
every new row with one bulk INSERT and one commit, whatever the size of the file.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, insert, select

from tracker import history
from tracker.activities import cache
from tracker.activities.forms import tag_choices
from tracker.activities.services import engine_cycle, engine_input
from tracker.display import count_of
from tracker.imports import parsing
from tracker.imports.parsing import CellProblem, FileProblem, RawRow
from tracker.models import Activity, Cycle, Evidence, HeldCredential, User, utcnow
from tracker.rules import engine
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import check_activity

# The column each engine field is read from, to name it in a problem.
COLUMN_OF = {"category": "Category", "completed_on": "Date completed",
             "started_on": "Start date", "quantity": "Quantity",
             "fraction": "Full-time fraction"}


NEW_ROWS_ORDER = 2**40


class ImportFailed(RuntimeError):
    """Nothing was written: the file has problems, or the database refused the change."""


@dataclass
class ImportRow:
    number: int
    values: dict | None  # the Activity fields, or None when the row has problems
    problems: list[CellProblem]
    duplicate: str = ""  # "" or why it is skipped
    checked: engine.ActivityInput | None = None  # the row as the engine sees it
    result: engine.ActivityResult | None = None


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
    for code, name in tag_choices(ruleset):
        known[code.casefold()] = code
        known[name.casefold()] = code
    return known


def read_row(raw: RawRow, ruleset: RuleSet, today: date, us_dates: bool,
             skills: dict[str, str]) -> ImportRow:
    """The activity a row describes, checked like the web form (values None on problems)."""
    category = ruleset.category(raw.text("Category")) or _category_by_name(ruleset, raw)
    code = category.code if category else raw.text("Category")
    completed_on = parsing.read_date(raw, "Date completed", us_dates)
    title = parsing.read_text(raw, "Title", 200, required="Give the activity a title.")
    values = {
        "category": code, "title": title,
        "provider": parsing.read_text(raw, "Provider", 200),
        "description": parsing.read_text(raw, "Notes", 5000),
        "tags": _tags(raw, ruleset, skills),
        "completed_on": completed_on, "started_on": None, "quantity": None, "fraction": None,
    }
    if category is not None and category.is_period:
        still = parsing.read_yes_no(raw, "Still employed")
        values["started_on"] = parsing.read_date(raw, "Start date", us_dates)
        values["completed_on"] = None if still else completed_on
        values["fraction"] = parsing.read_number(raw, "Full-time fraction")
        if not still and completed_on is None and not raw.text("Date completed"):
            raw.problem("Date completed", "Enter the end date, or write “yes” under "
                                          "Still employed.")
    else:
        values["quantity"] = parsing.read_number(raw, "Quantity")
    # Ordered after every saved activity (whose order is its id), as it would be once saved.
    checked = _input(values, f"row-{raw.number}", NEW_ROWS_ORDER + raw.number)
    for problem in check_activity(ruleset, checked, today):
        column = COLUMN_OF.get(problem.field, "Category")
        if not any(p.column == column for p in raw.problems):
            raw.problem(column, problem.message)
    if raw.problems:
        return ImportRow(raw.number, None, raw.problems)
    return ImportRow(raw.number, values, raw.problems, checked=checked)


def _category_by_name(ruleset: RuleSet, raw: RawRow):
    wanted = raw.text("Category").casefold()
    return next((c for c in ruleset.categories
                 if wanted in (c.code.casefold(), c.name.casefold())), None)


def _tags(raw: RawRow, ruleset: RuleSet, known: dict[str, str]) -> list[str]:
    if not raw.text("Skills"):
        return []
    tags, unknown = set(), []
    for item in parsing.read_list(raw, "Skills"):
        if item.casefold() in known:
            tags.add(known[item.casefold()])
        else:
            unknown.append(item)
    if unknown:
        raw.problem("Skills", f"{', '.join(unknown)}: not a skill of {ruleset.short_name}. "
                              "Use the skill codes from the activity form.")
    return sorted(tags)


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
            data: bytes, today: date, us_dates: bool = False, *, points: bool = True
            ) -> Preview:
    """Every row read and checked, duplicates marked, the new ones evaluated with the rest
    (unless `points` is False: the confirm step re-checks the rows but shows no points)."""
    try:
        raws = parsing.read_rows(data)
    except FileProblem as problem:
        return Preview(file_problem=str(problem))
    skills = skill_codes(ruleset)
    rows = [read_row(raw, ruleset, today, us_dates, skills) for raw in raws]
    existing = list(session.execute(
        select(*Activity.__table__.columns)
        .where(Activity.held_credential_id == credential.id, Activity.deleted_at.is_(None))
        .order_by(Activity.id)
    ))
    _mark_duplicates(rows, existing)
    if points:
        with_files = set(session.exec(
            select(Evidence.activity_id).join(Activity).where(
                Activity.held_credential_id == credential.id, Activity.deleted_at.is_(None))
        ))
        _evaluate(rows, existing, with_files, credential, cycle, ruleset, today)
    return Preview(rows)


def _mark_duplicates(rows: list[ImportRow], existing: list) -> None:
    seen = {duplicate_key(activity): None for activity in existing}
    for row in rows:
        if row.values is None:
            continue
        key = duplicate_key(row.values)
        if key in seen:
            first = seen[key]
            row.duplicate = (f"Same as row {first} of this file." if first
                             else "Already logged.")
        else:
            seen[key] = row.number


def _evaluate(rows, existing, with_files, credential, cycle, ruleset, today) -> None:
    """One engine call for the ledger and the new rows: points as they would be once saved."""
    new = [row for row in rows if row.values is not None and not row.duplicate]
    inputs = [engine_input(a, a.id in with_files) for a in existing]
    inputs += [row.checked for row in new]
    progress = engine.evaluate(ruleset, engine_cycle(credential, cycle), inputs, today)
    for row, result in zip(new, progress.activities[len(existing):], strict=True):
        row.result = result


def commit(session: Session, user: User, credential: HeldCredential, result: Preview) -> int:
    """Write every new row in one transaction, or nothing; returns how many were added."""
    if not result.can_commit:
        raise ImportFailed(result.file_problem or "The file has problems; nothing was added.")
    # An ORM bulk insert (executemany) rather than add_all: building 10,000 SQLModel objects
    # and flushing them one by one takes many seconds; this takes a fraction of one.
    now = utcnow()
    activities = [
        {"user_id": user.id, "held_credential_id": credential.id, "created_at": now,
         "updated_at": now, "deleted_at": None, **row.values}
        for row in result.new_rows
    ]
    try:
        new_ids = session.scalars(insert(Activity).returning(Activity.id), activities).all()
        cache.touch(session, {credential.id})  # a bulk insert passes by the flush hook
        history.record(session, user.id, history.IMPORTED, "credential", credential.id,
                       f"Imported {count_of(len(activities), 'activity', 'activities')} "
                       "from a file")
        history.record_many(session, user.id, history.IMPORTED, "activity", new_ids,
                            "Imported from a file")
        session.commit()
    except SQLAlchemyError as error:
        session.rollback()
        raise ImportFailed("We could not save the activities, and nothing was added. "
                           "Please try again.") from error
    return len(activities)
