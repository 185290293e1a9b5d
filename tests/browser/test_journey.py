"""The whole product in a real browser: every page passes axe-core, fits a phone, works by keyboard.

A person registers, adds the CPT, logs five activities with proof, reads the dashboard and the
report, downloads the PDF, imports a CSV, records the renewal (and undoes it), changes an
activity and reads its history and the account's change log, then logs out. On every page
axe-core (tests/vendor/axe-core, put into the page by these tests only) checks the WCAG 2.0
and 2.1 A and AA rules, and its visible text must read at grade 8 or lower (Flesch-Kincaid,
tests/readability.py). The same journey runs again 375 pixels wide, where axe runs too and no
page may scroll sideways. Only the desktop journey runs on PostgreSQL as well: the layout does
not depend on the database. The journey by keyboard alone is in test_keyboard.py.

Per-page axe results and reading grades go to tests/artifacts/axe-results.json; screenshots to
tests/artifacts/5*.png (desktop) and 6*.png (phone).
"""

import json
import re
from datetime import date
from functools import cache
from pathlib import Path

import pytest

from tests.browser.helpers import (
    ARTIFACTS,
    CPT_MODULES,
    browser_tests,
    register,
    shot,
    to_credential_list,
)
from tests.helpers import image_bytes, pdf_bytes
from tests.readability import grade

pytestmark = browser_tests
expect = pytest.importorskip("playwright.sync_api").expect

AXE = Path(__file__).resolve().parents[1] / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """tags => axe.run(document, {
  runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]
}).then(r => ({
  version: r.testEngine.version,
  passes: r.passes.length,
  incomplete: r.incomplete.map(i => i.id),
  violations: r.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(" ") + ": " + n.failureSummary),
  })),
}))"""

# Certified 2022-03-15: the cycle ends 2027-03-15 and the application window opened 2026-12-15.
TODAY = date(2026, 12, 20)
# What the form asks ("What did you do?"): kinds of activity, each in its unit.
TRAINING = "Training course or workshop"
CREDIT = "College course for credit"
CERTIFICATION = "Certification earned"
EXTRA = "Volunteering"
JOB = "Work in a related job"
PROOF = "Proof (certificate, transcript, letter)"

# The hardest reading a page of the journey may ask for: grade 8 (Flesch-Kincaid), each line of
# its visible text counted as a sentence. MSSC suggests grade 10 for its users; we aim lower.
MOST_READING_GRADE = 8
# {"1024px": {"home": {"passes": 21, "violations": 0, ...}, ...}, "375px": {...}}
RESULTS: dict[str, dict[str, dict]] = {}
SHOTS: set[str] = set()


@cache
def axe_source() -> str:
    return AXE.read_text(encoding="utf-8") + "\n;undefined"


def visible_text(page) -> str:
    """The page's text as it shows: a select box shows its chosen option, not every one."""
    unseen = set(page.evaluate(
        "[...document.querySelectorAll('option')].filter(o => !o.selected).map(o => o.text)"))
    lines = page.locator("body").inner_text().splitlines()
    return "\n".join(line for line in lines if line.strip() not in unseen)


class PageChecks:
    """Runs axe (and, on a phone, the sideways-scroll check) on each page; collects problems."""

    def __init__(self, page, live_url: str, width: int):
        self.page = page
        self.live_url = live_url
        self.width = width
        self.results = RESULTS.setdefault(f"{width}px", {})
        self.results.clear()
        self.problems: list[str] = []
        self.engine = None

    def __call__(self, name: str) -> None:
        page = self.page
        page.wait_for_load_state("load")
        if not page.evaluate("typeof window.axe === 'object'"):
            # Evaluated as the browser's own script: the page's Content-Security-Policy would
            # refuse an inline <script>, and the app need not serve axe at all.
            page.evaluate(axe_source())
        result = page.evaluate(RUN_AXE, WCAG_TAGS)
        self.engine = result["version"]
        record = {"path": page.url.removeprefix(self.live_url), "passes": result["passes"],
                  "violations": len(result["violations"]),
                  # Rules axe cannot decide alone: here contrast over Pico's background
                  # images (select arrows, date icons) and of the SVG chart's labels.
                  "incomplete": result["incomplete"]}
        for violation in result["violations"]:
            self.problems.append(f"{name}: axe {violation['id']} ({violation['impact']}): "
                                 f"{violation['help']}\n    " + "\n    ".join(violation["nodes"]))
        if self.width >= 600:  # the same words at any width
            record["reading_grade"] = round(grade(visible_text(page)), 1)
            if record["reading_grade"] > MOST_READING_GRADE:
                self.problems.append(f"{name}: reads at grade {record['reading_grade']}, above "
                                     f"{MOST_READING_GRADE}")
        if self.width < 600:
            scroll_width, inner_width = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]")
            record["scroll_width"] = scroll_width
            if scroll_width > inner_width:
                self.problems.append(f"{name}: scrolls sideways ({scroll_width} px wide in a "
                                     f"{inner_width} px window)")
        self.results[name] = record
        print(f"{self.width}px {name}: {record['passes']} rules passed, "
              f"{record['violations']} violations")

    def shot(self, number: int, name: str) -> None:
        # Once a run: the second database's pages look the same.
        name = f"{5 if self.width >= 600 else 6}{number}-journey-{name}"
        if name not in SHOTS:
            SHOTS.add(name)
            shot(self.page, name)

    def save(self) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / "axe-results.json"
        saved = json.loads(path.read_text()) if path.exists() else {}
        saved.update({"axe-core": self.engine, "tags": WCAG_TAGS})
        saved.setdefault("viewports", {})[f"{self.width}px"] = self.results
        path.write_text(json.dumps(saved, indent=2) + "\n")


def save_activity(page, check, title: str, kind: str, files, *, day: str = "",
                  how_many: str = "", job: tuple[str, str] | None = None,
                  first: bool = False) -> None:
    """From the activity list (or the dashboard), log one activity with its proof."""
    page.locator("main").get_by_role("button", name="Log an activity").first.click()
    expect(page.get_by_role("heading", name="Log an activity")).to_be_visible()
    if first:
        check("activity-form")
        page.get_by_role("button", name="Save activity").click()
        expect(page.locator(".field-error").first).to_be_visible()
        check("activity-form-errors")
    page.get_by_role("radio", name=kind, exact=True).check()
    page.get_by_label("Title").fill(title)
    if job:
        page.get_by_label("Start date").fill(job[0])
        page.get_by_label("End date", exact=True).fill(job[1])
        page.get_by_label("Full time or part time").select_option(label="full time")
    else:
        page.get_by_label("Date completed").fill(day)
        page.get_by_label("How many").fill(how_many)
    page.get_by_label(PROOF).set_input_files(files)
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_text(f"“{title}” is saved.")).to_be_visible()
    if first:
        check("activity")
    to_credential_list(page)


@pytest.fixture
def width(request, database_url):
    """The window's width; asked for before `page`, so a skipped run starts no browser."""
    if request.param < 600 and not database_url.startswith("sqlite"):
        pytest.skip("the phone layout does not depend on the database: checked on SQLite")
    return request.param


@pytest.mark.parametrize("width", [1024, 375], ids=["desktop", "phone"], indirect=True)
def test_journey_through_every_page(width, page, live_url, app, tmp_path):
    app.config["TODAY"] = TODAY
    page.set_viewport_size({"width": width, "height": 800})
    check = PageChecks(page, live_url, width)
    main = page.locator("main")

    # A visitor reads the welcome page and creates an account; a blank form explains itself.
    page.goto(live_url)
    check("welcome")
    main.get_by_role("button", name="Create a free account").click()
    check("register")
    main.get_by_role("button", name="Create account").click()
    expect(main.locator(".field-error").first).to_be_visible()
    check("register-errors")
    register(page, live_url)
    expect(main.get_by_role("heading", name="Hello, Pat Doe")).to_be_visible()
    check("home-empty")

    # The CPT with its four modules.
    main.get_by_role("button", name="Add the credential you hold").click()
    check("credential-choose")
    main.get_by_role("button", name="Add CPT").click()
    check("credential-form")
    page.get_by_label("Certification date").fill("2022-03-15")
    for module in CPT_MODULES:
        page.get_by_label(module, exact=True).check()
    main.get_by_role("button", name="Add CPT").click()
    expect(page.get_by_text("MSSC Certified Production Technician is added.")).to_be_visible()
    check("dashboard-new")

    # Five activities (worked example A), each with proof.
    files = {}
    for name, content in [("certificate.pdf", pdf_bytes()), ("transcript.pdf", pdf_bytes()),
                          ("forklift-card.png", image_bytes()), ("letter.pdf", pdf_bytes()),
                          ("badge.png", image_bytes())]:
        files[name] = tmp_path / name
        files[name].write_bytes(content)
    save_activity(page, check, "Safety course", TRAINING, [files["certificate.pdf"]],
                  day="2022-06-01", how_many="10", first=True)
    check("activities")
    save_activity(page, check, "Statistics", CREDIT, [files["transcript.pdf"]],
                  day="2023-05-20", how_many="3")
    save_activity(page, check, "Forklift certification", CERTIFICATION,
                  [files["forklift-card.png"], files["certificate.pdf"]],
                  day="2024-09-10", how_many="1")
    save_activity(page, check, "Robotics coaching", EXTRA, [files["letter.pdf"]],
                  day="2025-04-02", how_many="30")
    save_activity(page, check, "Line operator", JOB, [files["badge.png"]],
                  job=("2022-03-15", "2026-03-14"))
    expect(main.get_by_text("128 points count (100 needed)")).to_be_visible()
    check("activities-five")
    check.shot(0, "activities")

    # The same course again: the form warns before saving, and nothing is saved on Cancel.
    main.get_by_role("button", name="Log an activity").first.click()
    page.get_by_role("radio", name=TRAINING, exact=True).check()
    page.get_by_label("Title").fill("Safety course")
    page.get_by_label("Date completed").fill("2022-06-01")
    page.get_by_label("How many").fill("10")
    page.get_by_role("button", name="Save activity").click()
    expect(main.get_by_role("heading", name="Check this before you save")).to_be_visible()
    expect(main.get_by_role("button", name="Save anyway")).to_be_visible()
    check("activity-form-warning")
    main.get_by_role("link", name="Cancel").click()
    expect(main.get_by_text("128 points count (100 needed)")).to_be_visible()

    # Everything logged, whatever it counts toward; an activity with an image as proof shows it.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Activities").click()
    expect(main.get_by_role("heading", name="Everything you logged")).to_be_visible()
    expect(main.get_by_role("row").filter(has_text="Robotics coaching")).to_contain_text(
        "CPT: 20 points")
    check("record")
    main.get_by_role("link", name="Forklift certification").click()
    expect(main.get_by_role("img", name="Proof: forklift-card.png")).to_be_visible()
    check("activity-with-image")

    # The home page and the dashboard: complete, and the application window is open.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    card = main.locator("article.credential-card")
    expect(card.locator(".status strong")).to_have_text("Complete (by Recert's estimates)")
    check("home")
    check.shot(1, "home")
    card.get_by_role("link", name="MSSC Certified Production Technician").click()
    expect(main.locator(".big-figures")).to_contain_text("128 points (100 needed)")
    check("dashboard")
    check.shot(2, "dashboard")

    # Where each figure comes from: MSSC's or Recert's estimate.
    main.get_by_role("link", name="How points work for CPT").first.click()
    expect(main.get_by_role("heading", name="How points work for CPT")).to_be_visible()
    check("how-points")
    page.go_back()

    # The report on screen, and as a PDF.
    main.get_by_role("button", name="See the report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("recertification report")
    check("report")
    check.shot(3, "report")
    page.go_back()
    with page.expect_download() as download:
        main.get_by_role("button", name="Download PDF").click()
    pdf = download.value
    assert pdf.suggested_filename.endswith(".pdf")
    assert pdf.path().read_bytes().startswith(b"%PDF-")

    # A CSV import: one new row, one already logged; the preview says so before anything is added.
    csv = tmp_path / "more-activities.csv"
    csv.write_text("Date completed,Kind,Title,Provider,Quantity\r\n"
                   "2025-09-10,training,Lean basics,Acme Training,6\r\n"
                   "2022-06-01,training,Safety course,,10\r\n")
    main.get_by_role("button", name=re.compile(r"^See your \d+ activities")).click()
    main.get_by_role("button", name="Import from a file").first.click()
    check("import-upload")
    page.get_by_label("CSV file").set_input_files(csv)
    main.get_by_role("button", name="Check the file").click()
    expect(main.get_by_role("heading", name="Check your import")).to_be_visible()
    expect(main.get_by_text("2 rows: 1 to add, 1 already logged (skipped)")).to_be_visible()
    check("import-preview")
    check.shot(4, "import-preview")
    main.get_by_role("button", name="Add 1 activity").click()
    expect(page.get_by_text("Added 1 activity; skipped 1 already logged.")).to_be_visible()
    expect(main.get_by_role("link", name="Lean basics")).to_be_visible()
    check("activities-imported")

    # Renewal: recorded, seen among the past cycles, then undone.
    main.get_by_role("link", name="← MSSC Certified Production Technician").click()
    main.get_by_role("button", name="I have renewed").click()
    expect(main.get_by_role("heading", name="Record your renewal")).to_be_visible()
    check("renewal")
    main.get_by_label("Date MSSC renewed your credential").fill("2026-12-20")
    main.get_by_role("button", name="I have renewed").click()
    expect(page.get_by_text("Saved. Your new cycle runs from")).to_be_visible()
    expect(main.locator("tr.past-cycle")).to_contain_text("Renewed on Dec 20, 2026")
    check("dashboard-renewed")
    check.shot(5, "dashboard-renewed")
    main.get_by_role("button", name="Undo the renewal").click()
    check("renewal-undo")
    main.get_by_role("button", name="Undo it").click()
    expect(page.get_by_text("Undone. Your cycle Mar 15, 2022 to")).to_be_visible()

    # A change to an activity shows in its history.
    main.get_by_role("button", name=re.compile(r"^See your \d+ activities")).click()
    main.get_by_role("link", name="Statistics").click()
    main.get_by_role("button", name="Change", exact=True).click()
    expect(main.get_by_role("heading", name="Change activity")).to_be_visible()
    check("activity-edit")
    page.get_by_label("Provider").fill("Valley Community College")
    main.get_by_role("button", name="Save changes").click()
    history = main.locator("article").filter(has=page.get_by_role("heading", name="History"))
    expect(history).to_contain_text("Valley Community College")
    check("activity-history")
    check.shot(6, "activity-history")

    # The trash, and back again: the home page follows, its message links to the trash.
    main.get_by_role("button", name="Move to trash").click()
    expect(main.get_by_role("heading", name="Hello, Pat Doe")).to_be_visible()
    main.get_by_role("link", name="open the trash").click()
    check("trash")
    main.get_by_role("row").filter(has_text="Statistics").get_by_role(
        "button", name="Restore").click()
    expect(page.get_by_text("“Statistics” is back and counts again.")).to_be_visible()

    # The account and its change log: the renewal, its undo and the import are there.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Account").click()
    check("account")
    main.get_by_role("button", name="Bring in data from an export").click()
    check("account-import")
    main.get_by_role("link", name="← Your account").click()
    main.get_by_role("button", name="See every change you made").click()
    expect(main.get_by_role("heading", name="Your change log")).to_be_visible()
    log_text = main.locator("table").inner_text().lower()
    for word in ("renew", "undo", "import", "trash", "restore"):
        assert word in log_text, f"the change log does not mention {word!r}"
    check("change-log")
    check.shot(7, "change-log")

    # Log out: the log-in page follows.
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    check("login")

    check.save()
    assert not check.problems, "\n".join(check.problems)
