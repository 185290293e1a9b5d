"""The recertification report: the HTML page, the PDF (tracker/reports/pdf.py), and the CSV.

Every figure comes from the engine through the credential's ledger; nothing is recomputed.
"""

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from anyascii import anyascii
from flask import current_app, render_template
from sqlmodel import Session

from tracker.activities.evidence import EXTENSIONS
from tracker.credentials import snapshots
from tracker.dashboard.chart import Chart, build_chart
from tracker.display import FLAG_LABELS, exact
from tracker.ledger import Ledger, WithLedger
from tracker.models import Cycle, HeldCredential, User
from tracker.reports import pdf
from tracker.reports.wording import (
    ESTIMATES_HEADING,
    SKILLS_NOTE,
    not_counted_reason,
    report_words,
    wrapping_file_name,
)
from tracker.rules.checks import say_date
from tracker.rules.insights import ModuleCoverage, competency_coverage

CSV_COLUMNS = [
    "Date completed", "Start date", "Still employed", "Category", "Category name", "Title",
    "Provider", "Quantity", "Unit", "Full-time fraction", "Earned points", "Counted points",
    "Counting notes", "Proof files", "Skills", "Notes",
]
# A cell starting with one of these would run as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Report(WithLedger):
    user: User
    credential: HeldCredential
    cycle: Cycle
    ledger: Ledger
    chart: Chart
    coverage: list[ModuleCoverage]
    generated_on: date

    @property
    def rows(self) -> list:
        """(activity, engine result, files) in date order, oldest first."""
        results = self.ledger.results
        rows = [(a, results[a.id], self.ledger.files.get(a.id, []))
                for a in self.ledger.activities]
        return sorted(rows, key=lambda row: (row[1].date or row[0].completed_on, row[0].id))

    @property
    def counted_rows(self) -> list:
        """The rows of the activities that go to the agency: all but those listed apart."""
        return [row for row in self.rows if not_counted_reason(row[1].flags) is None]

    @property
    def not_counted_rows(self) -> list:
        """The rows of the activities that count 0 in this cycle whatever they earn (outside
        the cycle, dated after the report's day): listed apart."""
        return [row for row in self.rows if not_counted_reason(row[1].flags) is not None]

    @property
    def title(self) -> str:
        return (f"{self.ruleset.short_name} recertification report, {self.user.display_name}, "
                f"{say_date(self.cycle.starts_on)} to {say_date(self.cycle.ends_on)}")


def build_report(session: Session, user: User, credential: HeldCredential,
                 today: date, cycle: Cycle | None = None) -> Report:
    """The report of `cycle` (the current one by default), evaluated as on `today`; a closed
    cycle's comes from what it kept on the day it closed, and is dated that day."""
    cycle = cycle or credential.current_cycle
    seen_on = snapshots.evaluated_on(cycle, today)
    ledger = snapshots.cycle_ledger(session, credential, cycle, seen_on)
    tags = [(a.id, a.tags) for a in ledger.activities]
    return Report(user, credential, cycle, ledger, build_chart(ledger.progress),
                  competency_coverage(ledger.ruleset, tags, ledger.progress), seen_on)


def report_of(session: Session, user: User, credential: HeldCredential, today: date,
              cycle_id: int | None = None) -> Report | None:
    """The report of the credential's cycle `cycle_id` (the current cycle when None), or None
    when the credential has no such cycle."""
    cycle = credential.current_cycle if cycle_id is None else next(
        (c for c in credential.cycles if c.id == cycle_id), None)
    return None if cycle is None else build_report(session, user, credential, today, cycle)


def file_stem(report: Report) -> str:
    """The name of the report's downloads (PDF, CSV, packet) before their ending, the same on
    the web and through the API."""
    return (f"recert-{report.ruleset.code}-{report.cycle.starts_on.isoformat()}"
            f"-to-{report.cycle.ends_on.isoformat()}")


def render_html(report: Report, *, standalone: bool = False) -> str:
    """The report page; `standalone` carries its stylesheet inside, for a file on its own."""
    stylesheet = ""
    if standalone:
        stylesheet = (Path(current_app.static_folder) / "report.css").read_text()
    return render_template("reports/report.html", report=report,
                           standalone=standalone, stylesheet=stylesheet,
                           progress=report.progress, ruleset=report.ruleset,
                           chart=report.chart, words=report_words(report),
                           estimates_heading=ESTIMATES_HEADING, skills_note=SKILLS_NOTE,
                           file_name=wrapping_file_name,
                           not_counted_reason=not_counted_reason)


def render_pdf(report: Report) -> bytes:
    """The report as PDF (Typst, in a child process: see tracker/reports/pdf.py)."""
    return pdf.render(report)


def safe_part(text: str, limit: int = 40) -> str:
    """Letters, digits and dashes only, so the name is safe on every computer; other letters
    are spelt in Latin ones first ("Sécurité — 安全" gives "securite-anquan"), not dropped."""
    latin = anyascii(text)
    return re.sub(r"[^A-Za-z0-9]+", "-", latin).strip("-")[:limit].strip("-").lower() or "file"


def proof_file_paths(report: Report) -> dict[int, str]:
    """Each proof file's path in the audit packet, by the file's id. The CSV and the packet's
    manifest name a file by it, so a row finds its files whatever their order; it holds no
    "; " to split on. Files of two activities with one day and title are numbered on, so
    every path is the packet's only one."""
    paths = {}
    taken = Counter()
    for activity, _result, files in report.rows:
        day = (activity.completed_on or activity.started_on).isoformat()
        stem = f"evidence/{day}-{safe_part(activity.title)}"
        for facts in files:
            taken[stem] += 1
            ending = EXTENSIONS[facts.content_type][0]  # the type's usual one: ".jpg"
            paths[facts.id] = f"{stem}-{taken[stem]}{ending}"
    return paths


def _cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def activities_csv(report: Report) -> str:
    """The activities as CSV: UTF-8 with a byte-order mark, ISO dates, dot decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    paths = proof_file_paths(report)
    for activity, result, files in report.rows:
        category = report.ruleset.category(activity.category)
        period = activity.started_on is not None
        writer.writerow([_cell(str(value)) for value in (
            activity.completed_on.isoformat() if activity.completed_on else "",
            activity.started_on.isoformat() if period else "",
            "yes" if period and activity.completed_on is None else "",
            activity.category,
            category.name if category else "",
            activity.title,
            activity.provider,
            "" if activity.quantity is None else exact(activity.quantity),
            category.unit.plural if category and not period else "",
            "" if activity.fraction is None else exact(activity.fraction),
            exact(result.earned),
            exact(result.counted),
            "; ".join(FLAG_LABELS.get(flag, flag) for flag in result.flags),
            "; ".join(paths[f.id] for f in files),
            "; ".join(activity.tags),
            activity.description,
        )])
    return "\ufeff" + buffer.getvalue()

