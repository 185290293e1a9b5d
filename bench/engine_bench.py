"""Time the rules engine on 5,000 random CPT activities (target: under 20 ms).

Run: .venv/bin/python bench/engine_bench.py [--activities N] [--repeat R]
The data is seeded, so two runs on one machine measure the same work.
"""

from __future__ import annotations

import argparse
import random
import timeit
from datetime import date, timedelta
from decimal import Decimal

from tracker.rules import ActivityInput, Cycle, cycle_for, evaluate, load_catalog


def build_activities(count: int, seed: int = 2026) -> list[ActivityInput]:
    rng = random.Random(seed)
    ruleset = load_catalog().get("mssc-cpt")
    quantity_codes = [c.code for c in ruleset.categories if not c.is_period]
    first_day = date(2020, 1, 1)
    activities = []
    for order in range(count):
        day = first_day + timedelta(days=rng.randrange(365 * 8))
        if rng.random() < 0.05:  # a few employment periods, some still open
            started = day - timedelta(days=rng.randrange(30, 2000))
            activities.append(
                ActivityInput(
                    id=order,
                    category="E",
                    completed_on=None if rng.random() < 0.2 else day,
                    started_on=started,
                    fraction=rng.choice((Decimal("1.0"), Decimal("0.5"))),
                    has_evidence=rng.random() < 0.7,
                    order=order,
                )
            )
            continue
        activities.append(
            ActivityInput(
                id=order,
                category=rng.choice(quantity_codes),
                completed_on=day,
                quantity=Decimal(rng.randrange(1, 40)) / 4,
                has_evidence=rng.random() < 0.7,
                order=order,
            )
        )
    return activities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--number", type=int, default=10)
    args = parser.parse_args()

    ruleset = load_catalog().get("mssc-cpt")
    starts_on, ends_on = cycle_for(ruleset, date(2022, 3, 15))
    cycle = Cycle(starts_on, ends_on, frozenset(ruleset.required_modules))
    activities = build_activities(args.activities)
    today = date(2026, 11, 24)

    timings = timeit.repeat(
        lambda: evaluate(ruleset, cycle, activities, today), repeat=args.repeat, number=args.number
    )
    best_ms = min(timings) / args.number * 1000
    progress = evaluate(ruleset, cycle, activities, today)
    print(
        f"evaluate: {args.activities} activities, best of {args.repeat} x {args.number}: "
        f"{best_ms:.2f} ms (counted {progress.counted}, status {progress.status})"
    )


if __name__ == "__main__":
    main()
