"""A full export round-trips every figure of every credential, and an export of format version
1 (activities under each credential, in its categories) still imports with the figures it had.

fixtures/export_format_1.json was made by Recert before activities had kinds (commit 67da138,
the last before this change): Pat holds a CPT (worked example A, renewed on 2026-12-20, with a
course logged after), a CLT (a course with a proof file, volunteering, college credits, a job,
one in the trash), an ASQ CCT (a course in CEUs, one in hours, an ASQ certification, a
meeting), a PMP (scheduling as "Power skills", brown-bag talks as "Sharing knowledge") and a
NICET (a certification in CPD points, a course); exported on 2026-12-20.
"""

import copy
import html
import json
from datetime import date
from pathlib import Path

import pytest

from tests.helpers import AuthActions, add_cpt, log_activity
from tests.imports.helpers import add_credential, export_on, upload_export
from tests.imports.test_full import comparable, without_ids

FORMAT_1 = Path(__file__).with_name("fixtures") / "export_format_1.json"
DAY = date(2026, 12, 20)


def format_1() -> dict:
    return json.loads(FORMAT_1.read_text())


@pytest.fixture
def newcomer(app, client):
    app.config["TODAY"] = DAY
    AuthActions(client).register(email="sam@example.com", name="Sam")
    return client


def figures(document: dict) -> dict[str, list]:
    """Each credential's cycles as evaluated: progress (for the current one) and what a closed
    one kept counted, without ids. Proof files do not travel in an export, so what says a
    file is missing is left out; the categories are by code (a rule set's file may list them
    in another order). Each year's points are left out too: since spec version 2 a job's
    points land month by month, not on its end date (every activity's figures stay)."""
    return {credential["ruleset"]: [
        (cycle["starts_on"], cycle["status"], _without_proof(without_ids(cycle["progress"])),
         (cycle["closing_snapshot"] or {}).get("counted"))
        for cycle in credential["cycles"]] for credential in document["credentials"]}


def _without_proof(progress: dict | None) -> dict | None:
    if progress is None:
        return None
    progress = {key: value for key, value in progress.items() if key != "years"}
    return {**progress,
            "categories": sorted(progress["categories"], key=lambda item: item["code"]),
            "activities": [{**item, "flags": [f for f in item["flags"]
                                              if f != "missing_evidence"]}
                           for item in progress["activities"]],
            "unmet": [item for item in progress["unmet"] if item["kind"] != "missing_evidence"]}


def test_an_export_of_format_version_1_imports_with_the_figures_it_had(app, newcomer):
    old = format_1()
    assert old["format_version"] == 1
    response = upload_export(newcomer, old)
    assert response.status_code == 302, html.unescape(response.text)
    assert ("Imported 5 credentials and 20 activities. The export lists 1 proof file"
            in newcomer.get(response.headers["Location"]).text)
    new = export_on(app, DAY)
    assert figures(new) == figures(old)
    assert [c["closing_snapshot"]["counted"] for c in new["credentials"][0]["cycles"][:1]] == [
        "128.00"]

    place = {credential["id"]: credential["ruleset"] for credential in new["credentials"]}
    activities = {a["title"]: (a["kind"], a["quantity"], sorted(
        (place[c["credential_id"]], "left out" if c["excluded"] else c["category"])
        for c in a["counting"])) for a in new["activities"]}
    others = ["asq-cct", "mssc-clt", "mssc-cpt", "nicet", "pmi-pmp"]

    def left_out_but(ruleset: str, category: str | None = None) -> list:
        return sorted([(code, "left out") for code in others if code != ruleset]
                      + ([(ruleset, category)] if category else []))

    # Each counts where it counted, in its kind's unit, and nowhere else.
    assert activities["Forklift safety"] == ("training", "12.00", left_out_but("mssc-clt"))
    assert activities["Gauge calibration"] == (  # 1.5 CEUs: 15 hours, counted as CEUs
        "training", "15.00", left_out_but("asq-cct", "COURSE-CEU"))
    assert activities["Certified Quality Inspector"] == (
        "certification", "1.00", left_out_but("asq-cct", "CERT-ASQ"))
    assert activities["Level II"] == (  # the 15 CPD points NICET gave it, as they came
        "agency-points", "15.00", left_out_but("nicet", "CERTIFICATION"))
    assert activities["Brown-bag talks"] == (
        "instructing", "3.00", left_out_but("pmi-pmp", "GB-SHARING"))
    assert activities["Warehouse lead"][:2] == ("job", None)
    assert [a["in_trash"] for a in new["activities"] if a["title"] == "Bin me"] == [True]


def test_a_damaged_export_of_format_version_1_is_refused_in_its_categories_words(
        app, newcomer):
    old = format_1()
    cct = next(c for c in old["credentials"] if c["ruleset"] == "asq-cct")
    cct["activities"][0]["quantity"] = "1.55"  # CEUs, in steps of 0.1
    cct["activities"][1]["category"] = "NOPE"
    nicet = next(c for c in old["credentials"] if c["ruleset"] == "nicet")
    nicet["activities"][0]["quantity"] = "1" + "0" * 40  # CPD points: far too many
    page = html.unescape(upload_export(newcomer, old).text)
    assert "The export file is damaged, and nothing was imported." in page
    assert ("“Gauge calibration” (Credential 3 (CCT)): quantity: 1.55 is not a multiple of "
            "0.1. Enter CEUs in steps of 0.1.") in page
    assert "“Meters” (Credential 3 (CCT)): category: “NOPE” is not a CCT category." in page
    assert ("“Level II” (Credential 5 (NICET)): quantity: Enter a number smaller than "
            "100,000,000.") in page
    assert export_on(app, DAY)["credentials"] == []


def test_a_round_trip_keeps_every_figure_on_every_credential(app, user_client):
    client = user_client
    app.config["TODAY"] = date(2026, 11, 24)
    cpt, clt = add_cpt(client), add_credential(client, "mssc-clt", "2022-06-01")
    log_activity(client, cpt, kind="training", title="Forklift safety", quantity="8")  # both
    log_activity(client, cpt, kind="college-credit", title="Statistics", quantity="3",
                 **{f"count_{clt}": "exclude"})
    log_activity(client, clt, kind="volunteering", title="Food drive", quantity="12")
    log_activity(client, clt, kind="job", title="Line operator", completed_on="",
                 quantity="", started_on="2023-01-09", still_employed="y", fraction="1")
    original = export_on(app, date(2026, 11, 24), "pat@example.com")
    cpt_figures, clt_figures = (c["cycles"][-1]["progress"] for c in original["credentials"])
    assert (cpt_figures["counted"], clt_figures["counted"]) == ("96.00", "66.00")

    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    assert upload_export(newcomer, copy.deepcopy(original)).status_code == 302
    again = export_on(app, date(2026, 11, 24))
    assert comparable(again) == comparable(original)
    [statistics] = [a for a in again["activities"] if a["title"] == "Statistics"]
    assert [(c["credential_id"], c["excluded"]) for c in statistics["counting"]] == [
        (again["credentials"][1]["id"], True)]
    pages = [newcomer.get(f"/credentials/{c['id']}").text for c in again["credentials"]]
    assert "96 points (100 needed)" in pages[0] and "66 points (100 needed)" in pages[1]


def test_an_export_refers_to_its_own_credentials_when_it_leaves_an_activity_out(
        app, user_client):
    client = user_client
    app.config["TODAY"] = date(2026, 11, 24)
    cpt, clt = add_cpt(client), add_credential(client, "mssc-clt", "2022-06-01")
    log_activity(client, cpt, kind="training", title="Forklift safety", quantity="8",
                 **{f"count_{clt}": "exclude"})
    document = export_on(app, date(2026, 11, 24), "pat@example.com")
    del document["credentials"][1]  # the CLT it is left out of
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    page = html.unescape(upload_export(newcomer, document).text)
    assert (f"it says where it counts toward credential {clt}, which is not in the export."
            in page)
    assert export_on(app, date(2026, 11, 24))["credentials"] == []  # nothing of it was added
