"""API version 2: your activities, each recorded once and counted toward every credential you
hold whose rules take its kind (unless you leave it out there, or choose another of its
categories): list (filters, cursor pages), log, read, change, move to the trash and restore;
and the kinds of activity.

Every answer about an activity carries `counts`: for each credential held, what that
credential's ledger (tracker.ledger, the engine's figures for its current cycle) makes of it."""

from flask import url_for
from sqlmodel import Session, select

from tracker.activities import services
from tracker.api.activity_schemas import (
    ActivityOutV2,
    ActivityPageV2,
    KindList,
    activity_out_v2,
    kind_out,
)
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
    RULESETS,
    answer,
    bp_v2,
)
from tracker.api.idempotency import IdempotencyHeaders, idempotent
from tracker.api.inputs import ActivityChangeV2, ActivityInV2, ActivityPath, ActivityQueryV2
from tracker.api.owned import own_activity, own_credential
from tracker.api.pages import page_of
from tracker.api.preconditions import ChangeHeaders, ReadHeaders, lost_race, started_from
from tracker.api.saves import saving
from tracker.api.validation import activity_fields, activity_values, stored_counting
from tracker.clock import today
from tracker.db import get_session
from tracker.ledger import EVIDENCE_FACTS, Ledger, ledgers_of
from tracker.models import Activity, CountingChoice, Evidence, HeldCredential, User
from tracker.rules.kinds import KINDS

Standing = list[tuple[HeldCredential, Ledger]]


def standing_of(session: Session, user: User) -> Standing:
    """Each credential an activity may count toward (services.counting_credentials) with its
    current cycle's ledger."""
    held = services.counting_credentials(session, user)
    return list(zip(held, ledgers_of(session, held, today()), strict=True))


def _choices(activity: Activity) -> dict[int, tuple[str | None, bool]]:
    return {c.held_credential_id: (c.category, c.excluded) for c in activity.choices}


def activity_answer(activity: Activity, status: int = 200, headers: dict | None = None):
    """The activity with what each credential's engine makes of it, and its version as the
    ETag."""
    session = get_session()
    out = activity_out_v2(activity, standing_of(session, api_user()), _choices(activity),
                          services.files_of(session, activity))
    return answer(out, status, headers, version=activity.version)


@bp_v2.get("/kinds", tags=[RULESETS], responses={200: KindList})
def list_kinds():
    """The kinds of activity: an activity's `kind`, and the unit of its amount.

    One list shared by every rule set. Each rule set says which kinds count in which of its
    categories (`GET /api/v1/rulesets`, each category's `kinds`)."""
    return answer(KindList(items=[kind_out(kind) for kind in KINDS]))


# --- the list --------------------------------------------------------------------------------

def _live_rows(session: Session, user: User) -> list:
    """The person's live activities, as plain rows (no ORM objects for thousands of them)."""
    table = Activity.__table__
    return list(session.connection().execute(
        select(table).where(table.c.user_id == user.id, table.c.deleted_at.is_(None))
        .order_by(table.c.id)).all())


def _sorted(rows: list, sort: str) -> list:
    day_now = today()

    def day(row):
        return (row.completed_on or day_now, row.id)

    ordered = sorted(rows, key=day, reverse=sort != "oldest")
    return sorted(ordered, key=lambda row: row.kind) if sort == "kind" else ordered


def _passes(row, query: ActivityQueryV2, ledgers: list[Ledger]) -> bool:
    """Whether a row passes the query's filters; `ledgers` are those it is judged under: every
    credential's, or `credential_id`'s only (then it must count there)."""
    if query.kind and row.kind != query.kind.strip():
        return False
    if query.credential_id is not None and not any(row.id in ledger.rows for ledger in ledgers):
        return False
    if query.flag and not any(query.flag in ledger.results[row.id].flags
                              for ledger in ledgers if row.id in ledger.results):
        return False
    tag = (query.tag or "").strip()
    if tag and not any(t == tag or t.startswith(f"{tag}.") for t in row.tags or ()):
        return False
    text = (query.q or "").strip().casefold()
    return not text or text in " ".join((row.title, row.provider, row.description)).casefold()


def _page_extras(session: Session, ids: list[int]) -> tuple[dict, dict]:
    """The choices ((category, excluded) by credential id) and files of these activities."""
    choices: dict[int, dict] = {activity_id: {} for activity_id in ids}
    files: dict[int, list] = {activity_id: [] for activity_id in ids}
    if ids:
        for choice in session.exec(select(CountingChoice).where(
                CountingChoice.activity_id.in_(ids))):
            choices[choice.activity_id][choice.held_credential_id] = (choice.category,
                                                                      choice.excluded)
        for item in session.execute(select(*EVIDENCE_FACTS).where(
                Evidence.activity_id.in_(ids)).order_by(Evidence.id)):
            files[item.activity_id].append(item)
    return choices, files


@bp_v2.get("/activities", tags=[ACTIVITIES], responses={200: ActivityPageV2, **NOT_FOUND})
def list_activities(query: ActivityQueryV2):
    """Your activities, with what each counts toward each credential you hold.

    Not those in the trash; a page at a time, newest first by default. `credential_id` keeps
    those that count toward one credential (404 when it is not yours); a credential's own
    list, in its categories with its totals, is
    `GET /api/v1/credentials/{credential_id}/activities`."""
    session, user = get_session(), api_user()
    standing = standing_of(session, user)
    ledgers = [ledger for _credential, ledger in standing]
    if query.credential_id is not None:
        wanted = own_credential(query.credential_id).id
        # None for a credential under a rule set no longer shipped: nothing counts there.
        ledgers = [ledger for credential, ledger in standing if credential.id == wanted]
    everything = _sorted(_live_rows(session, user), query.sort)
    rows = [row for row in everything if _passes(row, query, ledgers)]
    start, end, following = page_of([row.id for row in rows], [row.id for row in everything],
                                    query.sort, query.cursor, query.limit)
    page = rows[start:end]
    choices, files = _page_extras(session, [row.id for row in page])
    return answer(ActivityPageV2(
        items=[activity_out_v2(row, standing, choices[row.id], files[row.id]) for row in page],
        next_cursor=following, total=len(rows)))


# --- one activity ----------------------------------------------------------------------------

@bp_v2.post("/activities", tags=[ACTIVITIES], responses={201: ActivityOutV2, **READ_ONLY})
@idempotent
def create_activity(body: ActivityInV2, header: IdempotencyHeaders):
    """Log an activity, once.

    It counts toward each credential you hold whose rules take its kind, unless `counting`
    says otherwise. Checked as the web form checks it. Add proof files
    afterwards (`POST /api/v1/activities/{activity_id}/evidence`)."""
    session, user = get_session(), api_user()
    values, counting = activity_values(services.held_of(session, user), body.model_dump())
    with saving():
        activity = services.create_activity(session, user, values, [], counting)
    return activity_answer(activity, 201, {
        "Location": url_for("api_v2.get_activity", activity_id=activity.id)})


@bp_v2.get(f"/activities/<{ID}:activity_id>", tags=[ACTIVITIES],
           responses={200: ActivityOutV2, **NOT_MODIFIED, **NOT_FOUND})
def get_activity(path: ActivityPath, header: ReadHeaders):
    """One activity, with its files and what it counts toward each credential.

    Its ETag changes with anything in the answer, its points too (another activity, another
    day), but If-Match reads only its version."""
    return activity_answer(own_activity(path.activity_id))


@bp_v2.patch(f"/activities/<{ID}:activity_id>", tags=[ACTIVITIES],
             responses={200: ActivityOutV2, **CHANGE_REFUSALS})
def update_activity(path: ActivityPath, header: ChangeHeaders, body: ActivityChangeV2):
    """Change an activity.

    The fields sent replace the stored ones (`counting` only for the credentials it names),
    then the whole activity is checked as the web form checks it, with
    the choices kept (a new `kind` may need new ones). Send the version you read (`If-Match`
    or `version`)."""
    activity = own_activity(path.activity_id)
    started = started_from("activity", activity.version, body.version)
    session = get_session()
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    values, counting = activity_values(
        services.held_of(session, api_user()), {**activity_fields(activity), **changes},
        stored_counting(activity))
    with saving(lost_race):
        services.update_activity(session, activity, values, [], set(), started, counting)
    return activity_answer(own_activity(activity.id))


@bp_v2.delete(f"/activities/<{ID}:activity_id>", tags=[ACTIVITIES],
              responses={**NO_CONTENT, **READ_ONLY, **NOT_FOUND, **CONFLICT})
def trash_activity(path: ActivityPath):
    """Move an activity to the trash: it stops counting, and can be restored for 30 days."""
    with saving():
        services.trash_activity(get_session(), own_activity(path.activity_id))
    return "", 204


@bp_v2.post(f"/activities/<{ID}:activity_id>/restore", tags=[ACTIVITIES],
            responses={200: ActivityOutV2, **READ_ONLY, **NOT_FOUND, **CONFLICT})
@idempotent
def restore_activity(path: ActivityPath, header: IdempotencyHeaders):
    """Bring an activity back from the trash; it counts again."""
    activity = own_activity(path.activity_id, trashed=True)
    with saving():
        services.restore_activity(get_session(), activity)
    return activity_answer(activity)
