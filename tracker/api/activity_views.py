"""API version 1: a credential's activities, listed from its ledger (filters as on the web
list, cursor pages); and the version 1 addresses of one activity, which answer 410 Gone.

Version 1 kept each activity under one credential, in one of its categories. Activities now
belong to the person and count toward every credential they hold (tracker.api.activity_v2_views):
an activity's version 1 shape (one `credential_id`, one `category`) no longer exists, so its
addresses answer 410 with a `Link` to the version 2 address instead of a body that would
pretend otherwise. A credential's list still answers: its rows are that credential's ledger,
each in the category it counts in there."""

from decimal import Decimal

from flask import url_for

from tracker.activities.listing import Filters, filtered_rows
from tracker.api.activity_schemas import ActivityPage, activity_out
from tracker.api.blueprint import (
    GONE,
    GONE_ACTIVITIES,
    ID,
    NO_ADDRESS,
    NOT_FOUND,
    READ_ONLY,
    answer,
    bp,
)
from tracker.api.inputs import ActivityPath, ActivityQuery, CredentialPath
from tracker.api.owned import own_credential
from tracker.api.pages import page_of
from tracker.api.problems import Gone
from tracker.api.schemas import figure
from tracker.clock import today
from tracker.db import get_session
from tracker.ledger import ledger_of

WHY_GONE = ("Activities now belong to you, not to one credential, and count toward every "
            "credential you hold: this version 1 address is gone.")
GONE_ANSWERS = {**GONE, **NO_ADDRESS}


@bp.get(f"/credentials/<{ID}:credential_id>/activities", tags=[GONE_ACTIVITIES],
        operation_id="list_credential_activities",
        responses={200: ActivityPage, **NOT_FOUND})
def list_activities(path: CredentialPath, query: ActivityQuery):
    """The activities that count toward this credential, in its categories.

    Not those in the trash; a page at a time, in the web list's orders (newest first by
    default); each in the category it counts in here, its quantity in that category's unit.
    The filters are those of the web list; `total`, `earned` and `counted` are of every
    activity that passes them. All your activities, with what they count toward each
    credential: `GET /api/v2/activities`."""
    credential = own_credential(path.credential_id)
    ledger = ledger_of(get_session(), credential, today())
    everything = [row.activity.id for row in filtered_rows(ledger, Filters(sort=query.sort))]
    rows = filtered_rows(ledger, Filters(
        category=(query.category or "").strip(), flag=query.flag or "",
        tag=(query.tag or "").strip(), q=(query.q or "").strip(), sort=query.sort))
    start, end, following = page_of([row.activity.id for row in rows], everything, query.sort,
                                    query.cursor, query.limit)
    return answer(ActivityPage(
        items=[activity_out(credential.id, r.activity, r.result, r.files)
               for r in rows[start:end]],
        next_cursor=following,
        total=len(rows),
        earned=figure(sum((r.result.earned for r in rows), Decimal(0))),
        counted=figure(sum((r.result.counted for r in rows), Decimal(0))),
    ))


def _gone(endpoint: str, **values) -> Gone:
    return Gone(url_for(endpoint, **values), WHY_GONE)


@bp.post(f"/credentials/<{ID}:credential_id>/activities", tags=[GONE_ACTIVITIES],
         operation_id="create_activity_v1", deprecated=True,
         responses={**READ_ONLY, **GONE_ANSWERS})
def create_activity_v1(path: CredentialPath):
    """Gone: log an activity with `POST /api/v2/activities`.

    It counts toward each of your credentials whose rules take its kind."""
    raise _gone("api_v2.create_activity")


@bp.get(f"/activities/<{ID}:activity_id>", tags=[GONE_ACTIVITIES],
        operation_id="get_activity_v1", deprecated=True, responses=GONE_ANSWERS)
def get_activity_v1(path: ActivityPath):
    """Gone: read an activity with `GET /api/v2/activities/{activity_id}`."""
    raise _gone("api_v2.get_activity", activity_id=path.activity_id)


@bp.patch(f"/activities/<{ID}:activity_id>", tags=[GONE_ACTIVITIES],
          operation_id="update_activity_v1", deprecated=True,
          responses={**READ_ONLY, **GONE_ANSWERS})
def update_activity_v1(path: ActivityPath):
    """Gone: change an activity with `PATCH /api/v2/activities/{activity_id}`."""
    raise _gone("api_v2.update_activity", activity_id=path.activity_id)


@bp.delete(f"/activities/<{ID}:activity_id>", tags=[GONE_ACTIVITIES],
           operation_id="trash_activity_v1", deprecated=True,
           responses={**READ_ONLY, **GONE_ANSWERS})
def trash_activity_v1(path: ActivityPath):
    """Gone: move an activity to the trash with `DELETE /api/v2/activities/{activity_id}`."""
    raise _gone("api_v2.trash_activity", activity_id=path.activity_id)


@bp.post(f"/activities/<{ID}:activity_id>/restore", tags=[GONE_ACTIVITIES],
         operation_id="restore_activity_v1", deprecated=True,
         responses={**READ_ONLY, **GONE_ANSWERS})
def restore_activity_v1(path: ActivityPath):
    """Gone: bring an activity back with `POST /api/v2/activities/{activity_id}/restore`."""
    raise _gone("api_v2.restore_activity", activity_id=path.activity_id)
