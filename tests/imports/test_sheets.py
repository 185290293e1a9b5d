"""Excel workbooks: read by their content into the CSV the import reads, through the matching
step; a damaged or locked one is refused in plain words."""

import io
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest

from tests.imports.helpers import (
    activities_of,
    activity_count,
    chosen_values,
    confirm,
    match,
    offers_to_add,
    preview,
)
from tracker.imports import sheets
from tracker.imports.parsing import FileProblem
from tracker.imports.template import TEMPLATE_COLUMNS


def workbook(*rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TRAINING_LOG = workbook(
    ["Date", "Course", "Training provider", "Contact hours"],
    [date(2024, 5, 31), "Forklift safety", "Acme Training", 8],
    [datetime(2024, 6, 3, 0, 0), "Lockout/tagout", "Plant school", 7.5],
    [date(2024, 7, 1), "First aid", "Red Cross", 4.25],
)


def test_an_xlsx_goes_through_the_matching_step_and_imports_its_figures(app, user_client, cpt):
    page = preview(user_client, cpt, TRAINING_LOG, filename="log.xlsx")
    assert page.status_code == 200 and "Match your columns" in page.text
    chosen = chosen_values(page.text)
    assert (chosen["field_date_completed"], chosen["field_title"], chosen["field_provider"],
            chosen["field_quantity"], chosen["field_kind"]) == ("0", "1", "2", "3", "")
    assert "Examples: 2024-05-31, 2024-06-03, 2024-07-01" in page.text  # dates as dates
    assert "Examples: 8, 7.5, 4.25" in page.text
    rows = match(user_client, cpt, page, default_kind="training")
    assert "3 to add" in rows.text and "Forklift safety" in rows.text
    assert offers_to_add(rows)
    assert confirm(user_client, cpt, rows).status_code == 302
    saved = {a.title: (a.completed_on, a.kind, a.provider, a.quantity)
             for a in activities_of(app, cpt)}
    assert saved == {
        "Forklift safety": (date(2024, 5, 31), "training", "Acme Training", Decimal("8.00")),
        "Lockout/tagout": (date(2024, 6, 3), "training", "Plant school", Decimal("7.50")),
        "First aid": (date(2024, 7, 1), "training", "Red Cross", Decimal("4.25")),
    }


def test_an_xlsx_of_the_templates_columns_goes_straight_to_the_check(app, user_client, cpt):
    row = {"Date completed": date(2024, 5, 31), "Kind": "training", "Title": "Welding",
           "Provider": "Acme", "Quantity": 8}
    data = workbook(TEMPLATE_COLUMNS, [row.get(name) for name in TEMPLATE_COLUMNS])
    page = preview(user_client, cpt, data, filename="template.xlsx")
    assert "1 to add" in page.text
    assert confirm(user_client, cpt, page).status_code == 302
    assert activity_count(app, cpt) == 1


def test_the_cli_reads_an_xlsx_and_refuses_a_damaged_one(app, user_client, cpt, runner,
                                                          tmp_path):
    path = tmp_path / "activities.xlsx"
    path.write_bytes(workbook(["Date completed", "Kind", "Title", "Quantity"],
                              [date(2024, 5, 31), "training", "Welding", 8]))
    args = ["import-activities", "--user", "pat@example.com", "--credential", str(cpt)]
    assert runner.invoke(args=[*args, "--commit", str(path)]).exit_code == 0
    [activity] = activities_of(app, cpt)
    assert (activity.completed_on, activity.quantity) == (date(2024, 5, 31), Decimal("8.00"))
    path.write_bytes(TRAINING_LOG[:500])
    refused = runner.invoke(args=[*args, "--commit", str(path)])
    assert refused.exit_code == 2 and "could not open this spreadsheet" in refused.output


@pytest.mark.parametrize("data", [
    TRAINING_LOG[:len(TRAINING_LOG) // 2],  # cut short
    sheets.ZIP_START + b"not really a workbook" * 20,
    sheets.OLE_START + bytes(2048),  # how Excel saves a workbook locked with a password
], ids=["cut-short", "zip-of-nothing", "password"])
def test_a_damaged_or_locked_workbook_gets_a_plain_message(app, user_client, cpt, data):
    page = preview(user_client, cpt, data, filename="log.xlsx")
    assert page.status_code == 400
    assert "We could not open this spreadsheet. It may be damaged, or locked with a password" \
        in page.text
    assert activity_count(app) == 0


def test_cells_are_written_as_the_csv_path_reads_them():
    assert [sheets.cell_text(cell) for cell in (
        date(2024, 5, 31), datetime(2024, 5, 31, 13, 30), 8.0, 7.5, 0.00005, True, False, "",
        "  Welding ")] == ["2024-05-31", "2024-05-31", "8", "7.5", "0.00005", "yes", "", "",
                           "Welding"]


def test_a_workbook_too_large_once_unzipped_is_refused_before_it_is_read(monkeypatch):
    monkeypatch.setattr(sheets, "MAX_UNZIPPED_BYTES", 1000)
    with pytest.raises(FileProblem, match="too large once opened"):
        sheets.as_csv(TRAINING_LOG)


def test_a_csv_passes_as_it_came():
    assert sheets.as_csv(b"Date,Course\r\n") == b"Date,Course\r\n"
