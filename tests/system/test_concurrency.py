"""Two tabs editing one thing: the second save is refused, shows both, and can then win."""

import io
from datetime import date

import pytest
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session, select

from tests.helpers import csrf_token, hidden_inputs, log_activity, pdf_bytes
from tracker.activities import services as activity_services
from tracker.concurrency import Conflict
from tracker.credentials import services as credential_services
from tracker.db import get_session
from tracker.models import Activity, ChangeRecord, Evidence, HeldCredential, User

TODAY = date(2026, 11, 24)
ACTIVITY_CONFLICT = ("This activity was changed meanwhile (maybe in another tab). "
                     "Nothing was saved.")
CREDENTIAL_CONFLICT = ("This credential was changed meanwhile (maybe in another tab). "
                       "Nothing was saved.")
ACTIVITY_FIELDS = {"kind": "training", "title": "Forklift safety",
                   "provider": "Acme Training", "completed_on": "2024-05-01", "quantity": "8"}
FOUR_MODULES = {"module_safety": "y", "module_quality": "y", "module_production": "y",
                "module_maintenance": "y"}


def open_tab(client, url: str) -> dict[str, str]:
    page = client.get(url)
    assert page.status_code == 200
    return hidden_inputs(page.text)


def stored(app, model, ident):
    with app.app_context():
        return get_session().get(model, ident)


def records(app, object_type: str) -> list[ChangeRecord]:
    with app.app_context():
        return list(get_session().exec(
            select(ChangeRecord).where(ChangeRecord.object_type == object_type)
            .order_by(ChangeRecord.id)
        ))


def test_the_second_tab_cannot_overwrite_an_activity_unknowingly(app, user_client, cpt):
    location = log_activity(user_client, cpt).headers["Location"]
    activity_id = int(location.rsplit("/", 1)[-1])
    edit = f"{location}/edit"
    first, second = open_tab(user_client, edit), open_tab(user_client, edit)
    assert first["version"] == second["version"] == "1"

    saved = user_client.post(edit, data={**first, **ACTIVITY_FIELDS, "title": "Tab one"},
                             content_type="multipart/form-data")
    assert saved.status_code == 302

    typed = {**ACTIVITY_FIELDS, "title": "Tab two", "quantity": "9.5"}
    refused = user_client.post(edit, data={**second, **typed},
                               content_type="multipart/form-data")
    assert refused.status_code == 409
    page = refused.text
    assert ACTIVITY_CONFLICT in page
    assert "Saved now" in page and "What you typed" in page
    assert "<td>Tab one</td>" in page and "<td>Tab two</td>" in page  # both versions
    assert "<td>8</td>" in page and "<td>9.5</td>" in page
    assert "Provider" not in page.split("What you typed", 1)[1].split("</table>", 1)[0]
    assert 'value="Tab two"' in page  # the form keeps what the person typed
    conflict_page = hidden_inputs(page)
    assert conflict_page["version"] == "2"  # the version saved now

    activity = stored(app, Activity, activity_id)
    assert (activity.title, activity.quantity, activity.version) == ("Tab one", 8, 2)
    assert [r.action for r in records(app, "activity")] == ["created", "changed"]

    again = user_client.post(edit, data={**conflict_page, **typed},
                             content_type="multipart/form-data")
    assert again.status_code == 302
    activity = stored(app, Activity, activity_id)
    assert (activity.title, str(activity.quantity), activity.version) == ("Tab two", "9.50", 3)


def test_a_refused_save_keeps_the_files_as_they_are(app, user_client, cpt):
    location = log_activity(user_client, cpt, files=[("one.pdf", pdf_bytes())]).headers["Location"]
    activity_id = int(location.rsplit("/", 1)[-1])
    edit = f"{location}/edit"
    first, second = open_tab(user_client, edit), open_tab(user_client, edit)
    assert user_client.post(edit, data={**first, **ACTIVITY_FIELDS, "title": "Renamed"},
                            content_type="multipart/form-data").status_code == 302
    with app.app_context():
        [file_id] = get_session().exec(select(Evidence.id)).all()
    refused = user_client.post(edit, data={
        **second, **ACTIVITY_FIELDS, "remove_file": str(file_id),
        "evidence": [(io.BytesIO(pdf_bytes()), "two.pdf")],
    }, content_type="multipart/form-data")
    assert refused.status_code == 409
    assert "Remove two.pdf" in refused.text  # kept, to save again without choosing it
    with app.app_context():
        names = get_session().exec(
            select(Evidence.filename).where(Evidence.activity_id == activity_id)).all()
    assert names == ["one.pdf"]


def test_a_duplicate_does_not_carry_the_version(user_client, cpt):
    location = log_activity(user_client, cpt).headers["Location"]
    assert open_tab(user_client, f"{location}/edit")["version"] == "1"
    assert open_tab(user_client, f"{location}/duplicate")["version"] == ""


def test_the_second_tab_cannot_overwrite_a_credential_unknowingly(app, user_client, cpt):
    edit = f"/credentials/{cpt}/edit"
    first, second = open_tab(user_client, edit), open_tab(user_client, edit)
    assert first["version"] == second["version"] == "1"

    # The first tab changes the modules only: that still counts as a change of the credential.
    first_typed = {"certified_on": "2022-03-15", **FOUR_MODULES, "module_green": "y"}
    assert user_client.post(edit, data={**first, **first_typed}).status_code == 302

    typed = {"certified_on": "2022-03-15", "certificate_number": "CPT-777", **FOUR_MODULES}
    refused = user_client.post(edit, data={**second, **typed})
    assert refused.status_code == 409
    page = refused.text
    assert CREDENTIAL_CONFLICT in page
    table = page.split("What you typed", 1)[1].split("</table>", 1)[0]
    assert "Green" in table  # saved now: the first tab's module
    assert "CPT-777" in table  # typed: the second tab's number
    assert "Date certified" not in table  # the same on both sides
    assert 'value="CPT-777"' in page
    conflict_page = hidden_inputs(page)
    assert conflict_page["version"] == "2"

    credential = stored(app, HeldCredential, cpt)
    assert (credential.certificate_number, credential.version) == ("", 2)
    assert "green" in {m.module_code for m in credential_modules(app, cpt)}

    assert user_client.post(edit, data={**conflict_page, **typed}).status_code == 302
    credential = stored(app, HeldCredential, cpt)
    assert (credential.certificate_number, credential.version) == ("CPT-777", 3)
    assert "green" not in {m.module_code for m in credential_modules(app, cpt)}


def credential_modules(app, credential_id):
    with app.app_context():
        return list(get_session().get(HeldCredential, credential_id).modules)


def test_a_stale_activity_write_raises_and_writes_nothing(app, user_client, cpt):
    """Two sessions read the same activity; the one that saves second keeps none of its change."""
    location = log_activity(user_client, cpt, files=[("one.pdf", pdf_bytes())]).headers["Location"]
    activity_id = int(location.rsplit("/", 1)[-1])
    engine = app.extensions["recert_engine"]
    with app.app_context(), Session(engine, expire_on_commit=False) as first, \
            Session(engine, expire_on_commit=False) as second:
        mine, theirs = first.get(Activity, activity_id), second.get(Activity, activity_id)
        file_ids = set(second.exec(select(Evidence.id)).all())
        assert mine.version == theirs.version == 1
        activity_services.update_activity(first, mine, {"title": "First"}, [], set(), 1)
        with pytest.raises(Conflict) as refused:
            # The form's version matches the stale copy: only the row's counter catches it.
            activity_services.update_activity(second, theirs, {"title": "Second"}, [],
                                              file_ids, 1)
        assert isinstance(refused.value.__cause__, StaleDataError)
    activity = stored(app, Activity, activity_id)
    assert (activity.title, activity.version) == ("First", 2)
    with app.app_context():
        assert len(get_session().exec(select(Evidence.id)).all()) == 1
    assert [r.summary for r in records(app, "activity")] == [
        "Logged “Forklift safety”", "Changed “First”"]


def test_a_save_from_an_older_version_is_refused_before_writing(app, user_client, cpt):
    with app.app_context():
        session = get_session()
        credential = session.get(HeldCredential, cpt)
        credential_services.update_credential(session, credential, date(2022, 3, 15), "A-1",
                                              {"safety": None}, started=1)
        assert credential.version == 2
        with pytest.raises(Conflict):
            credential_services.update_credential(session, credential, date(2023, 1, 1),
                                                  "B-2", {}, started=1)
    credential = stored(app, HeldCredential, cpt)
    assert (credential.certificate_number, credential.certified_on, credential.version) == (
        "A-1", date(2022, 3, 15), 2)
    assert [m.module_code for m in credential_modules(app, cpt)] == ["safety"]


def test_trash_and_restore_raise_the_version_and_keep_working(app, user_client, cpt):
    location = log_activity(user_client, cpt).headers["Location"]
    activity_id = int(location.rsplit("/", 1)[-1])
    token = csrf_token(user_client.get(location).text)
    assert user_client.post(f"{location}/delete", data={"csrf_token": token}).status_code == 302
    assert user_client.post(f"/trash/{activity_id}/restore",
                            data={"csrf_token": token}).status_code == 302
    assert stored(app, Activity, activity_id).version == 3
    edit = open_tab(user_client, f"{location}/edit")
    assert edit["version"] == "3"
    assert user_client.post(f"{location}/edit", data={**edit, **ACTIVITY_FIELDS},
                            content_type="multipart/form-data").status_code == 302


def test_a_stale_credential_write_raises_even_for_modules_only(app, user_client, cpt):
    """A change to the modules alone raises the credential's version, so it is checked too."""
    engine = app.extensions["recert_engine"]
    with app.app_context(), Session(engine, expire_on_commit=False) as first, \
            Session(engine, expire_on_commit=False) as second:
        mine = credential_services.credential_of(first, user_of(first), cpt)
        theirs = credential_services.credential_of(second, user_of(second), cpt)
        credential_services.update_credential(first, mine, mine.certified_on, "",
                                              {"safety": None}, started=1)
        with pytest.raises(Conflict) as refused:
            credential_services.update_credential(second, theirs, theirs.certified_on, "",
                                                  {"green": None}, started=1)
        assert isinstance(refused.value.__cause__, StaleDataError)
    assert stored(app, HeldCredential, cpt).version == 2
    assert [m.module_code for m in credential_modules(app, cpt)] == ["safety"]
    assert [r.action for r in records(app, "credential")] == ["created", "changed"]


def user_of(session):
    return session.exec(select(User)).one()
