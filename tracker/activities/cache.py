"""Evaluated ledgers kept in memory between requests.

Reading and evaluating thousands of activities is most of a page's time, yet they rarely
change between two views. A ledger depends on the credential's activities and their files,
on the cycle and the modules held, on the rule-set version and on the day. The cache key holds
all of them; the activities and files are stood for by `HeldCredential.activities_revision`,
which every change to them sets to a new random number in its own transaction (the flush hook
below, and `touch` for bulk statements that bypass the unit of work). Random rather than
counted: a restored backup or a re-imported export brings back old ids and dates, and a
counter starting again would meet keys of another state. A stale entry is therefore never
found, it only ages out of the cache.

Each server process keeps its own cache; the revision, read from the shared database with the
credential, keeps every process right.
"""

import secrets
from collections.abc import Hashable
from datetime import date
from threading import Lock

from cachetools import LRUCache
from sqlalchemy import event, update
from sqlalchemy.orm import Session, attributes

from tracker.models import Activity, Cycle, Evidence, HeldCredential
from tracker.rules.catalog import RuleSet

# One entry per credential and cycle, holding its latest key: a change replaces the entry
# rather than leaving a dead copy behind. Sized by activities (a ledger of 5,000 with its
# sorted lists takes about 10 MB): at most about 100 MB a process.
_ledgers: LRUCache = LRUCache(maxsize=50_000,
                              getsizeof=lambda entry: len(entry[1].activities) + 1)
_lock = Lock()  # gthread workers share the cache between threads


def key_of(credential: HeldCredential, cycle: Cycle, ruleset: RuleSet, today: date) -> tuple:
    # The first two name the slot (see _slot); the rest say which state it was worked out for.
    return (credential.id, cycle.id, credential.created_at, credential.activities_revision,
            credential.module_codes, cycle.starts_on, cycle.ends_on, cycle.status,
            cycle.carried_in, ruleset.code, ruleset.version, today)


def get(key: tuple):
    with _lock:
        stored_key, ledger = _ledgers.get(_slot(key), (None, None))
    return ledger if stored_key == key else None


def put(key: tuple, ledger) -> None:
    with _lock:
        _ledgers[_slot(key)] = (key, ledger)


def _slot(key: tuple) -> Hashable:
    return key[:2]  # credential and cycle


def clear() -> None:
    with _lock:
        _ledgers.clear()


def new_revision() -> int:
    return secrets.randbelow(2**31)  # fits PostgreSQL's integer


def touch(session: Session, credential_ids: set[int]) -> None:
    """Give these credentials a new revision, in the session's transaction."""
    if not credential_ids:
        return
    revision = new_revision()
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
def _touch_changed_credentials(session: Session, _context, _instances) -> None:
    changed = set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Evidence):
            instance = instance.activity or session.get(Activity, instance.activity_id)
        if isinstance(instance, Activity) and instance.held_credential_id is not None:
            changed.add(instance.held_credential_id)
    touch(session, changed)
