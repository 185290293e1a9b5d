"""The downloadable template: the CSV export's columns with two example rows."""

import csv
import io

from tracker.display import points
from tracker.reports.documents import CSV_COLUMNS
from tracker.rules.catalog import RuleSet


def template_csv(ruleset: RuleSet) -> str:
    """UTF-8 with a byte-order mark (Excel opens it right), like the export."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    course = next((c for c in ruleset.categories if not c.is_period), None)
    if course is not None:
        writer.writerow({
            "Date completed": "2024-05-31", "Category": course.code, "Category name": course.name,
            "Title": "Forklift safety refresher", "Provider": "Acme Training",
            "Quantity": points(course.step or 1) if course.step else "8",
            "Unit": course.unit.plural, "Notes": "Delete these example rows.",
        })
    job = next((c for c in ruleset.categories if c.is_period), None)
    if job is not None:
        writer.writerow({
            "Start date": "2023-01-01", "Still employed": "yes", "Category": job.code,
            "Category name": job.name, "Title": "Machine operator", "Provider": "Acme Plant",
            "Full-time fraction": points(max(job.fractions)) if job.fractions else "1",
        })
    return "\ufeff" + buffer.getvalue()
