"""The change history: every change is recorded with who, when, what, and from what to what."""

import io
import json
import re
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import select

from tests.helpers import (
    PASSWORD,
    AuthActions,
    add_cpt,
    assert_sound_page,
    export_of,
    log_activity,
    pdf_bytes,
    submit,
    validate_export,
)
from tracker import history
from tracker.activities.services import purge_trash
from tracker.db import get_session
from tracker.models import ChangeRecord, Evidence, User, utcnow

EDIT = {
    "kind": "college-noncredit", "title": "Blueprint reading", "provider": "Acme Training",
    "completed_on": "2025-02-03", "quantity": "6.5", "description": "",
}


def records(app, email="pat@example.com") -> list[ChangeRecord]:
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        return history.all_of(session, user)


def activity_id(response) -> int:
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def test_create_edit_trash_restore_are_recorded_with_old_and_new_values(app, user_client):
    cpt = add_cpt(user_client)
    logged = log_activity(user_client, cpt, files=[("first.pdf", pdf_bytes())])
    location = logged.headers["Location"]
    response = submit(user_client, f"{location}/edit",
                      {**EDIT, "evidence": [], "remove_file": []},
                      content_type="multipart/form-data")
    assert response.status_code == 302
    assert submit(user_client, f"{location}/delete", {}, form_page=location).status_code == 302
    restored = submit(user_client, f"/trash/{activity_id(logged)}/restore", {},
                      form_page="/trash/")
    assert restored.status_code == 302

    kept = [r for r in records(app) if r.object_type == "activity"]
    assert [r.action for r in kept] == ["created", "changed", "trashed", "restored"]
    created, changed, trashed, back = kept
    assert {"field": "Title", "old": None, "new": "Forklift safety"} in created.changes
    assert {"field": "Quantity", "old": None, "new": "8"} in created.changes
    assert {"field": "Proof", "old": None, "new": "first.pdf"} in created.changes
    by_field = {c["field"]: (c["old"], c["new"]) for c in changed.changes}
    assert by_field["Title"] == ("Forklift safety", "Blueprint reading")
    assert by_field["Date completed"] == ("2024-05-01", "2025-02-03")
    assert by_field["Quantity"] == ("8", "6.5")  # no trailing zeros
    assert by_field["Kind of activity"] == ("Training course or workshop",
                                            "College course not for credit")
    assert by_field["Counts toward CPT"] == ("Training course", "College course not for credit")
    assert "Provider" not in by_field  # unchanged fields are not listed
    assert trashed.changes == [{"field": "In the trash", "old": "No", "new": "Yes"}]
    assert back.changes == [{"field": "In the trash", "old": "Yes", "new": "No"}]

    page = user_client.get(location).text
    assert "<h2>History</h2>" in page
    assert "Title: Forklift safety → Blueprint reading" in page
    assert "Date completed: 2024-05-01 → 2025-02-03" in page
    assert "Quantity: 8 → 6.5" in page
    assert "Restored “Blueprint reading” from the trash" in page
    # Newest first.
    assert page.index("Restored “Blueprint") < page.index("Changed “Blueprint") \
        < page.index("Logged “Forklift")

    log = user_client.get("/account/log").text
    assert "Title: Forklift safety → Blueprint reading" in log
    # What a new activity started with reads as plain values, not "(none) → ...".
    assert "<div>Title: Forklift safety</div>" in log
    assert "(none) → Forklift safety" not in log
    assert log.index("Restored") < log.index("Moved “Blueprint reading” to the trash") \
        < log.index("Changed “Blueprint") < log.index("Logged “Forklift") \
        < log.index("Added MSSC")


def test_evidence_added_and_removed_by_file_name(app, user_client):
    cpt = add_cpt(user_client)
    location = log_activity(user_client, cpt, files=[("old.pdf", pdf_bytes())]) \
        .headers["Location"]
    with app.app_context():
        [evidence_id] = get_session().exec(select(Evidence.id)).all()
    submit(user_client, f"{location}/edit",
           {**EDIT, "title": "Forklift safety", "remove_file": [str(evidence_id)],
            "evidence": [(io.BytesIO(pdf_bytes()), "new.pdf")]},
           form_page=f"{location}/edit", content_type="multipart/form-data")
    changed = records(app)[-1]
    assert {"field": "Proof", "old": "old.pdf", "new": None} in changed.changes
    assert {"field": "Proof", "old": None, "new": "new.pdf"} in changed.changes


def test_saving_without_changes_records_nothing(app, user_client):
    cpt = add_cpt(user_client)
    location = log_activity(user_client, cpt).headers["Location"]
    count = len(records(app))
    saved = submit(user_client, f"{location}/edit",
                   {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
                    "completed_on": "2024-05-01", "quantity": "8"},
                   content_type="multipart/form-data")
    assert saved.status_code == 302
    assert len(records(app)) == count


def test_leaving_an_activity_out_of_a_credential_is_recorded(app, user_client):
    cpt = add_cpt(user_client)
    location = log_activity(user_client, cpt).headers["Location"]
    saved = submit(user_client, f"{location}/edit",
                   {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
                    "completed_on": "2024-05-01", "quantity": "8", f"count_{cpt}": "exclude"},
                   content_type="multipart/form-data")
    assert saved.status_code == 302
    changed = records(app)[-1]
    assert changed.changes == [
        {"field": "Counts toward CPT", "old": "Training course", "new": "No: left out"}]
    assert "Counts toward CPT: Training course → No: left out" in user_client.get(location).text


def test_deleting_for_good_keeps_what_it_said(app, user_client):
    cpt = add_cpt(user_client)
    first = log_activity(user_client, cpt, title="Emptied")
    second = log_activity(user_client, cpt, title="Purged")
    for response in (first, second):
        location = response.headers["Location"]
        submit(user_client, f"{location}/delete", {}, form_page=location)
    # "Purged" has been in the trash long enough for the nightly purge.
    with app.app_context():
        session = get_session()
        assert purge_trash(session, utcnow() + timedelta(days=31)) == 2
    gone = [r for r in records(app) if r.action == "deleted"]
    assert {r.summary for r in gone} == {
        "Deleted “Emptied” for good (after 30 days in the trash)",
        "Deleted “Purged” for good (after 30 days in the trash)",
    }
    assert {"field": "Title", "old": "Emptied", "new": None} in gone[0].changes \
        or {"field": "Title", "old": "Emptied", "new": None} in gone[1].changes


def test_emptying_the_trash_is_recorded(app, user_client):
    cpt = add_cpt(user_client)
    location = log_activity(user_client, cpt, title="Bin me").headers["Location"]
    submit(user_client, f"{location}/delete", {}, form_page=location)
    assert submit(user_client, "/trash/empty", {}).status_code == 302
    last = records(app)[-1]
    assert (last.action, last.summary) == (
        "deleted", "Deleted “Bin me” for good (the trash was emptied)")
    assert "Deleted “Bin me” for good" in user_client.get("/account/log").text


def test_a_credential_change_is_recorded(app, user_client):
    location = f"/credentials/{add_cpt(user_client)}"
    data = {"certified_on": "2023-01-10", "certificate_number": "CPT-999",
            "module_safety": "y", "module_quality": "y", "module_production": "y",
            "module_maintenance": "y"}
    assert submit(user_client, f"{location}/edit", data).status_code == 302
    added, changed = records(app)
    assert (added.action, added.object_type, added.summary) == (
        "created", "credential", "Added MSSC Certified Production Technician")
    by_field = {c["field"]: (c["old"], c["new"]) for c in changed.changes}
    assert by_field["Date certified"] == ("2022-03-15", "2023-01-10")
    assert by_field["Certificate number"] == (None, "CPT-999")
    assert by_field["Cycle ends"] == ("2027-03-15", "2028-01-10")
    log = user_client.get("/account/log").text
    assert "Date certified: 2022-03-15 → 2023-01-10" in log
    assert "Certificate number: (none) → CPT-999" in log
    submit(user_client, f"{location}/delete", {})
    deleted = records(app)[-1]
    assert (deleted.action, deleted.summary) == (
        "deleted", "Deleted MSSC Certified Production Technician")


def test_the_log_is_paged_at_50_newest_first(app, user_client):
    add_cpt(user_client)  # its "Added MSSC..." record is the oldest, on page 2
    with app.app_context():
        session = get_session()
        user_id = session.exec(select(User.id)).one()
        for number in range(60):
            history.record(session, user_id, "changed", "activity", 1000 + number,
                           f"Change number {number:02d}")
        session.commit()
    user_client.get("/")  # shows (and so clears) the "is added" message
    first = user_client.get("/account/log").text
    assert first.count("Change number") == 50
    assert_sound_page(first, "/account/log")
    assert "Change number 59" in first and "Change number 10" in first
    assert first.index("Change number 59") < first.index("Change number 58")
    assert "Change number 09" not in first and "Added MSSC" not in first
    second = user_client.get("/account/log?page=2").text
    assert second.count("Change number") == 10
    assert "Added MSSC" in second and "Change number 10" not in second
    # Out of range: the nearest page (the same page apart from its log-out form's CSRF
    # token, which is signed with the second it was made in).
    assert without_csrf(user_client.get("/account/log?page=99").text) == without_csrf(second)
    assert without_csrf(user_client.get("/account/log?page=0").text) == without_csrf(first)
    assert without_csrf(user_client.get("/account/log?page=x").text) == without_csrf(first)


def without_csrf(page: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', page)


def test_another_person_never_sees_your_records(app, client, user_client):
    cpt = add_cpt(user_client)
    log_activity(user_client, cpt, title="Pat's secret course")
    AuthActions(user_client).logout()
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam Roe")
    log = other.get("/account/log").text
    assert "secret course" not in log and "MSSC" not in log
    assert "Nothing has changed yet." in log
    assert records(app, "sam@example.com") == []
    assert "secret course" not in json.dumps(export_of(app, "sam@example.com"))


def test_history_is_in_the_export_and_valid(app, user_client):
    cpt = add_cpt(user_client)
    location = log_activity(user_client, cpt).headers["Location"]
    submit(user_client, f"{location}/edit", EDIT, content_type="multipart/form-data")
    document = export_of(app)
    validate_export(document)
    assert [h["action"] for h in document["history"]] == ["created", "created", "changed"]
    change = document["history"][-1]
    assert change["object_type"] == "activity"
    assert change["object_id"] == int(location.rsplit("/", 1)[-1])
    assert {"field": "Title", "old": "Forklift safety",
            "new": "Blueprint reading"} in change["changes"]


def test_deleting_the_account_deletes_its_history(app, user_client):
    cpt = add_cpt(user_client)
    log_activity(user_client, cpt)
    assert records(app)
    assert submit(user_client, "/account/delete",
                  {"current_password": PASSWORD}).status_code == 302
    with app.app_context():
        count = get_session().exec(select(func.count()).select_from(ChangeRecord)).one()
    assert count == 0
