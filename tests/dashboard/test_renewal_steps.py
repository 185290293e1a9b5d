"""The steps to renew with MSSC: shown once the points are in or the application window is
open, each with its state and date, on the home page card and the credential page."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest

from tests.helpers import (
    CPT_MODULES,
    AuthActions,
    add_cpt,
    counted_statements,
    csrf_token,
    log_activity,
    snapshot,
    stored,
    submit,
    validate_export,
)
from tests.imports.helpers import export_on, upload_export
from tracker.dashboard.renewal_steps import DONE, LATER, TO_DO, fees_for, renewal_steps
from tracker.models import Cycle as CycleRow
from tracker.models import HeldCredential
from tracker.reports import downloads
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


def steps_of(html: str) -> str:
    """The steps' section alone (the credential page also lists every fee of the rule set)."""
    start = html.index('<section class="renewal-steps"')
    return html[start:html.index("</section>", start)]


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
    for html in (card(user_client),
                 steps_of(user_client.get(f"/credentials/{complete_cpt}").text)):
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
    page = steps_of(user_client.get(f"/credentials/{complete_cpt}").text)
    [apply] = [line for line in step_lines(page) if "Apply online" in line]
    assert apply == ("From Dec 15, 2026: Apply online to MSSC. "
                     "Recertification application: CPT: $75 "
                     "Recertification application: CPT and CLT expiring within 90 days of "
                     "each other: $100")
    assert "Recertification application: CLT: $75" not in page


# Steps the person marks done: downloading the report, checking the estimates.

REPORT_TO_DO = "To do: Download your report and your proof packet (all your proof files in one)."
REPORT_DONE = ("Done on {}: You downloaded your report. If you change something, download "
               "your report and your proof packet again.")
ESTIMATES_TO_DO = ("To do: Read how points work for CPT. Some figures are Recert's estimates: "
                   "check them with MSSC. I read it and checked with MSSC")
ESTIMATES_DONE = ("Done on {}: You read how points work for CPT and checked Recert's estimates "
                  "with MSSC.")


def step_line(client, code: str, page: str = "/") -> str:
    """The step's line on the home page card (or in `page`'s steps)."""
    html = card(client) if page == "/" else steps_of(client.get(page).text)
    place = ["points", "estimates", "number", "report"].index(code)
    return step_lines(html)[place]


def confirm_url(html: str) -> str:
    [action] = re.findall(r'<form method="post" action="(/cycles/\d+/estimates-checked[^"]*)"',
                          html)
    return unescape(action)


def cycle_updates(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("UPDATE CYCLES")]


def kept_days(app, credential_id: int) -> list[tuple[str, date | None, date | None]]:
    """Each cycle of the credential: its status, report download day, estimates check day."""
    return [(str(c.status), c.report_downloaded_on, c.estimates_checked_on)
            for c in stored(app, CycleRow) if c.held_credential_id == credential_id]


def test_downloading_the_pdf_marks_the_report_step_done_on_that_day(app, user_client,
                                                                   complete_cpt):
    pdf = f"/credentials/{complete_cpt}/report.pdf"
    app.config["TODAY"] = date(2026, 12, 20)
    assert user_client.head(pdf).status_code == 200
    assert step_line(user_client, "report") == REPORT_TO_DO  # a HEAD downloads nothing
    with counted_statements(app) as statements:
        response = user_client.get(pdf)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert len(cycle_updates(statements)) == 1
    with counted_statements(app) as statements:  # again the same day: the day is kept already
        assert user_client.get(pdf).status_code == 200
    assert cycle_updates(statements) == []
    done = REPORT_DONE.format("Dec 20, 2026")
    assert step_line(user_client, "report") == done
    assert step_line(user_client, "report", f"/credentials/{complete_cpt}") == done
    assert f'href="{pdf}"' in card(user_client)  # to download it again after a change
    assert step_line(user_client, "estimates") == ESTIMATES_TO_DO  # the other stays to do


def test_downloading_the_packet_marks_the_report_step_done_and_a_later_one_moves_the_day(
        app, user_client, complete_cpt):
    app.config["TODAY"] = date(2026, 12, 20)
    assert user_client.get(f"/credentials/{complete_cpt}/packet.zip").status_code == 200
    assert step_line(user_client, "report") == REPORT_DONE.format("Dec 20, 2026")
    app.config["TODAY"] = date(2026, 12, 22)
    assert user_client.get(f"/credentials/{complete_cpt}/report.pdf").status_code == 200
    assert step_line(user_client, "report") == REPORT_DONE.format("Dec 22, 2026")


def test_a_download_refused_while_the_server_is_busy_marks_nothing(app, user_client,
                                                                  complete_cpt):
    taken = 0
    try:
        while downloads._heavy_slots.acquire(blocking=False):  # every renderer is busy
            taken += 1
        response = user_client.get(f"/credentials/{complete_cpt}/report.pdf")
    finally:
        for _ in range(taken):
            downloads._heavy_slots.release()
    assert response.status_code == 503
    assert step_line(user_client, "report") == REPORT_TO_DO


def test_confirming_the_estimates_marks_their_step_done(app, user_client, complete_cpt):
    app.config["TODAY"] = date(2026, 12, 20)
    page = f"/credentials/{complete_cpt}"
    html = user_client.get(page).text
    url = confirm_url(steps_of(html))
    response = user_client.post(url, data={"csrf_token": csrf_token(html)})
    assert response.status_code == 302 and response.headers["Location"] == page
    done = ESTIMATES_DONE.format("Dec 20, 2026")
    assert step_line(user_client, "estimates", page) == done
    assert step_line(user_client, "estimates") == done
    assert "I read it" not in card(user_client)
    assert 'href="/how-points-work/mssc-cpt"' in steps_of(user_client.get(page).text)


def test_the_estimates_cannot_be_confirmed_by_another_person_by_get_or_without_csrf(
        app, user_client, complete_cpt):
    url = confirm_url(card(user_client))
    before = snapshot(app)
    intruder = app.test_client()
    AuthActions(intruder).register(email="sam@example.com", name="Sam")
    token = csrf_token(intruder.get("/credentials/new").text)
    assert intruder.post(url, data={"csrf_token": token}).status_code == 404
    assert user_client.get(url).status_code == 405
    refused = user_client.post(url)
    assert refused.status_code == 400
    assert "did not come from this site" in refused.text
    assert snapshot(app)["cycles"] == before["cycles"]
    assert step_line(user_client, "estimates") == ESTIMATES_TO_DO


def test_renewing_keeps_the_marked_days_on_the_closed_cycle_and_starts_afresh(
        app, user_client, complete_cpt):
    app.config["TODAY"] = date(2026, 12, 20)
    html = user_client.get("/").text
    assert user_client.post(confirm_url(card(user_client)),
                            data={"csrf_token": csrf_token(html)}).headers["Location"] == "/"
    assert user_client.get(f"/credentials/{complete_cpt}/report.pdf").status_code == 200
    assert submit(user_client, f"/credentials/{complete_cpt}/renewal",
                  {"day": "2026-12-20"}).status_code == 302
    marked = (date(2026, 12, 20), date(2026, 12, 20))
    assert kept_days(app, complete_cpt) == [("renewed", *marked), ("open", None, None)]
    # The closed cycle's report, downloaded later, marks nothing on any cycle.
    old = stored(app, CycleRow)[0].id
    app.config["TODAY"] = date(2026, 12, 21)
    assert user_client.get(
        f"/credentials/{complete_cpt}/cycles/{old}/report.pdf").status_code == 200
    assert kept_days(app, complete_cpt) == [("renewed", *marked), ("open", None, None)]


def test_the_full_export_carries_the_marked_days_and_its_import_keeps_them(
        app, user_client, complete_cpt):
    app.config["TODAY"] = date(2026, 12, 20)
    assert user_client.get(f"/credentials/{complete_cpt}/report.pdf").status_code == 200
    document = export_on(app, date(2026, 12, 20), "pat@example.com")
    validate_export(document)
    [cycle] = document["credentials"][0]["cycles"]
    assert (cycle["report_downloaded_on"], cycle["estimates_checked_on"]) == ("2026-12-20", None)
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    assert upload_export(newcomer, document).status_code == 302
    theirs = next(c for c in stored(app, HeldCredential) if c.id != complete_cpt).id
    assert kept_days(app, theirs) == [("open", date(2026, 12, 20), None)]
    assert step_line(newcomer, "report") == REPORT_DONE.format("Dec 20, 2026")


def test_an_export_without_the_marked_days_imports_and_a_day_after_today_is_refused(
        app, user_client, complete_cpt):
    app.config["TODAY"] = date(2026, 12, 20)
    document = export_on(app, date(2026, 12, 20), "pat@example.com")
    [cycle] = document["credentials"][0]["cycles"]
    del cycle["report_downloaded_on"], cycle["estimates_checked_on"]  # an earlier Recert's
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    cycle["estimates_checked_on"] = "2026-12-21"
    refused = upload_export(newcomer, document)
    assert "its estimates were checked on 2026-12-21, which is not between" in refused.text
    del cycle["estimates_checked_on"]
    assert upload_export(newcomer, document).status_code == 302
    theirs = next(c for c in stored(app, HeldCredential) if c.id != complete_cpt).id
    assert kept_days(app, theirs) == [("open", None, None)]
    assert step_line(newcomer, "estimates") == ESTIMATES_TO_DO
