"""Cursor pages of an activity list, in one of its orders.

A cursor names the row a page ended with and the row the next page begins with, in the order's
sequence over all the list's rows (unfiltered): the next page starts after the first, or at the
second if the first has gone to the trash meanwhile. Only ids are named, so a cursor works
whatever the rows are (a credential's ledger rows, a person's activities).
"""

import base64
import binascii
from collections.abc import Sequence

from tracker.api.problems import InvalidInput


def cursor_of(sort: str, last_id: int, following_id: int) -> str:
    """The cursor of the page after the row `last_id`, which `following_id` follows."""
    return base64.urlsafe_b64encode(f"{sort}/{last_id}/{following_id}".encode()).decode()


def _bad_cursor(message: str) -> InvalidInput:
    return InvalidInput({"cursor": [message + " Start again without it."]})


def start_of(cursor: str, sort: str, everything: Sequence[int], ids: Sequence[int]) -> int:
    """Where the page after `cursor` begins in `ids` (the filtered part of `everything`, both
    ids in the sort's order); InvalidInput for a cursor we did not give, of another order, or
    whose rows have both gone."""
    try:
        given, last, following = base64.urlsafe_b64decode(cursor.encode()).decode().split("/")
        last_id, following_id = int(last), int(following)
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise _bad_cursor("This cursor is not one we gave.") from error
    if given != sort:
        raise _bad_cursor(f"This cursor is of the “{given}” order, not “{sort}”.")
    rank = {activity_id: number for number, activity_id in enumerate(everything)}
    if last_id in rank:
        after = rank[last_id] + 1
    elif following_id in rank:
        after = rank[following_id]
    else:
        raise _bad_cursor("The activities around this cursor have gone to the trash.")
    return next((n for n, activity_id in enumerate(ids) if rank[activity_id] >= after), len(ids))


def page_of(ids: Sequence[int], everything: Sequence[int], sort: str, cursor: str | None,
            limit: int) -> tuple[int, int, str | None]:
    """The page's (start, end) in `ids`, and the next page's cursor (None on the last page)."""
    start = start_of(cursor, sort, everything, ids) if cursor else 0
    end = min(start + limit, len(ids))
    more = end < len(ids)
    return start, end, cursor_of(sort, ids[end - 1], ids[end]) if more else None
