"""Credential rule sets: versioned TOML data files loaded into frozen dataclasses.

Layout: one folder per credential code, one file per version of its rules::

    tracker/rules/rulesets/<code>/<version>.toml      e.g. rulesets/mssc-cpt/2026.1.toml

Several versions of one code sit side by side. A cycle remembers the version it was opened
under, so `Catalog.get(code, version)` must keep finding old files after a newer one is added;
`Catalog.get(code)` returns the current version, the highest by numeric comparison of the
dot-separated parts ("2026.10" is newer than "2026.9"). In a catalog folder a file's own
`code` and `version` keys must match its folder and file name.

File format (every key is checked; an unknown key is an error, so a typo never goes unnoticed)::

    code, version, name, short_name        strings; version like "2026.1"
    holders             (optional)         who holds it, one plain line for the chooser
    does_not_count      (optional)         what the agency does not count, a list of plain
                                           lines for the "How points work" page
    cycle_years                            whole years per cycle
    points_required                        points needed per cycle
    points_name = {singular, plural}       what the points are called ("PDU", "PDUs")
    window_days                            the renewal application opens this many days
                                           before the cycle ends
    at_risk_days        (default 180)      status at_risk with this many days or fewer left
    reminder_days   (default [180, 90, 30]) remind people when this many days are left
    earliest_certified_on (optional)       TOML date
    yearly_minimum      (optional)         points needed in each year of the cycle
    minimum_categories  (optional)         counted points must come from at least this many
                                           categories
    [agency] name, address, short_name (optional: defaults to the name)
    [sources] note, links (optional)       where the figures come from, in words
    [sources.<key>] title, checked (a date), url (optional)   one source a figure cites
    [provenance] <figure> = <source key(s)> or "estimate"   the mark of each figure: required
                                           for every figure the file sets (see `provenance`)
    [[fees]] label, amount, currency, provenance   shown as information only
    [[categories]] code, name, kind ("quantity" or "period"), unit = {singular, plural},
        points_per_unit, step (quantity only), fractions (period only: allowed full-time
        fractions), and optional cap, cap_per_year (most points counted in each year of
        the cycle), minimum, evidence (the proof expected), help,
        examples (plain lines: what a person may have done that counts here; not figures),
        provenance (the marks of its figures),
        kinds = [codes of `kinds.KINDS`]   the kinds of activity that land here (required, not
            empty; a kind's shape must be the category's kind). A kind's default category is
            the first, in file order, that lists it; the later ones are choices.
        per_unit = {<kind> = n}   (optional, quantity only) how many of the category's units
            one unit of that kind is (default 1); a figure, so it needs a provenance mark
    [[groups]] code, name, categories (codes), optional minimum, maximum, provenance
    [[modules]] code, name, required (bool), key_activities = [{code, name, weight}]
        (weights of one module sum to 100)
    [carry_over] maximum, last_days (optional)   points above the requirement, up to
                                           `maximum`, move into the next cycle; with
                                           `last_days`, only points counted in the
                                           cycle's last N days

Numbers may be written as TOML integers, floats or strings; they become `Decimal` through
their decimal text, so 0.1 stays exactly 0.1. All problems of a file are collected and raised
together as one `RuleSetError`, each naming the file and the key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from tracker.rules.definitions import (
    Agency,
    CarryOver,
    Category,
    Fee,
    Group,
    KeyActivity,
    Module,
    RuleSet,
    version_key,
)
from tracker.rules.kinds import KINDS
from tracker.rules.provenance import (
    FIGURES,
    Marker,
    read_sources,
)
from tracker.rules.reader import (
    ZERO,
    Reader,
    RuleSetError,
    Unit,
    check_minimum_categories,
    load_toml,
    read_unit,
)
from tracker.rules.tables import (
    CODE,
    read_carry_over,
    read_category,
    read_fee,
    read_group,
    read_lines,
    read_module,
)

# The dataclasses live in `ruleset`; most callers import them from here with the loaders.
__all__ = [
    "Agency", "CarryOver", "Catalog", "Category", "Fee", "Group", "KeyActivity", "Module",
    "RuleSet", "RuleSetError", "UnknownRuleSetError", "load_catalog", "load_ruleset",
    "version_key",
]

DEFAULT_DIRECTORY = Path(__file__).parent / "rulesets"
_VERSION = re.compile(r"^\d+(\.\d+)*$")


class UnknownRuleSetError(LookupError):
    """No rule set with that code, or no such version of it."""


@dataclass(frozen=True, eq=False)
class Catalog:
    """Every loaded rule set, by code and then by version."""

    rulesets: Mapping[str, Mapping[str, RuleSet]]

    def codes(self) -> list[str]:
        return sorted(self.rulesets)

    def versions(self, code: str) -> list[str]:
        return sorted(self.rulesets.get(code, {}), key=version_key)

    def get(self, code: str, version: str | None = None) -> RuleSet:
        versions = self.rulesets.get(code)
        if not versions:
            known = ", ".join(self.codes()) or "none"
            raise UnknownRuleSetError(f"no rule set called {code!r} (known: {known})")
        if version is None:
            return versions[max(versions, key=version_key)]
        if version not in versions:
            known = ", ".join(self.versions(code))
            raise UnknownRuleSetError(f"{code!r} has no version {version!r} (known: {known})")
        return versions[version]

    def all_current(self) -> list[RuleSet]:
        return [self.get(code) for code in self.codes()]

    @functools.cached_property
    def skill_names(self) -> Mapping[str, str]:
        """The name of every skill code of the current rule sets (activities are tagged with
        those of any credential their person holds)."""
        return {code: name for ruleset in self.all_current()
                for code, name in ruleset.skills.items()}

    def __contains__(self, code: object) -> bool:
        return code in self.rulesets


def load_ruleset(path: Path | str) -> RuleSet:
    """Read and check one rule-set file; raise RuleSetError listing every problem."""
    path = Path(path)
    data = load_toml(path)
    problems: list[str] = []
    ruleset = _build_ruleset(Reader(data, path, "", problems), path)
    if problems:
        raise RuleSetError(path, problems)
    assert ruleset is not None
    return ruleset


def load_catalog(directory: Path | str | None = None) -> Catalog:
    """Load every rule set under `directory` (default: the shipped ones, loaded once)."""
    if directory is None:
        return _default_catalog()
    return _load_directory(Path(directory))


@functools.cache
def _default_catalog() -> Catalog:
    return _load_directory(DEFAULT_DIRECTORY)


def _load_directory(directory: Path) -> Catalog:
    if not directory.is_dir():
        raise RuleSetError(directory, [f"{directory}: is not a folder of rule sets"])
    rulesets: dict[str, dict[str, RuleSet]] = {}
    errors: list[RuleSetError] = []
    for path in sorted(directory.glob("*.toml")):
        errors.append(RuleSetError(path, [f"{path}: belongs in a folder named after its code"]))
    for path in sorted(directory.glob("*/*.toml")):
        try:
            ruleset = load_ruleset(path)
        except RuleSetError as error:
            errors.append(error)
            continue
        misplaced = []
        if ruleset.code != path.parent.name:
            misplaced.append(f"{path}: code: {ruleset.code!r} must match its folder name")
        if ruleset.version != path.stem:
            misplaced.append(f"{path}: version: {ruleset.version!r} must match its file name")
        if misplaced:
            errors.append(RuleSetError(path, misplaced))
            continue
        rulesets.setdefault(ruleset.code, {})[ruleset.version] = ruleset
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise RuleSetError(directory, [problem for error in errors for problem in error.problems])
    return Catalog(rulesets)


def _build_ruleset(top: Reader, path: Path) -> RuleSet | None:
    code = top.string("code", pattern=CODE)
    version = top.string("version", pattern=_VERSION, hint='like "2026.1"')
    name = top.string("name")
    short_name = top.string("short_name")
    holders = top.line("holders")
    does_not_count = read_lines(top, "does_not_count")
    cycle_years = top.integer("cycle_years", minimum=1)
    points_required = top.decimal("points_required", positive=True)
    points_name = read_unit(top, "points_name")
    window_days = top.integer("window_days", minimum=0)
    at_risk_days = top.integer("at_risk_days", minimum=0, required=False)
    reminder_days = top.integer_list("reminder_days", minimum=1, required=False)
    earliest = top.date("earliest_certified_on", required=False)
    yearly_minimum = top.decimal("yearly_minimum", required=False)
    minimum_categories = top.integer("minimum_categories", minimum=1, required=False)
    agency = None
    note, links, sources = read_sources(top)
    marker = Marker(sources)
    if (table := top.table("agency")) is not None:
        agency_name = table.string("name") or ""
        agency = Agency(
            agency_name,
            table.string("address") or "",
            table.string("short_name", required=False) or agency_name,
        )
        table.finish()
    # Each repeated table as a list, frozen into a tuple for the RuleSet.
    fees = [read_fee(reader, marker) for reader in top.tables("fees", required=False)]
    categories = [read_category(reader, marker) for reader in top.tables("categories")]
    groups = [read_group(reader, marker) for reader in top.tables("groups", required=False)]
    modules = [read_module(reader) for reader in top.tables("modules", required=False)]
    carry_over = None
    if (table := top.table("carry_over", required=False)) is not None:
        carry_over = read_carry_over(table, marker)
    marker.mark(top, FIGURES)
    top.finish()

    top.unique("categories", [c.code for c in categories])
    check_minimum_categories(top, minimum_categories, len(categories))
    top.unique("groups", [g.code for g in groups])
    top.unique("modules", [m.code for m in modules])
    defined = {category.code for category in categories}
    membership: dict[str, list[str]] = {}
    for group in groups:
        for member in group.categories:
            if member not in defined:
                top.problem(
                    f"groups[{group.code}].categories",
                    f"category {member!r} is referenced but not defined in [[categories]]",
                )
            membership.setdefault(member, []).append(group.code)
    categories = [
        replace(category, groups=tuple(membership.get(category.code, ())))
        for category in categories
    ]
    if top.problems:
        return None
    assert agency is not None and cycle_years is not None and window_days is not None
    return RuleSet(
        code=code or "",
        version=version or "",
        name=name or "",
        short_name=short_name or "",
        holders=holders,
        does_not_count=does_not_count,
        agency=agency,
        cycle_years=cycle_years,
        points_required=points_required or ZERO,
        points_name=points_name or Unit("point", "points"),
        window_days=window_days,
        at_risk_days=180 if at_risk_days is None else at_risk_days,
        reminder_days=(180, 90, 30) if reminder_days is None else tuple(sorted(reminder_days,
                                                                              reverse=True)),
        earliest_certified_on=earliest,
        yearly_minimum=yearly_minimum,
        minimum_categories=minimum_categories,
        categories=tuple(categories),
        groups=tuple(groups),
        modules=tuple(modules),
        fees=tuple(fees),
        carry_over=carry_over,
        sources_note=note,
        source_links=links,
        sources=tuple(sources.values()),
        provenance=tuple(marker.marks),
        counted_kinds=tuple(k.code for k in KINDS if any(k.code in c.kinds for c in categories)),
        path=path,
    )
