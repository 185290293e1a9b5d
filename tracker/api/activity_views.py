"""API: a credential's activities: list (filters as on the web list, cursor pages), log,
read, change, move to the trash and restore."""

import base64
import binascii
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from decimal import Decimal

from flask import url_for

from tracker.activities import services
from tracker.activities.listing import Filters, Row, filtered_rows
from tracker.api.auth import api_user
from tracker.api.blueprint import (
    ACTIVITIES,
    CHANGE_REFUSALS,
    CONFLICT,
    ID,
    NO_CONTENT,
    NOT_FOUND,
    NOT_MODIFIED,
    READ_ONLY,
    answer,
    bp,
)
from tracker.api.idempotency import IdempotencyHeaders, idempotent
from tracker.api.inputs import (
    ActivityChange,
    ActivityIn,
    ActivityPath,
    ActivityQuery,
    CredentialPath,
)
from tracker.api.owned import own_activity, own_credential
from tracker.api.preconditions import ChangeHeaders, ReadHeaders, lost_race, started_from
from tracker.api.problems import ApiProblem, ChangedMeanwhile, InvalidInput
from tracker.api.schemas import ActivityOut, ActivityPage, activity_out, figure
from tracker.api.validation import activity_fields, activity_values
from tracker.clock import today
from tracker.concurrency import Conflict
from tracker.db import get_session
from tracker.ledger import ledger_of
from tracker.models import Activity
from tracker.served_rulesets import ruleset_of

SAVE_FAILED = "We could not save this, and nothing was changed. Please try again."


@contextmanager
def saving(changed_meanwhile: Callable[[str], ApiProblem] = ChangedMeanwhile):
    """A refused save as a problem: `changed_meanwhile`'s when someone saved in between (409;
    lost_race's 412 after an If-Match), 422 when the credential is full, 503 when the database
    failed."""
    try:
        yield
    except Conflict as error:
        raise changed_meanwhile("activity") from error
    except services.TooManyActivities as error:
        raise ApiProblem(422, str(error)) from error
    except services.SaveFailed as error:
        raise ApiProblem(503, SAVE_FAILED) from error


def activity_answer(activity: Activity, status: int = 200, headers: dict | None = None):
    """The activity with what the engine makes of it in its credential's current cycle, and
    its version as the ETag."""
    ledger = ledger_of(get_session(), own_credential(activity.held_credential_id), today())
    out = activity_out(activity, ledger.results[activity.id], ledger.files.get(activity.id, []))
    return answer(out, status, headers, version=activity.version)


# A cursor names the row a page ended with and the row the next page begins with, in the
# sort's order over all the credential's activities (the web list's order): the next page
# starts after the first, or at the second if the first has gone to the trash meanwhile.
def _cursor(sort: str, last: Row, following: Row) -> str:
    text = f"{sort}/{last.activity.id}/{following.activity.id}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def _bad_cursor(message: str) -> InvalidInput:
    return InvalidInput({"cursor": [message + " Start again without it."]})


def _start(cursor: str, sort: str, everything: Sequence[Row], rows: Sequence[Row]) -> int:
    """Where the page after `cursor` begins in `rows` (the filtered part of `everything`)."""
    try:
        given, last, following = base64.urlsafe_b64decode(cursor.encode()).decode().split("/")
        last_id, following_id = int(last), int(following)
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise _bad_cursor("This cursor is not one we gave.") from error
    if given != sort:
        raise _bad_cursor(f"This cursor is of the “{given}” order, not “{sort}”.")
    rank = {row.activity.id: number for number, row in enumerate(everything)}
    if last_id in rank:
        after = rank[last_id] + 1
    elif following_id in rank:
        after = rank[following_id]
    else:
        raise _bad_cursor("The activities around this cursor have gone to the trash.")
    return next((n for n, row in enumerate(rows) if rank[row.activity.id] >= after), len(rows))


@bp.get(f"/credentials/<{ID}:credential_id>/activities", tags=[ACTIVITIES],
        responses={200: ActivityPage, **NOT_FOUND})
def list_activities(path: CredentialPath, query: ActivityQuery):
    """The credential's activities (not those in the trash), a page at a time, in the web
    list's orders (newest first by default).

    The filters are those of the web list; `total`, `earned` and `counted` are of every
    activity that passes them."""
    ledger = ledger_of(get_session(), own_credential(path.credential_id), today())
    everything = filtered_rows(ledger, Filters(sort=query.sort))
    rows = filtered_rows(ledger, Filters(
        category=(query.category or "").strip(), flag=query.flag or "",
        tag=(query.tag or "").strip(), q=(query.q or "").strip(), sort=query.sort))
    start = _start(query.cursor, query.sort, everything, rows) if query.cursor else 0
    page = rows[start:start + query.limit]
    more = start + query.limit < len(rows)
    return answer(ActivityPage(
        items=[activity_out(r.activity, r.result, r.files) for r in page],
        next_cursor=_cursor(query.sort, page[-1], rows[start + query.limit]) if more else None,
        total=len(rows),
        earned=figure(sum((r.result.earned for r in rows), Decimal(0))),
        counted=figure(sum((r.result.counted for r in rows), Decimal(0))),
    ))


@bp.post(f"/credentials/<{ID}:credential_id>/activities", tags=[ACTIVITIES],
         responses={201: ActivityOut, **READ_ONLY, **NOT_FOUND})
@idempotent
def create_activity(path: CredentialPath, body: ActivityIn, header: IdempotencyHeaders):
    """Log an activity: checked as the web form checks it. Add proof files afterwards."""
    credential = own_credential(path.credential_id)
    values = activity_values(ruleset_of(credential, credential.current_cycle), body.model_dump())
    with saving():
        activity = services.create_activity(get_session(), api_user(), credential, values, [])
    return activity_answer(activity, 201, {
        "Location": url_for("api.get_activity", activity_id=activity.id)})


@bp.get(f"/activities/<{ID}:activity_id>", tags=[ACTIVITIES],
        responses={200: ActivityOut, **NOT_MODIFIED, **NOT_FOUND})
def get_activity(path: ActivityPath, header: ReadHeaders):
    """One activity, with its points and files. Its ETag changes with anything in the answer,
    its points too (another activity, another day), but If-Match reads only its version."""
    return activity_answer(own_activity(path.activity_id))


@bp.patch(f"/activities/<{ID}:activity_id>", tags=[ACTIVITIES],
          responses={200: ActivityOut, **CHANGE_REFUSALS})
def update_activity(path: ActivityPath, header: ChangeHeaders, body: ActivityChange):
    """Change an activity: the fields sent replace the stored ones, then the whole activity is
    checked as the web form checks it. Send the version you read (`If-Match` or `version`)."""
    activity = own_activity(path.activity_id)
    started = started_from("activity", activity.version, body.version)
    credential = own_credential(activity.held_credential_id)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    values = activity_values(ruleset_of(credential, credential.current_cycle),
                             {**activity_fields(activity), **changes})
    with saving(lost_race):
        services.update_activity(get_session(), activity, values, [], set(), started)
    return activity_answer(own_activity(activity.id))


@bp.delete(f"/activities/<{ID}:activity_id>", tags=[ACTIVITIES],
           responses={**NO_CONTENT, **READ_ONLY, **NOT_FOUND, **CONFLICT})
def trash_activity(path: ActivityPath):
    """Move an activity to the trash: it stops counting, and can be restored for 30 days."""
    with saving():
        services.trash_activity(get_session(), own_activity(path.activity_id))
    return "", 204


@bp.post(f"/activities/<{ID}:activity_id>/restore", tags=[ACTIVITIES],
         responses={200: ActivityOut, **READ_ONLY, **NOT_FOUND, **CONFLICT})
@idempotent
def restore_activity(path: ActivityPath, header: IdempotencyHeaders):
    """Bring an activity back from the trash; it counts again."""
    activity = own_activity(path.activity_id, trashed=True)
    with saving():
        services.restore_activity(get_session(), activity)
    return activity_answer(activity)
