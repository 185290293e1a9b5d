"""How the import reads dates (month/day/year first, Excel numbers only in a sensible range)
and how the preview shows each row (a job as its period and share of full time)."""

import re
from datetime import date

import pytest

from tests.imports.helpers import (
    HEADER,
    JOB_HEADER,
    activities_of,
    activity_count,
    import_file,
    offers_to_add,
    preview,
)
from tracker.imports import parsing, signing


@pytest.mark.parametrize("number", ["2024", "12", "0", "18263", "73416", "240531"])
def test_a_number_outside_1950_to_2100_is_not_taken_for_an_excel_date(number):
    with pytest.raises(ValueError, match="Write dates like 2024-05-31 or 5/31/2024"):
        parsing.parse_date(number, day_first=False)


@pytest.mark.parametrize(("number", "expected"), [
    ("18264", date(1950, 1, 1)), ("45443", date(2024, 5, 31)), ("73415", date(2100, 12, 31)),
])
def test_excel_dates_from_1950_to_2100_are_read(number, expected):
    assert parsing.parse_date(number, day_first=False) == expected


def test_a_year_alone_in_the_date_column_is_named_by_row_and_column(app, user_client, cpt):
    page = preview(user_client, cpt, HEADER + "2024-05-01,training,Welding,Acme,8\r\n"
                   "2024,training,Welding,Acme,8\r\n")
    assert ("Row 3, Date completed: “2024” is not a date we can read. "
            "Write dates like 2024-05-31 or 5/31/2024.") in page.text
    assert not offers_to_add(page)
    day_first = preview(user_client, cpt, HEADER + "12,training,Welding,Acme,8\r\n",
                        day_first=True)
    assert "Row 2, Date completed: “12” is not a date we can read. Write dates like " \
           "2024-05-31 or 31/5/2024." in day_first.text


def test_dates_are_month_day_year_unless_day_first_is_chosen(app, user_client, cpt):
    form = user_client.get(f"/credentials/{cpt}/import").text
    assert re.search(r'<input checked[^>]*value="month-first"', form)
    assert 'value="day-first"' in form and "Day/month/year" in form
    page = preview(user_client, cpt, HEADER + "3/4/2024,training,Welding,Acme,8\r\n")
    assert "Dates were read as month/day/year." in page.text
    assert "Mar 4, 2024" in page.text
    day_first = preview(user_client, cpt, HEADER + "3/4/2024,training,Welding,Acme,8\r\n",
                        day_first=True)
    assert "Dates were read as day/month/year." in day_first.text
    assert "Apr 3, 2024" in day_first.text
    import_file(user_client, cpt, HEADER + "3/4/2024,training,Welding,Acme,8\r\n")
    assert [a.completed_on for a in activities_of(app, cpt)] == [date(2024, 3, 4)]


def test_a_month_day_year_file_read_day_first_says_what_to_choose(app, user_client, cpt):
    page = preview(user_client, cpt, HEADER + "5/31/2024,training,Welding,Acme,8\r\n",
                   day_first=True)
    assert "“5/31/2024” is not a real date. Your dates may be month/day/year" in page.text


def test_a_preview_signed_before_the_day_first_choice_is_refused(app):
    old = signing._serializer("key").dumps(
        {"user": 1, "credential": 2, "us_dates": True, "file": "x"})
    with pytest.raises(signing.ExpiredUpload):
        signing.open_upload("key", old, 1, 2)
    fresh = signing.sign_upload("key", 1, 2, True, b"x")
    assert signing.open_upload("key", fresh, 1, 2) == (b"x", True, None)


def test_cli_reads_month_day_year_unless_told_day_first(app, user_client, cpt, runner,
                                                         tmp_path):
    path = tmp_path / "activities.csv"
    path.write_text(HEADER + "3/4/2024,training,Welding,Acme,8\r\n")
    args = ["import-activities", "--user", "pat@example.com", "--credential", str(cpt)]
    assert "--day-first" in runner.invoke(args=[*args, "--help"]).output
    assert runner.invoke(args=[*args, "--us-dates", str(path)]).exit_code == 2
    assert runner.invoke(args=[*args, "--commit", str(path)]).exit_code == 0
    path.write_text(HEADER + "3/4/2024,training,Welding again,Acme,8\r\n")
    assert runner.invoke(args=[*args, "--day-first", "--commit", str(path)]).exit_code == 0
    dates = {a.title: a.completed_on for a in activities_of(app, cpt)}
    assert dates == {"Welding": date(2024, 3, 4), "Welding again": date(2024, 4, 3)}


def row_cells(page, number: int) -> list[str]:
    """The texts of a row of the preview (of a select, its chosen option)."""
    row = re.search(rf"<tr><td>{number}</td>(.*?)</tr>", page.text, flags=re.S).group(1)
    row = re.sub(r"<select.*?</select>",
                 lambda select: re.search(r"<option[^>]*selected[^>]*>(.*?)</option>",
                                          select.group(0)).group(1), row, flags=re.S)
    return [re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]


def test_the_preview_shows_a_job_as_its_period_and_share_of_full_time(app, user_client, cpt):
    content = (JOB_HEADER
               + "2026-03-14,2022-03-15,,job,Line operator,,1\r\n"
               + ",2026-04-01,yes,job,Machine operator,,0.5\r\n"
               + "2024-05-01,,,training,Welding,8,\r\n")
    page = preview(user_client, cpt, content)
    job_name = "Work in a related job"
    assert row_cells(page, 2)[:5] == ["Mar 15, 2022 to Mar 14, 2026", job_name, "Line operator",
                                      "48 months, full time",
                                      "Work in a manufacturing-related job"]
    assert row_cells(page, 3)[:5] == ["Apr 1, 2026 to now", job_name, "Machine operator",
                                      "7 months, half time",
                                      "Work in a manufacturing-related job"]
    assert row_cells(page, 4)[:5] == ["May 1, 2024", "Training course or workshop", "Welding",
                                      "8 hours", "Training course"]
    import_file(user_client, cpt, content)
    again = preview(user_client, cpt, content)  # a skipped job still shows what it is
    assert row_cells(again, 2)[:5] == row_cells(page, 2)[:5]
    assert "Skipped: Already logged." in row_cells(again, 2)[-1]
    assert activity_count(app, cpt) == 3
