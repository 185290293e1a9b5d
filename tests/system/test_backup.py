"""`flask backup` and `flask restore`: the whole instance in one file, back again row for row."""

import os
import re
import sqlite3
import uuid
from datetime import UTC, date, datetime

import pytest
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text
from sqlmodel import SQLModel

from tests.helpers import (
    AuthActions,
    add_cpt,
    drop_schema,
    image_bytes,
    log_activity,
    pdf_bytes,
    submit,
)
from tracker import create_app, migrate

POSTGRES_URL = os.environ.get("RECERT_TEST_POSTGRES_URL")
KINDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
FILES = [("certificate.pdf", pdf_bytes()), ("badge.png", image_bytes())]
# The tables the test data fills; every table of the models is compared all the same.
FILLED = {"users", "held_credentials", "held_modules", "cycles", "activities", "evidence",
          "reminder_notices", "change_records", "login_sessions"}


def kind_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


@pytest.fixture(scope="module")
def spare_databases(tmp_path_factory):
    """A second migrated database of each kind, to restore into."""
    urls = {"sqlite": f"sqlite:///{tmp_path_factory.mktemp('spare') / 'spare.db'}"}
    admin = schema_name = None
    if POSTGRES_URL:
        schema_name = f"recert_spare_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema_name}"'))
        separator = "&" if "?" in POSTGRES_URL else "?"
        # Another time zone than UTC, to show timestamps keep their instant across databases.
        urls["postgresql"] = (f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema_name}"
                              f"%20-ctimezone%3DAmerica/New_York&application_name={schema_name}")
    try:
        for url in urls.values():
            migrate.upgrade(create_app({"DATABASE_URL": url, "SECRET_KEY": "migrate"}))
        yield urls
    finally:
        if admin is not None:
            drop_schema(admin, schema_name)
            admin.dispose()


@pytest.fixture
def spare_app(spare_databases):
    """An app over an empty spare database of the kind asked for; emptied after the test."""
    apps = []

    def make(kind: str):
        app = create_app({"TESTING": True, "DATABASE_URL": spare_databases[kind]})
        apps.append(app)
        return app

    yield make
    for app in apps:
        engine = app.extensions["recert_engine"]
        with engine.begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(table.delete())
        engine.dispose()


def fill(app, client, auth) -> dict:
    """Two people's data, made through the app: files, a trashed activity, a dismissed reminder."""
    app.config["TODAY"] = date(2027, 2, 13)
    auth.register()
    cpt = add_cpt(client, "2022-03-15")
    kept = log_activity(client, cpt, files=FILES, title="Kept with files").headers["Location"]
    trashed = log_activity(client, cpt, title="Thrown away", files=[("old.pdf", pdf_bytes())])
    response = submit(client, f"{trashed.headers['Location']}/delete", {},
                      form_page=trashed.headers["Location"])
    assert response.status_code == 302
    [dismiss] = re.findall(r'action="(/cycles/\d+/reminders/days-30/dismiss)"',
                           client.get("/").text)
    assert submit(client, dismiss, {}, form_page="/").status_code == 302
    evidence_ids = [int(number) for number in
                    re.findall(r'href="/evidence/(\d+)"', client.get(kept).text)]
    assert len(evidence_ids) == len(FILES)
    auth.logout()
    auth.register(email="sam@example.com", name="Sam Roe")
    log_activity(client, add_cpt(client, "2023-01-10"), files=[("sam.pdf", pdf_bytes())])
    client.delete_cookie("session")  # Sam's login stays in the database, as a closed browser's
    return {"evidence_ids": evidence_ids}


def normalized(value):
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, memoryview):
        return value.tobytes()
    return value


def dump(app) -> dict:
    """Every row of every table (files' bytes included), and the schema revision."""
    engine = app.extensions["recert_engine"]
    with engine.connect() as connection:
        rows = {
            table.name: [tuple(normalized(value) for value in row) for row in connection.execute(
                select(table).order_by(*table.primary_key.columns))]
            for table in SQLModel.metadata.sorted_tables
        }
        rows["alembic_version"] = MigrationContext.configure(connection).get_current_revision()
    return rows


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


def backup(app, path):
    result = invoke(app, "backup", path)
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("target", ["same", "other"])
def test_restore_gives_back_every_row_and_file(app, client, auth, spare_app, tmp_path, target):
    source_kind = kind_of(app.config["DATABASE_URL"])
    if target == "other" and len(KINDS) == 1:
        pytest.skip("restoring across databases needs PostgreSQL")
    made = fill(app, client, auth)
    before = dump(app)
    assert {name for name, rows in before.items() if rows} >= FILLED

    result = backup(app, tmp_path / "recert.backup")
    assert result.output == (f"Wrote {tmp_path / 'recert.backup'}: 2 accounts, 3 activities, "
                             f"4 proof files (schema revision {before['alembic_version']}).\n")
    restored = spare_app(source_kind if target == "same" else
                         next(kind for kind in KINDS if kind != source_kind))
    result = invoke(restored, "restore", tmp_path / "recert.backup")
    assert result.exit_code == 0, result.output
    assert result.output == (f"Restored {tmp_path / 'recert.backup'}: 2 accounts, "
                             "3 activities, 4 proof files.\n")
    assert dump(restored) == before

    # The restored instance works: log in, download the files, see the trash, add more.
    browser = restored.test_client()
    people = AuthActions(browser)
    assert people.login().status_code == 302
    for evidence_id, (name, content) in zip(made["evidence_ids"], FILES, strict=True):
        download = browser.get(f"/evidence/{evidence_id}")
        assert download.status_code == 200
        assert download.data == content
        assert name in download.headers["Content-Disposition"]
    assert "Thrown away" in browser.get("/trash/").text
    credential_id = before["held_credentials"][0][0]
    assert log_activity(browser, credential_id, files=FILES).status_code == 302
    people.logout()
    assert people.register(email="new@example.com").status_code == 302


def test_restore_into_a_database_with_data_needs_replace(app, client, auth, tmp_path):
    fill(app, client, auth)
    backed_up = dump(app)
    backup(app, tmp_path / "recert.backup")
    auth.register(email="later@example.com", name="Later Person")
    log_activity(client, add_cpt(client), files=FILES)
    auth.logout()
    changed = dump(app)

    refused = invoke(app, "restore", tmp_path / "recert.backup")
    assert refused.exit_code == 1
    assert refused.output == ("Error: The database is not empty: add --replace to delete what "
                              "it holds and restore the backup instead.\n")
    assert dump(app) == changed

    replaced = invoke(app, "restore", "--replace", tmp_path / "recert.backup")
    assert replaced.exit_code == 0, replaced.output
    assert dump(app) == backed_up
    assert auth.login(email="later@example.com").status_code == 200
    assert auth.login().status_code == 302


def test_a_restore_that_fails_changes_nothing(app, client, auth, tmp_path):
    fill(app, client, auth)
    before = dump(app)
    path = tmp_path / "recert.backup"
    backup(app, path)
    with sqlite3.connect(path) as broken:  # a file that points at an activity it lacks
        broken.execute("UPDATE evidence SET activity_id = 9999 WHERE id = "
                       "(SELECT MAX(id) FROM evidence)")
    broken.close()
    result = invoke(app, "restore", "--replace", path)
    assert result.exit_code == 1
    assert result.output.startswith("Error: The restore failed and changed nothing: ")
    assert len(result.output.splitlines()) == 1
    assert dump(app) == before


def test_restore_refuses_what_is_not_a_backup(app, tmp_path):
    missing = invoke(app, "restore", tmp_path / "nothing.backup")
    assert (missing.exit_code, missing.output) == (
        2, f"Error: There is no backup file at {tmp_path / 'nothing.backup'}.\n")
    (tmp_path / "notes.txt").write_text("not a database at all\n" * 100)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    connection.close()
    for path in (tmp_path / "notes.txt", other, tmp_path):
        result = invoke(app, "restore", path)
        expected = (f"There is no backup file at {path}." if path == tmp_path
                    else f"{path} is not a Recert backup.")
        assert (result.exit_code, result.output) == (2, f"Error: {expected}\n")


def test_restore_refuses_a_backup_of_another_schema_revision(app, tmp_path):
    path = tmp_path / "recert.backup"
    backup(app, path)
    head = dump(app)["alembic_version"]
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0005'")
    connection.close()
    result = invoke(app, "restore", path)
    assert result.exit_code == 2
    assert result.output == (
        f"Error: {path} is a backup of schema revision 0005 but the database is at {head}: "
        "restore it with the Recert version that made it, then upgrade.\n")


def test_restore_needs_a_database_with_its_tables(app, tmp_path):
    path = tmp_path / "recert.backup"
    backup(app, path)
    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"})
    result = invoke(fresh, "restore", path)
    assert (result.exit_code, result.output) == (
        1, "Error: The database has no tables yet: run `flask --app tracker db upgrade` first.\n")


def test_the_backup_is_one_self_contained_sqlite_file(app, client, auth, tmp_path):
    fill(app, client, auth)
    tmp_path = tmp_path / "backups"
    tmp_path.mkdir()
    path = tmp_path / "recert.backup"
    backup(app, path)
    assert sorted(os.listdir(tmp_path)) == ["recert.backup"]
    assert path.stat().st_mode & 0o077 == 0  # it holds password hashes: for its owner only
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tables = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        marker = dict(connection.execute("SELECT key, value FROM recert_backup"))
    finally:
        connection.close()
    assert tables >= {table.name for table in SQLModel.metadata.sorted_tables}
    assert {"alembic_version", "recert_backup"} <= tables
    assert marker["format"] == "recert-backup"
    assert marker["made_from"] == kind_of(app.config["DATABASE_URL"])
    # Backing up again replaces an older backup, but never another kind of file.
    backup(app, path)
    (tmp_path / "notes.txt").write_text("keep me")
    refused = invoke(app, "backup", tmp_path / "notes.txt")
    assert (refused.exit_code, refused.output) == (
        1, f"Error: {tmp_path / 'notes.txt'} exists and is not a Recert backup: "
           "choose another file.\n")
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert sorted(os.listdir(tmp_path)) == ["notes.txt", "recert.backup"]


def test_backup_never_overwrites_the_live_sqlite_database(app, tmp_path):
    url = app.config["DATABASE_URL"]
    if kind_of(url) != "sqlite":
        pytest.skip("only SQLite keeps the database in a file")
    live = url.removeprefix("sqlite:///")
    result = invoke(app, "backup", live)
    assert (result.exit_code, result.output) == (
        1, f"Error: {live} is the database itself: choose another file.\n")
