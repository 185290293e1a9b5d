"""Where each figure of a rule set comes from: published by a source, or an estimate of Recert's.

A rule-set file lists its sources once, by key, and marks every figure it sets::

    [sources.mssc-recertification]
    title = "MSSC, Recertification"
    url = "https://msscusa.org/recertification/"     # optional: a document may have none
    checked = 2026-12-06                             # or "2026-11" when only the month is known

    [provenance]                                     # the figures of the rule set itself
    cycle_years = "mssc-recertification"
    points_required = ["mssc-recertification", "army-cool"]   # several sources: a list
    window_days = "estimate"

    [[categories]]
    ...
    provenance = { points_per_unit = "estimate", cap = "mssc-recertification" }

A `provenance` value is a source key, a list of them, or "estimate". Written as one value
instead of a table (`provenance = "estimate"`), it marks every figure of its table. Loading
refuses a figure without a mark, a mark of a figure the table does not set, and an unknown key.

The figures, by table (only those a file sets need a mark): the rule set's `FIGURES`, each
category's `CATEGORY_FIGURES` (its `per_unit` table, converting kinds' units to the category's,
is one figure), each group's `GROUP_FIGURES`, each fee's amount and the carry-over table's
`CARRY_OVER_FIGURES`. Not figures of the credential, so not marked: names, units and help
texts, the categories' `kinds` (where each kind lands), `at_risk_days` and `reminder_days`
(Recert's own alert settings) and the modules' key activities (the assessment's blueprint, used
only to tag activities).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tracker.rules.reader import Reader

ESTIMATE = "estimate"
FIGURES = (
    "cycle_years",
    "points_required",
    "window_days",
    "earliest_certified_on",
    "yearly_minimum",
    "minimum_categories",
)
CATEGORY_FIGURES = (
    "points_per_unit", "step", "fractions", "cap", "cap_per_year", "minimum", "evidence",
    "per_unit",
)
GROUP_FIGURES = ("minimum", "maximum")
FEE_FIGURES = ("amount",)
CARRY_OVER_FIGURES = ("maximum", "last_days")

_KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Source:
    """A public page or document a figure was read from."""

    key: str  # how the file's provenance marks refer to it
    title: str
    checked: str  # when it was last read: "2026-12-06", or "2026-11"
    url: str | None = None


@dataclass(frozen=True)
class Provenance:
    """The mark of one figure: published (by one or more sources) or an estimate."""

    table: str  # "" for the rule set itself, else "categories[IC]", "groups[CE]", "fees[0]"...
    figure: str  # the key of the figure in that table: "cap", "points_per_unit"...
    sources: tuple[Source, ...] = ()  # none: Recert's estimate

    @property
    def published(self) -> bool:
        return bool(self.sources)

    @property
    def estimate(self) -> bool:
        return not self.sources

    @property
    def source(self) -> Source | None:
        """The first source of a published figure (None for an estimate)."""
        return self.sources[0] if self.sources else None

    @property
    def path(self) -> str:
        return f"{self.table}.{self.figure}" if self.table else self.figure

    def __str__(self) -> str:
        if self.estimate:
            return f"{self.path}: estimate"
        return f"{self.path}: published ({'; '.join(s.title for s in self.sources)})"


@dataclass(frozen=True)
class ProvenanceSummary:
    published: int
    estimates: int

    @property
    def total(self) -> int:
        return self.published + self.estimates

    def __str__(self) -> str:
        plural = "" if self.estimates == 1 else "s"
        return (
            f"{self.published} of {self.total} figures published, "
            f"{self.estimates} estimate{plural}"
        )


def summarize(marks: tuple[Provenance, ...]) -> ProvenanceSummary:
    published = sum(1 for mark in marks if mark.published)
    return ProvenanceSummary(published, len(marks) - published)


def read_sources(top: Reader) -> tuple[str, tuple[str, ...], dict[str, Source]]:
    """The `[sources]` table: its free-text `note`, its `links` and its `[sources.<key>]`."""
    table = top.table("sources", required=False)
    if table is None:
        return "", (), {}
    note = table.string("note", required=False) or ""
    links = tuple(table.string_list("links", required=False) or ())
    sources: dict[str, Source] = {}
    for key, value in table.data.items():
        if key in ("note", "links"):
            continue
        if not isinstance(value, dict):
            continue  # reported by finish() as an unknown key
        table.used.add(key)
        if key == ESTIMATE or not _KEY.match(key):
            table.problem(key, 'a source key is lower-case letters, digits and "-", '
                          'and not "estimate"')
            continue
        source = table.table(key)
        assert source is not None
        title = source.string("title")
        url = source.string("url", required=False)
        checked = _checked(source)
        source.finish()
        if title is not None and checked is not None:
            sources[key] = Source(key, title, checked, url)
    table.finish()
    return note, links, sources


def _checked(source: Reader) -> str | None:
    source.used.add("checked")
    value = source.data.get("checked")
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, str) and _MONTH.match(value):
        return value
    if value is None:
        source.problem("checked", "is missing (the date the source was last read)")
    else:
        source.problem("checked", f'must be a date like 2026-12-06 or "2026-11", not {value!r}')
    return None


class Marker:
    """Reads the provenance marks of each table of one file, checking them against `sources`."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self.sources = sources
        self.marks: list[Provenance] = []

    def mark(self, reader: Reader, figures: tuple[str, ...]) -> None:
        """Read `reader`'s `provenance` for each of `figures` the table sets."""
        present = [figure for figure in figures if figure in reader.data]
        reader.used.add("provenance")
        raw: Any = reader.data.get("provenance", {})
        if isinstance(raw, str | list):
            raw = dict.fromkeys(present, raw)  # one mark for every figure of the table
        if not isinstance(raw, dict):
            reader.problem("provenance", 'must be a table of figure = source key or "estimate"')
            return
        for figure in raw:
            if figure not in present:
                sets = ", ".join(present) or "none"
                reader.problem(
                    f"provenance.{figure}",
                    f"{figure!r} is not a figure this table sets (it sets: {sets})",
                )
        for figure in present:
            if figure not in raw:
                reader.problem(
                    figure,
                    'has no provenance: mark it in `provenance` with a key of [sources] '
                    '(published) or "estimate"',
                )
                continue
            sources = self._resolve(reader, figure, raw[figure])
            if sources is not None:
                self.marks.append(Provenance(reader.prefix, figure, sources))

    def _resolve(self, reader: Reader, figure: str, value: Any) -> tuple[Source, ...] | None:
        where = f"provenance.{figure}"
        keys = [value] if isinstance(value, str) else value
        if not isinstance(keys, list) or not keys or not all(isinstance(k, str) for k in keys):
            reader.problem(where, 'must be a source key, a list of them, or "estimate"')
            return None
        if keys == [ESTIMATE]:
            return ()
        if ESTIMATE in keys:
            reader.problem(where, '"estimate" cannot be combined with sources')
            return None
        unknown = [key for key in keys if key not in self.sources]
        for key in unknown:
            known = ", ".join(sorted(self.sources)) or "none"
            reader.problem(where, f"{key!r} is not a source in [sources] (known: {known})")
        if unknown:
            return None
        return tuple(self.sources[key] for key in keys)
