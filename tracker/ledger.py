"""A credential's cycle read from the database and evaluated: the one way pages, reports,
reminders and exports get their figures.

Its own module, importing only the models, the rules and the rule-set catalog, so that every
feature package can use it without importing another one.

Reading and evaluating thousands of activities is most of a page's time, yet they rarely
change between two views, so evaluated ledgers are kept in memory between requests. A ledger
depends on the credential's activities and their files, on the cycle and the modules held, on
the rule-set version and on the day. The cache key holds all of them; the activities and files
are stood for by `HeldCredential.activities_revision`, which every change to them sets to a new
random number in its own transaction (the flush hook below, and `mark_activities_changed` for
bulk statements that bypass the unit of work). Random rather than counted: a restored backup
or a re-imported export brings back old ids and dates, and a counter starting again would meet
keys of another state. A stale entry is therefore never found, it only ages out of the cache.

Each server process keeps its own cache; the revision, read from the shared database with the
credential, keeps every process right.
"""

import secrets
from collections.abc import Hashable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from threading import Lock

from cachetools import LRUCache
from sqlalchemy import event, update
from sqlalchemy.orm import Session, attributes
from sqlmodel import select

from tracker.models import Activity, Cycle, CycleStatus, Evidence, HeldCredential
from tracker.rules import engine
from tracker.rules.catalog import RuleSet
from tracker.served_rulesets import ruleset_of

# Everything about a file but its bytes: what lists and pages need.
EVIDENCE_FACTS = (
    Evidence.id, Evidence.activity_id, Evidence.filename, Evidence.content_type,
    Evidence.size, Evidence.sha256, Evidence.uploaded_at,
)


@dataclass
class Ledger:
    """A credential's activities with what the engine made of them under `ruleset`."""

    ruleset: RuleSet
    progress: engine.Progress
    activities: tuple[Activity, ...]  # shared through the cache: never changed in place
    files: dict[int, list[Evidence]] = field(default_factory=dict)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key, make):
        """What `make()` works out from this ledger, once: a ledger never changes (it is shared
        through the cache), so neither does anything worked out from it."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @cached_property
    def results(self) -> dict[int, engine.ActivityResult]:
        # The engine returns its results in input order: one per activity.
        return {a.id: r for a, r in zip(self.activities, self.progress.activities, strict=True)}


class WithLedger:
    """For a dataclass with a `ledger` field (a credential's standing, a report): the ledger's
    rule set and progress as its own."""

    ledger: Ledger

    @property
    def ruleset(self) -> RuleSet:
        return self.ledger.ruleset

    @property
    def progress(self) -> engine.Progress:
        return self.ledger.progress


def ledger_of(session: Session, credential: HeldCredential, today: date,
              cycle: Cycle | None = None) -> Ledger:
    """Every live activity of the credential, evaluated in `cycle` (the current one by default)
    under the rule-set version the cycle opened with: two statements whatever the size."""
    [ledger] = _ledgers(session, [(credential, cycle or credential.current_cycle)], today)
    return ledger


def ledgers_of(session: Session, credentials: list[HeldCredential],
               today: date) -> list[Ledger]:
    """The ledger of each credential's current cycle: two statements for all of them."""
    return _ledgers(session, [(c, c.current_cycle) for c in credentials], today)


def _ledgers(session: Session, cycles: list[tuple[HeldCredential, Cycle]],
             today: date) -> list[Ledger]:
    """A ledger for each (credential, cycle): at most two statements for all of them, none
    when every ledger is in the cache.

    Pages only read activities, so they come as plain rows (attribute access like the
    models) rather than tracked ORM objects, which would cost several times as long to build.
    """
    held = [(credential, cycle, ruleset_of(credential, cycle)) for credential, cycle in cycles]
    keys = [_key_of(credential, cycle, ruleset, today) for credential, cycle, ruleset in held]
    ledgers = [_cached(key) for key in keys]
    ids = [credential.id for (credential, _c, _r), ledger in zip(held, ledgers, strict=True)
           if ledger is None]
    if not ids:
        return ledgers
    live = (Activity.held_credential_id.in_(ids), Activity.deleted_at.is_(None))
    activities: dict[int, list] = {credential_id: [] for credential_id in ids}
    for row in session.execute(
        select(*Activity.__table__.columns).where(*live).order_by(Activity.id)
    ):
        activities[row.held_credential_id].append(row)
    files: dict[int, list] = {}
    for item in session.execute(
        select(*EVIDENCE_FACTS).join(Activity).where(*live).order_by(Evidence.id)
    ):
        files.setdefault(item.activity_id, []).append(item)
    for index, (credential, cycle, ruleset) in enumerate(held):
        if ledgers[index] is not None:
            continue
        ledgers[index] = evaluated(ruleset, engine_cycle(credential, cycle),
                                   tuple(activities[credential.id]), files, today)
        _keep(keys[index], ledgers[index])
    return ledgers


def evaluated(ruleset: RuleSet, cycle: engine.Cycle, activities: tuple, files: dict[int, list],
              today: date) -> Ledger:
    """Activities (rows or snapshots of them) with their files' facts, through the engine."""
    inputs = [engine_input(a, a.id in files) for a in activities]
    progress = engine.evaluate(ruleset, cycle, inputs, today)
    return Ledger(ruleset, progress, activities,
                  {a.id: files[a.id] for a in activities if a.id in files})


def engine_input(activity: Activity, has_evidence: bool) -> engine.ActivityInput:
    return engine.ActivityInput(
        id=activity.id,
        category=activity.category,
        completed_on=activity.completed_on,
        quantity=activity.quantity,
        started_on=activity.started_on,
        fraction=activity.fraction,
        has_evidence=has_evidence,
        order=activity.id,
    )


def engine_cycle(credential: HeldCredential, cycle: Cycle) -> engine.Cycle:
    return engine.Cycle(
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
        modules=credential.module_codes,
        closed_by_renewal=cycle.status == CycleStatus.RENEWED,
        carried_in=cycle.carried_in,
    )


# One entry per credential and cycle, holding its latest key: a change replaces the entry
# rather than leaving a dead copy behind. Sized by activities (a ledger of 5,000 with its
# sorted lists takes about 10 MB): at most about 100 MB a process.
_evaluated: LRUCache = LRUCache(maxsize=50_000,
                                getsizeof=lambda entry: len(entry[1].activities) + 1)
_lock = Lock()  # gthread workers share the cache between threads


def _key_of(credential: HeldCredential, cycle: Cycle, ruleset: RuleSet, today: date) -> tuple:
    # The first two name the slot (see _slot); the rest say which state it was worked out for.
    return (credential.id, cycle.id, credential.created_at, credential.activities_revision,
            credential.module_codes, cycle.starts_on, cycle.ends_on, cycle.status,
            cycle.carried_in, ruleset.code, ruleset.version, today)


def _cached(key: tuple) -> Ledger | None:
    with _lock:
        stored_key, ledger = _evaluated.get(_slot(key), (None, None))
    return ledger if stored_key == key else None


def _keep(key: tuple, ledger: Ledger) -> None:
    with _lock:
        _evaluated[_slot(key)] = (key, ledger)


def _slot(key: tuple) -> Hashable:
    return key[:2]  # credential and cycle


def mark_activities_changed(session: Session, credential_ids: set[int]) -> None:
    """Give these credentials a new revision, in the session's transaction."""
    if not credential_ids:
        return
    revision = secrets.randbelow(2**31)  # fits PostgreSQL's integer
    session.connection().execute(
        update(HeldCredential.__table__)
        .where(HeldCredential.__table__.c.id.in_(credential_ids))
        .values(activities_revision=revision)
    )
    # Keep loaded credentials in step with the row, without marking them changed.
    for credential in list(session.identity_map.values()):
        if isinstance(credential, HeldCredential) and credential.id in credential_ids:
            attributes.set_committed_value(credential, "activities_revision", revision)


@event.listens_for(Session, "before_flush")
def _mark_changed_credentials(session: Session, _context, _instances) -> None:
    changed = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Evidence):
            instance = instance.activity or session.get(Activity, instance.activity_id)
        if isinstance(instance, Activity) and instance.held_credential_id is not None:
            changed.add(instance.held_credential_id)
    mark_activities_changed(session, changed)
