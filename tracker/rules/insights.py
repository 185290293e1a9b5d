"""Figures derived from an evaluation for the dashboard: the points curve and skill coverage.

Pure like the engine: they only regroup the engine's per-activity results (placed in time by
`accrual`, as the engine places them), so a chart or a coverage line can never disagree with
the totals or the day the requirement was reached.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.rules.accrual import contributions, running_totals
from tracker.rules.catalog import KeyActivity, RuleSet
from tracker.rules.engine import FUTURE, OUTSIDE_CYCLE, Progress

ZERO = Decimal(0)
HUNDRED = Decimal(100)


def points_curve(progress: Progress) -> list[tuple[date, Decimal]]:
    """The counted total after each day that added points, from the start (with any points
    carried over from the previous cycle) on. Employment adds its points month by month
    (spec version 2), as the engine's "reached on" date counts them."""
    arrivals = contributions(progress.activities)
    return [(progress.starts_on, progress.carried_in),
            *running_totals(arrivals, progress.carried_in)]


def month_totals(curve: list[tuple[date, Decimal]]) -> list[tuple[date, Decimal]]:
    """(first day of the month, total at its end) for each month that added points."""
    by_month: dict[date, Decimal] = {}
    for day, total in curve[1:]:
        by_month[day.replace(day=1)] = total
    return list(by_month.items())


def projected_total_at_end(progress: Progress) -> Decimal | None:
    """Where the rate so far leads by the end date (None without a rate or after the end)."""
    if progress.elapsed_days <= 0 or progress.counted <= 0 or progress.days_left <= 0:
        return None
    rate = progress.counted / progress.elapsed_days
    return progress.counted + rate * progress.days_left


def pending_points(progress: Progress) -> Decimal:
    """Points of activities dated after today: they count once their day comes."""
    return sum((r.earned for r in progress.activities if FUTURE in r.flags), ZERO)


@dataclass(frozen=True)
class ModuleCoverage:
    code: str
    name: str
    points: Decimal  # counted points of the activities tagged with the module or its skills
    activity_ids: tuple[str | int, ...]
    covered: tuple[KeyActivity, ...]  # key activities with at least one counting activity
    missing: tuple[KeyActivity, ...]

    @property
    def has_blueprint(self) -> bool:
        return bool(self.covered or self.missing)

    @property
    def percent_covered(self) -> Decimal:
        """The share of the module's assessment weight its tagged key activities cover."""
        if not self.has_blueprint:
            return ZERO
        covered = sum((k.weight for k in self.covered), ZERO)
        return covered * HUNDRED / sum((k.weight for k in self.covered + self.missing), ZERO)


def competency_coverage(
    ruleset: RuleSet, tags: Iterable[tuple[str | int, Sequence[str]]], progress: Progress
) -> list[ModuleCoverage]:
    """For each module: the points and activities tagged with it, and the blueprint covered.

    `tags` pairs each activity id with its tags (module codes or key-activity codes). Only
    activities inside the cycle and not in the future take part: those are what the person
    can show for this cycle.
    """
    results = {result.id: result for result in progress.activities}
    current = {
        activity_id: set(activity_tags)
        for activity_id, activity_tags in tags
        if activity_id in results
        and not {OUTSIDE_CYCLE, FUTURE} & set(results[activity_id].flags)
    }
    coverage = []
    for module in ruleset.modules:
        skill_codes = {key.code for key in module.key_activities}
        tagged = [
            activity_id for activity_id, activity_tags in current.items()
            if module.code in activity_tags or skill_codes & activity_tags
        ]
        used = set().union(*(current[a] for a in tagged)) if tagged else set()
        coverage.append(ModuleCoverage(
            code=module.code,
            name=module.name,
            points=sum((results[a].counted for a in tagged), ZERO),
            activity_ids=tuple(tagged),
            covered=tuple(k for k in module.key_activities if k.code in used),
            missing=tuple(k for k in module.key_activities if k.code not in used),
        ))
    return coverage
