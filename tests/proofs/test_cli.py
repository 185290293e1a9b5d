"""`flask proof read FILE [--ruleset CODE]`: what a certificate reads as, for support staff."""

import json
from pathlib import Path

import pytest

from tests.helpers import pdf_bytes
from tracker import create_app
from tracker.proofs.reading import can_read_images

CERTIFICATES = Path(__file__).parents[1] / "data" / "certificates"
KEYS = ["title", "provider", "completed_on", "started_on", "quantity", "unit", "kind",
        "category", "source"]


@pytest.fixture
def cli():
    return create_app({"DATABASE_URL": "sqlite://"}).test_cli_runner()


def read(cli, *args):
    return cli.invoke(args=["proof", "read", *map(str, args)])


def test_a_text_pdf_prints_its_fields_as_json(cli):
    result = read(cli, CERTIFICATES / "forklift.pdf")
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert list(printed) == KEYS
    assert printed == {
        "title": "Forklift Operator Safety Training", "provider": "Midwest Safety Council",
        "completed_on": "2025-08-10", "started_on": None, "quantity": "8", "unit": "hours",
        "kind": "training", "category": "CE-TRAINING", "source": "pdf-text"}


def test_an_employment_letter_prints_its_period_in_full_time_months(cli):
    printed = json.loads(read(cli, CERTIFICATES / "employment-letter.pdf").stdout)
    assert (printed["started_on"], printed["completed_on"]) == ("2021-03-01", "2024-06-30")
    assert (printed["quantity"], printed["unit"], printed["kind"], printed["category"]) == (
        "40", "full-time months", "job", "E")


def test_credit_hours_print_as_semester_credit_hours(cli):
    printed = json.loads(read(cli, CERTIFICATES / "statistics-credit.pdf").stdout)
    assert (printed["quantity"], printed["unit"], printed["category"]) == (
        "3", "semester credit hours", "CE-CREDIT")


def test_the_rule_set_chooses_the_category(cli):
    result = read(cli, CERTIFICATES / "forklift.pdf", "--ruleset", "asq-cct")
    assert json.loads(result.stdout)["category"] == "COURSE-HOURS"


def test_a_kind_the_rule_set_does_not_count_has_no_category(cli):
    result = read(cli, CERTIFICATES / "habitat-volunteer.pdf", "--ruleset", "nate")
    printed = json.loads(result.stdout)
    assert (printed["kind"], printed["category"]) == ("volunteering", None)


@pytest.mark.skipif(not can_read_images(), reason="Tesseract is not installed")
def test_a_heic_photo_is_read_by_ocr(cli):
    result = read(cli, CERTIFICATES / "six-sigma-photo.heic")
    assert result.exit_code == 0, result.stderr
    printed = json.loads(result.stdout)
    assert (printed["source"], printed["kind"], printed["quantity"]) == (
        "ocr", "certification", "1")


def refused(result) -> str:
    """The one line a refused run says why on; nothing on standard output."""
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    return line


def test_a_text_file_is_refused(cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Forklift class, 8 hours, August 10, 2025")
    assert "notes.txt is not a PDF" in refused(read(cli, notes))


def test_a_missing_file_is_refused(cli, tmp_path):
    assert refused(read(cli, tmp_path / "gone.pdf")) == f"{tmp_path / 'gone.pdf'}: no such file."


def test_an_unknown_rule_set_is_refused(cli):
    line = refused(read(cli, CERTIFICATES / "forklift.pdf", "--ruleset", "nope"))
    assert line.startswith("Unknown rule set: no rule set called 'nope'")


def test_a_file_with_nothing_to_read_exits_2_saying_why(cli, tmp_path):
    blank = tmp_path / "blank.pdf"
    blank.write_bytes(pdf_bytes())
    line = refused(read(cli, blank))
    assert line.startswith("blank.pdf: ") and "fill in the boxes yourself" in line
