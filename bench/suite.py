"""Latency of the pages people open, beside the framework floor, and a load run; over HTTP.

Seeds a fresh database (SQLite in a temporary folder, or a schema of its own in PostgreSQL
with --postgres URL, dropped at the end) with three people: one with 5,000 activities, one
with 10 (for comparison) and one with 500 (for the PDF and the import preview). Serves
bench/bench_app.py (the real app plus a floor page) with gunicorn on a free loopback port,
logs in over HTTP, and times each page one request at a time against a single sync worker:
median and p99 (nearest rank, so with fewer than 100 runs it is the slowest run), and each
median as a ratio to the floor. Then starts gunicorn with 4 workers and runs a load of
50 clients against the 5,000-activity dashboard: a closed loop (each client sends its next
request when the last one answers) to find the throughput, then a paced run at a fraction of
it (requests sent on a schedule, latency counted from when each was due) for the latency at
a load the machine sustains. Writes everything to bench/results.json.

Run: .venv/bin/python bench/suite.py [--runs 100] [--load-seconds 20] [--postgres URL]
     .venv/bin/python bench/suite.py --profile   # cProfile the dashboard and the list too
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import http.client
import json
import math
import os
import platform
import pstats
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.cookies import SimpleCookie
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

from flask import before_render_template, template_rendered
from sqlalchemy import create_engine, event, inspect, text
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.helpers

from import_bench import csv_of

from tests.helpers import PASSWORD, csrf_token
from tracker import create_app, schema
from tracker.activities import services
from tracker.auth.services import register_user
from tracker.credentials.services import add_credential
from tracker.models import Activity, Evidence
from tracker.rules import engine
from tracker.rules.catalog import load_catalog

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results.json"
FLOOR_PATH = "/_bench/floor"  # the route bench_app.py adds
SEED = 2026
TODAY = date(2026, 11, 24)
CERTIFIED_ON = date(2022, 3, 15)  # the current CPT cycle runs 2022-03-15 to 2027-03-15
STEPS = {"CE-TRAINING": Decimal("0.25"), "CE-NONCREDIT": Decimal("0.25"),
         "CE-CREDIT": Decimal("0.5"), "IC": Decimal(1), "X": Decimal("0.25")}
WORDS = ["Forklift", "safety", "Lockout", "Quality", "Lean", "Welding", "SPC", "Hydraulics"]
TIMEOUT = 120  # seconds a client waits for an answer before counting an error


# --- Seeding -------------------------------------------------------------------------------

@dataclass
class Person:
    email: str
    activities: int
    credential_id: int = 0
    cookie: str = ""


def seed(url: str, people: list[Person]) -> None:
    """Each person gets one CPT credential (certified 2022-03-15) and their activities, all in
    the current cycle: about 1 in 5 with a small file, 1 in 200 an employment period."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TODAY": TODAY})
    schema.upgrade(app)
    rng = random.Random(SEED)
    days = (TODAY - CERTIFIED_ON).days
    ruleset = load_catalog().get("mssc-cpt")
    modules = dict.fromkeys(("safety", "quality", "production", "maintenance"))
    with app.app_context(), Session(app.extensions["recert_engine"]) as session:
        for person in people:
            user = register_user(session, person.email, "Bench User", PASSWORD)
            credential = add_credential(session, user, ruleset, CERTIFIED_ON, "", modules)
            person.credential_id = credential.id
            rows = []
            for n in range(person.activities):
                day = CERTIFIED_ON + timedelta(days=rng.randrange(days))
                fields = {"user_id": user.id, "held_credential_id": credential.id,
                          "title": f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} {n}",
                          "provider": rng.choice(["Acme Training", "Valley College",
                                                  "Plant HR"])}
                if n % 200 == 199:  # a few employment periods, some still open
                    rows.append(Activity(
                        category="E", started_on=day - timedelta(days=400),
                        completed_on=None if n % 400 == 399 else day,
                        fraction=rng.choice([Decimal("1.0"), Decimal("0.5")]), **fields))
                    continue
                category = rng.choice(list(STEPS))
                activity = Activity(category=category, completed_on=day,
                                    quantity=STEPS[category] * rng.randrange(1, 17), **fields)
                if rng.random() < 0.2:
                    data = rng.randbytes(300)
                    activity.evidence = [Evidence(
                        filename=f"proof-{n}.pdf", content_type="application/pdf",
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)]
                rows.append(activity)
            session.add_all(rows)
            session.commit()
    app.extensions["recert_engine"].dispose()


@contextmanager
def database(postgres: str | None, folder: Path) -> Iterator[tuple[str, str]]:
    """(kind, URL) of an empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if not postgres:
        yield "sqlite", f"sqlite:///{folder / 'bench.db'}"
        return
    name = f"recert_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        separator = "&" if "?" in postgres else "?"
        yield "postgresql", f"{postgres}{separator}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


# --- HTTP ----------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    body: bytes
    ms: float
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(port: int, method: str, path: str, headers: dict[str, str] | None = None,
          body: bytes | None = None) -> Answer:
    """One request on a new loopback connection (sync workers close it after each answer);
    the time counts connecting, sending and reading the whole body."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
    finally:
        connection.close()
    return Answer(response.status, data, (time.perf_counter() - started) * 1000, cookies)


class Browser:
    """One person's cookies, sent with each request and updated from each answer."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, headers: dict | None = None,
                body: bytes | None = None) -> Answer:
        headers = {**(headers or {}), **({"Cookie": self.cookie_header()} if self.cookies else {})}
        answer = fetch(self.port, method, path, headers, body)
        self.cookies.update(answer.cookies)
        return answer

    def log_in(self, email: str) -> None:
        token = csrf_token(self.request("GET", "/auth/login").text)
        form = urlencode({"csrf_token": token, "email": email, "password": PASSWORD}).encode()
        answer = self.request("POST", "/auth/login", body=form,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status == 302, f"logging in as {email} answered {answer.status}"


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]
              ) -> tuple[bytes, str]:
    boundary = f"bench-{uuid.uuid4().hex}"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields.items()]
    for name, (filename, data, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                     + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# --- gunicorn ------------------------------------------------------------------------------

@dataclass
class Server:
    port: int
    log: Path
    pid: int

    def worker_rss_mb(self) -> list[int] | None:
        """Each worker's resident memory in MB (Linux /proc; None elsewhere)."""
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            sizes = []
            for child in children:
                status = Path(f"/proc/{child}/status").read_text()
                kilobytes = next(line.split()[1] for line in status.splitlines()
                                 if line.startswith("VmRSS:"))
                sizes.append(int(kilobytes) // 1024)
            return sizes
        except (OSError, StopIteration):
            return None

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def gunicorn(env: dict[str, str], folder: Path, workers: int, worker_class: str,
             threads: int = 1) -> Iterator[Server]:
    """Serve bench_app on a free loopback port (bound here and handed over, so no other
    program can take it in between). The server's log is shown if something fails."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port, fd = listener.getsockname()[1], listener.fileno()
    log_path = folder / f"gunicorn-{workers}-{worker_class}.log"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{fd}",
               "--workers", str(workers), "--worker-class", worker_class,
               "--threads", str(threads),
               "--timeout", str(TIMEOUT), "--graceful-timeout", "5",
               "--pythonpath", str(BENCH_DIR), "--log-level", "warning", "bench_app:app"]
    if tuple(int(n) for n in version("gunicorn").split(".")[:2]) >= (25, 1):
        command.append("--no-control-socket")  # one shared path for every server otherwise
    with open(log_path, "wb") as log:
        # Run in the temporary folder so no ./gunicorn.conf.py changes these settings.
        server = subprocess.Popen(command, cwd=folder, env=env, pass_fds=(fd,),  # noqa: S603
                                  stdout=log, stderr=subprocess.STDOUT)
    listener.close()
    try:
        deadline = time.monotonic() + 60
        while True:
            with suppress(OSError):
                if fetch(port, "GET", FLOOR_PATH).status == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        server_info = Server(port, log_path, server.pid)
        try:
            yield server_info
        except BaseException:
            print(f"gunicorn's log ends:\n{server_info.log_tail()}", file=sys.stderr)
            raise
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- Latency -------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    return percentile(values, 0.5) if len(values) % 2 else (
        (sorted(values)[len(values) // 2 - 1] + sorted(values)[len(values) // 2]) / 2)


@dataclass
class Page:
    name: str
    path: str
    browser: Browser | None  # None: anonymous
    runs: int
    warmups: int = 3
    upload: tuple[str, bytes] | None = None  # import preview: (the form's page, the CSV)
    before: Callable[[], None] | None = None  # run before each request, untimed


def time_page(port: int, page: Page) -> dict:
    browser = page.browser or Browser(port)
    timings = []
    for number in range(page.warmups + page.runs):
        if page.before:
            page.before()
        if page.upload:
            form_page, data = page.upload
            token = csrf_token(browser.request("GET", form_page).text)
            body, content_type = multipart({"csrf_token": token},
                                           {"file": ("activities.csv", data, "text/csv")})
            answer = browser.request("POST", page.path, body=body,
                                     headers={"Content-Type": content_type})
            assert b'name="upload"' in answer.body, "the preview did not offer to confirm"
        else:
            answer = browser.request("GET", page.path)
        assert answer.status == 200, f"{page.path} answered {answer.status}"
        if number >= page.warmups:
            timings.append(answer.ms)
    return {"page": page.name, "method": "POST" if page.upload else "GET", "path": page.path,
            "runs": page.runs, "median_ms": round(median(timings), 2),
            "p99_ms": round(percentile(timings, 0.99), 2), "bytes": len(answer.body)}


@contextmanager
def revision_bumper(url: str, credential_id: int) -> Iterator[Callable[[], None] | None]:
    """What the app does to a credential when one of its activities changes (raise its
    activities_revision, which cached ledgers are keyed on), when the schema has it: so a page
    can be timed as it is first seen after a change. None when there is no such column."""
    engine = create_engine(url)
    try:
        columns = {column["name"] for column in inspect(engine).get_columns("held_credentials")}
        if "activities_revision" not in columns:
            yield None
            return

        def bump() -> None:
            with engine.begin() as connection:
                connection.execute(text("UPDATE held_credentials SET activities_revision = "
                                        "activities_revision + 1 WHERE id = :id"),
                                   {"id": credential_id})
        yield bump
    finally:
        engine.dispose()


def latency_table(port: int, people: dict[str, Person], runs: int, heavy_runs: int,
                  import_rows: int, url: str) -> list[dict]:
    with revision_bumper(url, people["big"].credential_id) as bump:
        return time_pages(port, people, runs, heavy_runs, import_rows, bump)


def time_pages(port: int, people: dict[str, Person], runs: int, heavy_runs: int,
               import_rows: int, bump: Callable[[], None] | None) -> list[dict]:
    big, small, report = people["big"], people["small"], people["report"]
    browsers = {}
    for key, person in people.items():
        browsers[key] = Browser(port)
        browsers[key].log_in(person.email)
    pages = [Page("floor: base template, no database (anonymous)", FLOOR_PATH, None, runs),
             Page("floor, logged in (loads the user)", FLOOR_PATH, browsers["small"], runs)]
    for key, person in (("big", big), ("small", small)):
        label = f"{person.activities:,} activities"
        credential = f"/credentials/{person.credential_id}"
        pages += [Page(f"home page, {label}", "/", browsers[key], runs),
                  Page(f"dashboard (credential page), {label}", credential, browsers[key], runs),
                  Page(f"activity list, {label}", f"{credential}/activities", browsers[key],
                       runs)]
    credential = f"/credentials/{report.credential_id}"
    pages += [Page(f"PDF report, {report.activities:,} activities", f"{credential}/report.pdf",
                   browsers["report"], heavy_runs, warmups=1),
              Page(f"import preview, CSV of {import_rows:,} rows ({report.activities} logged)",
                   f"{credential}/import/preview", browsers["report"], heavy_runs, warmups=1,
                   upload=(f"{credential}/import", csv_of(import_rows)))]
    if bump:  # last: each one leaves a new ledger in the worker's cache (see the memory line)
        label, credential = f"{big.activities:,} activities", f"/credentials/{big.credential_id}"
        pages += [Page(f"dashboard, {label}, first view after a change", credential,
                       browsers["big"], runs, before=bump),
                  Page(f"activity list, {label}, first view after a change",
                       f"{credential}/activities", browsers["big"], runs, before=bump)]
    rows = []
    for page in pages:
        row = time_page(port, page)
        row["ratio_to_floor"] = round(row["median_ms"] / rows[0]["median_ms"], 1) if rows else 1.0
        print_row(row)
        rows.append(row)
    return rows


def print_row(row: dict) -> None:
    print(f"  {row['page']:58} {row['median_ms']:9.1f} {row['p99_ms']:9.1f} "
          f"{row['ratio_to_floor']:8.1f}x {row['runs']:5}", flush=True)


# --- Load ----------------------------------------------------------------------------------

def load_request(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run_clients(clients: int, work) -> tuple[list[float], Counter, float]:
    """Run `work(latencies, errors)` in `clients` threads; returns what they gathered and the
    seconds from start to the last answer."""
    latencies: list[float] = []
    errors: Counter = Counter()
    lock = threading.Lock()

    def client() -> None:
        mine, failed = [], Counter()
        work(mine, failed)
        with lock:
            latencies.extend(mine)
            errors.update(failed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def one(port: int, path: str, cookie: str, since: float, latencies: list, errors: Counter
        ) -> None:
    try:
        status = load_request(port, path, cookie)
    except OSError as error:
        errors[type(error).__name__] += 1
        return
    if status == 200:
        latencies.append((time.perf_counter() - since) * 1000)
    else:
        errors[f"HTTP {status}"] += 1


def closed_loop(port: int, path: str, cookie: str, clients: int, seconds: float) -> dict:
    """Each client sends its next request as soon as the last one is answered."""
    deadline = time.perf_counter() + seconds

    def work(latencies: list, errors: Counter) -> None:
        while time.perf_counter() < deadline:
            one(port, path, cookie, time.perf_counter(), latencies, errors)

    latencies, errors, elapsed = run_clients(clients, work)
    return summary("closed loop", clients, elapsed, latencies, errors)


def paced(port: int, path: str, cookie: str, clients: int, seconds: float, rate: float
          ) -> dict:
    """Requests due at a fixed rate, shared by `clients` threads; each latency counts from
    when the request was due, so time spent waiting for a free client counts too."""
    total, start = max(1, int(rate * seconds)), time.perf_counter() + 0.1
    give_up = start + 3 * seconds  # stop sending if the server falls far behind
    issued = iter(range(total))
    lock = threading.Lock()
    skipped = Counter()

    def work(latencies: list, errors: Counter) -> None:
        while True:
            with lock:
                number = next(issued, None)
            if number is None:
                return
            due = start + number / rate
            if time.perf_counter() > give_up:
                skipped["not sent (server too far behind)"] += 1
                continue
            time.sleep(max(0.0, due - time.perf_counter()))
            one(port, path, cookie, due, latencies, errors)

    latencies, errors, elapsed = run_clients(clients, work)
    result = summary("paced", clients, elapsed - 0.1, latencies, errors + skipped)
    result["target_rps"] = round(rate, 2)
    return result


def summary(kind: str, clients: int, seconds: float, latencies: list[float], errors: Counter
            ) -> dict:
    return {"kind": kind, "clients": clients, "seconds": round(seconds, 1),
            "requests": len(latencies) + sum(errors.values()), "ok": len(latencies),
            "rps": round(len(latencies) / seconds, 2),
            "p50_ms": round(median(latencies), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None,
            "errors": sum(errors.values()), "error_kinds": dict(errors)}


def print_load(result: dict) -> None:
    target = f" (due at {result['target_rps']}/s)" if "target_rps" in result else ""
    print(f"  {result['kind']}{target}: {result['clients']} clients, {result['seconds']} s, "
          f"{result['ok']} answered, {result['rps']} requests/s, p50 {result['p50_ms']} ms, "
          f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms, "
          f"errors {result['errors']} {result['error_kinds'] or ''}", flush=True)


def load_run(server: Server, person: Person, args) -> dict:
    port, browser = server.port, Browser(server.port)
    browser.log_in(person.email)
    path, cookie = f"/credentials/{person.credential_id}", browser.cookie_header()
    # Warm every worker (templates compile, the catalog loads once per process).
    closed_loop(port, path, cookie, 2 * args.workers, 3)
    closed = closed_loop(port, path, cookie, args.clients, args.load_seconds)
    print_load(closed)
    steady = None
    if closed["rps"] > 0:
        steady = paced(port, path, cookie, args.clients, args.load_seconds,
                       args.paced_share * closed["rps"])
        print_load(steady)
    if closed["errors"] or not steady or steady["errors"]:
        print(f"  gunicorn's log ends:\n{server.log_tail()}")
    return {"path": path, "activities": person.activities, "workers": args.workers,
            "worker_class": args.worker_class, "threads": args.threads,
            "closed_loop": closed, "paced": steady,
            "paced_share_of_closed_loop_rps": args.paced_share}


# --- Profile -------------------------------------------------------------------------------

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
        with (timed(clock, "ledger (load + evaluate)", services, "ledgers_of"),
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
        ledger, templates = clock["ledger (load + evaluate)"], clock["templates (render)"]
        for label, seconds in [("ledger (load + evaluate)", ledger),
                               ("  of which engine.evaluate", clock["engine.evaluate"]),
                               ("templates (render)", templates),
                               ("everything else (Flask, login, view code)",
                                total - ledger - templates),
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


def short(where: tuple[str, int, str]) -> str:
    file, line, name = where
    for marker in ("site-packages/", "/work/main/", str(BENCH_DIR.parent) + "/"):
        if marker in file:
            file = file.split(marker, 1)[1]
    return f"{file}:{line} {name}"


# --- Main ----------------------------------------------------------------------------------

def server_env(folder: Path, url: str) -> dict[str, str]:
    """The caller's environment without RECERT_*/FLASK_* settings, plus the bench's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECERT_", "FLASK_"))}
    env.update({"RECERT_INSTANCE_PATH": str(folder / "instance"),
                "RECERT_SECRET_KEY": uuid.uuid4().hex, "BENCH_DATABASE_URL": url,
                "BENCH_TODAY": TODAY.isoformat()})
    return env


def check_targets(rows: list[dict], load: dict | None, activities: int) -> list[str]:
    verdicts = []
    for row in rows:
        if (row["page"].startswith(("dashboard", "activity list"))
                and f"{activities:,} activities" in row["page"]):
            ok = row["ratio_to_floor"] <= 2
            verdicts.append(f"{row['page']}: {row['ratio_to_floor']}x the floor "
                            f"(target at most 2x): {'met' if ok else 'MISSED'}")
    if load:
        for key in ("closed_loop", "paced"):
            if not load[key]:
                verdicts.append(f"load, {key}: not run (nothing was answered): MISSED")
                continue
            errors = load[key]["errors"]
            verdicts.append(f"load, {load[key]['kind']}: {errors} errors (target 0): "
                            f"{'met' if errors == 0 else 'MISSED'}")
    if load and load["paced"]:
        p99 = load["paced"]["p99_ms"]
        verdicts.append(f"load, paced at {load['paced']['target_rps']}/s: p99 {p99} ms "
                        f"(target under 200 ms): "
                        f"{'met' if p99 is not None and p99 < 200 else 'MISSED'}")
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--small", type=int, default=10, help="the comparison person's")
    parser.add_argument("--report-activities", type=int, default=500)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=100, help="timed requests per page")
    parser.add_argument("--heavy-runs", type=int, default=10, help="for the PDF and import")
    parser.add_argument("--postgres", metavar="URL",
                        help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, default=4, help="for the load run")
    parser.add_argument("--worker-class", default="sync", help="for the load run")
    parser.add_argument("--threads", type=int, default=1,
                        help="per worker, for the load run with --worker-class gthread")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--paced-share", type=float, default=0.5,
                        help="the paced run's rate, as a share of the closed loop's")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the dashboard and the list in process")
    parser.add_argument("--profile-runs", type=int, default=10)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    people = {"big": Person("big@example.com", args.activities),
              "small": Person("small@example.com", args.small),
              "report": Person("report@example.com", args.report_activities)}
    load_at_start = [round(n, 2) for n in os.getloadavg()]  # others' work skews the figures
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with database(args.postgres, folder) as (kind, url):
            started = time.perf_counter()
            seed(url, list(people.values()))
            print(f"suite: {kind}, seeded {args.activities:,} + {args.small} + "
                  f"{args.report_activities} activities in {time.perf_counter() - started:.0f} s "
                  f"(seed {SEED}, today {TODAY}); {os.cpu_count()} CPUs, Python "
                  f"{platform.python_version()}, load average {load_at_start[0]}", flush=True)
            env = server_env(folder, url)
            print("\nLatency, one request at a time, gunicorn with 1 sync worker (ms):")
            print(f"  {'page':58} {'median':>9} {'p99':>9} {'vs floor':>9} {'runs':>5}")
            with gunicorn(env, folder, 1, "sync") as server:
                rows = latency_table(server.port, people, args.runs, args.heavy_runs,
                                     args.import_rows, url)
                latency_rss = server.worker_rss_mb()
            print(f"  worker memory after these requests: {latency_rss} MB")
            load = None
            if not args.no_load:
                print(f"\nLoad on the {args.activities:,}-activity dashboard, gunicorn "
                      f"--workers {args.workers} --worker-class {args.worker_class}"
                      f"{f' --threads {args.threads}' if args.threads > 1 else ''}:")
                with gunicorn(env, folder, args.workers, args.worker_class,
                              args.threads) as server:
                    load = load_run(server, people["big"], args)
                    load["worker_rss_mb"] = server.worker_rss_mb()
                print(f"  worker memory after the load: {load['worker_rss_mb']} MB")
            if args.profile:
                profile(url, people["big"], args.profile_runs, top=25)
    verdicts = check_targets(rows, load, args.activities)
    print("\nTargets:")
    for verdict in verdicts:
        print(f"  {verdict}")
    results = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "database": kind,
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform(),
                           "load_average_at_start": load_at_start,
                           "load_average_at_end": [round(n, 2) for n in os.getloadavg()]},
               "seed": SEED, "today": TODAY.isoformat(),
               "latency": {"server": "gunicorn, 1 sync worker", "client": "one at a time, "
                           "a new loopback connection per request", "pages": rows,
                           "worker_rss_mb_after": latency_rss},
               "load": load, "targets": verdicts}
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
