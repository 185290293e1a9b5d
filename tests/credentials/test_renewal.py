"""Renewing a credential, regaining it after it lapsed, undoing, and the past cycles."""

import io
import json
import re
import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import select

from tests.examples import example_a as enter_example_a
from tests.examples import job
from tests.helpers import (
    AuthActions,
    add_cpt,
    category_rows,
    csrf_token,
    facts,
    hidden_input,
    log_activity,
    needs_pdftotext,
    pdf_bytes,
    pdf_text,
    submit,
)
from tracker import create_app
from tracker.db import get_session
from tracker.models import Activity, Cycle, CycleSnapshot, Evidence
from tracker.rules.catalog import DEFAULT_DIRECTORY as SHIPPED_RULESETS

TEST_RULESETS = Path(__file__).resolve().parents[1] / "rules" / "rulesets"


@pytest.fixture
def person(app, client):
    AuthActions(client).register()
    return client


def example_a(app, person, with_proof: bool = False) -> int:
    """docs/rules.md's worked example A, entered through the app, keeping the test's own today."""
    today = app.config["TODAY"]
    cpt = enter_example_a(app, person, with_proof)
    app.config["TODAY"] = today
    return cpt


def renewed_example_a_with_proof(app, person) -> tuple[int, int]:
    """Example A with a proof file on each activity, renewed on 2026-12-20: (credential id,
    the closed cycle's id)."""
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person, with_proof=True)
    renew(person, cpt, "2026-12-20")
    return cpt, cycle_ids(app)[0]


def cycles(app) -> list[tuple[date, date, str, date | None]]:
    with app.app_context():
        rows = get_session().exec(select(Cycle).order_by(Cycle.starts_on)).all()
        return [(c.starts_on, c.ends_on, c.status, c.closed_on) for c in rows]


def cycle_ids(app) -> list[int]:
    with app.app_context():
        return list(get_session().exec(select(Cycle.id).order_by(Cycle.starts_on)))


def report_figures(html: str) -> tuple:
    """(counted, status word, category rows) of a report page (without estimate markers)."""
    counted = re.search(r'<th scope="row">Counted</th>\s*<td[^>]*><strong>([^<]+)', html)
    status = re.search(r'<th scope="row">Status</th>\s*<td[^>]*><strong>([^<(]+)', html)
    return counted.group(1).strip(), status.group(1).strip(), category_rows(html)


def renew(person, cpt, day: str):
    return submit(person, f"/credentials/{cpt}/renewal", {"day": day})


def test_renewing_example_a_closes_the_cycle_and_opens_the_next(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    before = report_figures(person.get(f"/credentials/{cpt}/report").text)
    assert before[:2] == ("128 points", "Complete")

    form = person.get(f"/credentials/{cpt}/renewal").text
    assert "Date MSSC renewed your credential" in form
    assert re.search(r'<input[^>]*id="day"[^>]*value=""', form)  # empty: no guess of the day
    assert "A date from Dec 15, 2026, the day the application opened, to today." in form
    # One sentence says what recording it does.
    assert re.sub(r"\s+", " ", form).count(
        "This closes your cycle of Mar 15, 2022 to Mar 15, 2027 and starts your next 5-year "
        "cycle on Mar 16, 2027; your points stay in the old cycle's report.") == 1
    assert renew(person, cpt, "2026-12-20").status_code == 302

    assert cycles(app) == [
        (date(2022, 3, 15), date(2027, 3, 15), "renewed", date(2026, 12, 20)),
        (date(2027, 3, 16), date(2032, 3, 15), "open", None),
    ]
    old_id = cycle_ids(app)[0]
    old_report = f"/credentials/{cpt}/cycles/{old_id}/report"
    after = report_figures(person.get(old_report).text)
    assert after == ("128 points", "Renewed", before[2])

    page = person.get(f"/credentials/{cpt}").text
    shown = facts(page)
    assert shown["Counted"] == "0 points"
    assert shown["Cycle"] == "Mar 16, 2027 to Mar 15, 2032"
    past = page[page.index("Past cycles"):]
    assert "Mar 15, 2022 to Mar 15, 2027" in past
    assert "Renewed on Dec 20, 2026" in past
    assert "128 (100 needed)" in past
    for path in ("report", "report.pdf", "activities.csv", "packet.zip"):
        assert f'href="/credentials/{cpt}/cycles/{old_id}/{path}"' in past
    # The old report's own links stay on the old cycle.
    assert f'href="/credentials/{cpt}/cycles/{old_id}/report.pdf"' in person.get(old_report).text

    app.config["TODAY"] = date(2027, 4, 10)
    log_activity(person, cpt, title="New course", completed_on="2027-04-01", quantity="6")
    assert report_figures(person.get(old_report).text) == after
    assert facts(person.get(f"/credentials/{cpt}").text)["Counted"] == "6 points"
    for path in ("report.pdf", "activities.csv", "packet.zip"):
        response = person.get(f"/credentials/{cpt}/cycles/{old_id}/{path}")
        assert response.status_code == 200
        response.close()  # a streamed download holds its request until closed


def test_undo_restores_the_cycle_before_the_renewal(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    assert "Undo the renewal" in person.get(f"/credentials/{cpt}").text
    response = submit(person, f"/credentials/{cpt}/renewal/undo", {})
    assert response.status_code == 302
    assert cycles(app) == [(date(2022, 3, 15), date(2027, 3, 15), "open", None)]
    page = person.get(f"/credentials/{cpt}").text
    assert facts(page)["Counted"] == "128 points"
    assert "Complete" in page
    assert "Past cycles" not in page
    assert "Undo the renewal" not in page


def test_undo_is_refused_once_the_new_cycle_has_an_activity(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    app.config["TODAY"] = date(2027, 4, 10)
    log_activity(person, cpt, title="New course", completed_on="2027-04-01", quantity="6")
    assert "Undo the renewal" not in person.get(f"/credentials/{cpt}").text  # no dead end
    page = person.get(f"/credentials/{cpt}/renewal/undo").text
    assert "You cannot undo it: 1 activity is dated in the new cycle" in page
    response = submit(person, f"/credentials/{cpt}/renewal/undo", {},
                      form_page=f"/credentials/{cpt}")
    assert response.status_code == 200
    assert "You cannot undo it" in response.text
    assert [c[2] for c in cycles(app)] == ["renewed", "open"]


def test_only_what_counts_toward_the_credential_blocks_its_undo(app, person):
    """Activities belong to the person: one left out of CPT, or of a kind CPT does not count,
    is not in CPT's new cycle, so it does not stop the undo."""
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    app.config["TODAY"] = date(2027, 4, 10)
    for fields in ({"title": "Left out", f"count_{cpt}": "exclude"},
                   {"title": "Not counted", "kind": "work-project"}):
        saved = log_activity(person, cpt, completed_on="2027-04-01", quantity="6", **fields)
        assert saved.status_code == 302, saved.text
    assert "You cannot undo it" not in person.get(f"/credentials/{cpt}/renewal/undo").text
    assert "Undo the renewal" in person.get(f"/credentials/{cpt}").text
    assert submit(person, f"/credentials/{cpt}/renewal/undo", {}).status_code == 302
    assert [c[2] for c in cycles(app)] == ["open"]


def test_an_ongoing_job_blocks_the_undo_once_the_new_cycle_started(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    job(person, cpt, "Current job", "2026-04-01")
    renew(person, cpt, "2026-12-20")
    assert "You cannot undo it" not in person.get(f"/credentials/{cpt}/renewal/undo").text
    app.config["TODAY"] = date(2027, 3, 16)
    assert "You cannot undo it" in person.get(f"/credentials/{cpt}/renewal/undo").text


WAIT_FOR_THE_WINDOW = ("You can record your renewal from Dec 15, 2026, the day the application "
                       "opens.")
RENEW_BUTTON = re.compile(r'<a href="/credentials/\d+/renewal" role="button">I have renewed</a>')


@pytest.mark.parametrize("complete", [False, True])
def test_renewing_is_refused_before_the_window_even_when_complete(app, person, complete):
    """Spec version 2: "I have renewed" comes with the application window (Dec 15, 2026),
    not as soon as the points are complete."""
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = example_a(app, person) if complete else add_cpt(person, "2022-03-15")
    page = person.get(f"/credentials/{cpt}").text
    if complete:
        assert "Complete" in page  # all the points, and still no renewal before the window
    assert not RENEW_BUTTON.search(page)
    assert WAIT_FOR_THE_WINDOW in page
    assert WAIT_FOR_THE_WINDOW in person.get(f"/credentials/{cpt}/renewal").text
    response = submit(person, f"/credentials/{cpt}/renewal", {"day": "2026-11-20"},
                      form_page=f"/credentials/{cpt}")
    assert response.status_code == 200
    assert f'role="alert">{WAIT_FOR_THE_WINDOW}</p>' in response.text
    assert cycles(app) == [(date(2022, 3, 15), date(2027, 3, 15), "open", None)]


def test_renewal_is_offered_from_the_windows_first_day(app, person):
    app.config["TODAY"] = date(2026, 12, 14)
    cpt = example_a(app, person)
    assert not RENEW_BUTTON.search(person.get(f"/credentials/{cpt}").text)
    app.config["TODAY"] = date(2026, 12, 15)
    assert RENEW_BUTTON.search(person.get(f"/credentials/{cpt}").text)
    assert renew(person, cpt, "2026-12-15").status_code == 302  # the first day itself
    assert cycles(app)[0] == (date(2022, 3, 15), date(2027, 3, 15), "renewed",
                              date(2026, 12, 15))


@pytest.mark.parametrize(("day", "message"), [
    ("2026-12-21", "The date cannot be in the future."),
    ("2026-12-14", "The date cannot be before Dec 15, 2026, the day the application opened."),
    ("2022-03-14", "The date cannot be before Dec 15, 2026, the day the application opened."),
    ("", "Enter the date."),
])
def test_renewal_date_errors(app, person, day, message):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = add_cpt(person, "2022-03-15")  # in the window, though not complete
    assert RENEW_BUTTON.search(person.get(f"/credentials/{cpt}").text)
    response = renew(person, cpt, day)
    assert response.status_code == 200
    assert f'class="field-error">{message}</small>' in response.text
    assert len(cycles(app)) == 1


def test_today_is_the_last_day_a_renewal_date_may_be(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = add_cpt(person, "2022-03-15")
    assert renew(person, cpt, "2026-12-20").status_code == 302
    assert cycles(app)[0][3] == date(2026, 12, 20)


def test_a_lapsed_credential_is_regained_by_passing_again(app, person):
    app.config["TODAY"] = date(2025, 2, 1)
    cpt = add_cpt(person, "2019-01-10")
    page = person.get(f"/credentials/{cpt}").text
    assert "Lapsed" in page
    assert "I passed the assessment again" in page
    form = person.get(f"/credentials/{cpt}/renewal").text
    assert "Date you passed the assessment again" in form
    refused = submit(person, f"/credentials/{cpt}/renewal", {"day": "2024-01-10"})
    assert "The date must be after your cycle ended on Jan 10, 2024." in refused.text
    assert submit(person, f"/credentials/{cpt}/renewal",
                  {"day": "2025-01-20"}).status_code == 302
    assert cycles(app) == [
        (date(2019, 1, 10), date(2024, 1, 10), "lapsed", date(2025, 1, 20)),
        (date(2025, 1, 20), date(2030, 1, 20), "open", None),
    ]
    page = person.get(f"/credentials/{cpt}").text
    assert facts(page)["Cycle"] == "Jan 20, 2025 to Jan 20, 2030"
    assert "Undo “I passed the assessment again”" in page
    past = page[page.index("Past cycles"):]
    assert "<td>Lapsed</td>" in past
    assert "0 (100 needed)" in past


def test_a_lapsed_cycle_without_activities_has_a_report(app, person):
    app.config["TODAY"] = date(2025, 2, 1)
    cpt = add_cpt(person, "2019-01-10")
    submit(person, f"/credentials/{cpt}/renewal", {"day": "2025-01-20"})
    old_id = cycle_ids(app)[0]
    report = person.get(f"/credentials/{cpt}/cycles/{old_id}/report").text
    assert report_figures(report)[:2] == ("0 points", "Lapsed")


def test_another_persons_past_cycle_is_not_found(app, person, client):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = add_cpt(person, "2022-03-15")
    log_activity(person, cpt)
    renew(person, cpt, "2026-12-20")
    old_id = cycle_ids(app)[0]
    intruder = app.test_client()
    AuthActions(intruder).register(email="intruder@example.com", name="Intruder")
    own = add_cpt(intruder, "2022-03-15")
    for path in ("report", "report.pdf", "activities.csv", "packet.zip"):
        response = person.get(f"/credentials/{cpt}/cycles/{old_id}/{path}")
        assert response.status_code == 200
        response.close()  # a streamed download holds its request until closed
        assert intruder.get(f"/credentials/{cpt}/cycles/{old_id}/{path}").status_code == 404
        # Nor through a credential of one's own.
        assert intruder.get(f"/credentials/{own}/cycles/{old_id}/{path}").status_code == 404


def test_two_renewals_at_the_same_time_open_one_cycle(app, person):
    """Two tabs sending the renewal at once: the second save is refused, nothing doubles."""
    from sqlmodel import Session

    from tracker.credentials import renewal
    from tracker.db import get_engine
    from tracker.models import HeldCredential

    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    with app.app_context():
        engine = get_engine()
        with Session(engine) as first, Session(engine) as second:
            mine, theirs = first.get(HeldCredential, cpt), second.get(HeldCredential, cpt)
            assert len(mine.cycles) == len(theirs.cycles) == 1  # both read before either saves
            renewal.record_renewal(first, mine, date(2026, 12, 20), date(2026, 12, 20))
            with pytest.raises(renewal.Refused, match="changed meanwhile"):
                renewal.record_renewal(second, theirs, date(2026, 12, 20), date(2026, 12, 20))
    assert [status for *_dates, status, _closed in cycles(app)] == ["renewed", "open"]


def activity_ids(app) -> dict[str, int]:
    with app.app_context():
        return {a.title: a.id for a in get_session().exec(select(Activity))}


def past_cycle_files(person, cpt: int, cycle_id: int) -> dict[str, bytes]:
    """The closed cycle's report page, CSV, and the PDF's text (its bytes carry a timestamp)."""
    base = f"/credentials/{cpt}/cycles/{cycle_id}"
    return {"report": person.get(f"{base}/report").data,
            "csv": person.get(f"{base}/activities.csv").data,
            "pdf text": pdf_text(person.get(f"{base}/report.pdf").data).encode()}


@needs_pdftotext
def test_a_renewed_cycle_keeps_its_report_when_its_activities_change_later(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    old_id = cycle_ids(app)[0]
    kept = past_cycle_files(person, cpt, old_id)
    assert "128 points" in kept["pdf text"].decode()

    ids = activity_ids(app)
    assert submit(person, f"/activities/{ids['Statistics']}/edit", {
        "kind": "college-credit", "title": "Statistics", "completed_on": "2023-05-20",
        "quantity": "1"}, content_type="multipart/form-data").status_code == 302
    submit(person, f"/activities/{ids['Safety course']}/delete", {},
           form_page=f"/activities/{ids['Safety course']}")
    log_activity(person, cpt, title="Logged late", completed_on="2025-01-10", quantity="5")

    assert past_cycle_files(person, cpt, old_id) == kept
    page = person.get(f"/credentials/{cpt}").text
    assert "128 (100 needed)" in page[page.index("Past cycles"):]


def test_undo_drops_what_the_renewal_kept(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    submit(person, f"/credentials/{cpt}/renewal/undo", {})
    ids = activity_ids(app)
    submit(person, f"/activities/{ids['Safety course']}/delete", {},
           form_page=f"/activities/{ids['Safety course']}")
    with app.app_context():
        assert get_session().exec(select(CycleSnapshot)).all() == []
    renew(person, cpt, "2026-12-20")
    old_id = cycle_ids(app)[0]
    assert report_figures(person.get(f"/credentials/{cpt}/cycles/{old_id}/report").text)[:2] \
        == ("118 points", "Renewed")


def served_rulesets(tmp_path, *extra: Path) -> Path:
    """A rule-set folder with the shipped rule sets and `extra` rule-set folders."""
    folder = tmp_path / "rulesets"
    shutil.copytree(SHIPPED_RULESETS, folder)
    for path in extra:
        shutil.copytree(path, folder / path.name)
    return folder


def test_a_past_report_stays_under_its_version_when_the_rules_change(app, person, tmp_path):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    old_id = cycle_ids(app)[0]
    base = f"/credentials/{cpt}/cycles/{old_id}"
    before = {path: person.get(f"{base}/{path}").data for path in ("report", "activities.csv")}

    # MSSC publishes new rules: 120 points and training worth half as much.
    folder = served_rulesets(tmp_path)
    rules = (folder / "mssc-cpt" / "2026.1.toml").read_text()
    newer = rules.replace('version = "2026.1"', 'version = "2027.1"').replace(
        "points_required = 100", "points_required = 120")
    assert newer.count("2027.1") == 1 and "points_required = 120" in newer
    (folder / "mssc-cpt" / "2027.1.toml").write_text(newer)
    later = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                        "RULESETS_DIR": str(folder), "TODAY": date(2027, 6, 1)})
    with later.test_client() as client:
        AuthActions(client).login()
        assert {path: client.get(f"{base}/{path}").data for path in before} == before
        assert "version 2026.1" in client.get(f"{base}/report").text
        # A credential added now opens its cycle under the new version.
        AuthActions(client).logout()
        AuthActions(client).register(email="newcomer@example.com", name="Newcomer")
        newcomer = add_cpt(client, "2027-05-01")
        assert "version 2027.1" in client.get(f"/credentials/{newcomer}").text
    later.extensions["recert_engine"].dispose()


def test_renewal_carries_excess_points_into_the_next_cycle(app, person, tmp_path):
    """The test suite's own rule set (tests/rules/rulesets/test-carry): up to 10 points over
    the 20 required, from the last 180 days of the cycle, start the next cycle."""
    app.config["RULESETS_DIR"] = str(served_rulesets(tmp_path, TEST_RULESETS / "test-carry"))
    carry_app = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"],
                            "RULESETS_DIR": app.config["RULESETS_DIR"],
                            "TODAY": date(2027, 12, 20)})
    with carry_app.test_client() as client:
        AuthActions(client).register(email="carry@example.com", name="Carry")
        response = submit(client, "/credentials/new/test-carry", {"certified_on": "2026-01-10"})
        credential = int(response.headers["Location"].rsplit("/", 1)[1])
        log_activity(client, credential, kind="training", title="Early",
                     completed_on="2026-03-01", quantity="20")
        log_activity(client, credential, kind="training", title="Late",
                     completed_on="2027-11-01", quantity="14")
        assert renew(client, credential, "2027-12-20").status_code == 302
        with carry_app.app_context():
            new = get_session().exec(select(Cycle).where(Cycle.status == "open")).one()
            assert new.carried_in == 10
        assert facts(client.get(f"/credentials/{credential}").text)["Counted"] == "10 points"
    carry_app.extensions["recert_engine"].dispose()


def test_a_past_packet_names_a_proof_file_deleted_since(app, person):
    cpt, old_id = renewed_example_a_with_proof(app, person)
    with app.app_context():
        [file_id] = get_session().exec(
            select(Evidence.id).join(Activity).where(Activity.title == "Statistics")).all()
        statistics = get_session().exec(select(Activity.id).where(
            Activity.title == "Statistics")).one()
    assert submit(person, f"/activities/{statistics}/edit", {
        "kind": "college-credit", "title": "Statistics", "completed_on": "2023-05-20",
        "quantity": "3", "remove_file": str(file_id)},
        content_type="multipart/form-data").status_code == 302

    response = person.get(f"/credentials/{cpt}/cycles/{old_id}/packet.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    manifest = json.loads(archive.read("manifest.json"))["files"]
    gone = "evidence/2023-05-20-statistics-1.pdf"
    assert manifest[gone] == {"missing": "Statistics.pdf was deleted after the report's cycle "
                                         "closed."}
    assert gone not in archive.namelist()
    assert len([n for n in archive.namelist() if n.startswith("evidence/")]) == 5


def test_deleting_the_credential_deletes_what_its_closed_cycles_kept(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    with app.app_context():
        assert len(get_session().exec(select(CycleSnapshot)).all()) == 1
    assert submit(person, f"/credentials/{cpt}/delete", {}).status_code == 302
    with app.app_context():
        assert get_session().exec(select(CycleSnapshot)).all() == []


def test_the_change_log_records_the_renewal_and_its_undo(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    submit(person, f"/credentials/{cpt}/renewal/undo", {})
    log = person.get("/account/log").text
    renewed = log.index("Renewed MSSC Certified Production Technician on Dec 20, 2026: new "
                        "cycle Mar 16, 2027 to Mar 15, 2032")
    undone = log.index("Renewal of MSSC Certified Production Technician undone: the cycle "
                       "Mar 16, 2027 to Mar 15, 2032 was removed")
    assert undone < renewed  # newest first
    assert "Status: Open → Renewed" in log[renewed:]
    assert "Status: Renewed → Open" in log[undone:renewed]
    assert "Closed on: 2026-12-20 → (none)" in log[undone:renewed]


def test_a_past_packet_never_holds_a_file_that_took_a_deleted_files_id(app, person):
    """SQLite gives a deleted row's id to the next row: another person's new file must not
    stand in for a file a closed cycle's snapshot names."""
    cpt, old_id = renewed_example_a_with_proof(app, person)
    with app.app_context():
        newest, activity_id = get_session().exec(
            select(Evidence.id, Evidence.activity_id).order_by(Evidence.id.desc())).first()
    assert submit(person, f"/activities/{activity_id}/edit", {
        "kind": "job", "title": "Line operator", "started_on": "2022-03-15",
        "ended_on": "2026-03-14", "fraction": "1", "remove_file": str(newest)},
        content_type="multipart/form-data").status_code == 302
    other = app.test_client()
    AuthActions(other).register(email="eve@example.com", name="Eve")
    theirs = add_cpt(other, "2022-03-15")
    secret = pdf_bytes() + b"% Eve's own file\n"
    log_activity(other, theirs, title="Private", files=[("private.pdf", secret)])

    response = person.get(f"/credentials/{cpt}/cycles/{old_id}/packet.zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert all(archive.read(name) != secret for name in archive.namelist())
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert manifest["evidence/2026-03-14-line-operator-1.png"] == {
        "missing": "letter.png was deleted after the report's cycle closed."}


def test_a_second_click_on_undo_undoes_nothing_more(app, person):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, person)
    renew(person, cpt, "2026-12-20")
    app.config["TODAY"] = date(2032, 1, 5)  # the next cycle's window is open
    renew(person, cpt, "2032-01-05")
    assert [c[2] for c in cycles(app)] == ["renewed", "renewed", "open"]
    url = f"/credentials/{cpt}/renewal/undo"
    form = person.get(url).text
    data = {"csrf_token": csrf_token(form),
            "version": hidden_input(form, "version")}
    assert person.post(url, data=data).status_code == 302
    again = person.post(url, data=data)  # the same page, sent twice
    assert again.status_code == 200
    assert "changed meanwhile" in again.text
    assert [c[2] for c in cycles(app)] == ["renewed", "open"]
