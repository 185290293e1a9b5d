"""The cumulative points chart as SVG geometry: where each line goes on a 640 by 300 canvas.

Only drawing: every figure comes from the engine (through tracker.rules.insights).
"""

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property

from tracker.rules.engine import Progress
from tracker.rules.insights import month_totals, points_curve, projected_total_at_end

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 28, 48


@dataclass(frozen=True)
class Chart:
    progress: Progress
    curve: list[tuple[date, Decimal]]  # counted total after each day that added points (a
    # job adds its points month by month)
    top_points: Decimal  # the value at the top of the y axis
    projected_at_end: Decimal | None

    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    bottom_y: int = HEIGHT - BOTTOM
    right_x: int = WIDTH - RIGHT

    def x(self, day: date) -> float:
        span = max(self.progress.total_days, 1)
        clamped = min(max(day, self.progress.starts_on), self.progress.ends_on)
        return round(LEFT + (clamped - self.progress.starts_on).days / span
                     * (WIDTH - LEFT - RIGHT), 1)

    def y(self, value: Decimal) -> float:
        return round(self.bottom_y - float(value / self.top_points) * (self.bottom_y - TOP), 1)

    @cached_property
    def counted_path(self) -> str:
        """A step line: flat between days, straight up on a day that added points."""
        last_day = min(self.progress.today, self.progress.ends_on)
        points = [*self.curve, (last_day, self.curve[-1][1])]
        path = [f"M{self.x(points[0][0])},{self.y(points[0][1])}"]
        previous = points[0][1]
        for day, total in points[1:]:
            if day > last_day:
                break
            path.append(f"H{self.x(day)}")
            if total != previous:
                path.append(f"V{self.y(total)}")
                previous = total
        return " ".join(path)

    @cached_property
    def monthly(self) -> list[tuple[date, Decimal]]:
        """The total at the end of each month that added points: the chart as a table."""
        return month_totals(self.curve)

    @property
    def top_y(self) -> int:
        return TOP

    @property
    def gridlines(self) -> list[tuple[float, Decimal]]:
        step = self.top_points / 4
        return [(self.y(step * n), step * n) for n in range(5)]

    @property
    def today_inside(self) -> bool:
        return self.progress.starts_on <= self.progress.today <= self.progress.ends_on


def _nice_top(value: Decimal) -> Decimal:
    """The next multiple of 20 at or above value (so the four gridlines are round)."""
    return Decimal(max(1, math.ceil(value / 20)) * 20)


def build_chart(progress: Progress) -> Chart:
    curve = points_curve(progress)
    at_end = projected_total_at_end(progress) if progress.remaining > 0 else None
    highest = max([progress.required, curve[-1][1], at_end or Decimal(0)])
    return Chart(progress, curve, _nice_top(highest), at_end)
