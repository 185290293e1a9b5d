"""Which reminders are due for a cycle: pure, from the engine's figures and the rule set.

Reminder codes are stable (they are stored to remember what was dismissed or emailed):
`window-open`, `days-<N>` for each of the rule set's `reminder_days`, and `behind`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from tracker.rules.catalog import RuleSet
from tracker.rules.engine import Progress, Status

# No reminders for cycles that need nothing more from the person.
SETTLED = {Status.NOT_REQUIRED, Status.RENEWED, Status.LAPSED}


@dataclass(frozen=True)
class Reminder:
    code: str
    due_on: date  # the day it becomes due (for `behind`: today)


def reminder_dates(ruleset: RuleSet, ends_on: date, window_opens_on: date) -> list[Reminder]:
    """Every dated reminder of a cycle, due or not (for calendars)."""
    dated = [Reminder("window-open", window_opens_on)]
    dated += [Reminder(f"days-{days}", ends_on - timedelta(days=days))
              for days in ruleset.reminder_days]
    return sorted(dated, key=lambda reminder: reminder.due_on)


def due_reminders(ruleset: RuleSet, progress: Progress) -> list[Reminder]:
    """The reminders due on `progress.today`, most recent first.

    The application window reminder stays due once the window is open (even when complete:
    it says "apply now"); a days-left reminder only while points are still missing; among
    those only the nearest threshold passed is due, so a late starter gets one, not three.
    `behind` waits for the first points.
    """
    if progress.status in SETTLED:
        return []
    today = progress.today
    due = []
    if today >= progress.window_opens_on:
        due.append(Reminder("window-open", progress.window_opens_on))
    if progress.status != Status.COMPLETE:
        passed = [days for days in ruleset.reminder_days if progress.days_left <= days]
        if passed:
            days = min(passed)
            due.append(Reminder(f"days-{days}", progress.ends_on - timedelta(days=days)))
    # Nothing logged yet is no reason to call someone behind: the pages say where to start.
    if progress.status == Status.BEHIND and progress.activities:
        due.append(Reminder("behind", today))
    return sorted(due, key=lambda reminder: (-reminder.due_on.toordinal(), reminder.code))
