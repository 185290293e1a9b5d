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
credential, keeps every process right. It is bounded by memory (RECERT_LEDGER_CACHE_MB), each
ledger counted by an estimate of its bytes, so a few large accounts cannot push each other out.

The first view after a change reads and evaluates everything again, so that read is kept
cheap (issue 16; the numbers are in bench/ and the commits): Core statements on the session's
connection, not `session.execute`, which sends every row through the ORM's loading machinery;
each row one namedtuple that is also the engine's input; the three timestamps no page shows
converted only when read. And a cached ledger stays out of the garbage collector's way
(tracker.records): a full collection runs whenever survivors reach a quarter of the oldest
generation and walks everything tracked, so records kept in the cache would make each view
pay for all of them. `gc.freeze()` was not used: it would also keep whatever cyclic garbage
exists at that moment, for good. Storing each cycle's evaluation on write was not chosen:
the engine must stay the one source of figures.
"""

import json
import secrets
from collections import namedtuple
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache, cached_property, partial
from threading import Lock

from cachetools import LRUCache
from flask import current_app, has_app_context
from sqlalchemy import Dialect, Text, cast, event, or_, type_coerce, update
from sqlalchemy.orm import Session, attributes
from sqlalchemy.types import NullType
from sqlmodel import select

from tracker.models import (
    Activity,
    CountingChoice,
    Cycle,
    CycleStatus,
    Evidence,
    HeldCredential,
)
from tracker.records import collector_paused, untrack_records
from tracker.rules import engine
from tracker.rules.catalog import RuleSet
from tracker.served_rulesets import ruleset_of

ACTIVITIES = Activity.__table__
CHOICES = CountingChoice.__table__
ONE = Decimal(1)

# Columns read as the driver gives them and converted only when asked for: pages never show
# them, and converting three timestamps took most of the time of reading a row from SQLite.
LAZY_COLUMNS = ("created_at", "updated_at", "deleted_at")


def _lazy(index: int) -> property:
    return property(lambda row: row._convert[index](row[index]),
                    doc="converted by the dialect's own result processor on each access")


@cache
def _row_type(dialect: Dialect) -> type:
    """An activity as one credential's pages read it: every column, as a plain immutable tuple
    with attribute access like the model, plus what the engine asks of its inputs: `category`
    (where the activity counts under that credential's rule set), `quantity` (in that
    category's unit: the kind's `amount` converted, see `Landing`), `has_evidence` and `order`
    (the creation order, which is the id), so that the row itself is the engine's input.
    LAZY_COLUMNS hold the driver's value and convert it on access."""
    names = [*("amount" if n == "quantity" else n for n in COLUMNS),
             "has_evidence", "category", "quantity", "order"]
    base = namedtuple("ActivityFields", [f"raw_{n}" if n in LAZY_COLUMNS else n for n in names])
    convert = {}
    for name in LAZY_COLUMNS:
        processor = ACTIVITIES.c[name].type.dialect_impl(dialect).result_processor(dialect, None)
        convert[names.index(name)] = processor or (lambda value: value)
    members = {"__slots__": (), "_convert": convert,
               **{name: _lazy(names.index(name)) for name in LAZY_COLUMNS}}
    return type("ActivityRow", (base,), members)


def _read_columns():
    def read(column):
        if column.name in LAZY_COLUMNS:
            return type_coerce(column, NullType()).label(column.name)
        if column.name == "tags":  # the JSON's text, decoded by _tags_reader
            return cast(column, Text).label(column.name)
        return column
    return [read(c) for c in ACTIVITIES.columns]


COLUMNS = ACTIVITIES.columns.keys()
TAGS = COLUMNS.index("tags")


def _tags_reader():
    """Turn a row's tags (the JSON text) into a tuple, decoding each distinct text once per
    read and sharing the tuple: a few tag sets stand for thousands of rows, and a row of
    immutable atoms leaves the garbage collector's view (a list of tags kept every cached row
    tracked)."""
    seen: dict = {None: None, "[]": ()}

    def tags(text):
        found = seen.get(text, seen)
        if found is seen:
            decoded = json.loads(text)  # JSON null (a None stored by the JSON type) stays None
            found = seen[text] = None if decoded is None else tuple(decoded)
        return found
    return tags


# A file's facts as pages read them: an immutable tuple of atoms, untracked by the collector
# (the driver's rows are not).
FileFacts = namedtuple("FileFacts", ["id", "activity_id", "filename", "content_type", "size",
                                     "sha256", "uploaded_at"])


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
    files: dict[int, tuple] = field(default_factory=dict)  # FileFacts, or Evidence
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    def memo(self, key, make):
        """What `make()` works out from this ledger, once: a ledger never changes (it is shared
        through the cache), so neither does anything worked out from it."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @cached_property
    def rows(self) -> dict[int, tuple]:
        """The activities by id."""
        return {activity.id: activity for activity in self.activities}

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
    with collector_paused():
        return _read_and_evaluate(session, held, keys, ledgers, ids, today)


def _read_and_evaluate(session: Session, held: list, keys: list, ledgers: list, ids: list,
                       today: date) -> list[Ledger]:
    # Core statements on the session's connection: no ORM loading machinery per row.
    connection = session.connection()
    people = {credential.user_id for credential, _c, _r in held}
    live = (ACTIVITIES.c.user_id.in_(people), ACTIVITIES.c.deleted_at.is_(None))
    listed: dict[int, list] = {}
    for item in connection.execute(
        select(*EVIDENCE_FACTS).join(ACTIVITIES).where(*live).order_by(Evidence.id)
    ).all():
        listed.setdefault(item.activity_id, []).append(FileFacts._make(item))
    files = {activity_id: tuple(items) for activity_id, items in listed.items()}
    for items in files.values():
        untrack_records(items)
    untrack_records(files.values())  # CPython keeps a tuple of namedtuples tracked
    chosen: dict[int, dict[int, tuple]] = {credential_id: {} for credential_id in ids}
    for choice in connection.execute(
        select(CHOICES.c.held_credential_id, CHOICES.c.activity_id, CHOICES.c.category,
               CHOICES.c.excluded).where(CHOICES.c.held_credential_id.in_(ids))
    ).all():
        chosen[choice[0]][choice[1]] = (choice[2], choice[3])
    activities: dict[int, list] = {person: [] for person in people}
    user_at = COLUMNS.index("user_id")
    # All at once (the driver's fetchall): iterating fetched row by row, 20% slower. The
    # collector is paused (collector_paused), so the driver's rows are freed at the end
    # without being counted as long-lived.
    for row in connection.execute(select(*_read_columns()).where(*live)
                                  .order_by(ACTIVITIES.c.id)).all():
        activities[row[user_at]].append(row)
    counted = partial(_counted_rows, make=_row_type(connection.dialect)._make,
                      tags=_tags_reader(), files=files)
    for index, (credential, cycle, ruleset) in enumerate(held):
        if ledgers[index] is not None:
            continue
        rows = tuple(counted(ruleset, activities[credential.user_id], chosen[credential.id]))
        untrack_records(rows)
        ledgers[index] = evaluated(ruleset, engine_cycle(credential, cycle), rows, files,
                                   today, rows_are_inputs=True)
        _keep(keys[index], ledgers[index])
    return ledgers


ID, KIND, QUANTITY = COLUMNS.index("id"), COLUMNS.index("kind"), COLUMNS.index("quantity")


def _counted_rows(ruleset: RuleSet, activities: list, chosen: dict[int, tuple], *, make,
                  tags, files: dict) -> Iterator[tuple]:
    """The rows of the person's activities (as the driver read them) that count toward a
    credential under `ruleset`: those of a kind it takes and not left out, each in its
    category, its amount converted. Each row is built once, here: this loop is most of a
    first view's time after the engine's."""
    defaults = {kind: ruleset.landing(kind) for kind in ruleset.counted_kinds}
    for row in activities:
        activity_id = row[ID]
        if activity_id in chosen:
            category, excluded = chosen[activity_id]
            landing = None if excluded else ruleset.landing(row[KIND], category)
        else:
            landing = defaults.get(row[KIND])
        if landing is None:
            continue
        quantity = row[QUANTITY]
        if quantity is not None and landing.per_unit != ONE:
            quantity = quantity * landing.per_unit
        yield make((*row[:TAGS], tags(row[TAGS]), *row[TAGS + 1:], activity_id in files,
                    landing.category, quantity, activity_id))


def evaluated(ruleset: RuleSet, cycle: engine.Cycle, activities: tuple, files: dict[int, list],
              today: date, *, rows_are_inputs: bool = False) -> Ledger:
    """Activities with their files' facts, through the engine: rows read here, which are the
    engine's inputs themselves (`rows_are_inputs`), or a closed cycle's snapshots of them."""
    inputs = activities if rows_are_inputs else [engine_input(a, a.id in files)
                                                  for a in activities]
    progress = engine.evaluate(ruleset, cycle, inputs, today)
    untrack_records(progress.activities)
    untrack_records(progress.unmet)  # their kind, an enum member, cannot reach them back
    return Ledger(ruleset, progress, activities,
                  {a.id: files[a.id] for a in activities if a.id in files})


def engine_input(activity, has_evidence: bool) -> engine.ActivityInput:
    """A closed cycle's snapshot of an activity (or anything with the engine's fields) as
    the engine's input."""
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
# rather than leaving a dead copy behind. Bounded by memory (RECERT_LEDGER_CACHE_MB, read from
# the app's LEDGER_CACHE_BYTES), each entry sized by an estimate measured with tracemalloc
# (bench/suite_profile.py --memory): a 5,000-activity ledger with what pages work out from it
# (results by id, the list's rows in one order, coverage, chart) took 7.2 MB, 1,450 bytes an
# activity, the same at 20,000; 1,600 a little above for files and a second sort order.
BYTES_PER_ACTIVITY = 1_600
BYTES_PER_LEDGER = 20_000
DEFAULT_CACHE_BYTES = 128 * 1024 * 1024


def ledger_bytes(activities: int) -> int:
    """The estimated memory of a cached ledger of this many activities."""
    return BYTES_PER_LEDGER + BYTES_PER_ACTIVITY * activities


def _entry_bytes(entry: tuple) -> int:
    return ledger_bytes(len(entry[1].activities))


_evaluated: LRUCache = LRUCache(maxsize=DEFAULT_CACHE_BYTES, getsizeof=_entry_bytes)
_lock = Lock()  # gthread workers share the cache between threads


def _cache() -> LRUCache:
    """The process's cache, sized by the app's setting (a new, empty one when it changes)."""
    global _evaluated
    limit = (current_app.config.get("LEDGER_CACHE_BYTES", DEFAULT_CACHE_BYTES)
             if has_app_context() else DEFAULT_CACHE_BYTES)
    if _evaluated.maxsize != limit:
        _evaluated = LRUCache(maxsize=limit, getsizeof=_entry_bytes)
    return _evaluated


def _key_of(credential: HeldCredential, cycle: Cycle, ruleset: RuleSet, today: date) -> tuple:
    # The first two name the slot (see _slot); the rest say which state it was worked out for.
    return (credential.id, cycle.id, credential.created_at, credential.activities_revision,
            credential.module_codes, cycle.starts_on, cycle.ends_on, cycle.status,
            cycle.carried_in, ruleset.code, ruleset.version, today)


def _cached(key: tuple) -> Ledger | None:
    with _lock:
        stored_key, ledger = _cache().get(_slot(key), (None, None))
    return ledger if stored_key == key else None


def _keep(key: tuple, ledger: Ledger) -> None:
    with _lock:
        cache = _cache()
        if _entry_bytes((key, ledger)) <= cache.maxsize:  # else LRUCache would raise
            cache[_slot(key)] = (key, ledger)


def _slot(key: tuple) -> Hashable:
    return key[:2]  # credential and cycle


def mark_activities_changed(session: Session, *, people: set[int] = frozenset(),
                            credentials: set[int] = frozenset()) -> None:
    """Give these people's credentials, and these credentials, a new revision, in the
    session's transaction: an activity counts toward each credential of its person."""
    if not people and not credentials:
        return
    table = HeldCredential.__table__
    revision = secrets.randbelow(2**31)  # fits PostgreSQL's integer
    changed = session.connection().execute(
        update(table)
        .where(or_(table.c.user_id.in_(people), table.c.id.in_(credentials)))
        .values(activities_revision=revision)
        .returning(table.c.id)
    ).scalars().all()
    # Keep loaded credentials in step with the row, without marking them changed.
    for credential in list(session.identity_map.values()):
        if isinstance(credential, HeldCredential) and credential.id in changed:
            attributes.set_committed_value(credential, "activities_revision", revision)


@event.listens_for(Session, "before_flush")
def _mark_changed_credentials(session: Session, _context, _instances) -> None:
    people, credentials = set(), set()
    for instance in (*session.new, *session.dirty, *session.deleted):
        if isinstance(instance, Evidence):
            instance = instance.activity or session.get(Activity, instance.activity_id)
        if isinstance(instance, Activity) and instance.user_id is not None:
            people.add(instance.user_id)
        elif isinstance(instance, CountingChoice) and instance.held_credential_id is not None:
            credentials.add(instance.held_credential_id)
    mark_activities_changed(session, people=people, credentials=credentials)
