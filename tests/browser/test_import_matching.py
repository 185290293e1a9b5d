"""Importing a spreadsheet of one's own columns, in the browser: the matching step guesses which
column is which and shows each column's examples, the preview lists the rows with their points
and lets a row's kind be changed, and "Add" puts them on the credential's list.

A CSV with headers "Date,Course,Hours" is matched at 1280 px, and an Excel file (real date
cells) on a phone 390 px wide. Each step passes axe-core (WCAG 2.1 A and AA), is no wider than
the window, and reads at grade 8 at most. Screenshots go to tests/artifacts/95-import-*.png.
"""

from datetime import date, datetime

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import browser_tests, register_and_add_cpt, shot
from tests.browser.test_journey import (
    MOST_READING_GRADE,
    RUN_AXE,
    TRAINING,
    WCAG_TAGS,
    axe_source,
    visible_text,
)
from tests.readability import grade

pytestmark = browser_tests
openpyxl = pytest.importorskip("openpyxl")

TODAY = date(2026, 12, 20)  # the CPT certified 2022-03-15: its cycle runs to 2027-03-15
DATE_COURSE_HOURS = ("Date,Course,Hours\r\n"
                     "5/31/2024,Forklift safety,8\r\n"
                     "6/3/2024,Lockout/tagout,7.5\r\n"
                     "9/12/2024,Welding basics,4\r\n")

# The rows' kind selects whose chosen kind is wider than the box shows (a select cannot wrap).
CUT_KINDS = """() => {
  const canvas = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll("main select.row-kind")].filter(select => {
    const style = getComputedStyle(select);
    canvas.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    return canvas.measureText(select.selectedOptions[0].text).width > room;
  }).map(select => select.name);
}"""


@pytest.fixture
def credential_page(page, live_url, app, database_url):
    """The CPT's activity list, from which the import starts (its address)."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the pages do not depend on the database: the import's saving is "
                    "checked on both in tests/imports")
    app.config["TODAY"] = TODAY
    page.set_viewport_size({"width": 1280, "height": 800})
    register_and_add_cpt(page, live_url)  # ends on the credential's page, /credentials/<id>
    activities = page.url.rstrip("/") + "/activities"
    page.goto(activities)
    page.locator("main").get_by_role("button", name="Import from a file").first.click()
    expect(page.get_by_role("heading", name="Import activities")).to_be_visible()
    return activities


def check_page(page, name: str, width: int) -> None:
    """axe-core finds nothing, the page fits the window, reads plainly; a screenshot."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(axe_source())
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)["violations"]
    assert violations == [], f"{name} at {width} px: {violations}"
    assert page.evaluate("document.documentElement.scrollWidth") <= width, name
    assert grade(visible_text(page)) <= MOST_READING_GRADE, name
    shot(page, f"95-import-{name}-{width}")


def upload(page, path) -> None:
    page.get_by_label("CSV file or Excel file (.xlsx)").set_input_files(path)
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Match your columns")).to_be_visible()


def expect_chosen(page, question: str, column: str, examples: str) -> None:
    """The select of `question` has `column` chosen, with its examples under it."""
    select = page.get_by_label(question)
    expect(select.locator("option:checked")).to_have_text(column)
    expect(page.locator(f"#{select.get_attribute('id')}-help")).to_have_text(examples)


def test_a_csv_of_ones_own_columns_is_matched_previewed_and_added(page, credential_page,
                                                                 tmp_path):
    main = page.locator("main")
    csv = tmp_path / "my-training.csv"
    csv.write_text(DATE_COURSE_HOURS, encoding="utf-8")
    upload(page, csv)
    expect_chosen(page, "Which column has the date you finished?", "Date",
                  "Examples: 5/31/2024, 6/3/2024, 9/12/2024")
    expect_chosen(page, "Which column has the name of the course or activity?", "Course",
                  "Examples: Forklift safety, Lockout/tagout, Welding basics")
    expect_chosen(page, "Which column has how much: the hours (or CEUs, credits)?", "Hours",
                  "Examples: 8, 7.5, 4")
    # Choosing another column shows its examples at once.
    title = page.get_by_label("Which column has the name of the course or activity?")
    title.select_option(label="Hours")
    expect(page.locator("#field_title-help")).to_have_text("Examples: 8, 7.5, 4")
    title.select_option(label="Course")
    # A question no column answers has no examples to show.
    provider = page.get_by_label("Which column has who gave it: the school or company?")
    expect(provider.locator("option:checked")).to_have_text("Not in this file")
    expect(page.locator("#field_provider-help")).to_be_hidden()
    provider.select_option(label="Course")
    expect(page.locator("#field_provider-help")).to_have_text(
        "Examples: Forklift safety, Lockout/tagout, Welding basics")
    provider.select_option(label="Not in this file")
    expect(page.locator("#field_provider-help")).to_be_hidden()
    kind = page.get_by_label("What kind of activity are the rows?")
    expect(kind.locator("option:checked")).to_have_text("The kind column says (or choose one)")
    check_page(page, "matching", 1280)

    # No column says the kind: continuing without one asks for it.
    main.get_by_role("button", name="Show the rows").click()
    expect(main.get_by_text("Choose the kind of the rows, or a column that says it.")) \
        .to_be_visible()
    check_page(page, "matching-error", 1280)
    page.get_by_label("What kind of activity are the rows?").select_option(label=TRAINING)
    main.get_by_role("button", name="Show the rows").click()

    # The preview: three rows to add, each with its points (a training hour is a point).
    expect(page.get_by_role("heading", name="Check your import")).to_be_visible()
    expect(main.get_by_text("3 to add")).to_be_visible()
    points = main.get_by_role("row").locator("td.num")  # earned, and counted
    expect(points).to_have_text(["8", "8", "7.5", "7.5", "4", "4"])
    # The kind select shows the whole name of the kind, not its first letters.
    assert page.evaluate(CUT_KINDS) == []
    # ... and the table fits the window: no column of points is out of sight.
    table = main.locator(".table-scroll")
    assert table.evaluate("box => box.scrollWidth <= box.clientWidth")
    check_page(page, "preview", 1280)

    # Welding basics was taught, not taken: its kind is changed and checked again.
    page.get_by_label("Kind of row 4").select_option(label="Teaching or presenting")
    main.get_by_role("button", name="Check again with these kinds").click()
    expect(page.get_by_label("Kind of row 4").locator("option:checked")) \
        .to_have_text("Teaching or presenting")
    check_page(page, "preview-changed", 1280)
    main.get_by_role("button", name="Add 3 activities").click()

    expect(main.get_by_text("Added 3 activities.")).to_be_visible()
    assert page.url == credential_page
    expect(main).to_contain_text("19.5 points count (100 needed)")
    listed = main.get_by_role("row")
    expect(listed.filter(has_text="Forklift safety").locator("td.num")).to_have_text(["8", "8"])
    expect(listed.filter(has_text="Lockout/tagout").locator("td.num")).to_have_text(
        ["7.5", "7.5"])
    expect(listed.filter(has_text="Welding basics")).to_contain_text(
        "Volunteering, teaching or association work")
    shot(page, "95-import-added-1280")


def test_an_excel_file_with_date_cells_on_a_phone(page, credential_page, tmp_path):
    main = page.locator("main")
    page.set_viewport_size({"width": 390, "height": 800})
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Date", "Course", "Hours"])
    sheet.append([datetime(2024, 5, 31), "Forklift safety", 8])
    sheet.append([datetime(2024, 6, 3), "Lockout/tagout", 7.5])
    xlsx = tmp_path / "my-training.xlsx"
    book.save(xlsx)
    page.reload()  # laid out again at 390 px
    check_page(page, "upload", 390)
    upload(page, xlsx)
    expect_chosen(page, "Which column has the date you finished?", "Date",
                  "Examples: 2024-05-31, 2024-06-03")
    expect_chosen(page, "Which column has how much: the hours (or CEUs, credits)?", "Hours",
                  "Examples: 8, 7.5")
    page.get_by_label("What kind of activity are the rows?").select_option(label=TRAINING)
    check_page(page, "matching", 390)
    main.get_by_role("button", name="Show the rows").click()
    expect(main.get_by_text("2 to add")).to_be_visible()
    expect(main.get_by_role("row").filter(has_text="Forklift safety")).to_contain_text(
        "May 31, 2024")
    expect(main.get_by_role("row").locator("td.num")).to_have_text(["8", "8", "7.5", "7.5"])
    check_page(page, "preview", 390)
    main.get_by_role("button", name="Add 2 activities").click()
    expect(main.get_by_text("Added 2 activities.")).to_be_visible()
    expect(main).to_contain_text("15.5 points count (100 needed)")
    expect(main.get_by_role("row").filter(has_text="Lockout/tagout")).to_contain_text(
        "Jun 3, 2024")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "95-import-added-390")
