"""One record of a working life: an activity logged once counts toward every credential the
person holds that takes its kind, each under its own rules; a choice for one credential
changes only that credential's figures."""

import re
from datetime import date

import pytest

from tests.dashboard.test_views import list_rows
from tests.helpers import (
    AuthActions,
    add_cpt,
    category_rows,
    facts,
    log_activity,
    pdf_text,
    submit,
)


def add_clt(client, certified_on: str = "2022-06-01") -> int:
    response = submit(client, "/credentials/new/mssc-clt", {
        "certified_on": certified_on, "module_cla": "y", "module_clt": "y"})
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[-1])


@pytest.fixture
def person(app, client):
    app.config["TODAY"] = date(2026, 11, 24)
    AuthActions(client).register()
    return client


def counted(client, credential_id: int) -> str:
    return facts(client.get(f"/credentials/{credential_id}").text)["Counted"]


def test_one_course_counts_toward_cpt_and_clt_and_leaving_it_out_of_clt_changes_only_clt(
        person):
    cpt, clt = add_cpt(person), add_clt(person)
    saved = log_activity(person, cpt, kind="training", title="Forklift safety",
                         completed_on="2024-05-01", quantity="8")
    assert saved.status_code == 302, saved.text
    activity = saved.headers["Location"]

    for credential in (cpt, clt):
        assert counted(person, credential) == "8 points"
        assert category_rows(person.get(f"/credentials/{credential}").text)[
            "Training course"] == ("8", "8")
        assert list_rows(person, credential)["Forklift safety"][:2] == ("8", "8")
        report = person.get(f"/credentials/{credential}/report").text
        assert "Forklift safety" in report
        assert "Forklift safety" in pdf_text(
            person.get(f"/credentials/{credential}/report.pdf").data)
    page = person.get(activity).text
    assert "MSSC Certified Production Technician" in page
    assert "MSSC Certified Logistics Technician" in page

    changed = submit(person, f"{activity}/edit", {
        "kind": "training", "title": "Forklift safety", "provider": "Acme Training",
        "completed_on": "2024-05-01", "quantity": "8", f"count_{clt}": "exclude",
    })
    assert changed.status_code == 302, changed.text

    assert counted(person, cpt) == "8 points"
    assert counted(person, clt) == "0 points"
    assert "Forklift safety" not in list_rows(person, clt)
    assert "Left out of CLT" in person.get(activity).text


def test_a_credential_added_later_shows_at_once_what_the_activities_count_toward_it(person):
    cpt = add_cpt(person)
    log_activity(person, cpt, kind="training", title="Lean basics", completed_on="2024-05-01",
                 quantity="12")
    log_activity(person, cpt, kind="job", title="Line operator", started_on="2022-07-01",
                 ended_on="2023-06-30", fraction="1", completed_on="", quantity="")
    clt = add_clt(person)
    page = person.get(f"/credentials/{clt}").text
    assert ("MSSC Certified Logistics Technician is added. What you logged before already "
            "counts toward it: 24 points (100 needed).") in page
    assert facts(page)["Counted"] == "24 points"
    assert category_rows(page)["Work in a logistics-related job"] == ("12", "12")


def test_a_kind_a_credential_does_not_take_counts_only_where_it_is_taken(person, app):
    cpt = add_cpt(person)
    pmp = submit(person, "/credentials/new/pmi-pmp", {"certified_on": "2023-01-10"})
    assert pmp.status_code == 302, pmp.text
    pmp_id = int(pmp.headers["Location"].rsplit("/", 1)[-1])
    saved = log_activity(person, cpt, kind="work-project", title="New line layout",
                         completed_on="2024-02-01", quantity="6")
    assert saved.status_code == 302, saved.text
    assert counted(person, cpt) == "0 points"
    assert "New line layout" not in list_rows(person, cpt)
    assert "New line layout" in list_rows(person, pmp_id)
    page = person.get(saved.headers["Location"]).text
    assert "CPT does not count this kind of activity (“Special project at work”)." in page


def test_everything_logged_is_listed_with_what_it_counts_toward(person):
    cpt, clt = add_cpt(person), add_clt(person)
    log_activity(person, cpt, kind="training", title="Forklift safety",
                 completed_on="2024-05-01", quantity="8")
    log_activity(person, cpt, kind="work-project", title="New line layout",
                 completed_on="2024-02-01", quantity="6")
    log_activity(person, cpt, kind="training", title="Only for CPT", completed_on="2024-03-01",
                 quantity="2", **{f"count_{clt}": "exclude"})
    page = person.get("/activities").text
    rows = dict(re.findall(r'<a href="/activities/\d+">([^<]+)</a></td>.*?'
                           r'<td class="counts">\s*(.*?)\s*</td>', page, flags=re.S))
    assert " ".join(rows["Forklift safety"].split()) == "CPT: 8 points; CLT: 8 points"
    assert " ".join(rows["Only for CPT"].split()) == "CPT: 2 points"
    assert rows["New line layout"] == "<small>Nothing yet</small>"


def test_a_choice_of_a_category_the_kind_cannot_land_in_is_refused_and_nothing_saved(person):
    cpt = add_cpt(person)
    refused = log_activity(person, cpt, kind="training", title="Forklift safety",
                           **{f"count_{cpt}": "IC"})
    assert refused.status_code == 200
    assert ("CPT does not count “Training course or workshop” as “Industry certification "
            "earned”. Choose “Training course”.") in refused.text
    assert counted(person, cpt) == "0 points"
