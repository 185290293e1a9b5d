"""Recert on a phone 390 pixels wide: every table row's points show without scrolling sideways.

Below 600 px each table row is a card with each value under its column's heading
(static/tables.js labels the cells, static/tables.css lays them out). A person registers and adds
the CPT in the browser, logs activities (through the forms, by the test client), and reads the
activity list, the credential page and the report: each row's points are inside the window and
the page is no wider than the window. Screenshots of every page go to tests/artifacts/7*.png
(phone) and 8*.png (1280 px, where tables keep their columns).
"""

from datetime import date

import pytest
from flask import url_for
from playwright.sync_api import expect

from tests.browser.helpers import browser_tests, register_and_add_cpt, shot
from tests.browser.test_journey import RUN_AXE, WCAG_TAGS, axe_source
from tests.examples import job
from tests.helpers import AuthActions, image_bytes, log_activity, pdf_bytes

pytestmark = browser_tests

PHONE = 390
TODAY = date(2026, 12, 20)

# Each shown points cell of a table (a number column, or the points an activity counts toward
# each credential): where its text lies, and the text of its row to name it by.
POINTS_CELLS = """() => [...document.querySelectorAll("table td.num, table td.counts")]
  .filter(cell => cell.getClientRects().length)
  .map(cell => {
    const range = document.createRange();
    range.selectNodeContents(cell);
    const box = range.getBoundingClientRect();
    return {row: cell.closest("tr").innerText.replace(/\\s+/g, " ").slice(0, 60),
            text: cell.innerText.trim(), left: box.left, right: box.right};
  })"""

# A select box's choices wider than one line of the box: cut off where a select cannot wrap
# (browsers without styleable selects), for the owners of the words to shorten.
CUT_CHOICES = """() => {
  const canvas = document.createElement("canvas").getContext("2d");
  return [...document.querySelectorAll("main select")]
    .filter(select => select.clientWidth).flatMap(select => {
    const style = getComputedStyle(select);
    canvas.font = style.font;
    const room = select.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    return [...select.options]
      .filter(option => canvas.measureText(option.text).width > room)
      .map(option => select.name + ": " + option.text.trim());
  });
}"""


# The chart's labels that are smaller than 11 px on screen, or run past the chart or into each
# other.
CHART_LABELS = """() => {
  const chart = document.querySelector("main svg.chart");
  const frame = chart.getBoundingClientRect();
  const labels = [...chart.querySelectorAll("text")].map(text => ({
    text: text.textContent.trim(), box: text.getBoundingClientRect(),
    size: parseFloat(getComputedStyle(text).fontSize) * chart.getScreenCTM().a}));
  const apart = (a, b) => a.right <= b.left || b.right <= a.left || a.bottom <= b.top
    || b.bottom <= a.top;
  return labels.flatMap((label, index) => [
    ...(label.size < 11 ? [`${label.text} is ${label.size.toFixed(1)} px`] : []),
    ...(label.box.left < frame.left || label.box.right > frame.right || label.box.top < frame.top
        || label.box.bottom > frame.bottom ? [`${label.text} runs past the chart`] : []),
    ...labels.slice(index + 1).filter(other => !apart(label.box, other.box))
      .map(other => `${label.text} runs into ${other.text}`)]);
}"""

# The words of the tables' cells in <main> that a line ends inside: each text node's letters,
# one by one, with the line each lies on (a word is letters and digits; a hyphen or a slash
# ends it, as a file name's separators do).
BROKEN_WORDS = r"""() => {
  const broken = [];
  const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.parentElement.closest("td, th")) continue;
    const text = node.textContent;
    let top = null;
    for (let i = 0; i < text.length; i += 1) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      if (top !== null && box.top > top + 2 && /\w/.test(text[i]) && /\w/.test(text[i - 1])) {
        broken.push(text.slice(Math.max(0, i - 10), i) + "|" + text.slice(i, i + 10));
      }
      top = box.top;
    }
  }
  return broken;
}"""


def log_example(app, credential_id: int) -> None:
    """Worked example A with proof, and a long title and provider to wrap."""
    client = app.test_client()
    AuthActions(client).login()
    for title, category, day, quantity in [
        ("Safety course", "CE-TRAINING", "2022-06-01", "10"),
        ("Statistics", "CE-CREDIT", "2023-05-20", "3"),
        ("Forklift certification", "IC", "2024-09-10", "1"),
        ("Robotics coaching", "X", "2025-04-02", "20"),
        ("Hydraulics and pneumatics troubleshooting for maintenance technicians",
         "CE-NONCREDIT", "2025-10-02", "6"),
    ]:
        response = log_activity(client, credential_id, title=title, category=category,
                                completed_on=day, quantity=quantity,
                                provider="Valley Community College Workforce Center",
                                files=[(f"{title[:20]}.pdf", pdf_bytes())])
        assert response.status_code == 302, response.text
    job(client, credential_id, "Line operator", "2022-03-15", "2026-03-14",
        files=[("letter.png", image_bytes())])


def urls(app, credential_id: int) -> dict[str, str]:
    """The pages a person reads, by the names of their screenshots."""
    cid = {"credential_id": credential_id}
    with app.test_request_context():
        return {
            "home": url_for("dashboard.home"),
            "credential": url_for("credentials.show", **cid),
            "activities": url_for("activities.index", **cid),
            "activity-form": url_for("activities.new", **cid),
            "record": url_for("record.index"),
            "report": url_for("reports.page", **cid),
            "import": url_for("imports.upload", **cid),
            "renewal": url_for("renewal.record", **cid),
            "trash": url_for("trash.index"),
            "account": url_for("account.overview"),
            "change-log": url_for("account.log"),
            "tokens": url_for("api_tokens.index"),
            "devices": url_for("devices.index"),
        }


def points_off_screen(page, width: int) -> list[str]:
    cells = page.evaluate(POINTS_CELLS)
    assert cells, f"{page.url}: no points in a table"
    return [f"{cell['row']}: {cell['text']!r} at {cell['left']:.0f} to {cell['right']:.0f} px"
            for cell in cells if cell["left"] < 0 or cell["right"] > width]


@pytest.fixture
def credential_id(page, live_url, app, database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("the layout does not depend on the database: checked on SQLite")
    app.config["TODAY"] = TODAY
    page.set_viewport_size({"width": PHONE, "height": 800})
    register_and_add_cpt(page, live_url)
    credential_id = int(page.url.rstrip("/").rsplit("/", 1)[-1])
    log_example(app, credential_id)
    return credential_id


def test_points_show_on_a_phone(page, live_url, app, credential_id, tmp_path):
    pages = urls(app, credential_id)
    csv = tmp_path / "more.csv"
    csv.write_text("Date completed,Kind,Title,Provider,Quantity\r\n"
                   "2025-09-10,training,Lean basics,Acme Training,6\r\n"
                   "2022-06-01,training,Safety course,,10\r\n")
    main = page.locator("main")
    problems, cut = [], []

    def look(number: int, name: str) -> None:
        """Check the page shown, and save its screenshot."""
        page.wait_for_load_state("load")
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > PHONE:
            problems.append(f"{name}: the page is {scroll_width} px wide")
        if name in ("activities", "credential", "report", "record", "import-preview"):
            problems.extend(f"{name}: {where}" for where in points_off_screen(page, PHONE))
        if name in ("credential", "report"):
            problems.extend(f"{name}: chart: {label}" for label in page.evaluate(CHART_LABELS))
        cut.extend(f"{name}: {choice}" for choice in page.evaluate(CUT_CHOICES))
        # The cards keep the tables' meaning and the contrast of what they show (the other
        # pages are checked by test_journey.py).
        if page.locator("main table").count():
            if not page.evaluate("typeof window.axe === 'object'"):
                page.evaluate(axe_source())
            problems.extend(f"{name}: axe {violation['id']}: {violation['nodes']}"
                            for violation in page.evaluate(RUN_AXE, WCAG_TAGS)["violations"])
        shot(page, f"7{number:02}-phone-{name}")

    for number, (name, path) in enumerate(pages.items()):
        if name == "trash":  # with an activity in it
            page.goto(live_url + pages["record"])
            main.get_by_role("link", name="Safety course").click()
            main.get_by_role("button", name="Move to trash").click()
        page.goto(live_url + path)
        look(number, name)
        if name == "activity-form" and main.locator("input[type=radio]").count():
            main.locator("input[type=radio]").first.check()  # its fields and selects show
            look(number, "activity-form-chosen")
        if name == "import":
            page.get_by_label("CSV file").set_input_files(csv)
            main.get_by_role("button", name="Check the file").click()
            look(number, "import-preview")
    print("Choices longer than a line of their select box at 390 px:", *sorted(set(cut)),
          sep="\n  ")
    assert not problems, "\n".join(problems)


def test_rows_are_cards_on_a_phone_and_rows_on_a_wide_screen(page, live_url, app,
                                                             credential_id):
    activities = live_url + urls(app, credential_id)["activities"]
    page.goto(activities)
    row = page.locator("main table tbody tr").first
    # Each value under its column's heading; the table keeps its meaning for screen readers.
    assert row.evaluate("row => getComputedStyle(row).display") == "block"
    counts = row.get_by_role("cell").nth(5)
    assert counts.get_attribute("data-label") == "Counts"
    before = counts.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert before.startswith('"Counts"'), before
    expect(page.get_by_role("columnheader", name="Counts")).to_have_count(1)

    # A long choice wraps in its box, whole.
    category = page.locator("main select[name=category]")
    category.select_option(label="Volunteering, teaching or association work")
    assert category.evaluate("box => box.scrollWidth <= box.clientWidth && box.clientHeight > 60")

    # The report page too: its list a card per row, the counted points and their mark
    # under "Counts", whole words on each line.
    report = live_url + urls(app, credential_id)["report"]
    page.goto(report)
    listed = page.locator("main table.activities tbody tr").first
    assert listed.evaluate("row => getComputedStyle(row).display") == "block"
    counts = listed.get_by_role("cell").nth(5)
    assert counts.get_attribute("data-label") == "Counts"
    assert counts.inner_text() == "10 estimate"
    assert page.evaluate(BROKEN_WORDS) == []
    # Printed from the phone, the report keeps its columns.
    page.emulate_media(media="print")
    assert listed.evaluate("row => getComputedStyle(row).display") == "table-row"
    page.emulate_media(media="screen")

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(activities)
    assert row.evaluate("row => getComputedStyle(row).display") == "table-row"
    page.goto(report)
    assert listed.evaluate("row => getComputedStyle(row).display") == "table-row"
    page.goto(activities)
    expect(page.get_by_role("columnheader", name="Counts")).to_be_visible()
    for number, name in enumerate(["activities", "credential", "report"]):
        page.goto(live_url + urls(app, credential_id)[name])
        shot(page, f"8{number:02}-wide-{name}")


def test_without_scripts_tables_scroll_in_their_box(page, live_url, app, credential_id):
    context = page.context.browser.new_context(
        java_script_enabled=False, viewport={"width": PHONE, "height": 800})
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.goto(live_url + urls(app, credential_id)["activities"])
    expect(plain.locator("main table.cards")).to_have_count(0)
    expect(plain.get_by_role("columnheader", name="Counts")).to_be_visible()
    assert plain.evaluate("document.documentElement.scrollWidth") <= PHONE
    box = plain.locator("main .table-scroll").first
    assert box.evaluate("box => box.scrollWidth > box.clientWidth"), "the table does not scroll"
    shot(plain, "790-phone-activities-without-scripts")
    context.close()
