"""The suite's latency table: each page timed one request at a time over HTTP, with its median
and p99 and the median as a ratio to the floor page's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from import_bench import csv_of
from sqlalchemy import create_engine, inspect, text
from suite_http import FLOOR_PATH, Browser, median, percentile
from suite_seed import Person

from tests.helpers import csrf_token
from tests.live_server import multipart


@dataclass
class Page:
    name: str
    path: str
    browser: Browser | None  # None: anonymous
    runs: int
    warmups: int = 3
    upload: tuple[str, bytes] | None = None  # import preview: (the form's page, the CSV)
    before: Callable[[], None] | None = None  # run before each request, untimed


def time_page(port: int, page: Page) -> dict:
    browser = page.browser or Browser(port)
    timings = []
    for number in range(page.warmups + page.runs):
        if page.before:
            page.before()
        if page.upload:
            form_page, data = page.upload
            token = csrf_token(browser.request("GET", form_page).text)
            body, content_type = multipart({"csrf_token": token},
                                           {"file": ("activities.csv", data, "text/csv")})
            answer = browser.request("POST", page.path, body=body,
                                     headers={"Content-Type": content_type})
            assert b'name="upload"' in answer.body, "the preview did not offer to confirm"
        else:
            answer = browser.request("GET", page.path)
        assert answer.status == 200, f"{page.path} answered {answer.status}"
        if number >= page.warmups:
            timings.append(answer.ms)
    return {"page": page.name, "method": "POST" if page.upload else "GET", "path": page.path,
            "runs": page.runs, "median_ms": round(median(timings), 2),
            "p99_ms": round(percentile(timings, 0.99), 2), "bytes": len(answer.body)}


@contextmanager
def revision_bumper(url: str, credential_id: int | None = None
                    ) -> Iterator[Callable[..., None] | None]:
    """What the app does to a credential when one of its activities changes (raise its
    activities_revision, which cached ledgers are keyed on), when the schema has it: so a page
    can be timed as it is first seen after a change. None when there is no such column."""
    engine = create_engine(url)
    try:
        columns = {column["name"] for column in inspect(engine).get_columns("held_credentials")}
        if "activities_revision" not in columns:
            yield None
            return

        def bump(of: int | None = credential_id) -> None:
            with engine.begin() as connection:
                connection.execute(text("UPDATE held_credentials SET activities_revision = "
                                        "activities_revision + 1 WHERE id = :id"),
                                   {"id": of})
        yield bump
    finally:
        engine.dispose()


def latency_table(port: int, people: dict[str, Person], runs: int, heavy_runs: int,
                  import_rows: int, url: str, change_runs: int) -> list[dict]:
    with revision_bumper(url) as bump:
        return time_pages(port, people, runs, heavy_runs, import_rows, bump, change_runs)


def sized(people: dict[str, Person]) -> list[tuple[str, Person]]:
    """The people whose pages are timed at their size: "small" and every "size-N"."""
    return sorted(((key, person) for key, person in people.items()
                   if key == "small" or key.startswith("size-")),
                  key=lambda item: item[1].activities)


def time_pages(port: int, people: dict[str, Person], runs: int, heavy_runs: int,
               import_rows: int, bump: Callable[..., None] | None,
               change_runs: int) -> list[dict]:
    report = people["report"]
    browsers = {}
    for key, person in people.items():
        browsers[key] = Browser(port)
        browsers[key].log_in(person.email)
    pages = [Page("floor: base template, no database (anonymous)", FLOOR_PATH, None, runs),
             Page("floor, logged in (loads the user)", FLOOR_PATH, browsers["small"], runs)]
    for key, person in sized(people):
        label = f"{person.activities:,} activities"
        credential = f"/credentials/{person.credential_id}"
        pages += [Page(f"home page, {label}", "/", browsers[key], runs),
                  Page(f"dashboard (credential page), {label}", credential, browsers[key], runs),
                  Page(f"activity list, {label}", f"{credential}/activities", browsers[key],
                       runs)]
    credential = f"/credentials/{report.credential_id}"
    pages += [Page(f"PDF report, {report.activities:,} activities", f"{credential}/report.pdf",
                   browsers["report"], heavy_runs, warmups=1),
              Page(f"import preview, CSV of {import_rows:,} rows ({report.activities} logged)",
                   f"{credential}/import/preview", browsers["report"], heavy_runs, warmups=1,
                   upload=(f"{credential}/import", csv_of(import_rows)))]
    if bump:  # last: each one leaves a new ledger in the worker's cache (see the memory line)
        for key, person in sized(people):
            if key == "small":
                continue
            label = f"{person.activities:,} activities, first view after a change"
            credential = f"/credentials/{person.credential_id}"

            def before(of: int = person.credential_id) -> None:
                bump(of)
            pages += [Page(f"home page, {label}", "/", browsers[key], change_runs,
                           before=before),
                      Page(f"dashboard (credential page), {label}", credential, browsers[key],
                           change_runs, before=before),
                      Page(f"activity list, {label}", f"{credential}/activities",
                           browsers[key], change_runs, before=before)]
    rows = []
    for page in pages:
        row = time_page(port, page)
        row["ratio_to_floor"] = round(row["median_ms"] / rows[0]["median_ms"], 1) if rows else 1.0
        print_row(row)
        rows.append(row)
    return rows


def print_row(row: dict) -> None:
    print(f"  {row['page']:58} {row['median_ms']:9.1f} {row['p99_ms']:9.1f} "
          f"{row['ratio_to_floor']:8.1f}x {row['runs']:5}", flush=True)
