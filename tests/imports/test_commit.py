"""The import's commit: the same file confirmed twice adds it once, each imported activity's
history holds its values, and an export too big is said to be too big."""

import threading
import time

from sqlmodel import Session, select

from tests.examples import example_a
from tests.helpers import AuthActions, add_cpt, counted_statements, export_of, log_activity
from tests.imports.helpers import (
    HEADER,
    JOB_HEADER,
    activities_of,
    activity_count,
    confirm,
    course_rows,
    preview,
    upload_export,
)
from tracker.clock import today
from tracker.db import get_engine
from tracker.imports import services
from tracker.models import ChangeRecord, HeldCredential, User
from tracker.served_rulesets import ruleset_of


def test_confirming_the_same_preview_twice_adds_its_rows_once(app, user_client, cpt):
    page = preview(user_client, cpt, course_rows(3))
    first = confirm(user_client, cpt, page)
    assert "Added 3 activities." in user_client.get(first.headers["Location"]).text
    second = confirm(user_client, cpt, page)  # a double click, or the same page in a tab
    assert second.status_code == 302
    shown = user_client.get(second.headers["Location"]).text
    assert "Nothing was added: every row is already logged" in shown
    assert "The file has problems" not in shown
    assert activity_count(app, cpt) == 3


def _checked_in_a_tab(app, credential_id: int, content: str):
    """A session of its own (another request) and the file previewed in it."""
    session = Session(get_engine(), expire_on_commit=False)
    credential = session.get(HeldCredential, credential_id)
    user = session.get(User, credential.user_id)
    cycle = credential.current_cycle
    result = services.preview(session, credential, cycle, ruleset_of(credential, cycle),
                              content.encode(), today(), points=False)
    return session, user, credential, result


def test_two_tabs_checked_before_either_confirms_add_the_rows_once(app, user_client, cpt):
    with app.app_context():
        tabs = [_checked_in_a_tab(app, cpt, course_rows(3)) for _ in range(2)]
        assert [len(tab[3].new_rows) for tab in tabs] == [3, 3]  # neither sees the other
        assert [services.commit(*tab) for tab in tabs] == [3, 0]
        assert len(tabs[1][3].duplicates) == 3
        for tab in tabs:
            tab[0].close()
    assert activity_count(app, cpt) == 3


def test_a_confirm_waits_for_one_still_writing_the_same_rows(app, user_client, cpt):
    """The second confirm checks for duplicates only once the first has committed."""
    with app.app_context():
        first, second = (_checked_in_a_tab(app, cpt, course_rows(3)) for _ in range(2))
        added = []

        def confirm_in_the_other_tab():
            with app.app_context():
                added.append(services.commit(*second))

        other = threading.Thread(target=confirm_in_the_other_tab)
        commit_first = first[0].commit

        def commit_slowly():  # the first confirm holds its transaction while the other starts
            other.start()
            time.sleep(0.5)
            commit_first()

        first[0].commit = commit_slowly
        assert services.commit(*first) == 3
        other.join(timeout=30)
        assert added == [0]
        for tab in (first, second):
            tab[0].close()
    assert activity_count(app, cpt) == 3


def changes_of(app, activity_id: int) -> list[list[dict]]:
    with app.app_context():
        session = Session(get_engine())
        return [record.changes for record in session.exec(
            select(ChangeRecord).where(ChangeRecord.object_type == "activity",
                                       ChangeRecord.object_id == activity_id)
        )]


def test_an_imported_activitys_history_holds_the_values_a_create_records(
        app, user_client, cpt):
    log_activity(user_client, cpt, title="Welding", provider="Acme", completed_on="2024-05-01",
                 quantity="7.5", description="Night class", tags=["safety"])
    [logged] = activities_of(app, cpt)
    [created] = changes_of(app, logged.id)
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam")
    theirs = add_cpt(other)
    header = "Date completed,Kind,Title,Provider,Quantity,Notes,Skills\r\n"
    content = header + "2024-05-01,training,Welding,Acme,7.5,Night class,safety\r\n"
    confirm(other, theirs, preview(other, theirs, content))
    [imported] = activities_of(app, theirs)
    assert changes_of(app, imported.id) == [created]
    assert {"field": "Title", "old": None, "new": "Welding"} in created
    assert "Imported from a file" in other.get(f"/activities/{imported.id}").text


def test_a_job_imported_from_a_file_has_its_period_in_its_history(app, user_client, cpt):
    confirm(user_client, cpt, preview(
        user_client, cpt, JOB_HEADER + ",2023-01-01,yes,job,Machine operator,,0.5\r\n"))
    [job] = activities_of(app, cpt)
    [changes] = changes_of(app, job.id)
    assert {"field": "Date started", "old": None, "new": "2023-01-01"} in changes
    assert {"field": "Share of full time", "old": None, "new": "half time"} in changes


def test_an_import_writes_its_history_in_one_statement_whatever_its_size(
        app, user_client, cpt):
    page = preview(user_client, cpt, course_rows(40))
    with counted_statements(app) as statements:
        confirm(user_client, cpt, page)
    history = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO CHANGE_")]
    assert len(history) == 2  # the credential's summary, and one for the 40 activities
    assert activity_count(app, cpt) == 40


def test_a_full_export_gives_each_activity_a_history_record(app, user_client):
    example_a(app, user_client)
    document = export_of(app, "pat@example.com")
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    with counted_statements(app) as statements:
        assert upload_export(newcomer, document).status_code == 302
    history = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO CHANGE_")]
    assert len(history) == 2  # the credential's record, and one for its six activities
    exported = export_of(app, "sam@example.com")
    for activity in exported["activities"]:
        [record] = [r for r in exported["history"]
                    if r["object_type"] == "activity" and r["object_id"] == activity["id"]]
        assert record["summary"] == "Imported from your Recert export"
        assert {"field": "Title", "old": None, "new": activity["title"]} in record["changes"]
    log = newcomer.get("/account/log").text
    assert "Imported from your Recert export" not in log  # the log shows the import once


def test_an_export_bigger_than_the_import_limit_is_called_too_big(app, user_client, cpt):
    app.config["MAX_IMPORT_BYTES"] = 1024 * 1024
    log_activity(user_client, cpt)
    document = export_of(app, "pat@example.com")
    document["padding"] = "x" * (1024 * 1024)  # past the limit
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    page = upload_export(newcomer, document)
    assert "The file is larger than 1 MB, the most Recert takes." in page.text
    assert "not JSON" not in page.text


def test_a_csv_too_big_is_refused_before_it_is_read(app, user_client, cpt):
    app.config["MAX_UPLOAD_BYTES"] = 1024 * 1024
    content = HEADER + "2024-05-01,training,Welding,Acme,8\r\n" * 30_000
    page = preview(user_client, cpt, content)
    assert page.status_code == 400
    assert "larger than 1 MB, the most Recert takes. Split it into smaller files." in page.text
