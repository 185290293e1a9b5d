"""Where an activity counts, in a real browser: the form offers, for each credential, only the
categories that take the kind chosen, and says where "Yes, where it fits" puts it.

Screenshots go to tests/artifacts/40-*.png.
"""

from datetime import date

from tests.browser.helpers import browser_tests, register_and_add_cpt, shot

pytestmark = browser_tests


def choose(page, kind: str) -> None:
    """Choose a kind's card (its radio button) by the kind's code."""
    page.locator(f"input[name=kind][value={kind}]").check()


def offered(select) -> list[str]:
    """The options of a select a person can pick."""
    return select.locator("option:not([disabled])").all_inner_texts()


def test_the_counting_choice_follows_the_kind(page, live_url, app):
    app.config["TODAY"] = date(2026, 11, 24)
    register_and_add_cpt(page, live_url)
    page.locator("main").get_by_role("button", name="Log an activity").first.click()
    cpt = page.get_by_label("Count it toward MSSC Certified Production Technician?")

    choose(page, "training")
    assert offered(cpt) == [
        "Yes, where it fits: as “Training course” (1 point per contact hour)",
        "Yes, as “Training course” (1 point per contact hour)",
        "No, leave it out of CPT",
    ]

    choose(page, "volunteering")
    assert offered(cpt)[0] == ("Yes, where it fits: as “Volunteering, teaching or association "
                               "work” (1 point per hour)")
    assert len(offered(cpt)) == 3
    shot(page, "40-counting-follows-kind")

    # A choice the new kind cannot take goes back to where it fits.
    choose(page, "job")
    cpt.select_option("E")
    choose(page, "training")
    assert cpt.input_value() == ""
