"""The whole journey with the keyboard alone, in Debian's Chromium: no mouse, no `fill()`.

A visitor uses the skip link, registers, adds the CPT (ticking its modules with Space and
typing their dates), logs an activity with a proof file picked from a file chooser opened by
the keyboard, opens the dashboard (whose table shows its rows as cards on a phone),
downloads the PDF, imports a CSV (upload, preview, confirm), records the renewal, moves an
activity to the trash and restores it, logs out and logs back in. Tab and Shift+Tab move, Enter
follows links and presses buttons, Space ticks boxes and opens file choosers, the arrow keys
move through a group of radio buttons and scroll the page. Every element the focus stops on
must show that it has it: an outline or a ring with 3:1 contrast against what lies behind it,
read from the computed style. The journey runs on SQLite only: the keyboard does not depend on
the database.

Screenshots of some focus states go to tests/artifacts/7*.png.
"""

from datetime import date

import pytest

from tests.browser.helpers import ARTIFACTS, CPT_MODULES, browser_tests, follow_emailed_link
from tests.helpers import PASSWORD, pdf_bytes

pytestmark = browser_tests
expect = pytest.importorskip("playwright.sync_api").expect

# Certified 2022-03-15: the cycle ends 2027-03-15 and the application window opened 2026-12-15.
TODAY = date(2026, 12, 20)

# The focused element, and whether its focus shows: an outline, or a box-shadow ring (a shadow
# with a spread), whose colour has at least 3:1 contrast with what lies behind it (WCAG 2.1's
# 1.4.11 for the visual state of a component). Pale rings pass a mere "is there a colour" test.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  el.getAnimations().forEach(a => a.finish());  // the focus ring's transition, at its end
  const style = getComputedStyle(el);
  const rgba = text => {
    const m = text.match(/rgba?\\(([^)]*)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(parseFloat);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  // The first opaque background behind the element (rings and outlines are drawn outside it).
  let behind = [255, 255, 255, 1];
  for (let node = el.parentElement; node; node = node.parentElement) {
    const colour = rgba(getComputedStyle(node).backgroundColor);
    if (colour && colour[3] === 1) { behind = colour; break; }
  }
  const luminance = c => {
    const [r, g, b] = c.slice(0, 3).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = colour => {  // the colour as painted over `behind`
    if (!colour) return 0;
    const painted = colour.slice(0, 3).map((v, i) => v * colour[3] + behind[i] * (1 - colour[3]));
    const [light, dark] = [luminance(painted), luminance(behind)].sort((a, b) => b - a);
    return (light + 0.05) / (dark + 0.05);
  };
  const ratios = [0];
  if (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) {
    ratios.push(contrast(rgba(style.outlineColor)));
  }
  // Each shadow: a colour and 2 to 4 lengths; a ring is one with a spread.
  const shadows = style.boxShadow === "none" ? [] : style.boxShadow.split(/,(?![^(]*\\))/);
  for (const shadow of shadows) {
    const lengths = shadow.replace(/rgba?\\([^)]*\\)/, "").trim().split(/\\s+/).map(parseFloat);
    if (lengths.length > 3 && lengths[3] > 0) ratios.push(contrast(rgba(shadow)));
  }
  const box = el.getBoundingClientRect();
  const label = el.labels && el.labels.length ? el.labels[0].innerText : "";
  const by = el.getAttribute("aria-labelledby");
  const labelled = by && document.getElementById(by) ? document.getElementById(by).innerText : "";
  return {
    name: (label || el.getAttribute("aria-label") || labelled || el.innerText || el.value
           || "").trim(),
    background: style.backgroundColor,
    tag: el.tagName.toLowerCase(), onScreen: box.width > 0 && box.right > 0 && box.left >= 0,
    outline: style.outlineStyle + " " + style.outlineWidth + " " + style.outlineColor,
    boxShadow: style.boxShadow, contrast: Math.max(...ratios),
    visible: Math.max(...ratios) >= 3 && box.width > 0,
  };
}"""


class Keyboard:
    """Move through a page the way a keyboard user does; every stop must show the focus."""

    def __init__(self, page):
        self.page = page
        self.stops: list[str] = []
        self.unseen: list[str] = []
        # Playwright asks the browser to hand over file choosers only once something listens,
        # without waiting for the answer: a key pressed right after `expect_file_chooser()`
        # could beat it. Listening from the start keeps the choosers handed over all along.
        page.on("filechooser", lambda chooser: None)

    def focused(self) -> dict | None:
        """The focused element, noted as a problem when its focus does not show."""
        focused = self.page.evaluate(FOCUS)
        if focused is None:
            return None
        stop = f"{focused['tag']} “{focused['name']}”"
        self.stops.append(stop)
        if not (focused["visible"] and focused["onScreen"]):
            path = self.page.url.split("/", 3)[-1]
            self.unseen.append(f"/{path}: {stop} shows no focus, or a faint one "
                               f"({focused['contrast']:.1f}:1; outline {focused['outline']}; "
                               f"box-shadow {focused['boxShadow']})")
        return focused

    def tab_to(self, name: str, limit: int = 60, back: bool = False) -> dict:
        """Press Tab (Shift+Tab when `back`) until the focused element's name starts so."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            focused = self.focused()
            if focused is not None and focused["name"].startswith(name):
                return focused
        raise AssertionError(f"{name!r} was not reached with {'Shift+' if back else ''}Tab; "
                             f"stops: {self.stops[-limit:]}")

    def follow(self, name: str, **kwargs) -> None:
        """Tab to a link or button and press Enter; the next page has loaded after."""
        self.tab_to(name, **kwargs)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def type_into(self, name: str, text: str, **kwargs) -> None:
        self.tab_to(name, **kwargs)
        self.page.keyboard.type(text)

    def choose(self, group: str, name: str) -> None:
        """Tab into a group of radio buttons (the focus lands on its first, or on the one
        chosen) and press the down arrow until the radio named `name` is chosen."""
        radios = self.page.get_by_role("group", name=group).locator("input[type=radio]")
        for _ in range(60):
            self.page.keyboard.press("Tab")
            self.focused()
            if radios.and_(self.page.locator(":focus")).count():
                break
        else:
            raise AssertionError(f"{group!r} was not reached with Tab; stops: {self.stops[-60:]}")
        for _ in range(radios.count()):
            if self.stops[-1].startswith(f"input “{name}"):
                break
            self.page.keyboard.press("ArrowDown")
            self.focused()
        expect(self.page.get_by_role("radio", name=name, exact=True)).to_be_checked()
        expect(self.page.get_by_role("radio", name=name, exact=True)).to_be_focused()

    def tick(self, name: str, **kwargs) -> None:
        """Tab to a checkbox and tick it with Space."""
        self.tab_to(name, **kwargs)
        box = self.page.locator("input[type=checkbox]:focus")
        expect(box).not_to_be_checked()
        self.page.keyboard.press("Space")
        expect(box).to_be_checked()

    def pick_file(self, name: str, path, key: str = "Space") -> None:
        """Tab to a file input and open its file chooser with the keyboard."""
        self.tab_to(name)
        with self.page.expect_file_chooser() as chooser:
            self.page.keyboard.press(key)
        chooser.value.set_files(path)


def shot(page, name: str) -> None:
    """The window (the focus scrolls into it) under tests/artifacts/, transitions ended."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", animations="disabled")


@pytest.fixture
def sqlite_only(database_url):
    """Asked for before `page`, so a skipped run starts no browser."""
    if not database_url.startswith("sqlite"):
        pytest.skip("keyboard use does not depend on the database: checked on SQLite")


def test_keyboard_only_journey(sqlite_only, page, live_url, app, tmp_path):
    app.config["TODAY"] = TODAY
    keys = Keyboard(page)
    main = page.locator("main")
    certificate = tmp_path / "lockout-certificate.pdf"
    certificate.write_bytes(pdf_bytes())
    csv = tmp_path / "more-activities.csv"
    csv.write_text("Date completed,Kind,Title,Provider,Quantity\r\n"
                   "2025-09-10,training,Lean basics,Acme Training,6\r\n"
                   "2024-05-01,college-noncredit,Lockout/tagout refresher,,4\r\n")

    # The welcome page: the skip link comes first, readable over the header, and leads on to
    # the main content.
    page.goto(live_url)
    skip = keys.tab_to("Skip to the main content", limit=1)
    assert skip["background"] not in ("transparent", "rgba(0, 0, 0, 0)")
    shot(page, "70-keyboard-skip-link")
    page.keyboard.press("Enter")
    keys.follow("Create a free account", limit=1)

    # Register.
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    keys.type_into("Email", "pat@example.com")
    keys.type_into("Your name", "Pat Doe", limit=1)
    keys.type_into("Password", PASSWORD, limit=1)
    keys.type_into("Type the password again", PASSWORD, limit=1)
    keys.follow("Create account", limit=1)
    expect(page.get_by_role("heading", name="Check your email to finish")).to_be_visible()
    follow_emailed_link(page, live_url, "/auth/verify/")
    keys.type_into("Your password", PASSWORD)
    keys.follow("Confirm my email", limit=1)
    expect(main.get_by_role("heading", name="Hello, Pat Doe")).to_be_visible()

    # The CPT: the certification date, each required module ticked with Space, and a date
    # typed for the first one. A date box is typed month, day, year in en-US.
    keys.follow("Add the credential you hold")
    keys.follow("Add CPT")
    expect(page.get_by_role("heading", name="Add CPT")).to_be_visible()
    keys.type_into("Certification date", "03152022")
    keys.tick(CPT_MODULES[0])
    keys.type_into(f"Date you passed {CPT_MODULES[0]}", "03012022", limit=3)
    for module in CPT_MODULES[1:]:
        keys.tick(module)
    shot(page, "71-keyboard-module-checkbox")
    keys.follow("Add CPT")
    expect(page.get_by_text("MSSC Certified Production Technician is added.")).to_be_visible()
    expect(main.locator(".modules")).to_contain_text(f"{CPT_MODULES[0]}: passed on Mar 1, 2022")

    # An activity with a proof file: what was done picked with the arrow keys, the file
    # chooser opened with Space.
    keys.follow("Log an activity")
    expect(page.get_by_role("heading", name="Log an activity")).to_be_visible()
    keys.choose("What did you do?", "College course not for credit")
    keys.type_into("Title", "Lockout/tagout refresher")
    shot(page, "72-keyboard-text-input")
    keys.type_into("Provider", "Acme Training", limit=1)
    keys.type_into("Date completed", "05012024")
    keys.type_into("How many", "4")
    keys.pick_file("Proof", certificate)
    shot(page, "73-keyboard-file-input")
    keys.follow("Save activity")
    expect(page.get_by_text("“Lockout/tagout refresher” is saved.")).to_be_visible()
    expect(main.get_by_text("Earns 4 points")).to_be_visible()
    expect(main.get_by_role("link", name="lockout-certificate.pdf")).to_be_visible()

    # The dashboard: the activity's page links to the list of each credential it counts
    # toward, and that list back to the credential.
    keys.follow("MSSC Certified Production Technician")
    keys.follow("← MSSC Certified Production Technician")
    expect(page.get_by_role("heading", name="Your figures")).to_be_visible()

    # The PDF report downloads from its link.
    keys.tab_to("Download PDF")
    shot(page, "74-keyboard-download-link")
    with page.expect_download(timeout=15_000) as download:  # the PDF takes a moment to make
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")
    assert download.value.path().read_bytes().startswith(b"%PDF-")

    # A CSV import, from the activity list (Shift+Tab back up the dashboard to its link): the
    # file chosen with Enter this time, then Shift+Tab from the preview's table back to the
    # button that adds the new row.
    keys.follow("See your 1 activity", back=True)
    keys.follow("Import from a file")
    expect(page.get_by_role("heading", name="Import activities")).to_be_visible()
    keys.pick_file("CSV file", csv, key="Enter")
    keys.follow("Check the file")
    expect(main.get_by_role("heading", name="Check your import")).to_be_visible()
    expect(main.get_by_text("2 rows: 1 to add, 1 already logged (skipped)")).to_be_visible()
    keys.tab_to("The rows of your file")
    keys.follow("Add 1 activity", back=True, limit=3)
    expect(page.get_by_text("Added 1 activity; skipped 1 already logged.")).to_be_visible()
    expect(main.get_by_role("link", name="Lean basics")).to_be_visible()

    # Move an activity to the trash and bring it back.
    keys.follow("Lean basics")
    keys.follow("Move to trash")
    expect(page.get_by_text("“Lean basics” is in the trash.")).to_be_visible()
    expect(main.get_by_role("heading", name="Hello, Pat Doe")).to_be_visible()
    keys.follow("open the trash")
    expect(page.get_by_role("heading", name="Trash")).to_be_visible()
    keys.tab_to("Restore")
    shot(page, "75-keyboard-restore-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("“Lean basics” is back and counts again.")).to_be_visible()

    # The renewal, from the dashboard (offered once the application window has opened): the
    # date box starts empty and takes the date typed.
    keys.follow("MSSC Certified Production Technician")
    keys.follow("← MSSC Certified Production Technician")
    keys.follow("I have renewed")
    expect(main.get_by_role("heading", name="Record your renewal")).to_be_visible()
    expect(page.get_by_label("Date MSSC renewed your credential")).to_have_value("")
    keys.type_into("Date MSSC renewed your credential", "12202026")
    keys.follow("I have renewed")
    expect(page.get_by_text("Saved. Your new cycle runs from")).to_be_visible()
    expect(main.locator("tr.past-cycle")).to_contain_text("Renewed on Dec 20, 2026")

    # On a phone the dashboard's table shows its rows as cards that fit the box, so nothing
    # needs scrolling sideways: Tab reaches the box and the arrow keys scroll down its cards.
    page.set_viewport_size({"width": 375, "height": 800})
    keys.tab_to("Table of points by category")
    region = page.get_by_role("region", name="Table of points by category")
    expect(region.locator("table.cards")).to_be_visible()
    assert region.evaluate("box => box.scrollWidth <= box.clientWidth")
    top = page.evaluate("window.scrollY")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.wait_for_function("top => window.scrollY > top", arg=top)
    shot(page, "76-keyboard-table-region")
    page.set_viewport_size({"width": 1024, "height": 720})

    # Log out from the header, back up the page with Shift+Tab, then log in again.
    keys.follow("Log out", back=True, limit=80)
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    keys.type_into("Email", "pat@example.com")
    keys.type_into("Password", PASSWORD)
    keys.tab_to("Log in", limit=3)
    shot(page, "77-keyboard-login-button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Welcome back, Pat Doe.")).to_be_visible()

    assert not keys.unseen, "\n".join(keys.unseen)
