"""The report (page, PDF), the CSV, the audit packet and the report command."""

import csv
import hashlib
import io
import json
import subprocess
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.examples import example_a, example_b
from tests.helpers import AuthActions, add_cpt, image_bytes, log_activity, needs_pdftotext, pdf_text
from tracker.credentials.services import credential_of
from tracker.db import get_session
from tracker.display import points
from tracker.ledger import ledger_of
from tracker.models import User


@pytest.fixture
def person(client):
    AuthActions(client).register()
    return client


def example_a_with_proof(app, client) -> int:
    return example_a(app, client, with_proof=True)


def progress_of(app, credential_id):
    with app.app_context():
        session = get_session()
        user = session.exec(select(User)).one()
        credential = credential_of(session, user, credential_id)
        return ledger_of(session, credential, app.config["TODAY"]).progress


@needs_pdftotext
@pytest.mark.parametrize("example", [example_a_with_proof, example_b])
def test_the_pdf_holds_the_engines_figures(app, person, example):
    cpt = example(app, person)
    progress = progress_of(app, cpt)
    response = person.get(f"/credentials/{cpt}/report.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.data)
    assert f"Counted {points(progress.counted)} points" in text
    assert f"Days left {progress.days_left}" in text
    status = {"complete": "Complete (by Recert's estimates)", "behind": "Behind"}[progress.status]
    assert f"Status {status}" in text
    for category in progress.categories:
        assert (f"{category.name} {points(category.earned)} {points(category.counted)}"
                in text), category.name
    assert "Page 1 of" in text
    assert "Signature" in text
    # The skills table is for the person's own learning: the report says so, as the page does.
    assert "This table is for your own learning. You do not need it to renew." in " ".join(
        text.split())
    assert "CPT rules, version 2026.1" in text


@needs_pdftotext
def test_the_pdf_has_a_title_and_author(app, person):
    cpt = example_b(app, person)
    data = person.get(f"/credentials/{cpt}/report.pdf").data
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True)
    lines = info.stdout.decode()
    assert ("Title:           CPT recertification report, Pat Doe, Feb 29, 2024 to Feb 28, 2029"
            in lines)
    assert "Author:          Pat Doe" in lines


def test_the_report_page_shows_the_same_figures(app, person):
    cpt = example_a_with_proof(app, person)
    page = person.get(f"/credentials/{cpt}/report").text
    assert '<strong>128 points <small class="estimate">estimate</small></strong>' in page
    assert "Manufacturing Skill Standards Council (MSSC)" in page
    assert "901 N Washington St., Suite 600, Alexandria, VA 22314" in page
    assert "Download PDF" in page
    assert page.index("Skills covered this cycle") < page.index(
        "This table is for your own learning. You do not need it to renew.")
    assert page.index("Safety course") < page.index("Statistics")  # date order
    # Before the cycle, it counts 0: listed apart, after the activities that count.
    assert page.index("Statistics") < page.index("Not counted in this cycle") < page.index(
        "Before the cycle")


def parse_csv(response) -> list[dict]:
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


@pytest.mark.parametrize("example", [example_a_with_proof, example_b])
def test_the_csv_adds_up_to_the_engines_totals(app, person, example):
    cpt = example(app, person)
    progress = progress_of(app, cpt)
    response = person.get(f"/credentials/{cpt}/activities.csv")
    assert response.mimetype == "text/csv"
    rows = parse_csv(response)
    assert len(rows) == len(progress.activities)
    earned = sum(Decimal(row["Earned points"]) for row in rows)
    counted = sum(Decimal(row["Counted points"]) for row in rows)
    assert earned == sum(result.earned for result in progress.activities)
    assert counted == progress.counted
    for row in rows:
        for day in (row["Date completed"], row["Start date"]):
            assert day == "" or date.fromisoformat(day)


def test_the_csv_neutralises_formulas(app, person):
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = add_cpt(person, "2022-03-15")
    log_activity(person, cpt, title='=HYPERLINK("http://evil.example","Click")',
                 provider="+1 555", description="@SUM(A1)")
    [row] = parse_csv(person.get(f"/credentials/{cpt}/activities.csv"))
    assert row["Title"] == "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    assert row["Provider"] == "'+1 555"
    assert row["Notes"] == "'@SUM(A1)"


def test_the_packet_holds_every_file_with_matching_hashes(app, person):
    cpt = example_a_with_proof(app, person)
    response = person.get(f"/credentials/{cpt}/packet.zip")
    assert response.status_code == 200
    assert response.is_streamed
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = json.loads(archive.read("manifest.json"))
    names = set(archive.namelist()) - {"manifest.json"}
    assert names == set(manifest["files"])
    assert {"report.pdf", "activities.csv"} <= names
    proof = sorted(name for name in names if name.startswith("evidence/"))
    assert proof[0] == "evidence/2021-12-01-before-the-cycle-1.pdf"
    assert "evidence/2026-03-14-line-operator-1.png" in proof
    assert len(proof) == 6
    for name, facts in manifest["files"].items():
        data = archive.read(name)
        assert hashlib.sha256(data).hexdigest() == facts["sha256"], name
        assert len(data) == facts["size"]
    assert archive.read("evidence/2026-03-14-line-operator-1.png") == image_bytes()
    response.close()  # a streamed download holds its request until closed, as servers do


@pytest.mark.parametrize("kind", ["pdf", "html", "csv", "json", "zip"])
def test_the_report_command_writes_each_format(app, person, runner, tmp_path, kind):
    cpt = example_b(app, person)
    output = tmp_path / f"out.{kind}"
    result = runner.invoke(args=["report", "--user", "PAT@example.com", "--credential",
                                 str(cpt), "--format", kind, "-o", str(output)])
    assert result.exit_code == 0, result.output
    data = output.read_bytes()
    if kind == "pdf":
        assert data.startswith(b"%PDF")
    elif kind == "html":
        assert b"<style>" in data and b"38 points" in data
    elif kind == "csv":
        assert data.decode("utf-8").startswith("\ufeffDate completed,")
    elif kind == "json":
        assert json.loads(data)["format_version"] >= 1
    else:
        assert "manifest.json" in zipfile.ZipFile(io.BytesIO(data)).namelist()


def test_the_report_command_names_what_is_wrong(app, person, runner, tmp_path):
    output = str(tmp_path / "x.pdf")
    unknown = runner.invoke(args=["report", "--user", "nobody@example.com", "--credential", "1",
                                  "--format", "pdf", "-o", output])
    assert unknown.exit_code == 1
    assert "No account uses the email nobody@example.com." in unknown.output
    missing = runner.invoke(args=["report", "--user", "pat@example.com", "--credential",
                                  "999", "--format", "pdf", "-o", output])
    assert missing.exit_code == 1
    assert "has no credential with the id 999" in missing.output
