"""One check of an activity: every door (the web form, the CSV import, the full JSON import and
the API) refuses each bad input of one table, in the same words, and keeps nothing of it."""

import copy
import csv
import html
import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import func, select

from tests.api.helpers import ApiClient, make_token
from tests.helpers import TODAY, AuthActions, export_of, log_activity, submit
from tracker.activities import validation
from tracker.db import get_session
from tracker.models import Activity, HeldCredential
from tracker.rules.catalog import load_catalog
from tracker.rules.kinds import KINDS as ALL_KINDS

COURSE = {"kind": "training", "title": "Forklift safety", "provider": "Acme",
          "completed_on": "2024-05-01", "quantity": "8", "description": "", "tags": []}
JOB = {"kind": "job", "title": "Machine operator", "provider": "Acme Plastics",
       "started_on": "2023-01-09", "completed_on": None, "fraction": "1", "description": "",
       "tags": []}
# Every kind, as the refusal lists them: "training (Training course or workshop); ...".
KINDS = "; ".join(f"{kind.code} ({kind.name})" for kind in ALL_KINDS)
UNSTORABLE = "Remove the invisible control characters from this text."
TOO_LONG_200 = "Use at most 200 characters (this has 201)."

# (what is wrong, the activity, the field refused, the words every door says)
CASES = [
    ("no title", {**COURSE, "title": ""}, "title", "Give the activity a title."),
    ("a title of spaces", {**COURSE, "title": "   "}, "title", "Give the activity a title."),
    ("a long title", {**COURSE, "title": "t" * 201}, "title", TOO_LONG_200),
    ("a long provider", {**COURSE, "provider": "p" * 201}, "provider", TOO_LONG_200),
    ("long notes", {**COURSE, "description": "n" * 5001}, "description",
     "Use at most 5,000 characters (this has 5,001)."),
    ("NUL in the title", {**COURSE, "title": "Fork\x00lift"}, "title", UNSTORABLE),
    ("NUL in the provider", {**COURSE, "provider": "Ac\x00me"}, "provider", UNSTORABLE),
    ("NUL in the notes", {**COURSE, "description": "a\x00b"}, "description", UNSTORABLE),
    ("an unknown kind", {**COURSE, "kind": "NOPE"}, "kind",
     f"“NOPE” is not a kind of activity Recert knows. Choose one of: {KINDS}."),
    ("no kind", {**COURSE, "kind": ""}, "kind",
     f"Choose what kind of activity this is: {KINDS}."),
    ("no date", {**COURSE, "completed_on": None}, "completed_on",
     "Enter the date you finished this activity."),
    ("a course in the year 1", {**COURSE, "completed_on": "0001-01-01"}, "completed_on",
     "Enter a date from 1950 to 2037."),
    ("a course in 9999", {**COURSE, "completed_on": "9999-12-31"}, "completed_on",
     "Enter a date from 1950 to 2037."),
    ("a job from 1900", {**JOB, "started_on": "1900-01-01"}, "started_on",
     "Enter a date from 1950 to 2037."),
    ("no hours", {**COURSE, "quantity": None}, "quantity", "Enter the number of hours."),
    ("zero hours", {**COURSE, "quantity": "0"}, "quantity",
     "The number of hours must be more than 0."),
    ("negative hours", {**COURSE, "quantity": "-2"}, "quantity",
     "The number of hours must be more than 0."),
    ("hours off the step", {**COURSE, "quantity": "2.3"}, "quantity",
     "2.3 is not a multiple of 0.25. Enter hours in steps of 0.25."),
    ("more than can be kept", {**COURSE, "quantity": "100000000"}, "quantity",
     "Enter a number smaller than 100,000,000."),
    ("half a certification", {**COURSE, "kind": "certification", "quantity": "1.5"}, "quantity",
     "1.5 is not a multiple of 1. Enter certifications in steps of 1."),
    ("credits off the step", {**COURSE, "kind": "college-credit", "quantity": "0.25"},
     "quantity", "0.25 is not a multiple of 0.5. Enter semester credit hours in steps of 0.5."),
    ("an unknown skill", {**COURSE, "tags": ["juggling"]}, "tags",
     "“juggling”: not a skill of your credentials. Pick skills from the list."),
    ("a job with no start", {**JOB, "started_on": None}, "started_on",
     "Enter the date this job started."),
    ("a job that starts tomorrow", {**JOB, "started_on": "2026-11-25"}, "started_on",
     "The start date is after today. Only add work you have started."),
    ("a job that ends next year", {**JOB, "completed_on": "2027-01-31"}, "completed_on",
     "The end date (Jan 31, 2027) is after today. If you still work there, choose "
     "“still employed” instead of an end date."),
    ("a job that ends before it starts", {**JOB, "completed_on": "2022-12-31"}, "completed_on",
     "The end date is before the start date."),
    ("a job with no share of full time", {**JOB, "fraction": None}, "fraction",
     "Choose how much you worked: full time or half time."),
    ("a job at three quarters", {**JOB, "fraction": "0.75"}, "fraction",
     "0.75 of full time is not allowed. Choose full time or half time."),
    ("a job with a future start and no share", {**JOB, "started_on": "2027-02-01",
                                                 "fraction": None}, "fraction",
     "Choose how much you worked: full time or half time."),
]
# The form and the CSV can say a job has neither an end date nor "still employed"; the JSON
# export and the API cannot (a job without an end date is one still going on).
NEITHER_END_NOR_STILL = ("a job with neither an end date nor “still employed”",
                         {**JOB, "still_employed": False}, "completed_on",
                         "Enter the end date, or say you still work there (“Still employed”).")


@pytest.fixture(autouse=True)
def _no_rate_limits(request):
    """Each door is sent the whole table at once, faster than a person could."""
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        app.config.update(WRITE_RATE_LIMIT="", UPLOAD_RATE_LIMIT="")


def page_text(response) -> str:
    """What a person reads on the page: its text without the markup."""
    return html.unescape(re.sub(r"<[^>]+>", " ", response.text))


def activity_count(app) -> int:
    with app.app_context():
        return get_session().exec(select(func.count()).select_from(Activity)).one()


def ids(cases) -> list[str]:
    return [case[0] for case in cases]


@pytest.mark.parametrize(("_what", "entered", "field", "words"), [*CASES, NEITHER_END_NOR_STILL],
                         ids=ids([*CASES, NEITHER_END_NOR_STILL]))
def test_the_one_check_names_the_field_and_says_it_in_these_words(_what, entered, field, words):
    values = {**entered, "quantity": _decimal(entered.get("quantity")),
              "fraction": _decimal(entered.get("fraction")),
              "completed_on": _day(entered["completed_on"]),
              "started_on": _day(entered.get("started_on"))}
    problems = validation.problems(values, TODAY, HELD)
    assert [(p.field, p.message) for p in problems if p.field == field] == [(field, words)]


def test_a_good_activity_has_no_problem():
    values = {**COURSE, "completed_on": date(2024, 5, 1), "quantity": Decimal(8),
              "tags": ["safety"]}
    assert validation.problems(values, TODAY, HELD) == []


@pytest.mark.parametrize(("choice", "words"), [
    ("IC", "CPT does not count “Training course or workshop” as “Industry certification "
           "earned”. Choose “Training course”."),
    ("PDU-EDUCATION", "CPT does not count “Training course or workshop” as “PDU-EDUCATION”. "
                      "Choose “Training course”."),
])
def test_a_choice_of_where_it_counts_must_be_a_category_that_takes_the_kind(choice, words):
    values = {**COURSE, "completed_on": date(2024, 5, 1), "quantity": Decimal(8),
              "counting": {1: choice}}
    problems = validation.problems(values, TODAY, HELD)
    assert [(p.field, p.message) for p in problems] == [("count_1", words)]


def test_a_choice_for_a_credential_not_held_is_refused():
    values = {**COURSE, "completed_on": date(2024, 5, 1), "quantity": Decimal(8),
              "counting": {2: validation.EXCLUDE}}
    problems = validation.problems(values, TODAY, HELD)
    assert [(p.field, p.message) for p in problems] == [
        ("count_2", "That is not one of your credentials.")]


def test_leaving_it_out_or_counting_it_where_it_fits_is_always_allowed():
    for choice in (validation.DEFAULT, validation.EXCLUDE, "CE-TRAINING"):
        values = {**COURSE, "completed_on": date(2024, 5, 1), "quantity": Decimal(8),
                  "counting": {1: choice}}
        assert validation.problems(values, TODAY, HELD) == [], choice


# Where the web form says it shorter: its kinds are the large choices just above the words.
FORM_WORDS = {"no kind": "Choose what you did."}


def test_the_web_form_refuses_each_in_the_same_words(app, user_client, cpt):
    for what, entered, _field, words in [*CASES, NEITHER_END_NOR_STILL]:
        response = log_activity(user_client, cpt, **_form_fields(entered))
        assert response.status_code == 200, what
        assert FORM_WORDS.get(what, words) in page_text(response), what
    assert activity_count(app) == 0


def test_the_csv_import_refuses_each_in_the_same_words(app, user_client, cpt):
    for what, entered, _field, words in [*CASES, NEITHER_END_NOR_STILL]:
        url = f"/credentials/{cpt}/import"
        response = submit(user_client, f"{url}/preview",
                          {"file": (io.BytesIO(_csv(entered)), "activities.csv")},
                          form_page=url, content_type="multipart/form-data")
        text = page_text(response)
        assert "Nothing can be added until every problem is fixed" in text, what
        assert words in text, what
    assert activity_count(app) == 0


def test_the_full_export_import_refuses_each_in_the_same_words(app, user_client, cpt):
    log_activity(user_client, cpt)
    document = export_of(app)
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    for what, entered, _field, words in CASES:
        crafted = copy.deepcopy(document)
        [activity] = crafted["activities"]
        activity.update({"started_on": None, "fraction": None, "quantity": None, **entered})
        response = submit(newcomer, "/account/import",
                          {"file": (io.BytesIO(json.dumps(crafted).encode()), "export.json")},
                          content_type="multipart/form-data")
        assert response.status_code == 200, what
        assert words in page_text(response), what
    with app.app_context():
        held = get_session().exec(select(func.count()).select_from(HeldCredential)).one()
    assert (held, activity_count(app)) == (1, 1)  # Pat's, and nothing of Sam's


def test_the_api_refuses_each_in_the_same_words(app, user_client, cpt):
    api = ApiClient(app, make_token(user_client))
    for what, entered, field, words in CASES:
        response = api.post("/api/v2/activities", json=entered)
        assert response.status_code == 422, what
        assert words in response.json["errors"][field], what
    # A choice of where it counts: under `counting.<credential id>` (the form's count_<id>).
    choice = api.post("/api/v2/activities", json={**COURSE, "counting": {str(cpt): "IC"}})
    assert choice.json["errors"] == {f"counting.{cpt}": [
        "CPT does not count “Training course or workshop” as “Industry certification "
        "earned”. Choose “Training course”."]}
    assert activity_count(app) == 0


def catalog_ruleset():
    return load_catalog().get("mssc-cpt")


HELD = [(1, catalog_ruleset())]  # a person holding CPT, as credential 1


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _form_fields(entered: dict) -> dict:
    """The activity as a person fills in the form."""
    fields = {name: entered.get(name) or "" for name in
              ("kind", "title", "provider", "description", "quantity", "completed_on")}
    fields["tags"] = entered["tags"]
    if entered["kind"] == "job":
        fields.update(started_on=entered["started_on"] or "", fraction=entered["fraction"] or "",
                      ended_on=entered["completed_on"] or "", completed_on="")
        if entered["completed_on"] is None and entered.get("still_employed", True):
            fields["still_employed"] = "y"
    return fields


def _csv(entered: dict) -> bytes:
    """The activity as one row of a spreadsheet."""
    still = entered["kind"] == "job" and entered["completed_on"] is None \
        and entered.get("still_employed", True)
    row = {"Date completed": entered["completed_on"], "Start date": entered.get("started_on"),
           "Still employed": "yes" if still else "", "Kind": entered["kind"],
           "Title": entered["title"], "Provider": entered["provider"],
           "Quantity": entered.get("quantity"), "Full-time fraction": entered.get("fraction"),
           "Notes": entered["description"], "Skills": ";".join(entered["tags"])}
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow({name: "" if value is None else value for name, value in row.items()})
    return out.getvalue().encode()
