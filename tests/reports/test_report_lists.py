"""What the report (page and PDF) lists and how its pages fall: activities that count 0 listed
apart, which figures are Recert's estimates, file names wrapped between words, the first page
holding the start of the activity table, and no table row alone on a page."""

import re
import subprocess
from html import unescape

from flask import url_for

from tests.examples import example_a
from tests.helpers import insert_activities, log_activity, needs_pdftotext, pdf_bytes, pdf_text
from tests.reports.test_pdf import page_tables, pages_text, report, tables_by_heading

MAIN = "Date Category Title and provider Amount Earned Counts Proof Notes"
APART = "Date Category Title and provider Amount Earned Counts Proof Why not counted"
LONG_NAME = "certificate_of_completion_forklift_operator_2025-08-10.pdf"
ESTIMATES = ("Which figures are estimates. MSSC publishes the 5-year cycle and the 100 points. "
             "Recert guessed the most points each category can count. Recert guessed what each "
             "activity is worth:")


def log_three(client, cpt: int) -> None:
    """One activity before the cycle (from 2022-03-15), one dated after today (2026-11-24),
    and one that counts. The first two are saved past the form's warnings."""
    log_activity(client, cpt, title="Before my cycle", completed_on="2021-12-01",
                 save_anyway="y")
    log_activity(client, cpt, title="Course next month", completed_on="2026-12-20",
                 save_anyway="y")
    log_activity(client, cpt, title="Lockout course", completed_on="2024-05-01")


def test_the_page_lists_what_does_not_count_apart_and_keeps_the_totals(user_client, cpt):
    log_three(user_client, cpt)
    html = user_client.get(f"/credentials/{cpt}/report").text
    tables = tables_by_heading(html)
    assert [(row[2], row[5]) for row in tables[MAIN][1:]] == [
        ("Lockout course Acme Training", "8 estimate")]
    assert [(row[2], row[5], row[7]) for row in tables[APART][1:]] == [
        ("Before my cycle Acme Training", "0", "outside your cycle"),
        ("Course next month Acme Training", "0", "dated after today"),
    ]
    facts = dict(pair for row in page_tables(html)[0]
                 for pair in zip(row[::2], row[1::2], strict=True))
    assert facts["Counted"] == "8 points estimate"  # only the course that counts
    # What the listed activities earned: those listed apart are not in it.
    assert facts["Earned before limits"] == "8 points"


@needs_pdftotext
def test_the_pdf_lists_what_does_not_count_apart(user_client, cpt):
    log_three(user_client, cpt)
    data, _html = report(user_client, cpt)
    counted, apart = pdf_text(data).split("Not counted in this cycle")
    assert "Lockout course" in counted
    assert "Before my cycle" not in counted and "Course next month" not in counted
    assert "they are not part of what you send to MSSC" in apart
    assert re.search(r"Dec 1, 2021 Training course Before my cycle .* 8 0 none outside", apart)
    assert re.search(r"Dec 20, 2026 Training course Course next month .* 8 0 none dated after",
                     apart)
    assert "Counted 8 points" in counted


@needs_pdftotext
def test_the_first_page_says_which_figures_are_estimates(app, user_client):
    cpt = example_a(app, user_client)
    data, html = report(user_client, cpt)
    first = " ".join(pages_text(data)[0].split())
    assert ESTIMATES in first
    assert "Training course: 1 point per contact hour" in first
    assert "Check with MSSC before you apply." in first
    assert "Status Complete (by Recert's estimates)" in first
    assert "Counted 128 points estimate" in first
    assert "Certificate number: not given yet (add it before you apply)" in first
    # Each category's counted points marked, and the mark explained once, under the table.
    assert "Training course 10 10 estimate" in first
    assert "College course not for credit 0 0 Training" in first  # nothing counted: no mark
    assert first.count('Figures marked "estimate": MSSC has not published') == 1

    page = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert ESTIMATES in page
    assert "Status Complete (by Recert's estimates)" in page
    assert "Certificate number: not given yet (add it before you apply)" in page
    with app.test_request_context():
        how = url_for("how_points.page", code="mssc-cpt")
    assert f'<a href="{how}">How points work for CPT</a>' in html


@needs_pdftotext
def test_a_long_file_name_wraps_only_at_its_separators(user_client, cpt):
    log_activity(user_client, cpt, title="Forklift operator",
                 files=[(LONG_NAME, pdf_bytes())])
    data, html = report(user_client, cpt)
    # In the order it is drawn, the proof cell's lines follow each other.
    lines = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True,
                           check=True).stdout.decode().splitlines()
    start = next(n for n, line in enumerate(lines) if "certificate_" in line)
    parts = [lines[start][lines[start].index("certificate_"):]]
    while "".join(parts) != LONG_NAME:
        start += 1
        parts.append(lines[start])
        assert LONG_NAME.startswith("".join(parts)), parts  # nothing else, nothing added
    assert len(parts) >= 2, parts  # too wide for the proof column: it wraps
    assert all(part[-1] in "_-." for part in parts[:-1]), parts
    # The page offers the same places to wrap, and no others.
    assert ("certificate_<wbr>of_<wbr>completion_<wbr>forklift_<wbr>operator_<wbr>2025-<wbr>"
            "08-<wbr>10.pdf") in html


@needs_pdftotext
def test_the_first_page_holds_the_start_of_the_activity_table(app, user_client, cpt):
    insert_activities(app, cpt, 40)
    data, _html = report(user_client, cpt)
    first = pages_text(data)[0]
    assert MAIN in " ".join(first.split())
    assert len(re.findall(r"Course \d+", first)) >= 2


@needs_pdftotext
def test_no_table_row_stands_alone_on_a_page(app, user_client, cpt):
    """Activities are added one by one until the list runs onto a new page: the first page
    never ends with one row, and no page starts with the last one alone."""
    app.config["DOWNLOAD_RATE_LIMIT"] = "1000 per minute"
    counts = []
    for total in range(1, 60):
        insert_activities(app, cpt, 1)
        if 6 <= total < 28:  # the second page's rows: its end is near 30
            continue
        data, _html = report(user_client, cpt)
        counts = [len(re.findall(r"Course \d+", page)) for page in pages_text(data)]
        rows = [count for count in counts if count]
        assert sum(rows) == total
        assert total == 1 or min(rows) >= 2, (total, counts)
        if len(rows) == 3:
            break
    assert len([count for count in counts if count]) == 3, "the list never reached a 3rd page"
