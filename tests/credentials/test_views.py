"""Adding, showing, changing and deleting the credentials a person holds."""

import re
from datetime import date

import pytest
from sqlmodel import select

from tests.helpers import AuthActions, log_activity, pdf_bytes, submit
from tracker.db import get_session
from tracker.models import Activity, Cycle, Evidence, HeldCredential

TODAY = date(2026, 11, 24)
FOUR_MODULES = {
    "module_safety": "y", "module_safety_on": "2022-01-10",
    "module_quality": "y", "module_quality_on": "2022-02-01",
    "module_production": "y", "module_production_on": "2022-03-01",
    "module_maintenance": "y", "module_maintenance_on": "2022-03-15",
}


@pytest.fixture
def cpt_client(app, user_client):
    app.config["TODAY"] = TODAY
    return user_client


def add_cpt(client, certified_on="2022-03-15", number="CPT-123456", modules=None):
    data = {"certified_on": certified_on, "certificate_number": number}
    data.update(FOUR_MODULES if modules is None else modules)
    return submit(client, "/credentials/new/mssc-cpt", data)


def stored(app) -> list[HeldCredential]:
    with app.app_context():
        return list(get_session().exec(select(HeldCredential)))


def test_choose_page_lists_each_rule_set_with_its_agency_and_cycle(cpt_client):
    page = cpt_client.get("/credentials/new").text
    assert "MSSC Certified Production Technician" in page
    assert "Manufacturing Skill Standards Council (MSSC)" in page
    assert "5 years" in page
    assert "Project Management Professional" in page
    assert "CISSP" in page


def test_add_cpt_opens_the_cycle_and_shows_it(app, cpt_client):
    response = add_cpt(cpt_client)
    assert response.status_code == 302
    page = cpt_client.get(response.headers["Location"]).text
    assert "MSSC Certified Production Technician is added." in page
    assert "Mar 15, 2022" in page and "Mar 15, 2027" in page
    assert "Dec 15, 2026" in page  # the application window opens 90 days before the end
    assert "version 2026.1" in page
    assert "0 points (100 needed)" in page
    assert "<dt>Days left</dt><dd>111</dd>" in page
    assert "At risk" in page  # 111 days left: said even with nothing logged yet
    assert re.search(r"Maintenance Awareness:\s+passed on Mar 15, 2022", page)
    [credential] = stored(app)
    with app.app_context():
        [cycle] = get_session().exec(select(Cycle)).all()
    assert (cycle.starts_on, cycle.ends_on) == (date(2022, 3, 15), date(2027, 3, 15))
    assert cycle.ruleset_version == "2026.1"
    assert cycle.status == "open"
    assert credential.certificate_number == "CPT-123456"


def test_home_page_shows_a_card_per_credential(cpt_client):
    add_cpt(cpt_client)
    home = cpt_client.get("/").text
    assert "MSSC Certified Production Technician" in home
    assert "0 points (100 needed)" in home
    assert "111 days left, until Mar 15, 2027" in home
    assert "Add another credential" in home


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"certified_on": "2026-11-25"}, "The certification date cannot be in the future."),
        ({"certified_on": "2005-12-31"}, "cannot be before Jan 1, 2006"),
        ({"certified_on": ""}, "Enter the date you were certified."),
        ({"certified_on": "15/03/2022"}, "Enter a date like 2024-03-15."),
        ({"certificate_number": "CPT#12<3>"}, "Use only letters, numbers, spaces"),
        ({"module_safety_on": "2027-01-01"}, "The date passed cannot be in the future."),
    ],
)
def test_bad_credential_input_is_refused_with_a_message(app, cpt_client, changes, message):
    data = {"certified_on": "2022-03-15", "certificate_number": "CPT-1", **FOUR_MODULES}
    data.update(changes)
    response = submit(cpt_client, "/credentials/new/mssc-cpt", data)
    assert response.status_code == 200
    assert message in response.text
    assert stored(app) == []


def test_a_credential_already_held_is_refused(app, cpt_client):
    add_cpt(cpt_client)
    response = add_cpt(cpt_client, certified_on="2023-01-01")
    assert response.status_code == 200
    assert "You already hold MSSC Certified Production Technician." in response.text
    assert [c.certified_on for c in stored(app)] == [date(2022, 3, 15)]


def test_fewer_than_four_modules_needs_no_recertification(cpt_client):
    modules = {"module_safety": "y", "module_quality": "y", "module_green": "y"}
    response = add_cpt(cpt_client, modules=modules)
    page = cpt_client.get(response.headers["Location"]).text
    assert "Not required" in page
    assert "Recertification is not required for module certificates" in page
    # A way on for someone who forgot to tick a module: not a dead end.
    assert "tick them under “Change details”" in page
    credential_id = response.headers["Location"].rsplit("/", 1)[-1]
    assert f'href="/credentials/{credential_id}/edit" role="button">Change details' in page
    assert "Days left" not in page
    assert "days left" not in cpt_client.get("/").text


def test_editing_the_certification_date_moves_the_open_cycle(app, cpt_client):
    location = add_cpt(cpt_client).headers["Location"]
    data = {"certified_on": "2023-01-10", "certificate_number": "CPT-999", **FOUR_MODULES}
    data.pop("module_maintenance")
    data.pop("module_maintenance_on")
    response = submit(cpt_client, f"{location}/edit", data)
    assert response.headers["Location"] == location
    page = cpt_client.get(location).text
    assert "Jan 10, 2028" in page
    assert "CPT-999" in page
    assert "Not required" in page  # maintenance is no longer ticked
    with app.app_context():
        [cycle] = get_session().exec(select(Cycle)).all()
    assert (cycle.starts_on, cycle.ends_on) == (date(2023, 1, 10), date(2028, 1, 10))


def test_edit_form_is_filled_with_the_saved_values(cpt_client):
    location = add_cpt(cpt_client).headers["Location"]
    form = cpt_client.get(f"{location}/edit").text
    assert 'value="2022-03-15"' in form
    assert 'value="CPT-123456"' in form
    assert 'id="module_safety" name="module_safety" type="checkbox" value="y"' in form
    assert 'value="2022-01-10"' in form


def test_delete_asks_first_then_removes_the_credential(app, cpt_client):
    location = add_cpt(cpt_client).headers["Location"]
    confirm = cpt_client.get(f"{location}/delete")
    assert "Delete MSSC Certified Production Technician?" in confirm.text
    assert "1 cycle" in confirm.text
    assert len(stored(app)) == 1
    response = submit(cpt_client, f"{location}/delete", {})
    assert response.status_code == 302
    assert stored(app) == []
    with app.app_context():
        assert get_session().exec(select(Cycle)).all() == []
    assert "Add the credential you hold" in cpt_client.get("/").text


def test_deleting_a_credential_keeps_the_activities_for_the_others(app, cpt_client):
    cpt = int(add_cpt(cpt_client).headers["Location"].rsplit("/", 1)[-1])
    clt = submit(cpt_client, "/credentials/new/mssc-clt", {
        "certified_on": "2022-06-01", "module_cla": "y", "module_clt": "y"})
    clt = int(clt.headers["Location"].rsplit("/", 1)[-1])
    saved = log_activity(cpt_client, cpt, files=[("c.pdf", pdf_bytes())])
    confirm = cpt_client.get(f"/credentials/{cpt}/delete").text
    assert ("You keep your 1 activity and its files: it counts toward every credential you "
            "hold or add that takes it.") in confirm
    assert submit(cpt_client, f"/credentials/{cpt}/delete", {}).status_code == 302
    page = cpt_client.get(saved.headers["Location"])
    assert page.status_code == 200
    assert "c.pdf" in page.text
    assert "8 points (100 needed)" in cpt_client.get(f"/credentials/{clt}").text
    with app.app_context():
        assert len(get_session().exec(select(Activity)).all()) == 1
        assert len(get_session().exec(select(Evidence)).all()) == 1


def test_activities_stay_usable_once_every_credential_is_deleted(app, cpt_client):
    cpt = int(add_cpt(cpt_client).headers["Location"].rsplit("/", 1)[-1])
    location = log_activity(cpt_client, cpt).headers["Location"]
    assert submit(cpt_client, f"/credentials/{cpt}/delete", {}).status_code == 302
    page = cpt_client.get(location).text
    assert "You hold no credential yet." in page
    changed = submit(cpt_client, f"{location}/edit", {
        "kind": "training", "title": "Renamed", "completed_on": "2024-05-01", "quantity": "8"},
        content_type="multipart/form-data")
    assert changed.status_code == 302
    copy = cpt_client.get(f"{location}/duplicate")
    assert copy.headers["Location"] == "/credentials/new"
    assert "Add the credential you hold first" in cpt_client.get("/credentials/new").text


def test_an_unknown_rule_set_is_not_found(cpt_client):
    assert cpt_client.get("/credentials/new/no-such-credential").status_code == 404


def test_credential_pages_need_login(client):
    assert client.get("/credentials/new").status_code == 302


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", ""), ("get", "/edit"), ("post", "/edit"), ("get", "/delete"), ("post", "/delete")],
)
def test_another_users_credential_is_not_found(app, cpt_client, method, path):
    location = add_cpt(cpt_client).headers["Location"]
    intruder = app.test_client()
    AuthActions(intruder).register(email="intruder@example.com", name="Intruder")
    if method == "get":
        response = intruder.get(f"{location}{path}")
    else:
        data = {"certified_on": "2023-01-10", **FOUR_MODULES}
        response = submit(intruder, f"{location}{path}", data, form_page="/credentials/new")
    assert response.status_code == 404
    [credential] = stored(app)
    assert credential.certified_on == date(2022, 3, 15)


def test_a_credential_without_modules_counts_from_its_date(app, cpt_client):
    response = submit(cpt_client, "/credentials/new/pmi-pmp", {"certified_on": "2025-06-01"})
    assert response.status_code == 302
    page = cpt_client.get(response.headers["Location"]).text
    assert "Project Management Professional" in page
    assert "2028-06-01" in page
    assert "0 PDUs (60 needed)" in page
    assert "Not required" not in page
    assert "Modules" not in page


def test_the_form_says_how_long_the_rule_sets_cycle_is(user_client):
    assert "Your 5-year cycle starts on this day." in user_client.get(
        "/credentials/new/mssc-cpt").text
    assert "Your 3-year cycle starts on this day." in user_client.get(
        "/credentials/new/nicet").text


def test_a_category_counted_in_points_says_so_plainly(user_client):
    response = submit(user_client, "/credentials/new/nicet", {"certified_on": "2024-03-01"})
    credential_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    form = user_client.get(f"/credentials/{credential_id}/activities/new").text
    assert "Yes, as “Special Exam” (in CPD points)" in form
    assert "1 CPD point per CPD point" not in form
