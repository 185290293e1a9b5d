"""The matching step: a file of any columns is matched to Recert's fields, guessed from its
headers and values, changed by the person, and remembered for their next file like it; the
preview lets a row's kind be changed before the import."""

import re
from datetime import date
from decimal import Decimal

from sqlmodel import func, select

from tests.helpers import PASSWORD, AuthActions, add_cpt, csrf_token, submit
from tests.imports.helpers import (
    activities_of,
    activity_count,
    chosen_values,
    confirm,
    match,
    offers_to_add,
    preview,
)
from tracker.db import get_session
from tracker.imports import matching
from tracker.imports.models import ColumnMatching

DATE_COURSE_HOURS = ("Date,Course,Hours\r\n"
                     "5/31/2024,Forklift safety,8\r\n"
                     "6/3/2024,Lockout/tagout,7.5\r\n")


def test_date_course_hours_with_a_kind_for_the_whole_file(app, user_client, cpt):
    page = preview(user_client, cpt, DATE_COURSE_HOURS)
    assert "Which column has the date you finished?" in page.text
    chosen = chosen_values(page.text)
    assert (chosen["field_date_completed"], chosen["field_title"], chosen["field_quantity"]) \
        == ("0", "1", "2")
    # No column says the kind: the file needs one kind for all its rows.
    asked = match(user_client, cpt, page)
    assert asked.status_code == 400
    assert "Choose the kind of the rows, or a column that says it." in asked.text
    rows = match(user_client, cpt, page, default_kind="training")
    assert "2 to add" in rows.text
    assert confirm(user_client, cpt, rows).status_code == 302
    saved = {a.title: (a.completed_on, a.kind, a.quantity) for a in activities_of(app, cpt)}
    assert saved == {"Forklift safety": (date(2024, 5, 31), "training", Decimal("8.00")),
                     "Lockout/tagout": (date(2024, 6, 3), "training", Decimal("7.50"))}


def test_ceus_are_turned_into_hours_and_the_page_says_so(app, user_client, cpt):
    page = preview(user_client, cpt, "Completed,Training,School,CEUs\r\n"
                                     "2024-05-31,Hydraulics,Tech College,0.8\r\n")
    assert chosen_values(page.text)["in_ceus"] == "y"
    rows = match(user_client, cpt, page, default_kind="training")
    assert "CEUs were turned into hours (1 CEU = 10 hours)." in rows.text
    confirm(user_client, cpt, rows)
    [activity] = activities_of(app, cpt)
    assert (activity.provider, activity.quantity) == ("Tech College", Decimal("8.00"))


def test_changing_a_guess_changes_the_preview(app, user_client, cpt):
    page = preview(user_client, cpt, "Date,Course,Instructor,Hours\r\n"
                                     "2024-05-31,Forklift safety,Dana Lee,8\r\n")
    assert chosen_values(page.text)["field_title"] == "1"
    rows = match(user_client, cpt, page, default_kind="training", field_title="2")
    assert "<td>Dana Lee</td>" in rows.text and "<td>Forklift safety</td>" not in rows.text
    # "Change the columns" opens the step again with the choices made.
    again = user_client.post(f"/credentials/{cpt}/import/match",
                             data={"csrf_token": csrf_token(rows.text),
                                   "upload": re.search(r'name="upload" value="([^"]+)"',
                                                       rows.text).group(1)})
    assert "Match your columns" in again.text
    assert chosen_values(again.text)["field_title"] == "2"


def test_a_kind_changed_in_the_preview_is_what_is_imported(app, user_client, cpt):
    rows = match(user_client, cpt, preview(user_client, cpt, DATE_COURSE_HOURS),
                 default_kind="training")
    assert chosen_values(rows.text)["kind-3"] == "training"
    checked = confirm(user_client, cpt, rows, kinds={3: "instructing"}, action="check")
    assert chosen_values(checked.text)["kind-3"] == "instructing"
    assert activity_count(app) == 0  # checking adds nothing
    assert confirm(user_client, cpt, rows, kinds={3: "instructing"}).status_code == 302
    kinds = {a.title: a.kind for a in activities_of(app, cpt)}
    assert kinds == {"Forklift safety": "training", "Lockout/tagout": "instructing"}


def test_a_kind_that_gives_a_row_a_problem_shows_it_and_adds_nothing(app, user_client, cpt):
    rows = match(user_client, cpt, preview(user_client, cpt, DATE_COURSE_HOURS),
                 default_kind="training")
    # 7.5 certifications is not a whole number of them.
    page = confirm(user_client, cpt, rows, kinds={3: "certification"})
    assert page.status_code == 200 and "Row 3, Hours:" in page.text
    assert not offers_to_add(page) and activity_count(app) == 0
    assert chosen_values(page.text)["kind-3"] == "certification"  # there to change back


def test_the_matching_is_remembered_for_a_file_with_the_same_headers(app, user_client, cpt):
    first = preview(user_client, cpt, DATE_COURSE_HOURS)
    assert "We used the matching from your last import" not in first.text
    assert chosen_values(first.text)["field_notes"] == ""
    assert match(user_client, cpt, first, default_kind="conference", field_notes="1",
                 field_provider="1").status_code == 200
    # Same headers, written a little differently: the same choices, said so.
    second = preview(user_client, cpt, " DATE , course,HOURS\r\n2024-08-01,Welding,3\r\n")
    assert "We used the matching from your last import of a file like this." in second.text
    chosen = chosen_values(second.text)
    assert (chosen["field_title"], chosen["field_provider"], chosen["field_notes"],
            chosen["default_kind"]) == ("1", "1", "1", "conference")
    # Another person's file of the same headers gets the guesses.
    auth = AuthActions(app.test_client())
    auth.register(email="lee@example.com")
    theirs = preview(auth.client, add_cpt(auth.client), DATE_COURSE_HOURS)
    assert "We used the matching" not in theirs.text
    assert chosen_values(theirs.text)["field_notes"] == ""


def matchings(app) -> int:
    with app.app_context():
        return get_session().exec(select(func.count()).select_from(ColumnMatching)).one()


def test_the_remembered_matchings_go_with_the_account(app, user_client, cpt):
    match(user_client, cpt, preview(user_client, cpt, DATE_COURSE_HOURS), default_kind="training")
    assert matchings(app) == 1
    submit(user_client, "/account/delete", {"current_password": PASSWORD})
    assert matchings(app) == 0


def test_a_file_with_only_a_header_row_is_refused_plainly(app, user_client, cpt):
    page = preview(user_client, cpt, "Date,Course,Hours\r\n")
    assert page.status_code == 400
    assert "The file has no activities under its first row." in page.text


def test_a_tampered_or_missing_step_token_adds_nothing(app, user_client, cpt):
    page = preview(user_client, cpt, DATE_COURSE_HOURS)
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page.text).group(1)
    for upload in (token[:-3] + "abc", None):
        response = match(user_client, cpt, page, default_kind="training", upload=upload)
        assert response.status_code == 302
        assert "too old or was changed" in user_client.get(response.headers["Location"]).text
    rows = match(user_client, cpt, page, default_kind="training")
    assert confirm(user_client, cpt, rows, kinds={}).status_code == 302  # the true one works
    assert activity_count(app) == 2
    tampered = user_client.post(f"/credentials/{cpt}/import/confirm",
                                data={"csrf_token": csrf_token(rows.text), "upload": "x.y.z"})
    assert tampered.status_code == 302 and activity_count(app) == 2


def test_a_column_that_is_not_in_the_file_is_refused_plainly(app, user_client, cpt):
    page = preview(user_client, cpt, DATE_COURSE_HOURS)
    for wrong in ("99", "-1", "title"):
        response = match(user_client, cpt, page, default_kind="training", field_title=wrong)
        assert response.status_code == 400 and "Not a valid choice" in response.text
    response = match(user_client, cpt, page, default_kind="juggling")
    assert response.status_code == 400
    assert activity_count(app) == 0


def test_a_row_kind_that_is_not_a_kind_is_a_row_problem(app, user_client, cpt):
    rows = match(user_client, cpt, preview(user_client, cpt, DATE_COURSE_HOURS),
                 default_kind="training")
    page = confirm(user_client, cpt, rows, kinds={2: "juggling"})
    assert "is not a kind of activity Recert knows" in page.text
    assert activity_count(app) == 0


def column(index, header, *values):
    return matching.Column(index, header, values)


def test_guesses_from_header_names():
    columns = [column(0, "Training Provider", "Acme"), column(1, "Date Completed", "2024-01-02"),
               column(2, "Course Title", "Welding"), column(3, "Credits", "3"),
               column(4, "Start date", "2023-01-01"), column(5, "Comments", "ok"),
               column(6, "Type", "training")]
    assert matching.guess(columns, day_first=False).columns == {
        "Provider": 0, "Date completed": 1, "Title": 2, "Quantity": 3, "Start date": 4,
        "Notes": 5, "Kind": 6}


def test_guesses_from_the_values_when_the_names_say_nothing():
    columns = [column(0, "A", "Welding", "Forklift"), column(1, "B", "8", "7.5"),
               column(2, "C", "2024-01-02", "3/4/2024"), column(3, "Type", "Webinar")]
    guessed = matching.guess(columns, day_first=False)
    # A "Type" whose values are no kind Recert knows is not taken for the kind.
    assert guessed.columns == {"Date completed": 2, "Quantity": 1, "Title": 0}


def test_the_headers_key_ignores_case_spaces_and_punctuation():
    assert matching.headers_key(["Date", "Course", "Hours"]) \
        == matching.headers_key([" DATE ", "course:", "hours", "", " "])
    assert matching.headers_key(["Date", "Course"]) != matching.headers_key(["Course", "Date"])


def test_a_file_of_too_many_columns_is_refused_plainly(app, user_client, cpt):
    header = ",".join(f"Column {number}" for number in range(101))
    page = preview(user_client, cpt, header + "\r\n" + "x," * 100 + "x\r\n")
    assert page.status_code == 400 and "more than 100 columns" in page.text
