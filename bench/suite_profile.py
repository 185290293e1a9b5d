"""The suite's --profile: where the dashboard's and the list's time goes, in process (Flask
test client), as a breakdown by phase and then cProfile."""

from __future__ import annotations

import cProfile
import gc
import pstats
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import before_render_template, template_rendered
from sqlalchemy import event
from suite_http import BENCH_DIR, median
from suite_pages import revision_bumper
from suite_seed import TODAY, Person

from tests.helpers import PASSWORD, csrf_token
from tracker import create_app, ledger
from tracker.rules import engine


@contextmanager
def timed(clock: Counter, label: str, module, name: str) -> Iterator[None]:
    """Add the wall time of each call of module.name to clock[label] (bench process only)."""
    original = getattr(module, name, None)
    if original is None:
        yield
        return

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            clock[label] += time.perf_counter() - started

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def profile(url: str, person: Person, runs: int, top: int) -> None:
    """Where the dashboard's and the list's time goes, in process (Flask test client), each
    page as first seen after a change: a breakdown by phase, then cProfile."""
    with revision_bumper(url, person.credential_id) as bump:
        profile_pages(url, person, runs, top, bump)


def profile_pages(url: str, person: Person, runs: int, top: int,
                  bump: Callable[[], None] | None) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TODAY": TODAY})
    client = app.test_client()
    token = csrf_token(client.get("/auth/login").text)
    assert client.post("/auth/login", data={"csrf_token": token, "email": person.email,
                                            "password": PASSWORD}).status_code == 302
    clock: Counter = Counter()
    statements: list[str] = []
    started: list[float] = []

    def before_sql(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)
        started.append(time.perf_counter())

    def after_sql(*_args) -> None:
        clock["SQL"] += time.perf_counter() - started.pop()

    def before_render(*_args, **_kwargs) -> None:
        started.append(time.perf_counter())

    def rendered(*_args, **_kwargs) -> None:
        clock["templates (render)"] += time.perf_counter() - started.pop()

    collecting: list[float] = []

    def collector(phase: str, info: dict) -> None:  # Python's cyclic garbage collector
        if phase == "start":
            collecting.append(time.perf_counter())
        elif collecting:
            clock["gc"] += time.perf_counter() - collecting.pop()
            clock[f"gc generation {info['generation']}"] += 1

    database = app.extensions["recert_engine"]
    event.listen(database, "before_cursor_execute", before_sql)
    event.listen(database, "after_cursor_execute", after_sql)
    before_render_template.connect(before_render, app)
    template_rendered.connect(rendered, app)
    gc.callbacks.append(collector)
    credential = f"/credentials/{person.credential_id}"
    for path in (credential, f"{credential}/activities"):
        client.get(path)
        walls = []
        clock.clear()
        with (timed(clock, "ledger (load + evaluate)", ledger, "_ledgers"),
              timed(clock, "engine.evaluate", engine, "evaluate")):
            for _ in range(runs):
                if bump:  # time the work, not a cached ledger
                    bump()
                statements.clear()
                begun = time.perf_counter()
                assert client.get(path).status_code == 200
                walls.append(time.perf_counter() - begun)
        total = sum(walls)
        print(f"\nWhere {path} ({person.activities:,} activities) spends its time, in process, "
              f"mean of {runs} requests of median {median(walls) * 1000:.0f} ms, "
              f"{len(statements)} SQL statements each:")
        reading, templates = clock["ledger (load + evaluate)"], clock["templates (render)"]
        for label, seconds in [("ledger (load + evaluate)", reading),
                               ("  of which engine.evaluate", clock["engine.evaluate"]),
                               ("templates (render)", templates),
                               ("everything else (Flask, login, view code)",
                                total - reading - templates),
                               ("SQL statements, execute only (within the above)",
                                clock["SQL"]),
                               ("garbage collection (within the above; "
                                f"{clock['gc generation 2'] / runs:.1f} full collections "
                                "per request)", clock["gc"])]:
            print(f"    {seconds * 1000 / runs:8.1f} ms {seconds / total:6.1%}  {label}")
        repeated = Counter(" ".join(s.split())[:90] for s in statements).most_common(5)
        if repeated and repeated[0][1] > 1:
            print("  statements sent more than once per request:")
            for statement, count in repeated:
                if count > 1:
                    print(f"    {count:4} x {statement}")
        print(f"  objects the collector tracks, left per activity by one first view: "
              f"{tracked_per_activity(client, path, person.activities):.2f}")
        profiler = cProfile.Profile()
        for _ in range(runs):
            if bump:
                bump()
            profiler.enable()
            client.get(path)
            profiler.disable()
        stats = pstats.Stats(profiler).stats  # {(file, line, name): (cc, calls, tt, ct, _)}
        rows = [(where, calls / runs, tt * 1000 / runs, ct * 1000 / runs)
                for where, (_cc, calls, tt, ct, _callers) in stats.items()]
        ours = [row for row in rows if "/tracker/" in row[0][0] or "templates/" in row[0][0]]
        print("  cProfile (inflates many small calls), ms per request; the app's own, cumulative:")
        for where, calls, tt, ct in sorted(ours, key=lambda r: -r[3])[:top]:
            print(f"    {ct:8.1f} cum {tt:7.1f} self {calls:9.0f} calls  {short(where)}")
        print("  everything, by self time:")
        for where, calls, tt, ct in sorted(rows, key=lambda r: -r[2])[:top]:
            print(f"    {tt:8.1f} self {ct:7.1f} cum {calls:9.0f} calls  {short(where)}")
    gc.callbacks.remove(collector)
    app.extensions["recert_engine"].dispose()


def tracked_per_activity(client, path: str, activities: int) -> float:
    """What a first view leaves for every later full collection to walk: the growth of the
    collector's tracked objects when the page is seen with an empty ledger cache."""
    client.get(path)
    with ledger._lock:
        ledger._cache().clear()
    gc.collect()
    before = len(gc.get_objects())
    assert client.get(path).status_code == 200
    gc.collect()
    return (len(gc.get_objects()) - before) / activities


def short(where: tuple[str, int, str]) -> str:
    file, line, name = where
    for marker in ("site-packages/", "/work/main/", str(BENCH_DIR.parent) + "/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{file}:{line} {name}"
