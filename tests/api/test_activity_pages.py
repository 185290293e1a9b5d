"""The API's activity lists a page at a time: a credential's (version 1) in each of the web
list's orders, every row once, in the order the web list shows; a person's (version 2) in its
own orders; and cursors that survive a row going to the trash."""

import re

import pytest

from tests.api.helpers import V2, course, problem_of
from tracker.activities.listing import SORTS

# Ties on purpose: two on one day, categories repeated, equal points in different categories.
ENTRIES = [
    ("CE-TRAINING", "2024-05-01", "2"),
    ("CE-TRAINING", "2024-05-01", "2"),
    ("CE-CREDIT", "2024-03-01", "0.5"),
    ("X", "2023-09-10", "30"),
    ("X", "2024-01-15", "5"),
    ("CE-NONCREDIT", "2024-05-01", "5"),
    ("IC", "2023-02-01", "1"),
    ("CE-TRAINING", "2022-06-30", "1.25"),
    ("CE-CREDIT", "2025-01-20", "1"),
]


@pytest.fixture
def logged(api, credential_id) -> int:
    for number, (category, day, quantity) in enumerate(ENTRIES):
        course(api, credential_id, title=f"Entry {number}", category=category,
               completed_on=day, quantity=quantity)
    return credential_id


def pages(api, url: str) -> list[list[int]]:
    """The ids on each page, following the cursors to the last page."""
    found, totals, cursor = [], set(), None
    while True:
        page = api.get(url + (f"&cursor={cursor}" if cursor else "")).json
        found.append([item["id"] for item in page["items"]])
        totals.add(page["total"])
        cursor = page["next_cursor"]
        if cursor is None:
            assert totals == {sum(len(ids) for ids in found)}
            return found


def web_order(user_client, credential: int, sort: str) -> list[int]:
    page = user_client.get(f"/credentials/{credential}/activities?sort={sort}").text
    return list(dict.fromkeys(int(n) for n in re.findall(r'href="/activities/(\d+)"', page)))


@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("limit", [1, 4])
def test_pages_hold_every_row_once_in_the_web_lists_order(api, user_client, logged, sort,
                                                           limit):
    found = pages(api, f"/credentials/{logged}/activities?sort={sort}&limit={limit}")
    ids = [number for page in found for number in page]
    assert len(ids) == len(set(ids)) == len(ENTRIES)  # none twice, none missing
    assert all(len(page) == limit for page in found[:-1])
    assert ids == web_order(user_client, logged, sort)


def test_a_filter_pages_within_the_order(api, logged):
    url = f"/credentials/{logged}/activities?sort=points&category=CE-TRAINING&limit=1"
    titles = [api.get(f"{V2}/activities/{n}").json["title"] for [n] in pages(api, url)]
    assert titles == ["Entry 1", "Entry 0", "Entry 7"]  # 2, 2 (newer id first), 1.25


def test_a_cursor_survives_the_rows_around_it_going_to_the_trash(api, logged):
    url = f"/credentials/{logged}/activities?sort=category&limit=3"
    everything = [n for page in pages(api, url) for n in page]
    first = api.get(url).json
    cursor = first["next_cursor"]
    assert api.delete(f"{V2}/activities/{everything[2]}").status_code == 204  # the page's last
    after = api.get(f"{url}&cursor={cursor}").json
    assert [item["id"] for item in after["items"]] == everything[3:6]
    assert api.delete(f"{V2}/activities/{everything[3]}").status_code == 204  # and the next one
    gone = api.get(f"{url}&cursor={cursor}")
    assert "Start again" in problem_of(gone, 422)["errors"]["cursor"][0]


def test_a_cursor_is_of_one_order(api, logged):
    cursor = api.get(f"/credentials/{logged}/activities?sort=points&limit=2").json["next_cursor"]
    other = api.get(f"/credentials/{logged}/activities?sort=oldest&cursor={cursor}")
    assert problem_of(other, 422)["errors"]["cursor"] == [
        "This cursor is of the “points” order, not “oldest”. Start again without it."]
    odd = api.get(f"/credentials/{logged}/activities?sort=name")
    assert "sort" in problem_of(odd, 422)["errors"]


def dates_of(api, ids: list[int]) -> list[str]:
    return [api.get(f"{V2}/activities/{n}").json["completed_on"] for n in ids]


@pytest.mark.parametrize("limit", [1, 4])
def test_a_persons_list_pages_every_activity_once_in_its_orders(api, logged, limit):
    newest = [n for page in pages(api, f"{V2}/activities?limit={limit}") for n in page]
    oldest = [n for page in pages(api, f"{V2}/activities?sort=oldest&limit={limit}")
              for n in page]
    assert len(newest) == len(set(newest)) == len(ENTRIES)
    assert oldest == list(reversed(newest))  # ties go by id, both ways
    days = dates_of(api, newest)
    assert days == sorted(days, reverse=True)
    by_kind = [n for page in pages(api, f"{V2}/activities?sort=kind&limit={limit}")
               for n in page]
    kinds = [api.get(f"{V2}/activities/{n}").json["kind"] for n in by_kind]
    assert kinds == sorted(kinds) and set(by_kind) == set(newest)


def test_a_persons_list_filters_and_its_cursor_survives_the_trash(api, logged):
    trainings = api.get(f"{V2}/activities?kind=training").json
    assert trainings["total"] == 3  # the CE-TRAINING entries
    url = f"{V2}/activities?limit=2"
    everything = [n for page in pages(api, url) for n in page]
    cursor = api.get(url).json["next_cursor"]
    assert api.delete(f"{V2}/activities/{everything[1]}").status_code == 204
    after = api.get(f"{url}&cursor={cursor}").json
    assert [item["id"] for item in after["items"]] == everything[2:4]
    other = api.get(f"{V2}/activities?sort=oldest&cursor={cursor}")
    assert problem_of(other, 422)["errors"]["cursor"] == [
        "This cursor is of the “newest” order, not “oldest”. Start again without it."]
    assert "sort" in problem_of(api.get(f"{V2}/activities?sort=points"), 422)["errors"]
