"""Importing activities from a CSV: a preview first, then every new row in one transaction; on
the web and from the command line."""

import re
from datetime import date

import pytest
from sqlmodel import select

from tests.examples import example_a
from tests.helpers import TODAY, AuthActions, add_cpt, csrf_token, log_activity
from tests.imports.helpers import (
    HEADER,
    activities_of,
    activity_count,
    confirm,
    course_rows,
    import_file,
    match,
    offers_to_add,
    preview,
)
from tracker.db import get_session
from tracker.imports import parsing, signing
from tracker.ledger import ledger_of
from tracker.models import HeldCredential, User


def test_one_bad_row_among_500_writes_nothing_and_names_row_and_column(app, user_client, cpt):
    page = preview(user_client, cpt, course_rows(500, bad_row=14))
    assert "Row 14, Quantity: 2.3 is not a multiple of 0.25" in page.text
    assert not offers_to_add(page)  # no way to confirm
    # Even a confirm forged for the bad file re-checks it and writes nothing.
    with app.app_context():
        user_id = get_session().exec(select(User.id)).one()
    token = signing.sign_upload(app.config["SECRET_KEY"], user_id, cpt, False,
                                course_rows(500, bad_row=14).encode())
    response = user_client.post(f"/credentials/{cpt}/import/confirm",
                                data={"csrf_token": csrf_token(page.text), "upload": token})
    assert response.status_code == 302
    assert activity_count(app) == 0


def test_the_fixed_file_writes_500_and_again_writes_nothing(app, user_client, cpt):
    content = course_rows(500)
    first = preview(user_client, cpt, content)
    assert "500 to add" in first.text
    response = confirm(user_client, cpt, first)
    assert response.status_code == 302
    assert activity_count(app, cpt) == 500
    assert "Added 500 activities" in user_client.get(response.headers["Location"]).text
    again = preview(user_client, cpt, content)
    assert "0 to add" in again.text and "500 already logged" in again.text
    assert not offers_to_add(again)
    assert activity_count(app, cpt) == 500


def test_an_import_is_in_the_account_log_and_on_each_activitys_history(app, user_client, cpt):
    import_file(user_client, cpt, course_rows(3))
    log = user_client.get("/account/log").text
    assert "Imported 3 activities from a file" in log
    assert "Imported from a file" not in log  # the account log shows the import once
    for activity in activities_of(app, cpt):
        page = user_client.get(f"/activities/{activity.id}").text
        assert "Imported from a file" in page


def test_duplicates_inside_the_file_are_skipped(app, user_client, cpt):
    content = HEADER + "2024-05-01,training,Welding,Acme,8\r\n" * 2
    page = preview(user_client, cpt, content)
    assert "Same as row 2 of this file." in page.text
    confirm(user_client, cpt, page)
    assert activity_count(app, cpt) == 1


def test_the_preview_shows_points_from_the_engine(app, user_client, cpt):
    page = preview(user_client, cpt, HEADER + "2024-05-01,college-credit,Statistics,College,3"
                   "\r\n")
    # A semester credit hour is worth 10 points (the CPT rule set): 30 earned, 30 count.
    row = re.search(r"<td>2</td>.*?</tr>", page.text, flags=re.S).group(0)
    assert '<td class="num">30</td><td class="num">30</td>' in row
    assert "<td>College course for credit</td>" in row  # the kind's name, not its code


@pytest.mark.parametrize(("text", "day_first", "expected"), [
    ("2024-05-31", False, date(2024, 5, 31)),
    ("2024-05-31 00:00:00", True, date(2024, 5, 31)),
    ("5/31/2024", False, date(2024, 5, 31)),
    ("3/4/2024", False, date(2024, 3, 4)),
    ("3/4/2024", True, date(2024, 4, 3)),
    ("31/5/2024", True, date(2024, 5, 31)),
    ("31.05.2024", True, date(2024, 5, 31)),
    ("45443", False, date(2024, 5, 31)),
    ("45443.5", True, date(2024, 5, 31)),
])
def test_date_formats(text, day_first, expected):
    assert parsing.parse_date(text, day_first) == expected


def test_day_first_dates_need_the_choice(app, user_client, cpt):
    content = HEADER + "31/5/2024,training,Welding,Acme,8\r\n"
    refused = preview(user_client, cpt, content)
    assert "Row 2, Date completed: “31/5/2024” is not a real date" in refused.text
    assert "day/month/year: choose that option" in refused.text
    import_file(user_client, cpt, content, day_first=True)
    [activity] = activities_of(app, cpt)
    assert activity.completed_on == date(2024, 5, 31)


def test_excel_serial_dates_import(app, user_client, cpt):
    import_file(user_client, cpt, HEADER + "45443,training,Welding,Acme,8\r\n")
    assert activities_of(app, cpt)[0].completed_on == date(2024, 5, 31)


def test_a_decimal_comma_is_refused(app, user_client, cpt):
    page = preview(user_client, cpt, HEADER + '2024-05-01,training,Welding,Acme,"7,5"\r\n')
    assert "Row 2, Quantity: “7,5” uses a comma. Write numbers with a dot, like 7.5" in page.text
    assert not offers_to_add(page)


def test_semicolons_and_a_byte_order_mark_are_accepted(app, user_client, cpt):
    content = "\ufeff" + HEADER.replace(",", ";") + "2024-05-01;training;Welding;Acme;7.5\r\n"
    import_file(user_client, cpt, content.encode("utf-8"))
    [activity] = activities_of(app, cpt)
    assert activity.title == "Welding" and str(activity.quantity) == "7.50"


def test_more_than_10000_rows_are_refused(app, user_client, cpt):
    page = preview(user_client, cpt, course_rows(10_001))
    assert "more than 10,000 rows" in page.text
    assert activity_count(app) == 0


def test_a_file_too_large_is_refused(app, user_client, cpt):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    page = preview(user_client, cpt, course_rows(100))
    assert page.status_code == 400 and "larger than" in page.text


def test_missing_columns_and_non_utf8_are_explained(app, user_client, cpt):
    # Without Recert's columns, the file goes to the matching step, which asks for the hours.
    page = preview(user_client, cpt, "Date completed,Category,Title\n2024-01-01,training,X\n")
    assert "Which column has how much" in page.text
    assert "Choose the column with the hours" in match(user_client, cpt, page).text
    assert "CSV UTF-8" in preview(user_client, cpt, HEADER.encode() + b"\xff\xfe\n").text


def test_a_changed_confirm_is_refused(app, user_client, cpt):
    page = preview(user_client, cpt, course_rows(3))
    response = user_client.post(f"/credentials/{cpt}/import/confirm",
                                data={"csrf_token": csrf_token(page.text), "upload": "forged"})
    assert response.status_code == 302 and activity_count(app) == 0


def test_exported_csv_imports_into_another_persons_credential(app, user_client):
    client = user_client
    cpt = example_a(app, client, with_proof=True)  # the proof-file column filled, then ignored
    log_activity(client, cpt, title="=HYPERLINK(\"x\")", provider="+Acme", quantity="1.25",
                 description="-not a formula", tags=["safety"])
    exported = client.get(f"/credentials/{cpt}/activities.csv").data
    assert b"'=HYPERLINK" in exported  # the export guards against formulas
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam")
    theirs = add_cpt(other, "2022-03-15")
    response = import_file(other, theirs, exported)
    assert response.status_code == 302

    def facts(credential_id):
        return sorted(
            (a.completed_on, a.started_on, a.kind, a.title, a.provider, a.quantity,
             a.fraction, a.description, tuple(a.tags))
            for a in activities_of(app, credential_id)
        )

    assert facts(theirs) == facts(cpt)
    assert any(fact[3] == '=HYPERLINK("x")' and fact[4] == "+Acme" for fact in facts(theirs))
    assert figures(app, theirs) == figures(app, cpt)
    again = preview(other, theirs, exported)
    assert "0 to add" in again.text


def figures(app, credential_id: int) -> tuple:
    """What the engine makes of the credential on TODAY: each activity's category, earned and
    counted points, and the total counted."""
    with app.app_context():
        session = get_session()
        ledger = ledger_of(session, session.get(HeldCredential, credential_id), TODAY)
        return (sorted((r.category, r.earned, r.counted) for r in ledger.progress.activities),
                ledger.progress.counted)


def test_the_import_routes_are_the_owners_only(app, user_client, cpt):
    intruder = app.test_client()
    AuthActions(intruder).register(email="intruder@example.com", name="Intruder")
    assert intruder.get(f"/credentials/{cpt}/import").status_code == 404
    assert preview(intruder, cpt, course_rows(2)).status_code == 404
    assert activity_count(app) == 0


# The command line


def test_cli_previews_and_writes_only_with_commit(app, user_client, cpt, runner, tmp_path):
    path = tmp_path / "activities.csv"
    path.write_text(course_rows(3) + "30/6/2024,training,Summer,Acme,2\r\n")
    args = ["import-activities", "--user", "pat@example.com", "--credential", str(cpt),
            str(path)]
    refused = runner.invoke(args=args)
    assert refused.exit_code == 2
    assert "Row 5, Date completed" in refused.output
    shown = runner.invoke(args=[*args, "--day-first"])
    assert shown.exit_code == 0, shown.output
    assert "Row 2: training “Course 0”: 1.5 points earned, 1.5 count" in shown.output
    assert "4 rows: 4 new, 0 duplicates, 0 problems." in shown.output
    assert activity_count(app) == 0
    written = runner.invoke(args=[*args, "--day-first", "--commit"])
    assert "Added 4 activities." in written.output
    assert activity_count(app, cpt) == 4
    again = runner.invoke(args=[*args, "--day-first", "--commit"])
    assert "4 duplicates" in again.output and "Nothing to add." in again.output
    assert activity_count(app, cpt) == 4
    bad = path.with_name("bad.csv")
    bad.write_text(course_rows(5, bad_row=4))
    failed = runner.invoke(args=[*args[:-1], "--commit", str(bad)])
    assert failed.exit_code == 2 and "Row 4, Quantity: 2.3 is not a multiple" in failed.output
    assert activity_count(app, cpt) == 4


def test_the_template_downloads_with_the_export_columns_and_imports(app, user_client, cpt):
    response = user_client.get(f"/credentials/{cpt}/import/template.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="recert-import-template-mssc-cpt.csv"')
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeffDate completed,Start date,Still employed,Kind,Title,")
    page = preview(user_client, cpt, response.data)
    assert "2 rows: <strong>2 to add</strong>" in page.text  # its example course and job
    assert "0 problems" in page.text


def test_hidden_characters_and_huge_numbers_are_row_errors(app, user_client, cpt):
    page = preview(user_client, cpt, HEADER + "2024-05-01,training,Wel\x00ding,Acme,8\r\n"
                   + "2024-05-02,training,Welding,Acme,1e9\r\n"
                   + "2024-05-03,training,Welding,Acme,100000000\r\n")
    assert "Row 2, Title: Remove the invisible control characters from this text." in page.text
    assert "Row 3, Quantity: “1e9” is not a number." in page.text
    assert "Row 4, Quantity: Enter a number smaller than 100,000,000." in page.text
    assert not offers_to_add(page)
    assert activity_count(app) == 0
