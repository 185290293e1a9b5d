"""Finding dates in a certificate's text: the day it was completed, or a job's period.

Pure, like tracker.proofs.fields, which uses it. US forms: "08/10/2025" is August 10.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

MONTHS = {name: number for number, names in enumerate((
    ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
    ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")), start=1) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

# The forms of a date, each with named parts month, day, year.
DATE_FORMS = (
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),            # August 10, 2025
    # The last day of days in one month: "December 4-6, 2023" (or "4 - 6").
    re.compile(rf"\b{_MONTH}\s+\d{{1,2}}\s*[-\u2013]\s*{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+(?:day\s+of\s+)?{_MONTH},?\s+{_YEAR}\b", re.I),  # 10 Aug 2025
    # 08/10/2025, 08-10-2025, 08.10.2025: month first, as in the US.
    re.compile(r"\b(?P<month>\d{1,2})([/.-])(?P<day>\d{1,2})\2(?P<year>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d{2})-(?P<day>\d{2})\b"),  # 2025-08-10
    # 20250810, as the Army's training records write dates.
    re.compile(r"\b(?P<year>(?:19|20)\d\d)(?P<month>[01]\d)(?P<day>[0-3]\d)\b"),
)
# A month without a day, only used for the ends of a period: "March 2021".
MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b", re.I)
# Between the two ends of a period: "to", "through", "until" or a dash (any of three).
PERIOD_JOINER = re.compile(r"^\s*(?:to|through|thru|until|till|-|\u2013|\u2014)\s*$", re.I)
# Words that say which date is the one the activity was completed on, surest first; a date
# after a surer word wins, then the one nearer its word.
COMPLETION_WORDS = (
    re.compile(r"\b(?:complet\w*|finished|passed|ended)\b", re.I),
    re.compile(r"\b(?:date[ds]?|awarded|issued|earned|conferred)\b", re.I),
    re.compile(r"\b(?:attended|held|given|on)\b", re.I),
)
# Dates that are never the completion: an expiry, a birthday, a letter's print date.
OTHER_DATE_WORDS = re.compile(
    r"\b(?:expir\w*|valid\s+(?:until|through|thru)|renew\w*|birth|dob|printed|due)\b", re.I)

@dataclass(frozen=True)
class FoundDate:
    start: int  # where in the text it was found
    end: int
    day: date


def find_dates(text: str) -> list[FoundDate]:
    """Every real date in the text, in the order they appear."""
    found: list[FoundDate] = []
    for form in DATE_FORMS:
        for match in form.finditer(text):
            day = _date_of(match.group("year"), match.group("month"), match.group("day"))
            overlaps = any(match.start() < other.end and other.start < match.end()
                           for other in found)
            if day and not overlaps:
                found.append(FoundDate(match.start(), match.end(), day))
    return sorted(found, key=lambda found_date: found_date.start)


def _date_of(year: str, month: str, day: str) -> date | None:
    number = int(month) if month.isdigit() else MONTHS.get(month.lower().rstrip("."))
    try:
        return date(int(year), number or 0, int(day))
    except ValueError:
        return None


def completion_date(text: str, dates: list[FoundDate]) -> date | None:
    """The date after the surest completion word ("completed" over "issued" over "on"),
    the nearest to it; else the latest date that is not an expiry or a birthday."""
    candidates = [found for found in dates if not _is_other_date(text, found)]
    if not candidates:
        return None
    return min(candidates, key=lambda found: (*_completion_word(text, found),
                                              -found.day.toordinal())).day


def _is_other_date(text: str, found: FoundDate) -> bool:
    before = text[max(0, found.start - 40):found.start]
    return bool(OTHER_DATE_WORDS.search(before.rsplit("\n", 1)[-1]))


def _completion_word(text: str, found: FoundDate) -> tuple[int, int]:
    """How sure the completion word before the date is (0 surest) and how many characters
    lie between them. The words are looked for on the date's line, or on the line above
    when the date starts its line."""
    line_start = text.rfind("\n", 0, found.start) + 1
    before = text[line_start:found.start]
    if not re.search(r"[A-Za-z]", before):
        before = text[text.rfind("\n", 0, max(0, line_start - 1)) + 1:found.start]
    for sureness, words in enumerate(COMPLETION_WORDS):
        matches = list(words.finditer(before))
        if matches:
            return sureness, len(before) - matches[-1].end()
    return len(COMPLETION_WORDS), 0


def find_period(text: str) -> tuple[date, date] | None:
    """The two ends of a period: "from March 1, 2021 to June 30, 2024", "March 2021 - June
    2024" (a month alone runs from its first day to its last)."""
    ends = find_dates(text) + _month_years(text)
    ends.sort(key=lambda found: found.start)
    for first, second in pairwise(ends):
        joined = PERIOD_JOINER.match(text[first.end:second.start])
        if joined and first.day < second.day:
            return first.day, _end_of_month_if_month_only(text, second)
    return None


def _month_years(text: str) -> list[FoundDate]:
    return [FoundDate(match.start(), match.end(),
                      date(int(match.group("year")), MONTHS[match.group("month").lower()], 1))
            for match in MONTH_YEAR.finditer(text)]


def _end_of_month_if_month_only(text: str, found: FoundDate) -> date:
    if MONTH_YEAR.fullmatch(text[found.start:found.end]):
        return found.day.replace(day=monthrange(found.day.year, found.day.month)[1])
    return found.day


def full_time_months(start: date, end: date) -> Decimal:
    """The whole months from `start` through `end`: March 1, 2021 to June 30, 2024 is 40."""
    after = end + timedelta(days=1)
    months = (after.year - start.year) * 12 + after.month - start.month
    if after.day < start.day:
        months -= 1
    return Decimal(max(months, 0))
