"""`flask backup` and `flask restore`: the whole instance in one file, back again row for row."""

import hashlib
import os
import re
import sqlite3
import uuid
from datetime import UTC, date, datetime

import pytest
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import OperationalError
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
from tracker import backup as backup_module
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


def test_a_restore_that_fails_changes_nothing(app, client, auth, tmp_path, monkeypatch):
    fill(app, client, auth)
    before = dump(app)
    path = tmp_path / "recert.backup"
    backup(app, path)
    copy_table = backup_module._copy_table

    def fail_at_the_files(source, target, table):  # the database gives way halfway
        if table.name == "evidence":
            raise OperationalError("INSERT INTO evidence", {}, Exception("disk I/O error"))
        return copy_table(source, target, table)

    monkeypatch.setattr(backup_module, "_copy_table", fail_at_the_files)
    result = invoke(app, "restore", "--replace", path)
    assert (result.exit_code, result.output) == (
        1, "Error: The restore failed and changed nothing: disk I/O error\n")
    assert dump(app) == before


# Text that claims to be a PDF, its size and hash made to match, so only its content is wrong.
NOT_A_PDF = b"Certificate of attendance: Forklift safety, 8 hours.\n"


def craft(path, *statements, **values):
    """Change the backup file as someone with SQLite could."""
    with sqlite3.connect(path) as connection:
        for statement in statements:
            connection.execute(statement, values)
    connection.close()


def ids_in(path) -> dict:
    """The ids the crafted statements and the expected lines use."""
    with sqlite3.connect(path) as connection:
        [(activity,)] = connection.execute(
            "SELECT id FROM activities WHERE title = 'Kept with files'")
        files = dict(connection.execute("SELECT filename, id FROM evidence"))
        users = dict(connection.execute("SELECT email, id FROM users"))
        [(credential,)] = connection.execute(
            "SELECT held_credentials.id FROM held_credentials JOIN activities "
            "ON activities.user_id = held_credentials.user_id WHERE activities.id = ?",
            (activity,))
        [(cycle,)] = connection.execute(
            "SELECT MIN(id) FROM cycles WHERE held_credential_id = ?", (credential,))
        [(choice,)] = connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM counting_choices")
    connection.close()
    return {"activity": activity, "pdf": files["certificate.pdf"], "png": files["badge.png"],
            "pat": users["pat@example.com"], "sam": users["sam@example.com"],
            "credential": credential, "cycle": cycle, "choice": choice}


@pytest.mark.parametrize(("change", "problem"), [
    ("UPDATE activities SET created_at = 'not a date' WHERE id = :activity",
     "activities row {activity}: created_at 'not a date' is not a date and time "
     "(YYYY-MM-DD HH:MM:SS)"),
    ("UPDATE activities SET tags = '{not json' WHERE id = :activity",
     "activities row {activity}: tags '{{not json' is not valid JSON"),
    ("UPDATE activities SET quantity = 'abc' WHERE id = :activity",
     "activities row {activity}: quantity 'abc' is not a number"),
    ("UPDATE activities SET version = 'abc' WHERE id = :activity",
     "activities row {activity}: version 'abc' is not a whole number"),
    ("UPDATE evidence SET data = :text, size = :size, sha256 = :sha256 WHERE id = :pdf",
     "evidence row {pdf}: data fails the upload check: certificate.pdf is not a PDF, PNG, "
     "JPEG, WebP or HEIC file. Only those can be attached"),
], ids=["created_at", "tags", "quantity", "version", "evidence"])
def test_a_crafted_backup_says_what_is_wrong_and_writes_nothing(app, client, auth, tmp_path,
                                                                 change, problem):
    fill(app, client, auth)
    path = tmp_path / "recert.backup"
    backup(app, path)
    ids = ids_in(path)
    craft(path, change, text=NOT_A_PDF, size=len(NOT_A_PDF),
          sha256=hashlib.sha256(NOT_A_PDF).hexdigest(), **ids)
    before = dump(app)
    result = invoke(app, "restore", "--replace", path)
    assert (result.exit_code, result.output) == (2, f"Error: {problem.format(**ids)}.\n")
    assert isinstance(result.exception, SystemExit)  # a plain exit, no traceback
    assert dump(app) == before


def test_every_problem_of_a_backup_gets_its_own_line(app, client, auth, spare_app, tmp_path):
    fill(app, client, auth)
    path = tmp_path / "recert.backup"
    backup(app, path)
    ids = ids_in(path)
    craft(
        path,
        "UPDATE users SET display_name = :long, may_log_in_unverified = 'yes' WHERE id = :pat",
        "DROP INDEX ix_users_email",
        "UPDATE users SET email = 'pat@example.com' WHERE id = :sam",
        "UPDATE held_credentials SET version = 2199023255552 WHERE id = :credential",
        "UPDATE cycles SET status = 'bogus', points_required = 1000000 WHERE id = :cycle",
        "UPDATE activities SET tags = '{\"a\": 1}', user_id = 9999, "
        "title = 'x' || char(0) WHERE id = :activity",
        "INSERT INTO counting_choices (id, activity_id, held_credential_id, excluded) "
        "VALUES (:choice, :activity, 9998, 1)",
        "UPDATE evidence SET content_type = 'application/pdf' WHERE id = :png",
        *["INSERT INTO evidence (activity_id, filename, content_type, size, sha256, data, "
          "uploaded_at) SELECT activity_id, filename, content_type, size, sha256, data, "
          "uploaded_at FROM evidence WHERE id = :pdf"] * 4,
        long="P" * 81,
        **ids,
    )
    expected = [line.format(**ids) for line in [
        "users row {pat}: display_name 'PPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPPP'... is longer "
        "than 80 characters",
        "users row {pat}: may_log_in_unverified 'yes' is not true or false (1 or 0)",
        "users row {sam}: email 'pat@example.com' is also in users row {pat}",
        "held_credentials row {credential}: version 2199023255552 is out of range "
        "(a 32-bit whole number)",
        "cycles row {cycle}: points_required 1000000 is too large (at most 6 "
        "digits before the decimal point)",
        "cycles row {cycle}: status 'bogus' is not one of open, renewed, lapsed",
        "activities row {activity}: title 'x\\x00' holds a NUL character",
        "activities row {activity}: tags '{{\"a\": 1}}' is not a list of texts",
        "activities row {activity}: user_id 9999 refers to no users row of the backup",
        "counting_choices row {choice}: held_credential_id 9998 refers to no held_credentials "
        "row of the backup",
        "evidence row {png}: content_type 'application/pdf' is not the type of its data "
        "(image/png)",
        "activities row {activity} has 6 proof files: An activity can have at most 5 files",
    ]]
    # Into an empty database, where a partial restore would show.
    restored = spare_app(kind_of(app.config["DATABASE_URL"]))
    empty = dump(restored)
    result = invoke(restored, "restore", path)
    assert result.exit_code == 2
    assert sorted(result.output.splitlines()) == sorted(f"Error: {line}." for line in expected)
    assert "Traceback" not in result.output
    assert dump(restored) == empty


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
