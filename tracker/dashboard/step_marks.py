"""Steps to renew that the person marks done on their open cycle, since Recert cannot see them
done on its own: checking Recert's estimates with the agency (a button on the step), and
downloading the report or the proof packet (tracker/reports/views.py). Each keeps the day on
the cycle; a renewal opens a new cycle with none marked."""

from datetime import date

from sqlmodel import Session, update

from tracker.dashboard.renewal_steps import Step, with_marks
from tracker.models import Cycle, CycleStatus

ESTIMATES, REPORT = "estimates", "report"
# Each step's column on the cycle.
COLUMNS = {ESTIMATES: Cycle.estimates_checked_on, REPORT: Cycle.report_downloaded_on}


def mark_done(session: Session, cycle: Cycle, step: str, day: date) -> None:
    """Keep `day` as the day the step was done, if the cycle is open: one UPDATE, or none when
    the day is kept already (a report downloaded again the same day)."""
    column = COLUMNS[step]
    if cycle.status != CycleStatus.OPEN or getattr(cycle, column.key) == day:
        return
    session.exec(update(Cycle).where(Cycle.id == cycle.id, Cycle.status == CycleStatus.OPEN)
                 .values({column: day}))
    session.commit()


def marked_steps(steps: list[Step], cycle: Cycle) -> list[Step]:
    """The steps to renew as the page shows them, with those marked done on `cycle`."""
    return with_marks(steps, {step: getattr(cycle, column.key)
                              for step, column in COLUMNS.items()})
