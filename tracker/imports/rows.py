"""One row of an activities CSV read into an activity of the person, checked as every door
checks one (tracker.activities.validation).

A row names its kind (`Kind`: a code or name of tracker.rules.kinds) with its amount in the
kind's unit. Files made before activities had kinds name a category of the credential they are
imported into (`Category`: a code or name) with the amount in the category's unit: the row is
then read as tracker.imports.legacy reads such an activity. With both, `Category` is where the
activity counts toward that credential.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from types import SimpleNamespace

from tracker.activities import validation
from tracker.display import quantity_text
from tracker.imports import legacy, parsing
from tracker.imports.parsing import CellProblem, RawRow
from tracker.rules import engine
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_fraction
from tracker.rules.definitions import Landing
from tracker.rules.kinds import KINDS, Kind, kind_of

# The column each field is read from, to name it in a problem (a choice of where it counts,
# `count_<credential id>`, is read from Category).
COLUMN_OF = {"kind": "Kind", "category": "Category", "title": "Title", "provider": "Provider",
             "completed_on": "Date completed", "started_on": "Start date",
             "quantity": "Quantity", "fraction": "Full-time fraction", "description": "Notes",
             "tags": "Skills"}
# New rows come after every saved activity (whose order is its id), as they would once saved.
NEW_ROWS_ORDER = 2**40


@dataclass(frozen=True)
class Reading:
    """What every row of one file is read with."""

    credential_id: int  # the credential imported into
    ruleset: RuleSet  # its rule set
    held: list[tuple[int, RuleSet]]  # every credential of the person (services.held_of)
    today: date
    day_first: bool

    @cached_property
    def skills(self) -> dict[str, str]:
        """Each skill of the person's credentials by its code or name, in lower case."""
        known = {}
        for _id, ruleset in self.held:
            for code, name in ruleset.skills.items():
                known.setdefault(code.casefold(), code)
                known.setdefault(name.casefold(), code)
        return known

    @cached_property
    def kinds(self) -> dict[str, str]:
        return {text.casefold(): kind.code for kind in KINDS for text in (kind.code, kind.name)}

    def category_code(self, text: str) -> str:
        """The code of the credential's category written as its code or name (else `text`)."""
        wanted = text.casefold()
        return next((c.code for c in self.ruleset.categories
                     if wanted in (c.code.casefold(), c.name.casefold())), text)


@dataclass
class ImportRow:
    number: int
    values: dict | None  # the Activity's fields, or None when the row has problems
    problems: list[CellProblem]
    counting: dict[int, str] = field(default_factory=dict)  # choices, by credential id
    kind: Kind | None = None
    landing: Landing | None = None  # where it counts toward the credential; None: it does not
    left_out: bool = False  # the row leaves it out of the credential
    duplicate: str = ""  # "" or why it is skipped
    same_as: int | str | None = None  # a duplicate's logged activity (id) or row ("row-N")
    # The engine's result toward the credential (None where it does not count): for a new row
    # as it would be once saved, for a duplicate that of the activity (or row) it repeats.
    result: engine.ActivityResult | None = None

    @cached_property
    def activity(self) -> SimpleNamespace:
        """The row's values as attributes, with its choices, as an Activity reads."""
        choices = [SimpleNamespace(held_credential_id=credential_id, excluded=excluded,
                                   category=None if excluded else choice)
                   for credential_id, choice in self.counting.items()
                   if choice != validation.DEFAULT
                   for excluded in [choice == validation.EXCLUDE]]
        return SimpleNamespace(**self.values, choices=choices)

    def counts_as(self, ruleset: RuleSet) -> str:
        """Where the row counts toward the credential, in words."""
        if self.landing is not None:
            return ruleset.category(self.landing.category).name
        if self.left_out:
            return f"Left out of {ruleset.short_name}"
        return f"{ruleset.short_name} does not count this kind"

    @property
    def amount_text(self) -> str:
        """"8 hours", or for a job "48 months, 1 (full time)" (its months where it counts)."""
        if not self.kind.is_period:
            return quantity_text(self.activity, self.kind, None)
        if self.result is not None:
            return quantity_text(self.activity, self.kind, self.result)
        return say_fraction((self.values["fraction"] or legacy.ONE).normalize())

    @property
    def row_id(self) -> str:
        return f"row-{self.number}"

    def engine_input(self) -> engine.ActivityInput | None:
        """The row as the engine sees it toward the credential (None where it does not count)."""
        if self.landing is None:
            return None
        quantity = self.values["quantity"]
        if quantity is not None and self.landing.per_unit != legacy.ONE:
            quantity = quantity * self.landing.per_unit
        return engine.ActivityInput(
            id=self.row_id, category=self.landing.category,
            completed_on=self.values["completed_on"], quantity=quantity,
            started_on=self.values["started_on"], fraction=self.values["fraction"],
            order=NEW_ROWS_ORDER + self.number)


def read_row(raw: RawRow, reading: Reading) -> ImportRow:
    """The activity a row describes, checked (values None on problems). Only the cells its
    kind (or category) uses are read."""
    kind_text, category_text = raw.text("Kind"), raw.text("Category")
    entered = {
        "title": raw.text("Title"), "provider": raw.text("Provider"),
        "description": raw.text("Notes"),
        "tags": [reading.skills.get(item.casefold(), item)  # any other, for the check to name
                 for item in parsing.read_list(raw, "Skills")],
        "completed_on": parsing.read_date(raw, "Date completed", reading.day_first),
    }
    counting: dict[int, str] = {}
    by_category = not kind_text and "Category" in raw.cells and (
        bool(category_text) or "Kind" not in raw.cells)
    if not by_category:
        entered["kind"] = reading.kinds.get(kind_text.casefold(), kind_text)
        measure = kind_of(entered["kind"])
        if category_text:
            counting[reading.credential_id] = reading.category_code(category_text)
        entered["counting"] = counting
    else:
        entered["category"] = reading.category_code(category_text)
        measure = reading.ruleset.category(entered["category"])
    if measure is not None and measure.is_period:
        entered["still_employed"] = parsing.read_yes_no(raw, "Still employed")
        entered["started_on"] = parsing.read_date(raw, "Start date", reading.day_first)
        entered["fraction"] = parsing.read_number(raw, "Full-time fraction")
    else:
        entered["quantity"] = parsing.read_number(raw, "Quantity")
    if "category" in entered:
        found, problems = legacy.checked(reading.ruleset, entered, reading.today, reading.held)
    else:
        problems = validation.problems(entered, reading.today, reading.held)
    for problem in problems:
        column = COLUMN_OF.get(problem.field, "Category")  # count_<id>: the Category cell
        if not any(p.column == column for p in raw.problems):  # a cell not read says so
            raw.problem(column, problem.message)
    if raw.problems:
        return ImportRow(raw.number, None, raw.problems)
    if "category" in entered:
        entered = found.values
        counting = {reading.credential_id: found.choice} if found.choice else {}
    values = validation.model_values(entered)
    choice = counting.get(reading.credential_id, validation.DEFAULT)
    left_out = choice == validation.EXCLUDE
    landing = None if left_out else reading.ruleset.landing(values["kind"], choice or None)
    return ImportRow(raw.number, values, raw.problems, counting, kind_of(values["kind"]),
                     landing, left_out)


def duplicate_key(values) -> tuple:
    """Same date(s), kind, title and amount: the same activity."""
    get = values.get if isinstance(values, dict) else lambda name: getattr(values, name)
    quantity = get("quantity")
    return (get("completed_on"), get("started_on"), get("kind"), get("title"),
            None if quantity is None else Decimal(quantity).normalize())
