"""The downloadable template: the columns the import reads, with an example course and job
of kinds the credential counts, and a note on how to fill them in."""

import csv
import io
from decimal import Decimal

from tracker.display import exact
from tracker.rules.catalog import RuleSet
from tracker.rules.kinds import kind_of

# Unit is not read: it reminds the person what the quantity is counted in.
TEMPLATE_COLUMNS = [
    "Date completed", "Start date", "Still employed", "Kind", "Title", "Provider", "Quantity",
    "Unit", "Full-time fraction", "Skills", "Notes",
]
COURSE_HOURS = Decimal(8)


def template_csv(ruleset: RuleSet) -> str:
    """UTF-8 with a byte-order mark (Excel opens it right), like the export."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, TEMPLATE_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    kinds = [kind_of(code) for code in ruleset.counted_kinds]
    course = next((kind for kind in kinds if not kind.is_period), None)
    if course is not None:
        amount = COURSE_HOURS if course.step is None or COURSE_HOURS % course.step == 0 \
            else course.step
        writer.writerow({
            "Date completed": "2024-05-31", "Kind": course.code,
            "Title": "Forklift safety refresher", "Provider": "Acme Training",
            "Quantity": exact(amount), "Unit": course.unit.of(amount),
            "Notes": "Delete these example rows. Kind: what you did (a kind's code or name, as "
                     "the import page lists them). Quantity: how much, in the kind's unit.",
        })
    job = next((kind for kind in kinds if kind.is_period), None)
    if job is not None:
        writer.writerow({
            "Start date": "2023-01-01", "Still employed": "yes", "Kind": job.code,
            "Title": "Machine operator", "Provider": "Acme Plant",
            "Full-time fraction": exact(max(job.fractions)) if job.fractions else "1",
            "Notes": "A job: its start date, then its end date or “yes” under Still employed.",
        })
    return "\ufeff" + buffer.getvalue()
