"""Two servers over one PostgreSQL and one Redis, set up as README's "Running in production".

Whatever server a request reaches, the person sees the same account, the same login limits
and the same files.
"""

import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, make_url, text
from sqlmodel import SQLModel

from tests.helpers import delete_redis_keys, image_bytes
from tests.live_server import (
    ROOT,
    Browser,
    hidden_fields,
    multipart,
    server_environment,
    serving,
    start_gunicorn,
)
from tracker import create_app, migrate

POSTGRES_URL = os.environ.get("RECERT_TEST_POSTGRES_URL")
REDIS_URL = os.environ.get("RECERT_TEST_REDIS_URL")
needs_postgres_and_redis = pytest.mark.skipif(
    not (POSTGRES_URL and REDIS_URL),
    reason="two servers need a shared PostgreSQL and Redis: set RECERT_TEST_POSTGRES_URL "
           "and RECERT_TEST_REDIS_URL",
)
CPT_MODULES = {"module_safety": "y", "module_quality": "y", "module_production": "y",
               "module_maintenance": "y"}


@pytest.fixture
def own_database():
    """A PostgreSQL database made for this test alone, dropped after it."""
    name = f"recert_servers_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def two_servers_over(database_url: str, tmp_path, workers: tuple[int, int]):
    """README's steps: settings, migrations once, then two servers with the same settings.

    Each server (and the migration) has an instance folder of its own, as separate machines
    would: whatever they share, they share through PostgreSQL and Redis."""
    # Login attempts are counted under this run's own Redis keys, removed after the test.
    prefix = f"recert-test-{uuid.uuid4().hex[:12]}"
    env = server_environment(database_url, tmp_path / "migrate" / "instance",
                             RECERT_RATELIMIT_STORAGE_URL=REDIS_URL)
    migrated = subprocess.run([sys.executable, "-m", "flask", "--app", "tracker", "db", "upgrade"],
                              cwd=ROOT, env=env, capture_output=True, text=True)
    assert migrated.returncode == 0, migrated.stderr
    app = f"tracker:create_app({{'RATELIMIT_KEY_PREFIX': {prefix!r}}})"
    one, two = tmp_path / "one", tmp_path / "two"
    try:
        with serving(
            start_gunicorn({**env, "RECERT_WORKERS": str(workers[0]),
                            "RECERT_INSTANCE_PATH": str(one / "instance")}, one, app=app),
            start_gunicorn({**env, "RECERT_INSTANCE_PATH": str(two / "instance")}, two,
                           workers=workers[1], app=app),
        ) as servers:
            yield servers
    finally:
        delete_redis_keys(REDIS_URL, prefix)


@pytest.fixture
def two_servers(own_database, tmp_path):
    with two_servers_over(own_database, tmp_path, workers=(2, 1)) as servers:
        yield servers


@needs_postgres_and_redis
def test_any_server_serves_the_same_accounts_login_limits_and_files(two_servers):
    one, two = two_servers
    # RECERT_WORKERS=2; the second worker may still be starting when the first answers.
    deadline = time.monotonic() + 20
    while one.messages.count("Booting worker") < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert one.messages.count("Booting worker") == 2
    for server in (one, two):
        health = Browser().get(f"{server.url}/healthz")
        assert (health.status, json.loads(health.body)) == (200, {"status": "ok",
                                                                   "database": "ok"})
        assert "Set-Cookie" not in health.headers

    # Registered through server 1, still logged in on server 2 (the same secret key).
    pat = Browser()
    assert pat.register(one.url, "pat@example.com").status == 302
    assert {cookie.name for cookie in pat.cookies} == {"session", "recert_device"}
    assert all(cookie.secure for cookie in pat.cookies)  # production: HTTPS only
    assert "Log out" in pat.get(f"{two.url}/").text

    # Another browser logs in through server 2 with the password chosen on server 1.
    laptop = Browser()
    response = laptop.login(two.url, "pat@example.com")
    assert response.status == 302
    assert "Welcome back, Pat Doe." in laptop.get(f"{two.url}/").text

    # A file uploaded through server 1 downloads byte for byte through server 2.
    photo = image_bytes("png", 400, 300, noise=True)
    created = pat.submit(f"{one.url}/credentials/new/mssc-cpt",
                         {"certified_on": "2022-03-15", **CPT_MODULES})
    assert created.status == 302
    credential = created.headers["Location"].rsplit("/", 1)[-1]
    saved = pat.submit(
        f"{one.url}/credentials/{credential}/activities/new",
        {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
         "completed_on": "2024-05-01", "quantity": "8"},
        files={"evidence": ("certificate.png", photo, "image/png")},
    )
    assert saved.status == 302, saved.text
    activity_page = laptop.get(f"{two.url}{saved.headers['Location']}")
    assert "certificate.png" in activity_page.text
    link = activity_page.text.split('href="/evidence/', 1)[1].split('"', 1)[0]
    download = laptop.get(f"{two.url}/evidence/{link}")
    assert download.status == 200
    assert download.body == photo

    # Wrong passwords count on both servers together: 3 on one, 2 on the other...
    stranger = Browser()
    for server in (one, one, one, two, two):
        failed = stranger.login(server.url, "pat@example.com", "not the password at all")
        assert failed.status == 200
        assert "The email or the password is not right" in failed.text
    # ...and then even the right password is refused on either server.
    for server in (one, two):
        refused = stranger.login(server.url, "pat@example.com")
        assert refused.status == 429
        assert "Too many attempts" in refused.text

    # One line per request on standard output, private calendar addresses hidden.
    assert Browser().get(f"{one.url}/calendar/a-private-secret.ics").status == 404
    # gunicorn writes a request's line just after answering it.
    deadline = time.monotonic() + 10
    while ".ics HTTP/1.1\" 404" not in one.access_log and time.monotonic() < deadline:
        time.sleep(0.1)
    assert '"POST /auth/login HTTP/1.1" 429' in one.access_log
    assert '"GET /healthz HTTP/1.1" 200' in two.access_log
    assert '"GET /calendar/<hidden>.ics HTTP/1.1" 404' in one.access_log
    assert "a-private-secret" not in one.access_log

    # Neither server kept anything in its own instance folder: no database, key or file.
    for server in (one, two):
        assert list((server.log_dir / "instance").iterdir()) == []


@pytest.mark.skipif(not POSTGRES_URL, reason="set RECERT_TEST_POSTGRES_URL")
def test_servers_starting_together_upgrade_one_after_the_other(own_database, tmp_path):
    """`make serve` upgrades on every server: two at the same moment on an empty database."""
    command = [sys.executable, "-m", "flask", "--app", "tracker", "db", "upgrade"]
    engine = create_engine(own_database)
    try:
        with engine.connect() as holder:
            # Hold the upgrades' lock until both are waiting for it, so they start together.
            holder.execute(text("SELECT pg_advisory_lock(:key)"), {"key": migrate.UPGRADE_LOCK})
            upgrades = [
                subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=server_environment(own_database, tmp_path / name))
                for name in ("one", "two")
            ]
            deadline = time.monotonic() + 60
            while waiting_for_the_lock(holder) < 2:
                assert time.monotonic() < deadline, "the upgrades never waited for each other"
                assert all(upgrade.poll() is None for upgrade in upgrades), "one did not wait"
                time.sleep(0.1)
            holder.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": migrate.UPGRADE_LOCK})
            holder.commit()
        for upgrade in upgrades:
            _out, err = upgrade.communicate(timeout=60)
            assert upgrade.returncode == 0, err
        app = create_app({"DATABASE_URL": own_database})
        head = ScriptDirectory.from_config(migrate.alembic_config(app)).get_current_head()
        with engine.connect() as connection:
            migrated = MigrationContext.configure(connection, opts={"compare_type": True})
            assert migrated.get_current_heads() == (head,)
            assert compare_metadata(migrated, SQLModel.metadata) == []
    finally:
        engine.dispose()


def waiting_for_the_lock(connection) -> int:
    return connection.execute(text(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    )).scalar_one()


def refusal_to_start(env: dict) -> str:
    """What gunicorn with the app's settings says when it refuses to start in `env`."""
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "python:tracker.gunicorn_conf"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    return result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = server_environment("sqlite://", tmp_path / "instance")
    del env["RECERT_SECRET_KEY"]
    assert "set RECERT_SECRET_KEY" in refusal_to_start(env)


@needs_postgres_and_redis
def test_parallel_guesses_on_two_servers_get_five_passwords_checked(own_database, tmp_path):
    """40 wrong passwords for one email sent at once, each from its own browser, spread over two
    servers of four workers each: five are checked, the rest refused before any check, and the
    owner's own browser still logs in."""
    with two_servers_over(own_database, tmp_path, workers=(4, 4)) as (one, two):
        owner = Browser()
        assert owner.register(one.url, "pat@example.com").status == 302
        assert owner.submit(f"{one.url}/auth/logout", {}, form_page=f"{one.url}/").status == 302
        strangers = [(Browser(), (one, two)[number % 2]) for number in range(40)]
        forms = [(browser, server, browser.get(f"{server.url}/auth/login"))
                 for browser, server in strangers]

        def guess(browser, server, form) -> int:
            fields = {**hidden_fields(form.text, f"{server.url}/auth/login"),
                      "email": "pat@example.com", "password": "not the password at all"}
            body, content_type = multipart(fields, {})
            return browser.request(f"{server.url}/auth/login", body,
                                   {"Content-Type": content_type}).status

        with ThreadPoolExecutor(max_workers=len(forms)) as pool:
            answers = list(pool.map(lambda args: guess(*args), forms))
        assert sorted(answers) == [200] * 5 + [429] * 35
        assert Browser().login(two.url, "pat@example.com").status == 429  # unknown browsers
        assert owner.login(two.url, "pat@example.com").status == 302  # the owner's own


def test_several_workers_refuse_to_count_login_attempts_each_in_its_own_memory(tmp_path):
    env = server_environment("sqlite://", tmp_path / "instance", RECERT_WORKERS="2")
    assert "set RECERT_RATELIMIT_STORAGE_URL to a Redis" in refusal_to_start(env)
