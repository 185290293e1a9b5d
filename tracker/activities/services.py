"""Logging activities with their evidence, and the trash."""

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from types import MappingProxyType

from sqlalchemy import delete, func
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel, select

from tracker import history
from tracker.activities.evidence import CheckedFile
from tracker.activities.validation import DEFAULT, EXCLUDE, too_many_activities
from tracker.concurrency import check_version, refusing_stale
from tracker.credentials.services import credentials_of
from tracker.ledger import EVIDENCE_FACTS
from tracker.models import Activity, CountingChoice, Evidence, HeldCredential, User, utcnow
from tracker.rules.catalog import RuleSet, UnknownRuleSetError
from tracker.rules.checks import say_fraction
from tracker.rules.kinds import kind_of
from tracker.served_rulesets import catalog, ruleset_of

TRASH_DAYS = 30


class SaveFailed(RuntimeError):
    """The database refused the change; nothing of it was kept."""


class AlreadyUsed(SaveFailed):
    """A draft or a kept file an activity was made from is gone: saved meanwhile (another tab,
    a second click) or discarded. Nothing was saved."""


def _use_up(session: Session, used: Sequence[SQLModel]) -> None:
    """Delete the rows the activity is made from, each only if it is still there: two saves
    of one draft at once make one activity (the second deletes nothing and is undone)."""
    for row in used:
        table, row_id = type(row), row.id
        if session.execute(delete(table).where(table.id == row_id)).rowcount != 1:
            session.rollback()
            raise AlreadyUsed(f"{table.__tablename__} {row_id} is gone")
        session.expunge(row)


class TooManyActivities(ValueError):
    """The change would give a person more activities than they may keep; nothing was
    kept. Its text says so in the person's words."""


def activity_of(session: Session, user: User, activity_id: int, *, trashed: bool = False):
    """The user's own activity (live, or in the trash when `trashed`); None for anyone else's."""
    deleted = Activity.deleted_at.is_not(None) if trashed else Activity.deleted_at.is_(None)
    return session.exec(
        select(Activity).where(Activity.id == activity_id, Activity.user_id == user.id, deleted)
    ).first()


def evidence_of(session: Session, user: User, evidence_id: int) -> Evidence | None:
    """A file of one of the user's live activities; None for anyone else's."""
    return session.exec(
        select(Evidence).join(Activity).where(
            Evidence.id == evidence_id, Activity.user_id == user.id,
            Activity.deleted_at.is_(None),
        )
    ).first()


def files_of(session: Session, activity: Activity) -> list[Evidence]:
    return list(session.execute(
        select(*EVIDENCE_FACTS).where(Evidence.activity_id == activity.id).order_by(Evidence.id)
    ))


def same_files_elsewhere(session: Session, user: User, files: list[Evidence]) -> dict:
    """For each file, the user's other live activities that hold an identical file."""
    hashes = {f.sha256 for f in files}
    if not hashes:
        return {}
    rows = session.exec(
        select(Evidence.sha256, Activity)
        .join(Activity)
        .where(Activity.user_id == user.id, Activity.deleted_at.is_(None),
               Evidence.sha256.in_(hashes))
    )
    elsewhere: dict[int, list[Activity]] = {}
    for sha256, activity in rows:
        for f in files:
            if f.sha256 == sha256 and activity.id != f.activity_id:
                elsewhere.setdefault(f.id, []).append(activity)
    return elsewhere


def _evidence_rows(files: list[CheckedFile]) -> list[Evidence]:
    return [Evidence(**f.columns()) for f in files]


def _commit(session: Session) -> None:
    """Commit the whole change, or keep none of it (Conflict when the row was saved meanwhile)."""
    _all_or_nothing(session, session.commit)


def _flush(session: Session) -> None:
    """Write the change so far (new rows get their ids), or keep none of it."""
    _all_or_nothing(session, session.flush)


def _all_or_nothing(session: Session, write) -> None:
    try:
        with refusing_stale(session):
            write()
    except SQLAlchemyError as error:
        session.rollback()
        raise SaveFailed(str(error)) from error


def counting_credentials(session: Session, user: User) -> list[HeldCredential]:
    """The person's credentials an activity may count toward, in the order they were added:
    each one whose rule set is still served (one no longer shipped counts nothing)."""
    counting = []
    for credential in sorted(credentials_of(session, user), key=lambda c: c.id):
        try:
            ruleset_of(credential, credential.current_cycle)
        except UnknownRuleSetError:
            continue
        counting.append(credential)
    return counting


def held_of(session: Session, user: User) -> list[tuple[int, RuleSet]]:
    """The counting credentials as the one check and the form take them (`held_in`)."""
    return held_in(counting_credentials(session, user))


def held_in(credentials: list[HeldCredential]) -> list[tuple[int, RuleSet]]:
    """Each credential's id and the rule set of its current cycle."""
    return [(credential.id, ruleset_of(credential, credential.current_cycle))
            for credential in credentials]


def _sayers() -> history.Sayers:
    """How an activity's codes read: kind and skill names."""
    skills = catalog().skill_names
    return {
        "fraction": lambda f: None if f is None else say_fraction(f.normalize()),
        "kind": lambda code: kind.name if (kind := kind_of(code)) else code,
        "tags": lambda tags: [skills.get(t, t) for t in tags or []],
    }


def facts_of(activity: Activity, held: Sequence[tuple[int, RuleSet]] = ()) -> dict:
    """An activity's fields as the history shows them: {"Title": "Forklift safety", ...},
    and where it counts toward each of `held` ({"Counts toward CPT": "Training course"})."""
    facts = history.snapshot(activity, history.ACTIVITY_FIELDS, _sayers())
    chosen = {choice.held_credential_id: choice for choice in activity.choices}
    for credential_id, ruleset in held:
        facts[f"Counts toward {ruleset.short_name}"] = where_it_counts(
            ruleset, activity.kind, chosen.get(credential_id))
    return facts


def where_it_counts(ruleset: RuleSet, kind: str, choice: CountingChoice | None) -> str:
    """The category an activity of `kind` counts in under `ruleset`, in words."""
    if choice is not None and choice.excluded:
        return LEFT_OUT
    landing = ruleset.landing(kind, choice.category if choice else None)
    if landing is None:
        return NOT_COUNTED
    return ruleset.category(landing.category).name


LEFT_OUT = "No: left out"
NOT_COUNTED = "No: it does not count this kind"


def choose_counting(activity: Activity, counting: Mapping[int, str]) -> None:
    """Keep the person's choices of where the activity counts (see validation.DEFAULT): a
    row only where they differ from the default (saved with the activity, which owns them)."""
    chosen = {choice.held_credential_id: choice for choice in activity.choices}
    for credential_id, choice in counting.items():
        row = chosen.get(credential_id)
        if choice == DEFAULT:
            if row is not None:
                activity.choices.remove(row)
            continue
        if row is None:
            row = CountingChoice(held_credential_id=credential_id)
            activity.choices.append(row)
        row.excluded = choice == EXCLUDE
        row.category = None if row.excluded else choice


def _proof(old: str | None, new: str | None) -> dict:
    return {"field": "Proof", "old": old, "new": new}


def record_new_activity(session: Session, activity: Activity,
                        held: Sequence[tuple[int, RuleSet]] = (),
                        action: str = history.CREATED, summary: str | None = None) -> None:
    """Record a new activity (logged, imported...), before the commit.

    Its files are those in `activity.evidence`. An activity without an id yet is flushed to
    get one; to record many (an import), add them all, flush once, then record each.
    """
    if activity.id is None:
        _flush(session)
    changes = history.filled(facts_of(activity, held))
    changes += [_proof(None, f.filename) for f in activity.evidence]
    words = "Imported" if action == history.IMPORTED else "Logged"
    history.record(session, activity.user_id, action, "activity", activity.id,
                   summary or f"{words} “{activity.title}”", changes)


def create_activity(session: Session, user: User, values: dict, files: list[CheckedFile],
                    counting: Mapping[int, str] = MappingProxyType({}),
                    used: Sequence[SQLModel] = ()) -> Activity:
    """Log an activity; `counting` holds the person's choices of where it counts (by
    credential id, see validation.DEFAULT). `used`: the rows it is made from (the inbox's
    draft, the pending uploads it attaches), deleted in the same commit."""
    held = held_of(session, user)  # read before the activity is added: no early flush
    activity = Activity(user_id=user.id, **values)
    activity.evidence = _evidence_rows(files)
    session.add(activity)
    choose_counting(activity, counting)
    record_new_activity(session, activity, held)
    _check_room(session, user.id)
    _use_up(session, used)
    _commit(session)
    return activity


def update_activity(session: Session, activity: Activity, values: dict,
                    files: list[CheckedFile], remove_ids: set[int],
                    started: int | None = None,
                    counting: Mapping[int, str] = MappingProxyType({}),
                    used: Sequence[SQLModel] = ()) -> None:
    """Save the form's values, files and choices of where it counts; Conflict when the
    activity is no longer at the version `started` (the one the form was opened at) or is
    saved by someone else meanwhile. `used`: the pending uploads it attaches, deleted in the
    same commit."""
    check_version(activity, started)
    held = held_of(session, session.get(User, activity.user_id))
    before = facts_of(activity, held)
    for name, value in values.items():
        setattr(activity, name, value)
    activity.updated_at = utcnow()
    session.add(activity)
    choose_counting(activity, counting)
    _flush(session)  # the UPDATE checks and raises the version before anything else is written
    changes = history.diff(before, facts_of(activity, held))
    if remove_ids:
        removed = session.exec(select(Evidence.filename).where(
            Evidence.activity_id == activity.id, Evidence.id.in_(remove_ids)
        ).order_by(Evidence.id))
        changes += [_proof(name, None) for name in removed]
        session.exec(delete(Evidence).where(
            Evidence.activity_id == activity.id, Evidence.id.in_(remove_ids)
        ))
    for row in _evidence_rows(files):
        row.activity_id = activity.id
        session.add(row)
        changes.append(_proof(None, row.filename))
    if changes:
        history.record(session, activity.user_id, history.CHANGED, "activity", activity.id,
                       f"Changed “{activity.title}”", changes)
    _use_up(session, used)
    _commit(session)


IN_THE_TRASH = "In the trash"


def trash_activity(session: Session, activity: Activity) -> None:
    activity.deleted_at = utcnow()
    session.add(activity)
    history.record(session, activity.user_id, history.TRASHED, "activity", activity.id,
                   f"Moved “{activity.title}” to the trash",
                   [{"field": IN_THE_TRASH, "old": False, "new": True}])
    _commit(session)


def restore_activity(session: Session, activity: Activity) -> None:
    activity.deleted_at = None
    session.add(activity)
    history.record(session, activity.user_id, history.RESTORED, "activity", activity.id,
                   f"Restored “{activity.title}” from the trash",
                   [{"field": IN_THE_TRASH, "old": True, "new": False}])
    _flush(session)
    _check_room(session, activity.user_id)
    _commit(session)


def _check_room(session: Session, user_id: int) -> None:
    """After the flush of a new or restored activity: the person's row is held until the
    commit (FOR UPDATE; SQLite has one writer at a time anyway), so two saves at once count
    one after the other."""
    session.exec(select(User.id).where(User.id == user_id).with_for_update()).one()
    refused = too_many_activities(activity_count(session, user_id, live=True))
    if refused:
        session.rollback()
        raise TooManyActivities(refused)


def _record_gone(session: Session, activities: list[Activity], why: str) -> None:
    """Activities deleted for good: each record keeps what it said and its files' names."""
    names: dict[int, list[str]] = {}
    if activities:
        for activity_id, filename in session.exec(
            select(Evidence.activity_id, Evidence.filename)
            .where(Evidence.activity_id.in_([a.id for a in activities])).order_by(Evidence.id)
        ):
            names.setdefault(activity_id, []).append(filename)
    for activity in activities:
        changes = [{"field": field, "old": old, "new": None}
                   for field, old in facts_of(activity).items() if old is not None]
        changes += [_proof(name, None) for name in names.get(activity.id, [])]
        history.record(session, activity.user_id, history.DELETED, "activity", activity.id,
                       f"Deleted “{activity.title}” for good ({why})", changes)


def gone_for_good_on(activity: Activity) -> date:
    return (activity.deleted_at + timedelta(days=TRASH_DAYS)).date()


def trash_of(session: Session, user: User) -> list[Activity]:
    return list(session.exec(
        select(Activity)
        .where(Activity.user_id == user.id, Activity.deleted_at.is_not(None))
        .order_by(Activity.deleted_at.desc())
    ))


def empty_trash(session: Session, user: User) -> int:
    trashed = trash_of(session, user)
    _record_gone(session, trashed, "the trash was emptied")
    for activity in trashed:
        session.delete(activity)
    _commit(session)
    return len(trashed)


def purge_trash(session: Session, now: datetime) -> int:
    """Delete for good what has been in the trash longer than TRASH_DAYS."""
    old = list(session.exec(
        select(Activity).where(Activity.deleted_at < now - timedelta(days=TRASH_DAYS))
    ))
    _record_gone(session, old, f"after {TRASH_DAYS} days in the trash")
    for activity in old:
        session.delete(activity)
    _commit(session)
    return len(old)


def activity_count(session: Session, user_id: int, *, live: bool = False) -> int:
    """The person's activities outside the trash (`live`), or all of them."""
    query = select(func.count()).select_from(Activity).where(Activity.user_id == user_id)
    if live:
        query = query.where(Activity.deleted_at.is_(None))
    return session.exec(query).one()
