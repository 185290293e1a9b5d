"""Warnings that do not block: the form shows what looks wrong before saving, keeps every
value, and saves only when the person presses "Save anyway" (once, however often pressed)."""

import io
import re
from datetime import date

import pytest
from sqlmodel import select

from tests.activities.test_one_record import add_clt
from tests.api.helpers import V2, ApiClient, make_token
from tests.helpers import log_activity, pdf_bytes, seen_warnings, submit
from tracker.activities.warnings import warnings
from tracker.db import get_session
from tracker.models import Activity
from tracker.rules.catalog import load_catalog

CPT = load_catalog().get("mssc-cpt")
NEW = "/credentials/{}/activities/new"


def stored(app) -> list[Activity]:
    with app.app_context():
        return list(get_session().exec(select(Activity).order_by(Activity.id)))


def post(client, url: str, fields: dict, **extra):
    data = {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
            "completed_on": "2024-05-01", "quantity": "8", **fields, **extra}
    return submit(client, url, data, content_type="multipart/form-data")


def shown_warnings(page: str) -> list[str]:
    box = re.search(r'<section class="[^"]*activity-warnings.*?</section>', page, re.S)
    return re.findall(r"<li>(.*?)</li>", box.group(0)) if box else []


@pytest.mark.parametrize(
    ("fields", "earlier", "warning"),
    [
        ({"quantity": "30"}, None,
         "That makes 30 hours on May 1, 2024, more than a day holds: check the hours, or "
         "save anyway if it took several days."),
        ({"quantity": "16"}, {"kind": "conference", "title": "Plastics show", "quantity": "10"},
         "That makes 26 hours on May 1, 2024, more than a day holds"),
        ({"kind": "college-credit", "title": "Forklift class", "quantity": "8"}, None,
         "Few college courses give more than 6 credit hours: if 8 is the hours you spent in "
         "class, choose “College course not for credit” or “Training course or workshop”."),
        ({"kind": "certification", "title": "OSHA 30 Training", "quantity": "1"}, None,
         "“OSHA 30 Training” sounds like a course, not a certification: log a course as "
         "“Training course or workshop”, by its hours."),
        ({"title": "Forklift safety"}, {"title": "forklift safety ", "quantity": "2"},
         "You already logged “Forklift safety” on May 1, 2024: check that this is not the "
         "same thing twice."),
        ({"completed_on": "2022-01-10"}, None,
         "This is dated before your CPT certification (Mar 15, 2022), so it does not count "
         "toward CPT: check the date."),
        ({"kind": "job", "title": "Line operator", "completed_on": "", "quantity": "",
          "started_on": "2019-01-01", "ended_on": "2021-12-31", "fraction": "1"}, None,
         "This is dated before your CPT certification (Mar 15, 2022)"),
    ],
    ids=["hours", "hours-that-day", "credits", "certification", "twice", "before", "old-job"],
)
def test_each_warning_shows_before_saving_and_save_anyway_saves_once(
    app, user_client, cpt, fields, earlier, warning
):
    if earlier:
        assert log_activity(user_client, cpt, save_anyway="yes", **earlier).status_code == 302
    before = len(stored(app))
    url = NEW.format(cpt)

    page = post(user_client, url, fields)
    assert page.status_code == 200
    [shown] = shown_warnings(page.text)
    assert shown.startswith(warning)
    assert "Nothing is saved yet." in page.text
    assert 'name="save_anyway" value="yes"' in page.text
    assert f'value="{fields.get("title", "Forklift safety")}"' in page.text  # values kept
    assert len(stored(app)) == before

    # Pressed twice (a double click): saved once.
    submission = re.search(r'name="submission_id" type="hidden" value="([^"]+)"', page.text)
    again = {**fields, "submission_id": submission.group(1),
             "seen_warning": seen_warnings(page.text)}
    saved = post(user_client, url, again, save_anyway="yes")
    assert saved.status_code == 302
    assert post(user_client, url, again, save_anyway="yes").status_code == 302
    assert len(stored(app)) == before + 1
    assert "This was already saved." in user_client.get(saved.headers["Location"]).text


def test_save_anyway_answers_only_the_warnings_shown(app, user_client, cpt):
    url = NEW.format(cpt)
    page = post(user_client, url, {"quantity": "30"})
    changed = post(user_client, url, {"quantity": "300", "seen_warning": seen_warnings(page.text)},
                   save_anyway="yes")
    assert changed.status_code == 200
    assert shown_warnings(changed.text)[0].startswith("That makes 300 hours on May 1, 2024")
    assert stored(app) == []
    saved = post(user_client, url, {"quantity": "300",
                                    "seen_warning": seen_warnings(changed.text)},
                 save_anyway="yes")
    assert saved.status_code == 302


@pytest.mark.parametrize("fields", [
    {},  # an 8-hour course
    {"quantity": "24"},
    {"kind": "college-credit", "title": "Statistics", "quantity": "3"},
    {"kind": "certification", "title": "Forklift operator card", "quantity": "1"},
    {"kind": "volunteering", "title": "STEM fair week", "quantity": "30"},  # not training
    {"kind": "job", "title": "Line operator", "completed_on": "", "quantity": "",
     "started_on": "2020-01-01", "still_employed": "y", "fraction": "1"},
], ids=["course", "a-full-day", "credits", "certification", "volunteering", "job-since-2020"])
def test_what_looks_right_saves_at_once(app, user_client, cpt, fields):
    response = post(user_client, NEW.format(cpt), fields)
    assert response.status_code == 302, shown_warnings(response.text)
    assert len(stored(app)) == 1


def test_no_warning_for_the_activity_itself_or_one_in_the_trash(app, user_client, cpt):
    location = log_activity(user_client, cpt).headers["Location"]
    # Saving it again, changed, does not find it "already logged".
    changed = post(user_client, f"{location}/edit", {"description": "Refresher"})
    assert changed.status_code == 302
    submit(user_client, f"{location}/delete", {}, form_page=location)
    assert post(user_client, NEW.format(cpt), {}).status_code == 302


def test_the_edit_form_warns_too_and_keeps_the_version(app, user_client, cpt):
    location = log_activity(user_client, cpt).headers["Location"]
    page = post(user_client, f"{location}/edit", {"quantity": "40"})
    assert page.status_code == 200
    assert shown_warnings(page.text)[0].startswith("That makes 40 hours on May 1, 2024")
    assert stored(app)[0].quantity == 8
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page.text).group(1)
    saved = post(user_client, f"{location}/edit", {"quantity": "40", "version": version,
                                                   "seen_warning": seen_warnings(page.text)},
                 save_anyway="yes")
    assert saved.status_code == 302
    assert stored(app)[0].quantity == 40


def test_a_credential_it_is_left_out_of_gives_no_date_warning(app, user_client, cpt):
    response = post(user_client, NEW.format(cpt), {"completed_on": "2022-01-10",
                                                   f"count_{cpt}": "exclude"})
    assert response.status_code == 302


def test_the_date_warning_names_each_credential_it_counts_toward(app, user_client, cpt):
    clt = add_clt(user_client, "2023-06-01")
    page = post(user_client, NEW.format(cpt), {"completed_on": "2022-09-01"})
    assert shown_warnings(page.text) == [
        "This is dated before your CLT certification (Jun 1, 2023), so it does not count "
        "toward CLT: check the date."]
    assert clt


def test_warnings_are_one_pure_function():
    """The form's only: the module reads plain values, as the one check does."""
    values = {"kind": "college-credit", "title": "Welding class", "quantity": 8,
              "completed_on": date(2021, 1, 1), "counting": {}}
    found = warnings(values, [(1, CPT)], {1: date(2022, 3, 15)}, [])
    assert [sentence.split(":")[0] for sentence in found] == [
        "Few college courses give more than 6 credit hours",
        "This is dated before your CPT certification (Mar 15, 2022), so it does not count "
        "toward CPT",
    ]
    assert warnings({**values, "kind": "nope"}, [(1, CPT)], {}, []) == []


def test_the_api_saves_without_warnings(app, user_client, cpt):
    """Warnings are the form's, where a person can answer them: a script's call saves."""
    api = ApiClient(app, make_token(user_client))
    made = api.post(f"{V2}/activities", json={
        "kind": "training", "title": "Forklift safety", "completed_on": "2021-05-01",
        "quantity": "30"})
    assert made.status_code == 201, made.text
    assert len(stored(app)) == 1


def test_files_chosen_before_a_warning_are_kept_not_chosen_again(app, user_client, cpt):
    """A browser cannot keep a chosen file across pages: Recert keeps it, and says so."""
    page = submit(user_client, NEW.format(cpt), {
        "kind": "training", "title": "Lean week", "completed_on": "2024-05-01",
        "quantity": "40", "evidence": [(io.BytesIO(pdf_bytes()), "certificate.pdf")]},
        content_type="multipart/form-data")
    assert page.status_code == 200
    assert "Choose your files again" not in page.text
    assert "Files to attach" in page.text and "Remove certificate.pdf" in page.text
    assert stored(app) == []
