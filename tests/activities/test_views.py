"""Logging activities and seeing what they earn and count."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.helpers import log_activity, pdf_bytes, submit
from tracker.db import get_session
from tracker.models import Activity, Evidence

TODAY = date(2026, 11, 24)


def stored(app) -> list[Activity]:
    with app.app_context():
        return list(get_session().exec(select(Activity).order_by(Activity.id)))


def test_log_a_training_and_see_what_it_earns(app, user_client, cpt):
    response = log_activity(user_client, cpt, files=[("certificate.pdf", pdf_bytes())],
                            tags=["safety", "safety.equipment-training"])
    assert response.status_code == 302
    page = user_client.get(response.headers["Location"]).text
    assert "“Forklift safety” is saved." in page
    assert "Earns 8 points" in page
    assert "8 count" in page
    assert "certificate.pdf" in page
    assert '<a href="/activities">← Everything you logged</a>' in page
    [activity] = stored(app)
    assert activity.quantity == Decimal("8")
    assert activity.tags == ["safety", "safety.equipment-training"]
    assert activity.started_on is None


def test_the_form_asks_what_was_done_in_its_unit_and_where_it_counts(user_client, cpt):
    form = user_client.get(f"/credentials/{cpt}/activities/new").text
    assert "What did you do?" in form
    # Each kind a large choice: what it is, an example, and what it earns toward CPT.
    assert ">Training course or workshop</strong>" in form
    assert "Example: An 8-hour forklift safety class" in form
    assert ">CPT: 1 point per contact hour</small>" in form
    assert ">CPT: 10 points per semester credit hour</small>" in form
    assert "MSSC has\n          not published the points for each kind" in form
    assert "In hours, in steps of 0.25" in form
    # CPT does not count a book read: the form does not offer it to a person holding only CPT.
    assert "Book you read" not in form
    # Where it counts: one choice per credential held, each category with its points per unit.
    assert f'name="count_{cpt}"' in form
    assert "Count it toward MSSC Certified Production Technician?" in form
    assert "Yes, where it fits" in form
    assert "Yes, as “Training course” (1 point per contact hour)" in form
    assert "Yes, as “College course for credit” (10 points per semester credit hour)" in form
    assert "Yes, as “Industry certification earned” (20 points per certification)" in form
    assert "No, leave it out of CPT" in form
    assert "Train personnel to use equipment safely" in form


def test_a_capped_activity_explains_what_counts(user_client, cpt):
    response = log_activity(user_client, cpt, category="X", title="Coaching robotics team",
                            quantity="30", completed_on="2025-04-02",
                            files=[("letter.pdf", pdf_bytes())])
    page = user_client.get(response.headers["Location"]).text
    assert "20 of 30 points count: Volunteering, teaching or association work" in page
    assert "counts at most 20 points per cycle" in page


def test_outside_cycle_future_and_missing_proof_are_explained(user_client, cpt):
    old = log_activity(user_client, cpt, completed_on="2021-12-01", save_anyway="yes")
    page = user_client.get(old.headers["Location"]).text
    assert "Outside your cycle Mar 15, 2022 to Mar 15, 2027: counts 0." in page
    later = log_activity(user_client, cpt, completed_on="2026-12-01")
    assert "Dated after today: counts 0" in user_client.get(later.headers["Location"]).text
    bare = log_activity(user_client, cpt, completed_on="2024-01-01")
    assert ("No proof attached: MSSC may ask for a certificate of completion."
            in user_client.get(bare.headers["Location"]).text)


def test_employment_is_a_period_with_a_fraction(app, user_client, cpt):
    response = log_activity(user_client, cpt, kind="job", title="Line operator",
                            provider="Acme Plastics", completed_on="", quantity="",
                            started_on="2022-03-15", ended_on="2026-03-14", fraction="1",
                            files=[("verification.pdf", pdf_bytes())])
    assert response.status_code == 302
    page = user_client.get(response.headers["Location"]).text
    assert "Earns 48 points" in page
    assert "48 months, full time" in page
    assert "Mar 15, 2022 to Mar 14, 2026" in page
    [job] = stored(app)
    assert (job.started_on, job.completed_on, job.quantity) == (
        date(2022, 3, 15), date(2026, 3, 14), None)


def test_still_employed_counts_up_to_today(app, user_client, cpt):
    response = log_activity(user_client, cpt, kind="job", title="Team lead",
                            completed_on="2026-01-01", quantity="5", started_on="2024-11-24",
                            still_employed="y", fraction="0.5")
    page = user_client.get(response.headers["Location"]).text
    assert "Nov 24, 2024 to now" in page
    assert "Earns 12 points" in page  # 24 whole months at half time
    [job] = stored(app)
    # Fields that do not belong to employment are ignored, not saved.
    assert job.completed_on is None and job.quantity is None


@pytest.mark.parametrize(
    ("fields", "field_error"),
    [
        ({"quantity": "-2"}, "The number of hours must be more than 0."),
        ({"quantity": "2.3"}, "2.3 is not a multiple of 0.25."),
        ({"quantity": "ten"}, "Enter a number, like 7.5."),
        ({"quantity": "NaN"}, "Enter a number, like 7.5."),
        ({"quantity": "Infinity"}, "Enter a number, like 7.5."),
        ({"quantity": "1e30"}, "Enter a number smaller than 100,000,000."),
        ({"title": "Fork\x00lift"}, "Remove the invisible control characters from this text."),
        ({"provider": "Acme\x00"}, "Remove the invisible control characters from this text."),
        ({"description": "\x00"}, "Remove the invisible control characters from this text."),
        ({"title": ""}, "Give the activity a title."),
        ({"kind": "PDU-EDUCATION"}, "“PDU-EDUCATION” is not a kind of activity Recert knows."),
        ({"completed_on": ""}, "Enter the date you finished this activity."),
        ({"kind": "job", "started_on": "2024-01-01", "ended_on": "2023-06-01",
          "fraction": "1"}, "The end date is before the start date."),
        ({"kind": "job", "started_on": "2024-01-01", "ended_on": "2027-01-01",
          "fraction": "1"}, "If you still work there, choose “still employed”"),
        ({"kind": "job", "started_on": "2024-01-01", "fraction": "1"},
         "Enter the end date, or say you still work there (“Still employed”)."),
        ({"kind": "job", "started_on": "2024-01-01", "still_employed": "y",
          "fraction": "0.75"}, "0.75 of full time is not allowed."),
        ({"tags": ["not-a-skill"]}, "Pick skills from the list."),
    ],
)
def test_bad_input_re_renders_with_the_error_and_saves_nothing(
    app, user_client, cpt, fields, field_error
):
    response = log_activity(user_client, cpt, **fields)
    assert response.status_code == 200
    assert field_error in response.text
    assert stored(app) == []


def test_a_future_completion_date_is_allowed_and_flagged(app, user_client, cpt):
    response = log_activity(user_client, cpt, completed_on="2027-01-15")
    assert response.status_code == 302
    assert "Dated after today" in user_client.get(response.headers["Location"]).text
    assert len(stored(app)) == 1


def test_input_is_kept_when_the_form_comes_back(user_client, cpt):
    response = log_activity(user_client, cpt, title="Keep me", quantity="2.3")
    assert 'value="Keep me"' in response.text
    assert 'value="2.3"' in response.text


def test_edit_changes_any_field(app, user_client, cpt):
    location = log_activity(user_client, cpt).headers["Location"]
    response = submit(user_client, f"{location}/edit", {
        "kind": "college-noncredit", "title": "Blueprint reading", "provider": "County College",
        "completed_on": "2025-02-03", "quantity": "6.5", "description": "Evening class",
    }, content_type="multipart/form-data")
    assert response.headers["Location"] == location
    page = user_client.get(location).text
    assert "Blueprint reading" in page
    assert "Earns 6.5 points" in page
    assert "College course not for credit" in page
    [activity] = stored(app)
    assert (activity.kind, activity.completed_on) == ("college-noncredit", date(2025, 2, 3))
    assert activity.updated_at >= activity.created_at


def test_edit_form_is_filled_in(user_client, cpt):
    location = log_activity(user_client, cpt, tags=["quality"],
                            **{f"count_{cpt}": "exclude"}).headers["Location"]
    form = user_client.get(f"{location}/edit").text
    assert 'value="Forklift safety"' in form
    assert 'value="2024-05-01"' in form
    assert 'name="kind" value="training" checked' in form
    assert '<option selected value="exclude">No, leave it out of CPT</option>' in form
    assert 'name="tags" value="quality" checked' in form


def test_duplicate_prefills_a_new_activity(app, user_client, cpt):
    location = log_activity(user_client, cpt, title="Yearly safety refresher").headers["Location"]
    form = user_client.get(f"{location}/duplicate").text
    assert "Log an activity" in form
    assert 'value="Yearly safety refresher"' in form
    assert f'action="/credentials/{cpt}/activities/new"' in form
    assert len(stored(app)) == 1


def test_credential_page_counts_the_activities(user_client, cpt):
    log_activity(user_client, cpt, quantity="10", completed_on="2022-06-01")
    log_activity(user_client, cpt, category="CE-CREDIT", quantity="3", completed_on="2023-05-20")
    page = user_client.get(f"/credentials/{cpt}").text
    assert "40 points (100 needed)" in page
    assert "See your 2 activities" in page
    delete_page = user_client.get(f"/credentials/{cpt}/delete").text
    assert "You keep your 2 activities and their files" in delete_page


def test_odd_numbers_in_hidden_fields_are_ignored_not_a_server_error(app, user_client, cpt):
    # "²".isdigit() is true, yet int("²") fails: a tampered form must not crash the save.
    location = log_activity(user_client, cpt, files=[("one.pdf", pdf_bytes())]
                            ).headers["Location"]
    response = submit(user_client, f"{location}/edit", {
        "kind": "training", "title": "Renamed", "completed_on": "2024-05-01",
        "quantity": "8", "remove_file": "\u00b2", "version": "\u00b2"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    [activity] = stored(app)
    assert activity.title == "Renamed"
    with app.app_context():
        assert len(get_session().exec(select(Evidence).where(
            Evidence.activity_id == activity.id)).all()) == 1


def test_a_kind_no_credential_counts_stays_chosen_when_the_activity_is_changed(app, user_client,
                                                                            cpt):
    """CPT does not count a special project at work, so the form does not offer it for a new
    activity; one logged another way (an import, the API) keeps its kind on the edit form."""
    location = log_activity(user_client, cpt, kind="work-project", title="New line layout",
                            quantity="6").headers["Location"]
    form = user_client.get(f"{location}/edit").text
    assert 'name="kind" value="work-project" checked' in form
    assert ">Special project at work</strong>" in form
    assert "Special project at work" not in user_client.get(
        f"/credentials/{cpt}/activities/new").text
    response = submit(user_client, f"{location}/edit", {
        "kind": "work-project", "title": "New line layout", "completed_on": "2024-05-01",
        "quantity": "6", "description": "Changed"}, content_type="multipart/form-data")
    assert response.status_code == 302
    [activity] = stored(app)
    assert (activity.kind, activity.description) == ("work-project", "Changed")


def test_a_link_may_name_the_kind_or_a_category_of_the_credential(user_client, cpt):
    by_kind = user_client.get(f"/credentials/{cpt}/activities/new?kind=conference").text
    assert 'name="kind" value="conference" checked' in by_kind
    assert "<details class=\"other-kinds\" open>" in by_kind  # a kind under the fold: shown
    by_category = user_client.get(f"/credentials/{cpt}/activities/new?category=X").text
    assert 'name="kind" value="volunteering" checked' in by_category  # the first landing there
    assert ('<option selected value="X">Yes, as “Volunteering, teaching or association work”'
            in by_category)


def test_the_form_opens_with_no_kind_chosen(user_client, cpt):
    """Nothing is picked for the person: an 8-hour course left on "College course for
    credit" would earn 80 points."""
    form = user_client.get(f"/credentials/{cpt}/activities/new").text
    assert 'name="kind"' in form
    assert " checked" not in form.split('<fieldset class="kind-choices"')[1].split("</fieldset>")[0]
    assert '<label for="quantity">How many</label>' in form  # no unit before a kind


def test_saving_without_a_kind_asks_for_one_and_saves_nothing(app, user_client, cpt):
    response = log_activity(user_client, cpt, kind="")
    assert response.status_code == 200
    assert '<small id="kind-help" class="field-error">Choose what you did.</small>' in response.text
    assert 'value="Forklift safety"' in response.text  # what was typed is kept
    assert stored(app) == []


def test_a_link_may_choose_the_kind(user_client, cpt):
    form = user_client.get(f"/credentials/{cpt}/activities/new?kind=training").text
    assert 'name="kind" value="training" checked' in form
    assert form.count(" checked") == 1
    assert '<label for="quantity">How many hours?</label>' in form
    # A code no kind has chooses nothing.
    assert 'checked' not in user_client.get(
        f"/credentials/{cpt}/activities/new?kind=nope").text.split("kind-choices")[1].split(
        "</fieldset>")[0]


def test_amounts_show_as_people_write_them(user_client, cpt):
    location = log_activity(user_client, cpt, quantity="16").headers["Location"]
    assert stored_quantity(user_client, location) == 'value="16"'
    half = log_activity(user_client, cpt, title="Half", quantity="7.5").headers["Location"]
    assert stored_quantity(user_client, half) == 'value="7.5"'
    big = log_activity(user_client, cpt, title="Big", quantity="100",
                       save_anyway="yes").headers["Location"]
    assert stored_quantity(user_client, big) == 'value="100"'  # not 1E+2
    # "Log another like this" too.
    copy = user_client.get(f"{location}/duplicate").text
    assert re.search(r'id="quantity"[^>]*value="16"', copy)


def stored_quantity(client, location: str) -> str:
    form = client.get(f"{location}/edit").text
    return re.search(r'id="quantity"[^>]*(value="[^"]*")', form).group(1)


def test_the_file_inputs_take_what_the_upload_check_takes_and_offer_the_camera(user_client,
                                                                                cpt):
    form = user_client.get(f"/credentials/{cpt}/activities/new").text
    files = re.search(r'<input[^>]*id="evidence"[^>]*>', form).group(0)
    assert ('accept="application/pdf,image/png,image/jpeg,image/webp,image/heic,image/heif,'
            '.pdf,.png,.jpg,.jpeg,.webp,.heic,.heif"') in files
    assert "capture" not in files  # with it, Android phones offer only the camera
    photo = re.search(r'<input[^>]*id="evidence-photo"[^>]*>', form).group(0)
    assert 'name="evidence"' in photo  # sent with the other files
    assert 'accept="image/png,image/jpeg,image/webp,image/heic"' in photo
    assert 'capture="environment"' in photo
