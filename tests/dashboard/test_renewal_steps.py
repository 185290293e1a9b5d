"""The steps to renew with MSSC: shown once the points are in or the application window is
open, each with its state and date, on the home page card and the credential page."""

import re
from datetime import date
from decimal import Decimal

import pytest

from tests.helpers import CPT_MODULES, add_cpt, log_activity, submit
from tracker.dashboard.renewal_steps import DONE, LATER, TO_DO, fees_for, renewal_steps
from tracker.rules import ActivityInput, Cycle, cycle_for, evaluate, load_catalog

CATALOG = load_catalog()
CPT, CLT, PMP = (CATALOG.get(code) for code in ("mssc-cpt", "mssc-clt", "pmi-pmp"))
KNOWN = {ruleset.short_name for ruleset in CATALOG.all_current()}
# Certified 2022-03-15: the cycle ends 2027-03-15, the application window opens 2026-12-15.
CYCLE = Cycle(*cycle_for(CPT, date(2022, 3, 15)), frozenset(CPT.required_modules))


def progress(points: int, today: date):
    training = [ActivityInput("t", "CE-TRAINING", date(2023, 1, 1), Decimal(points))]
    return evaluate(CPT, CYCLE, training if points else [], today)


def steps(points: int, today: date, number: str = "", offered: bool = False, held=("CPT",)):
    return renewal_steps(CPT, progress(points, today), certificate_number=number,
                         renewal_offered=offered, held=held, known=KNOWN)


def states(found) -> dict[str, tuple[str, date | None]]:
    return {step.code: (step.state, step.on) for step in found}


def test_no_steps_while_points_are_missing_before_the_window_or_after_the_end():
    assert steps(40, date(2026, 11, 24)) == []
    assert steps(40, date(2027, 4, 1)) == []  # lapsed: regaining is another way


def test_complete_before_the_window_applying_waits_for_its_first_day():
    shown = states(steps(100, date(2026, 11, 24)))
    assert list(shown) == ["points", "estimates", "number", "report", "forms", "apply",
                           "renewed"]
    assert shown["points"] == (DONE, date(2023, 1, 1))
    assert shown["apply"] == (LATER, date(2026, 12, 15))
    assert shown["renewed"] == (LATER, date(2026, 12, 15))


def test_window_open_with_points_missing_shows_what_is_left_to_do():
    shown = states(steps(40, date(2026, 12, 20), offered=True))
    assert shown["points"] == (TO_DO, date(2027, 3, 15))
    assert shown["apply"] == (TO_DO, date(2027, 3, 15))
    assert shown["renewed"] == (TO_DO, None)


def test_the_certificate_number_step_is_done_once_a_number_is_given():
    assert states(steps(100, date(2026, 12, 20), number=""))["number"] == (TO_DO, None)
    assert states(steps(100, date(2026, 12, 20), number="  "))["number"] == (TO_DO, None)
    assert states(steps(100, date(2026, 12, 20), number="CPT-1234"))["number"] == (DONE, None)


def fee_lines(ruleset, held) -> list[tuple[str, Decimal]]:
    return [(fee.label, fee.amount) for fee in fees_for(ruleset, held, KNOWN)]


def test_the_combined_fee_only_when_both_cpt_and_clt_are_held():
    assert fee_lines(CPT, {"CPT"}) == [("Recertification application: CPT", 75)]
    assert fee_lines(CPT, {"CPT", "PMP"}) == [("Recertification application: CPT", 75)]
    both = "Recertification application: CPT and CLT expiring within 90 days of each other"
    assert fee_lines(CPT, {"CPT", "CLT"}) == [("Recertification application: CPT", 75),
                                             (both, 100)]
    assert fee_lines(CLT, {"CLT"}) == [("Recertification application: CLT", 75)]
    assert fee_lines(CLT, {"CLT", "CPT"}) == [("Recertification application: CLT", 75),
                                             (both, 100)]


def test_fees_that_name_no_credential_all_apply_and_other_agencies_have_no_forms_step():
    assert [label for label, _amount in fee_lines(PMP, {"PMP"})] == [
        "Certification renewal, PMI member", "Certification renewal, non-member"]
    pmp = Cycle(*cycle_for(PMP, date(2024, 1, 10)))
    found = renewal_steps(PMP, evaluate(PMP, pmp, [], date(2026, 12, 1)), certificate_number="",
                          renewal_offered=True, held={"PMP"}, known=KNOWN)
    assert "forms" not in states(found)


# Through the app, as the person sees it.

HEADING = "Your steps to renew with MSSC"


def card(client) -> str:
    page = client.get("/").text
    return page[page.index('<article class="credential-card'):page.index("</article>")]


def step_lines(html: str) -> list[str]:
    """Each step as a line of plain text: "To do: Read how points work for CPT. ..."."""
    items = re.findall(r'<li class="step-\w+">(.*?)</li>\s*(?=<li class="step-|</ol>)', html,
                       flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()).replace(" .", ".")
            .replace(" :", ":") for item in items]


@pytest.fixture
def complete_cpt(app, user_client) -> int:
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = add_cpt(user_client, "2022-03-15")
    log_points(user_client, cpt, 100)
    return cpt


def log_points(client, cpt: int, points: int) -> None:
    """Training courses of 20 hours (a point an hour), one a day from Jan 1, 2023."""
    for day in range(1, points // 20 + 1):
        response = log_activity(client, cpt, title=f"Course {day}",
                                completed_on=f"2023-01-{day:02}", quantity="20")
        assert response.status_code == 302, response.text


def test_complete_shows_the_steps_on_the_card_and_the_credential_page(app, user_client,
                                                                      complete_cpt):
    for html in (card(user_client), user_client.get(f"/credentials/{complete_cpt}").text):
        assert HEADING in html
        lines = step_lines(html)
        assert lines[0] == "Done on Jan 5, 2023: You have the 100 points you need."
        assert lines[1].startswith("To do: Read how points work for CPT.")
        assert 'href="/how-points-work/mssc-cpt"' in html
        assert lines[2] == "To do: Add your certificate number. Your report needs it."
        assert f'href="/credentials/{complete_cpt}/edit"' in html
        assert lines[3].startswith("To do: Download your report and your proof packet")
        assert f'href="/credentials/{complete_cpt}/report.pdf"' in html
        assert f'href="/credentials/{complete_cpt}/packet.zip"' in html
        assert lines[4] == ("To do: Fill in MSSC's verification forms for education, "
                            "employment and volunteering. You find them on msscusa.org.")
        assert lines[5] == ("From Dec 15, 2026: Apply online to MSSC. "
                            "Recertification application: CPT: $75")
        assert "$100" not in html
        # Recording a renewal waits for the window too (spec version 2).
        assert lines[6] == ("From Dec 15, 2026: When MSSC has renewed you, tell Recert "
                            "“I have renewed”. Your next cycle then starts.")
        assert f'href="/credentials/{complete_cpt}/renewal"' not in html


def test_the_steps_appear_when_the_window_opens_not_before(app, user_client):
    app.config["TODAY"] = date(2026, 12, 14)
    cpt = add_cpt(user_client, "2022-03-15")
    log_points(user_client, cpt, 40)
    assert HEADING not in card(user_client)
    assert HEADING not in user_client.get(f"/credentials/{cpt}").text
    app.config["TODAY"] = date(2026, 12, 15)
    lines = step_lines(card(user_client))
    assert lines[0] == "To do by Mar 15, 2027: Log the 60 more points you need."
    assert lines[5].startswith("To do by Mar 15, 2027: Apply online to MSSC.")
    assert f'href="/credentials/{cpt}/renewal"' in card(user_client)


def test_giving_the_certificate_number_marks_its_step_done(app, user_client, complete_cpt):
    edit = f"/credentials/{complete_cpt}/edit"
    response = submit(user_client, edit, {"certified_on": "2022-03-15",
                                          "certificate_number": "CPT-1234", **CPT_MODULES})
    assert response.status_code == 302
    lines = step_lines(card(user_client))
    assert lines[2] == "Done: Your certificate number is on your report."
    assert f'href="{edit}"' not in card(user_client)


def test_holding_cpt_and_clt_shows_the_combined_fee(app, user_client, complete_cpt):
    clt = submit(user_client, "/credentials/new/mssc-clt", {"certified_on": "2022-03-15"})
    assert clt.status_code == 302
    page = user_client.get(f"/credentials/{complete_cpt}").text
    [apply] = [line for line in step_lines(page) if "Apply online" in line]
    assert apply == ("From Dec 15, 2026: Apply online to MSSC. "
                     "Recertification application: CPT: $75 "
                     "Recertification application: CPT and CLT expiring within 90 days of "
                     "each other: $100")
    assert "Recertification application: CLT: $75" not in page
