"""The report's own sentences, the same on the HTML page and in the PDF: which figures are
Recert's estimates, why an activity is listed apart, and where a file name may wrap."""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from markupsafe import Markup, escape

from tracker.display import points, status_label
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_date
from tracker.rules.estimates import estimated_figures, is_estimated, one_for_one, rate_text
from tracker.rules.results import Progress

# Why an activity counts 0 whatever it earned, by its flag: it is listed apart, under "Not
# counted in this cycle", so the main list is what goes to the agency.
NOT_COUNTED = {"outside_cycle": "outside your cycle", "future": "dated after today"}

# A file name may wrap after these (and after a space), never inside a word. A piece wider
# than its column (a pasted code) still breaks: the PDF's template and the page's style see to it.
SEPARATORS = "_-./"
_PIECE = re.compile(rf"[^{re.escape(SEPARATORS)}\s]*[{re.escape(SEPARATORS)}\s]+|\S+")


ESTIMATES_HEADING = "Which figures are estimates."
# Under the skills table, as on the credential page: MSSC does not ask for it.
SKILLS_NOTE = "This table is for your own learning. You do not need it to renew."


def not_counted_reason(flags) -> str | None:
    """Why an activity is not counted in this cycle at all ("outside your cycle"), or None."""
    return next((NOT_COUNTED[flag] for flag in flags if flag in NOT_COUNTED), None)


def pieces(text: str) -> list[str]:
    """Text cut after each separator and space, so it wraps between words:
    "forklift_operator_2025-08-10.pdf" gives "forklift_", "operator_", "2025-", "08-",
    "10.pdf". Joined, the pieces are the text again."""
    cut = _PIECE.findall(text)
    # The ending stays with the word before it: "coaching.pdf", not "coaching." and "pdf".
    if len(cut) >= 2 and cut[-2].endswith(".") and len(cut[-1]) <= 5:
        cut[-2:] = [cut[-2] + cut[-1]]
    return cut or [text]


def words_in_pieces(text: str) -> list[list[str]]:
    """The words of a text (split at spaces), each in its pieces: for the PDF, where a word
    too wide for its column wraps between its pieces."""
    return [pieces(word) for word in text.split(" ")]


def wrapping_file_name(name: str) -> Markup:
    """A file name for the HTML page, with a place to wrap (<wbr>) after each piece."""
    return Markup("<wbr>").join(escape(piece) for piece in pieces(name))


def certificate_number(number: str | None) -> str:
    return number or "not given yet (add it before you apply)"


def not_counted_note(ruleset: RuleSet) -> str:
    """Said once above the activities listed apart."""
    return (f"These count 0 toward this cycle, so they are not part of what you send to "
            f"{ruleset.agency.short_name}. One dated after today counts once that day comes.")


def no_activities(report) -> str:
    """What the activity list says when it lists none."""
    return "No activities logged." if not report.rows else "No activities count in this cycle yet."


def category_note(ruleset: RuleSet, day: date, estimates: bool) -> str:
    """The note under the points by category: what "earned" takes in and, once, what the
    figures marked "estimate" mean."""
    note = ("Earned in a category counts the activities inside the cycle and not dated after "
            f"{say_date(day)}.")
    if estimates:
        agency = ruleset.agency.short_name
        note += (f" Figures marked \"estimate\": {agency} has not published how many "
                 f"{ruleset.points_name.plural} these activities are worth, so Recert uses its "
                 f"own estimate. Check with {agency} before you apply.")
    return note


def estimated_categories(ruleset: RuleSet) -> set[str]:
    """The codes of the categories whose points an estimate decides: their figures are marked
    "estimate" in the report."""
    return {category.code for category in ruleset.categories
            if is_estimated(ruleset, category.code)}


def marked_categories(ruleset: RuleSet, progress: Progress) -> frozenset[str]:
    """The categories whose counted points an estimate decides (none counted, nothing to mark):
    marked "estimate" in the report, and so are its point totals when there are any."""
    estimated = estimated_categories(ruleset)
    return frozenset(category.code for category in progress.categories
                     if category.counted and category.code in estimated)


def marked_activities(report) -> frozenset[int]:
    """The ids of the listed activities whose counted points an estimate decides, as the
    activity's own page marks them (by its kind): marked "estimate" in the report's list."""
    return frozenset(activity.id for activity, result, _files in report.counted_rows
                     if result.counted and is_estimated(report.ruleset, result.category,
                                                        activity.kind))


@dataclass(frozen=True)
class EstimatesNote:
    """For the report's first page: what the agency publishes and which figures are Recert's
    estimates, in short sentences and a list of the estimated rates (one a line)."""

    said: str
    rates: tuple[str, ...]
    check: str


def estimates_note(ruleset: RuleSet) -> EstimatesNote | None:
    """None when every figure behind the points is published."""
    estimated = [(category, estimated_figures(ruleset, category))
                 for category in ruleset.categories if is_estimated(ruleset, category.code)]
    if not estimated:
        return None
    agency, unit = ruleset.agency.short_name, ruleset.points_name.plural
    published = []
    if _published(ruleset, "cycle_years"):
        published.append(f"the {ruleset.cycle_years}-year cycle")
    if _published(ruleset, "points_required"):
        published.append(f"the {points(ruleset.points_required)} {unit}")
    sentences = [f"{agency} publishes {' and '.join(published)}."] if published else []
    # A rate of one of the agency's own points per point says nothing: left out.
    rates = tuple(f"{category.name}: {rate}." for category, figures in estimated
                  if {"points_per_unit", "per_unit"} & set(figures)
                  and (rate := rate_text(ruleset, category)) != one_for_one(ruleset))
    if any({"cap", "cap_per_year"} & set(figures) for _category, figures in estimated):
        sentences.append(f"Recert guessed the most {unit} each category can count.")
    if any({"points_per_unit", "per_unit"} & set(figures) for _category, figures in estimated):
        sentences.append(f"Recert guessed what each activity is worth{':' if rates else '.'}")
    return EstimatesNote(" ".join(sentences), rates, f"Check with {agency} before you apply.")


def _published(ruleset: RuleSet, figure: str) -> bool:
    mark = ruleset.provenance_of(figure)
    return mark is not None and mark.published


@dataclass(frozen=True)
class Fact:
    """A label and its value in the report's "Cycle and standing" table."""

    label: str
    value: str
    bold: bool = False
    estimate: bool = False  # marked "estimate": an estimate of Recert's decides it


def standing(report, totals_estimated: bool) -> list[list[Fact]]:
    """The cycle and standing, one or two facts a row: the status alone on the first row, so
    "Complete (by Recert's estimates)" reads on one line."""
    progress, ruleset, cycle = report.progress, report.ruleset, report.cycle
    unit = ruleset.points_name.plural
    reached = progress.remaining == 0
    finish = progress.requirement_reached_on if reached else progress.projected_completion
    # What the activities listed earned (not those listed apart, which count 0 this cycle):
    # the sum of the list's "Earned" column.
    earned = sum((result.earned for _activity, result, _files in report.counted_rows),
                 Decimal(0))
    return [
        [Fact("Status", status_label(ruleset, progress), bold=True)],
        [Fact("Cycle", f"{say_date(cycle.starts_on)} to {say_date(cycle.ends_on)}"),
         Fact("Days left", str(progress.days_left))],
        [Fact("Application window opens", say_date(progress.window_opens_on)),
         Fact("Required", f"{points(progress.required)} {unit}")],
        [Fact("Rules used", f"{ruleset.short_name} rules, version {cycle.ruleset_version}"),
         Fact("Counted", f"{points(progress.counted)} {unit}", bold=True,
              estimate=totals_estimated)],
        [Fact("Earned before limits", f"{points(earned)} {unit}"),
         Fact("Remaining", f"{points(progress.remaining)} {unit}",
              estimate=totals_estimated)],
        [Fact("Requirement reached on" if reached else "Expected finish",
              say_date(finish) if finish else "not yet known")],
    ]


@dataclass(frozen=True)
class Words:
    """The report's sentences and marks, worked out once for the page and the PDF alike."""

    estimates: EstimatesNote | None  # on the first page, when any figure is an estimate
    estimated: frozenset[str]  # the categories whose counted points are marked "estimate"
    estimated_activities: frozenset[int]  # the listed activities marked so, by their ids
    totals_estimated: bool  # whether the point totals are marked "estimate" too
    facts: list[list[Fact]]  # the cycle and standing
    certificate_number: str
    category_note: str
    not_counted_note: str
    no_activities: str


def report_words(report) -> Words:
    ruleset = report.ruleset
    marked = marked_categories(ruleset, report.progress)
    return Words(
        estimates=estimates_note(ruleset),
        estimated=marked,
        estimated_activities=marked_activities(report),
        totals_estimated=bool(marked),
        facts=standing(report, bool(marked)),
        certificate_number=certificate_number(report.credential.certificate_number),
        category_note=category_note(ruleset, report.generated_on, bool(marked)),
        not_counted_note=not_counted_note(ruleset),
        no_activities=no_activities(report),
    )
