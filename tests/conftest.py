"""Fixtures after Flask's tutorial: app, client, runner, auth; each test gets an empty database.

The suite runs on SQLite, and again on PostgreSQL when RECERT_TEST_POSTGRES_URL is set.
Each run migrates its own database (PostgreSQL: its own schema) once; tests empty it after use.
"""

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel
from werkzeug.serving import make_server

from tests.helpers import AuthActions, add_cpt, drop_schema
from tracker import create_app, mail, migrate

POSTGRES_URL = os.environ.get("RECERT_TEST_POSTGRES_URL")
DATABASES = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def pytest_report_header(config):
    if not POSTGRES_URL:
        return "PostgreSQL: skipped (set RECERT_TEST_POSTGRES_URL to run the suite on it too)"
    return f"PostgreSQL: {POSTGRES_URL}"


def pytest_terminal_summary(terminalreporter):
    if not POSTGRES_URL:
        terminalreporter.write_line(
            "PostgreSQL was skipped: RECERT_TEST_POSTGRES_URL is not set."
        )


def _postgres_schema_url(schema_name: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    # The application name marks this run's connections, so teardown can end stragglers.
    return (f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema_name}"
            f"&application_name={schema_name}")


def migrated_database(url: str, revision: str = "head") -> str:
    """The database at `url`, migrated to `revision`."""
    migrate.upgrade(create_app({"DATABASE_URL": url, "SECRET_KEY": "migrate"}), revision)
    return url


@contextmanager
def postgres_schema(prefix: str) -> Iterator[str]:
    """The URL of a new, empty PostgreSQL schema, dropped with its tables at the end."""
    schema_name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema_name}"'))
    try:
        yield _postgres_schema_url(schema_name)
    finally:
        drop_schema(admin, schema_name)
        admin.dispose()


@pytest.fixture(scope="session", params=DATABASES)
def database_url(request, tmp_path_factory):
    """A migrated, empty database of each kind, shared by the tests of one run."""
    if request.param == "sqlite":
        yield migrated_database(f"sqlite:///{tmp_path_factory.mktemp('db') / 'recert.db'}")
        return
    with postgres_schema("recert_test") as url:
        yield migrated_database(url)


@pytest.fixture(autouse=True)
def _secret_key_from_environment(monkeypatch, tmp_path):
    # Keep tests from writing a key into the checkout's instance folder.
    monkeypatch.setenv("RECERT_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("RECERT_INSTANCE_PATH", str(tmp_path / "instance"))


@pytest.fixture
def app(database_url):
    app = create_app({"TESTING": True, "DATABASE_URL": database_url})
    yield app
    mail.wait_for_outbox()  # no email of this test left to leave during the next one
    engine = app.extensions["recert_engine"]
    with engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
    engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def user_client(client, auth):
    """A client logged in as a freshly registered user (pat@example.com)."""
    response = auth.register()
    assert response.status_code == 302
    return client


@pytest.fixture
def cpt(app, user_client) -> int:
    """The logged-in user's CPT (certified 2022-03-15, all four modules), seen on 2026-11-24."""
    app.config["TODAY"] = date(2026, 11, 24)
    return add_cpt(user_client)


@pytest.fixture
def live_url(app):
    """The test app served over HTTP on a free local port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()
