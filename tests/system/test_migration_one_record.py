"""Migration 0011 (one record: activities belong to the person, counted by kind) changes no
figure.

fixtures/before_one_record.json holds every row of a database made by the release before it
(schema 0010, commit 67da138): docs/rules.md's examples A-D entered through its forms (A with
proof files, renewed, so its closed cycle has a snapshot), a person holding CPT, CLT, PMP and
ASQ CCT with activities in categories that are not where their kind lands by default, in
converted units, and in the trash, and one holding NICET and PMP with the points their
agencies gave. fixtures/before_one_record_figures.json holds what that
release showed of them: each credential's page, category table, activity list, report,
closed cycles' reports, CSV, and the full export's figures. The test loads the rows into a
database at 0010, upgrades it, and requires the same on every page.
"""

import base64
import json
import re
from datetime import date, datetime
from decimal import Decimal
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import (
    Date,
    DateTime,
    LargeBinary,
    MetaData,
    Numeric,
    create_engine,
    func,
    select,
    text,
)

from tests.conftest import DATABASES, migrated_database, postgres_schema
from tests.dashboard.test_views import list_rows
from tests.helpers import AuthActions, category_rows, facts
from tracker import create_app, migrate
from tracker.display import points
from tracker.rules.checks import say_date

FIXTURES = Path(__file__).parent / "fixtures"
BEFORE = json.loads((FIXTURES / "before_one_record.json").read_text())
SHOWN = json.loads((FIXTURES / "before_one_record_figures.json").read_text())


@pytest.fixture(params=DATABASES)
def old_database(request, tmp_path) -> str:
    """An empty database at the schema before the migration."""
    if request.param == "sqlite":
        yield migrated_database(f"sqlite:///{tmp_path / 'before.db'}", BEFORE["revision"])
        return
    with postgres_schema("recert_before") as url:
        yield migrated_database(url, BEFORE["revision"])


def _value(column, value):
    """A value of the fixture as the column's Python type."""
    if value is None:
        return None
    if isinstance(column.type, LargeBinary):
        return base64.b64decode(value["base64"])
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Numeric):
        return Decimal(value)
    return value


def load_rows(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = MetaData()
        tables.reflect(connection)
        for table in tables.sorted_tables:
            rows = BEFORE["tables"].get(table.name, [])
            if rows:
                connection.execute(table.insert(), [
                    {name: _value(table.c[name], value) for name, value in row.items()}
                    for row in rows])
            if connection.dialect.name == "postgresql" and "id" in table.c and rows:
                # The ids came with the rows: the next new row takes the one after them.
                connection.execute(select(func.setval(
                    func.pg_get_serial_sequence(table.name, "id"),
                    select(func.max(table.c.id)).scalar_subquery())))
    engine.dispose()


def report_figures(html: str) -> list:
    """[counted, status, category rows] of a report page, as the fixture has them."""
    counted = re.search(r'<th scope="row">Counted</th>\s*<td[^>]*><strong>([^<]+)', html)
    status = re.search(r'<th scope="row">Status</th>\s*<td[^>]*><strong>([^<]+)', html)
    # Since the release before, a status that estimates decide says so; the status is the same.
    said = unescape(status.group(1)).strip().removesuffix(" (by Recert's estimates)")
    return [counted.group(1).strip(), said, category_rows(html)]


def as_json(value):
    """The value as the fixture file holds it (tuples are lists there)."""
    return json.loads(json.dumps(value))


ISO_DAY = re.compile(r"\b(\d{4})-(\d\d)-(\d\d)\b")
DECIMAL = re.compile(r"\b\d+\.\d+\b")


def as_written_now(value):
    """What the release before showed, as pages write it since: dates as "Mar 15, 2027",
    figures with at most one decimal (tracker.display.points). The figures stay the same.
    (A figure written x.x5 before may now read either way: see `same_facts`.)"""
    if isinstance(value, dict):
        return {key: as_written_now(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_written_now(item) for item in value]
    if not isinstance(value, str):
        return value
    value = ISO_DAY.sub(lambda m: say_date(date(*map(int, m.groups()))), value)
    return DECIMAL.sub(lambda m: points(Decimal(m.group())), value)


def same_facts(now: dict[str, str], before: dict[str, str]) -> bool:
    """The same facts, a figure the release before rounded to x.x5 (from anywhere between
    x.x45 and x.x55) read at one decimal either way."""
    def parts(text: str) -> tuple[str, list[Decimal]]:
        return DECIMAL.sub("#", text), [Decimal(n) for n in DECIMAL.findall(text)]
    if now.keys() != before.keys():
        return False
    for key, shown in now.items():
        (words, numbers), (then_words, then_numbers) = parts(shown), parts(before[key])
        if words != then_words or len(numbers) != len(then_numbers) or any(
                abs(a - b) > Decimal("0.1") for a, b in zip(numbers, then_numbers, strict=True)):
            return False
    return True


def cycle_figures(export: dict) -> dict:
    """Each cycle's figures in a full export, by credential and cycle id. Lists in the order
    of the rule set's file (its categories) are compared as sets: a newer rule-set file may
    list them in another order without changing a figure."""
    def figures(progress: dict | None) -> dict | None:
        if progress is None:  # a closed cycle keeps its figures in its snapshot
            return None
        # Each year's points move since spec version 2 (a job's months land one by one).
        progress = {key: value for key, value in progress.items() if key != "years"}
        return {**progress,
                "categories": sorted(progress["categories"], key=lambda c: c["code"]),
                "unmet": sorted(progress["unmet"], key=lambda u: json.dumps(u, sort_keys=True))}
    return {(credential["id"], cycle["id"]): (figures(cycle["progress"]), cycle["status"])
            for credential in export["credentials"] for cycle in credential["cycles"]}


@pytest.fixture
def migrated(old_database, monkeypatch, tmp_path):
    monkeypatch.setenv("RECERT_SECRET_KEY", "test-secret-key")
    monkeypatch.setenv("RECERT_INSTANCE_PATH", str(tmp_path / "instance"))
    load_rows(old_database)
    app = create_app({"TESTING": True, "DATABASE_URL": old_database})
    migrate.upgrade(app)
    yield app
    app.extensions["recert_engine"].dispose()


@pytest.mark.parametrize("email", sorted(SHOWN))
def test_every_figure_is_the_same_after_the_migration(migrated, email):
    app, before = migrated, SHOWN[email]
    shown_now = as_written_now(before["credentials"])
    app.config["TODAY"] = date.fromisoformat(before["today"])
    client = app.test_client()
    assert AuthActions(client).login(email=email).status_code == 302
    for credential_id, shown in before["credentials"].items():
        written = shown_now[credential_id]
        page = client.get(f"/credentials/{credential_id}").text
        now = facts(page)
        # Since, a short points name says what it stands for: "60 PDUs (professional ...)".
        now["Needed"] = re.sub(r" \([a-z ]+\)$", "", now["Needed"])
        assert same_facts(now, written["facts"]), (now, written["facts"])
        assert as_json(category_rows(page)) == written["categories"]
        assert as_json(list_rows(client, credential_id)) == written["list"]
        assert as_json(report_figures(client.get(f"/credentials/{credential_id}/report").text)
                       ) == written["report"]
        for cycle_id, figures in written["closed_reports"].items():
            assert as_json(report_figures(client.get(
                f"/credentials/{credential_id}/cycles/{cycle_id}/report").text)) == figures
        assert client.get(f"/credentials/{credential_id}/activities.csv").text == shown["csv"]
    export = client.get("/account/export.json").json
    now, then = cycle_figures(export), cycle_figures(before["export"])
    assert now.keys() == then.keys()
    for key, (progress, status) in now.items():
        assert status == then[key][1]
        assert progress == then[key][0], key


def test_the_migration_keeps_every_activity_file_and_snapshot(migrated):
    with migrated.extensions["recert_engine"].connect() as connection:
        activities = connection.execute(text(
            "SELECT id, kind, quantity, deleted_at IS NOT NULL FROM activities ORDER BY id")).all()
        files = connection.execute(text("SELECT id, activity_id, sha256 FROM evidence")).all()
        snapshots = connection.execute(text("SELECT cycle_id FROM cycle_snapshots")).all()
    assert [a.id for a in activities] == [a["id"] for a in BEFORE["tables"]["activities"]]
    assert sorted((f.id, f.activity_id, f.sha256) for f in files) == sorted(
        (f["id"], f["activity_id"], f["sha256"]) for f in BEFORE["tables"]["evidence"])
    assert len(snapshots) == len(BEFORE["tables"]["cycle_snapshots"]) == 1
    kinds = {a.id: (a.kind, a.quantity) for a in activities}
    by_title = {a["title"]: a["id"] for a in BEFORE["tables"]["activities"]}
    # 1.5 CEUs in ASQ's "Course or training, in CEUs" is 15 hours of training.
    assert kinds[by_title["Gauge course"]] == ("training", Decimal("15.00"))
    # 10 CPD points NICET gave a certification are no whole number of certifications (15
    # points each): they stay points, as NICET gave them.
    assert kinds[by_title["Level II"]] == ("agency-points", Decimal("10.00"))
    assert kinds[by_title["Statistics"]] == ("college-credit", Decimal("3.00"))
    assert sum(1 for a in activities if a[3]) == 1  # the trashed course is still in the trash
