"""What a rule set is: the frozen dataclasses a rule-set file is read into (see `catalog`)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from tracker.rules.provenance import Provenance, ProvenanceSummary, Source, summarize
from tracker.rules.reader import Unit

ONE = Decimal(1)


@dataclass(frozen=True)
class Named:
    """What a rule set defines and names: `code` is how files, forms and the API refer to it,
    `name` is what people read."""

    code: str
    name: str


@dataclass(frozen=True)
class Kind(Named):
    """A kind of activity, from the one list every rule set shares (`kinds.KINDS`): what a
    person did, recorded once with its amount in the kind's unit."""

    shape: str  # "quantity" (an amount on a day) or "period" (a job between two dates)
    unit: Unit
    step: Decimal | None = None  # quantity kinds: amounts are multiples of this
    fractions: tuple[Decimal, ...] = ()  # period kinds: allowed full-time fractions
    help: str | None = None
    # What the activity form says of it, so a person can tell the kinds apart before choosing.
    line: str = ""  # what it is, in one plain line
    example: str = ""

    @property
    def is_period(self) -> bool:
        return self.shape == "period"


@dataclass(frozen=True)
class Landing:
    """Where an activity of a kind counts in a rule set, and how its amount converts."""

    kind: str
    category: str
    per_unit: Decimal = ONE  # how many of the category's units one unit of the kind is


@dataclass(frozen=True)
class Category(Named):
    kind: str  # "quantity" (hours, credits...) or "period" (employment between two dates)
    unit: Unit
    points_per_unit: Decimal
    step: Decimal | None = None  # quantity categories: entries are multiples of this
    fractions: tuple[Decimal, ...] = ()  # period categories: allowed full-time fractions
    cap: Decimal | None = None  # most points that count per cycle
    cap_per_year: Decimal | None = None  # most points that count in each year of the cycle
    minimum: Decimal | None = None  # fewest points needed per cycle
    evidence: str | None = None  # what proof is expected, e.g. "certificate of completion"
    help: str | None = None
    groups: tuple[str, ...] = ()  # codes of the groups this category belongs to
    kinds: tuple[str, ...] = ()  # codes of the kinds of activity that land here, in file order
    examples: tuple[str, ...] = ()  # plain examples of what counts here, one line each
    # The conversions the file sets, by kind: the category's units in one unit of the kind
    # (a kind not in it: 1). None when the file sets none. Read-only, left out of the hash.
    per_unit: Mapping[str, Decimal] | None = field(default=None, hash=False)

    @property
    def is_period(self) -> bool:
        return self.kind == "period"

    @property
    def landings(self) -> tuple[Landing, ...]:
        """The kinds that land here, each with its conversion, in the file's order."""
        rates = self.per_unit or {}
        return tuple(Landing(kind, self.code, rates.get(kind, ONE)) for kind in self.kinds)


@dataclass(frozen=True)
class Group(Named):
    categories: tuple[str, ...]
    minimum: Decimal | None = None
    maximum: Decimal | None = None  # caps the group's combined counted points, in date order


@dataclass(frozen=True)
class KeyActivity(Named):
    """A topic of a module's test; `weight` is its share of the test, in percent."""

    weight: Decimal


@dataclass(frozen=True)
class Module(Named):
    """A module of the credential; holding every `required` one means renewing the credential."""

    required: bool
    key_activities: tuple[KeyActivity, ...] = ()


@dataclass(frozen=True)
class Fee:
    """What the agency charges for something, shown for information only."""

    label: str
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Agency:
    name: str
    address: str
    short_name: str  # what people call it in a sentence: "MSSC"


@dataclass(frozen=True)
class CarryOver:
    """Points above the requirement that move into the next cycle."""

    maximum: Decimal  # most points that carry over
    # Only points counted in the cycle's last N days may carry over (None: any of them).
    last_days: int | None = None


@dataclass(frozen=True)
class RuleSet:
    code: str
    version: str
    name: str
    short_name: str
    agency: Agency
    cycle_years: int
    points_required: Decimal
    points_name: Unit
    window_days: int
    categories: tuple[Category, ...]
    at_risk_days: int = 180
    holders: str | None = None  # who holds it, in one plain line ("Production workers ...")
    does_not_count: tuple[str, ...] = ()  # what the agency does not count, one line each
    reminder_days: tuple[int, ...] = (180, 90, 30)
    earliest_certified_on: date | None = None
    yearly_minimum: Decimal | None = None
    minimum_categories: int | None = None  # counted points must come from this many categories
    groups: tuple[Group, ...] = ()
    modules: tuple[Module, ...] = ()
    fees: tuple[Fee, ...] = ()
    carry_over: CarryOver | None = None
    sources_note: str = ""
    source_links: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()  # the [sources.<key>] tables, in file order
    provenance: tuple[Provenance, ...] = ()  # one mark per figure the file sets
    # The codes of the kinds its categories take, in the kinds file's order (set by the loader,
    # which reads the kinds; `kinds` imports this module, so this module cannot import it).
    counted_kinds: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)

    @functools.cached_property
    def categories_by_code(self) -> Mapping[str, Category]:
        return {category.code: category for category in self.categories}

    def category(self, code: str) -> Category | None:
        return self.categories_by_code.get(code)

    @functools.cached_property
    def landings(self) -> tuple[Landing, ...]:
        """Every kind-to-category landing: the categories in order, each one's kinds in order."""
        return tuple(landing for category in self.categories for landing in category.landings)

    @functools.cached_property
    def _landings_by_kind(self) -> Mapping[str, tuple[Landing, ...]]:
        by_kind: dict[str, list[Landing]] = {}
        for landing in self.landings:
            by_kind.setdefault(landing.kind, []).append(landing)
        return {kind: tuple(landings) for kind, landings in by_kind.items()}

    def landings_of(self, kind: str) -> tuple[Landing, ...]:
        """Where a kind may count: the first is where it lands by default, the rest are the
        categories the person may choose instead; empty when this rule set does not count it."""
        return self._landings_by_kind.get(kind, ())

    def landing(self, kind: str, category: str | None = None) -> Landing | None:
        """The landing in `category` when that category takes this kind, else the default one;
        None when this rule set does not count the kind."""
        landings = self.landings_of(kind)
        chosen = next((landing for landing in landings if landing.category == category), None)
        return chosen or (landings[0] if landings else None)

    def group(self, code: str) -> Group | None:
        return next((group for group in self.groups if group.code == code), None)

    def module(self, code: str) -> Module | None:
        return next((module for module in self.modules if module.code == code), None)

    @functools.cached_property
    def _marks(self) -> Mapping[tuple[str, str], Provenance]:
        return {(mark.table, mark.figure): mark for mark in self.provenance}

    def provenance_of(
        self,
        figure: str,
        *,
        category: str | None = None,
        group: str | None = None,
        fee: int | None = None,
        carry_over: bool = False,
    ) -> Provenance | None:
        """Whether a figure is published (and by what) or an estimate; None for a figure this
        rule set does not set. `provenance_of("cycle_years")`, `provenance_of("cap",
        category="IC")`, `provenance_of("maximum", group="GIVING-BACK")`, `provenance_of(
        "amount", fee=0)` (fees by their position), `provenance_of("maximum", carry_over=True)`.
        """
        if category is not None:
            table = f"categories[{category}]"
        elif group is not None:
            table = f"groups[{group}]"
        elif fee is not None:
            table = f"fees[{fee}]"
        else:
            table = "carry_over" if carry_over else ""
        return self._marks.get((table, figure))

    @functools.cached_property
    def provenance_summary(self) -> ProvenanceSummary:
        """How many figures are published and how many are estimates."""
        return summarize(self.provenance)

    @functools.cached_property
    def skills(self) -> Mapping[str, str]:
        """The names of what an activity may be tagged with, by code: each module, then its key
        activities."""
        names = {}
        for module in self.modules:
            names[module.code] = module.name
            names.update((activity.code, activity.name) for activity in module.key_activities)
        return names

    @property
    def required_modules(self) -> tuple[str, ...]:
        return tuple(module.code for module in self.modules if module.required)

    @property
    def version_key(self) -> tuple[int, ...]:
        return version_key(self.version)


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))
