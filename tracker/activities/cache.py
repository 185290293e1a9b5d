"""Evaluated ledgers kept in memory between requests.

Reading and evaluating thousands of activities is most of a page's time, yet they rarely
change between two views. A ledger depends on the credential's activities and their files,
on the cycle and the modules held, on the rule-set version and on the day. The cache key holds
all of them; the activities and files are stood for by `HeldCredential.activities_revision`,
which every change to them raises in its own transaction (the flush hook below, and `touch`
for bulk statements that bypass the unit of work). A stale entry is therefore never found,
it only ages out of the cache.

Each server process keeps its own cache; the revision, read from the shared database with the
credential, keeps every process right.
"""

from collections.abc import Hashable
from datetime import date
from threading import Lock

from cachetools import LRUCache
from sqlalchemy import event, update
from sqlalchemy.orm import Session, attributes

from tracker.models import Activity, Cycle, Evidence, HeldCredential
from tracker.rules.catalog import RuleSet

# A ledger of 5,000 activities takes a few MB; this bounds a process to a few hundred.
_ledgers: LRUCache = LRUCache(maxsize=128)
_lock = Lock()  # gthread workers share the cache between threads


def key_of(credential: HeldCredential, cycle: Cycle, ruleset: RuleSet, today: date) -> Hashable:
    # created_at: SQLite may give a deleted credential's id to a new one.
    return (credential.id, credential.created_at, credential.activities_revision,
            credential.module_codes, cycle.id, cycle.starts_on, cycle.ends_on, cycle.status,
            cycle.carried_in, ruleset.code, ruleset.version, today)


def get(key: Hashable):
    with _lock:
        return _ledgers.get(key)


def put(key: Hashable, ledger) -> None:
    with _lock:
        _ledgers[key] = ledger


def clear() -> None:
    with _lock:
        _ledgers.clear()


def touch(session: Session, credential_ids: set[int]) -> None:
    """Raise the revision of these credentials, in the session's transaction."""
    if not credential_ids:
        return
    session.connection().execute(
        update(HeldCredential.__table__)
        .where(HeldCredential.__table__.c.id.in_(credential_ids))
        .values(activities_revision=HeldCredential.__table__.c.activities_revision + 1)
    )
    # Keep loaded credentials in step with the row, without marking them changed.
    for credential in list(session.identity_map.values()):
        if isinstance(credential, HeldCredential) and credential.id in credential_ids:
            attributes.set_committed_value(credential, "activities_revision",
                                           credential.activities_revision + 1)


@event.listens_for(Session, "before_flush")
def _touch_changed_credentials(session: Session, _context, _instances) -> None:
    changed = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Evidence):
            instance = instance.activity or session.get(Activity, instance.activity_id)
        if isinstance(instance, Activity) and instance.held_credential_id is not None:
            changed.add(instance.held_credential_id)
    touch(session, changed)
