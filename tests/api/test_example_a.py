"""docs/rules.md's worked example A, entered entirely through the API, gives the same progress as
when it is entered through the web pages, and as `flask rules evaluate` prints for it."""

import io
import json
from datetime import date

from tests.api.helpers import V2, ApiClient, make_token
from tests.examples import example_a
from tests.helpers import AuthActions, image_bytes, kind_landing_in, pdf_bytes

ACTIVITIES = [  # (title, category, date, quantity), as in tests/examples.py
    ("Before the cycle", "CE-TRAINING", "2021-12-01", "8"),
    ("Safety course", "CE-TRAINING", "2022-06-01", "10"),
    ("Statistics", "CE-CREDIT", "2023-05-20", "3"),
    ("Forklift certification", "IC", "2024-09-10", "1"),
    ("Robotics coaching", "X", "2025-04-02", "30"),
]
CPT = {"ruleset": "mssc-cpt", "certified_on": "2022-03-15",
       "modules": [{"code": c} for c in ("safety", "quality", "production", "maintenance")]}


def example_a_through_the_api(api: ApiClient, with_proof: bool) -> int:
    credential = api.post("/credentials", json=CPT)
    assert credential.status_code == 201, credential.text
    credential_id = credential.json["id"]
    # Each logged once, as the kind that lands in its category (CPT converts no units).
    entries = [{"kind": kind_landing_in(category), "title": title, "completed_on": day,
                "quantity": quantity} for title, category, day, quantity in ACTIVITIES]
    entries.append({"kind": "job", "title": "Line operator", "started_on": "2022-03-15",
                    "completed_on": "2026-03-14", "fraction": "1"})
    for entry in entries:
        made = api.post(f"{V2}/activities", json=entry)
        assert made.status_code == 201, made.text
        if with_proof:
            name, content = (("letter.png", image_bytes()) if entry["kind"] == "job"
                             else (f"{entry['title']}.pdf", pdf_bytes()))
            sent = api.post(f"/activities/{made.json['id']}/evidence",
                            data={"file": (io.BytesIO(content), name)})
            assert sent.status_code == 201, sent.text
    return credential_id


def without_ids(progress: dict) -> dict:
    """The progress with its activities named by their place, not their id."""
    place = {a["id"]: n for n, a in enumerate(progress["activities"])}
    return {
        **progress,
        "activities": [{**a, "id": place[a["id"]]} for a in progress["activities"]],
        "unmet": [{**u, "scope": place[u["scope"]]} if u["kind"] == "missing_evidence" else u
                  for u in progress["unmet"]],
    }


def test_example_a_through_the_api_is_example_a_through_the_web(app, user_client, token):
    # Pat enters it on the web pages; Sam sends it to the API.
    web_credential = example_a(app, user_client, with_proof=True)
    sam = app.test_client()
    AuthActions(sam).register(email="sam@example.com", name="Sam Roe")
    sam_api = ApiClient(app, make_token(sam))
    api_credential = example_a_through_the_api(sam_api, with_proof=True)

    through_web = ApiClient(app, token).get(f"/credentials/{web_credential}/progress").json
    through_api = sam_api.get(f"/credentials/{api_credential}/progress").json
    assert without_ids(through_api) == without_ids(through_web)
    assert (through_api["counted"], through_api["status"], through_api["days_left"]) == \
        ("128.00", "complete", 111)
    assert through_api["requirement_reached_on"] == "2025-04-02"
    assert [(a["counted"], a["flags"]) for a in through_api["activities"]] == [
        ("0.00", ["outside_cycle"]), ("10.00", []), ("30.00", []), ("20.00", []),
        ("20.00", ["over_cap"]), ("48.00", [])]
    # The web page shows the same total.
    page = user_client.get(f"/credentials/{web_credential}").text
    assert "128" in page


def test_progress_is_what_rules_evaluate_prints(app, runner, api):
    app.config["TODAY"] = date(2026, 11, 24)
    credential_id = example_a_through_the_api(api, with_proof=False)
    progress = api.get(f"/credentials/{credential_id}/progress").json
    case = {"ruleset": "mssc-cpt", "certified_on": "2022-03-15", "today": "2026-11-24",
            "modules": ["safety", "quality", "production", "maintenance"],
            "activities": [{"id": n, "category": category, "completed_on": day,
                            "quantity": quantity}
                           for n, (_title, category, day, quantity) in enumerate(ACTIVITIES)]}
    case["activities"].append({"id": len(ACTIVITIES), "category": "E",
                               "started_on": "2022-03-15", "completed_on": "2026-03-14",
                               "fraction": "1"})
    result = runner.invoke(args=["rules", "evaluate", "-"], input=json.dumps(case))
    assert result.exit_code == 0, result.output
    assert without_ids(progress) == json.loads(result.stdout)


def test_the_listing_totals_and_filters_match_the_engine(app, api):
    app.config["TODAY"] = date(2026, 11, 24)
    credential_id = example_a_through_the_api(api, with_proof=False)
    listing = api.get(f"/credentials/{credential_id}/activities").json
    assert (listing["total"], listing["earned"], listing["counted"]) == (6, "146.00", "128.00")
    over_cap = api.get(f"/credentials/{credential_id}/activities?flag=over_cap").json
    assert [a["title"] for a in over_cap["items"]] == ["Robotics coaching"]
    assert over_cap["counted"] == "20.00"
