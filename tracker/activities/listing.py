"""The activity list: filters, sorting and pages over an evaluated ledger, all from the URL."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import ceil
from typing import NamedTuple

from werkzeug.datastructures import MultiDict

from tracker.fields import whole_number
from tracker.ledger import Ledger
from tracker.models import Activity, Evidence
from tracker.records import collector_paused, untrack_records
from tracker.rules import engine

PAGE_SIZE = 50
FLAG_FILTERS = ("over_cap", "outside_cycle", "future", "missing_evidence")
SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "category": "Category",
    "points": "Most points first",
}


class Row(NamedTuple):
    """One activity of the list. Thousands of them are kept with a cached ledger (Ledger.memo),
    so a tuple of immutable parts, which the garbage collector stops tracking, rather than a
    dataclass instance, which it walks on every full collection."""

    activity: Activity
    result: engine.ActivityResult
    files: Sequence[Evidence]


NO_FILES = ()  # shared by every row without files


@dataclass(frozen=True)
class Filters:
    category: str = ""
    flag: str = ""
    tag: str = ""
    q: str = ""
    sort: str = "newest"
    page: int = 1

    @classmethod
    def from_args(cls, args: MultiDict) -> "Filters":
        page = args.get("page", "1")
        sort = args.get("sort", "newest")
        flag = args.get("flag", "")
        return cls(
            category=args.get("category", "").strip(),
            flag=flag if flag in FLAG_FILTERS else "",
            tag=args.get("tag", "").strip(),
            q=args.get("q", "").strip(),
            sort=sort if sort in SORTS else "newest",
            page=max(whole_number(page) or 1, 1),
        )

    def query(self, **changes) -> dict:
        """The URL arguments of this view with some changed (empty ones left out)."""
        values = {"category": self.category, "flag": self.flag, "tag": self.tag, "q": self.q,
                  "sort": self.sort, "page": self.page, **changes}
        return {k: v for k, v in values.items() if v and not (k == "page" and v == 1)
                and not (k == "sort" and v == "newest")}

    @property
    def active(self) -> bool:
        return bool(self.category or self.flag or self.tag or self.q)


@dataclass(frozen=True)
class Listing:
    rows: list[Row]  # this page's rows
    total_rows: int
    earned: Decimal  # of all filtered rows, not only this page's
    counted: Decimal
    page: int
    pages: int

    @property
    def page_links(self) -> list[int | None]:
        return page_links(self.page, self.pages)


def page_links(page: int, pages: int) -> list[int | None]:
    """The page numbers to link: the first, the last and two either side of this one, None
    where numbers are left out (100 links in a row help nobody)."""
    near = {1, pages, *range(page - 2, page + 3)}
    shown = sorted(n for n in near if 1 <= n <= pages)
    links: list[int | None] = []
    for number in shown:
        if links and number - links[-1] > 1:
            links.append(None)
        links.append(number)
    return links


def _matches(row: Row, filters: Filters) -> bool:
    activity = row.activity
    if filters.category and activity.category != filters.category:
        return False
    if filters.flag and filters.flag not in row.result.flags:
        return False
    if filters.tag and not any(
        tag == filters.tag or tag.startswith(f"{filters.tag}.") for tag in activity.tags
    ):
        return False
    if filters.q:
        text = " ".join((activity.title, activity.provider, activity.description)).casefold()
        if filters.q.casefold() not in text:
            return False
    return True


def _sorted(rows: list[Row], sort: str) -> list[Row]:
    def day(row: Row):
        return (row.result.date or row.activity.completed_on, row.activity.id)

    if sort == "oldest":
        return sorted(rows, key=day)
    if sort == "category":
        return sorted(sorted(rows, key=day, reverse=True), key=lambda r: r.activity.category)
    if sort == "points":
        ordered = sorted(rows, key=day, reverse=True)
        return sorted(ordered, key=lambda r: (r.result.counted, r.result.earned), reverse=True)
    return sorted(rows, key=day, reverse=True)


def _all_rows(ledger: Ledger, sort: str) -> tuple[Row, ...]:
    """Every row in the sort's order, worked out once per ledger (see Ledger.memo)."""
    def build() -> tuple[Row, ...]:
        files = ledger.files
        # The engine's results come in input order, one per activity (see Ledger.results).
        rows = [Row(activity, result, files.get(activity.id, NO_FILES)) for activity, result
                in zip(ledger.activities, ledger.progress.activities, strict=True)]
        untrack_records(rows)  # of untracked records only: see tracker.records
        return tuple(_sorted(rows, sort))

    with collector_paused():
        return ledger.memo(("rows", sort), build)


def filtered_rows(ledger: Ledger, filters: Filters) -> Sequence[Row]:
    """Every row that passes the filters, in the filters' order (all pages)."""
    rows = _all_rows(ledger, filters.sort)
    if not filters.active:
        return rows
    return [row for row in rows if _matches(row, filters)]


def _totals(rows: Sequence[Row]) -> tuple[Decimal, Decimal]:
    return (sum((row.result.earned for row in rows), Decimal(0)),
            sum((row.result.counted for row in rows), Decimal(0)))


def list_activities(ledger: Ledger, filters: Filters) -> Listing:
    chosen = filtered_rows(ledger, filters)
    pages = max(1, ceil(len(chosen) / PAGE_SIZE))
    page = min(filters.page, pages)
    start = (page - 1) * PAGE_SIZE
    if filters.active:
        earned, counted = _totals(chosen)
    else:
        earned, counted = ledger.memo("totals", lambda: _totals(chosen))
    return Listing(
        rows=list(chosen[start:start + PAGE_SIZE]),
        total_rows=len(chosen),
        earned=earned,
        counted=counted,
        page=page,
        pages=pages,
    )
