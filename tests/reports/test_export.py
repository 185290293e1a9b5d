"""The full data export: one JSON document of everything a person has, valid by its schema."""

import hashlib
import json
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from tests.helpers import (
    AuthActions,
    add_cpt,
    counted_statements,
    export_of,
    image_bytes,
    insert_activities,
    log_activity,
    pdf_bytes,
    submit,
    validate_export,
)
from tracker.credentials.services import credentials_of
from tracker.db import get_session
from tracker.display import points
from tracker.ledger import ledger_of
from tracker.models import User
from tracker.reports.export import FORMAT_VERSION
from tracker.rules.cases import progress_to_json

TODAY = date(2026, 11, 24)
PDF = pdf_bytes()


def by_ruleset(document: dict) -> dict[str, dict]:
    return {credential["ruleset"]: credential for credential in document["credentials"]}


def by_title(document: dict) -> dict[str, dict]:
    return {activity["title"]: activity for activity in document["activities"]}


@pytest.fixture
def person(app, user_client):
    """Pat with a CPT (a course with a file, a half-time job, a trashed course) and a PMP."""
    app.config["TODAY"] = TODAY
    cpt = add_cpt(user_client)
    log_activity(user_client, cpt, title="Hydraulics", quantity="6.5", completed_on="2024-05-01",
                 description="Evening class", tags=["safety"], files=[("c.pdf", PDF)])
    log_activity(user_client, cpt, category="E", title="Team lead", provider="Acme Plastics",
                 completed_on="", quantity="", started_on="2024-11-24", still_employed="y",
                 fraction="0.5")
    binned = log_activity(user_client, cpt, title="Bin me", files=[("old.pdf", PDF)])
    location = binned.headers["Location"]
    assert submit(user_client, f"{location}/delete", {}, form_page=location).status_code == 302
    pmp = submit(user_client, "/credentials/new/pmi-pmp",
                 {"certified_on": "2025-06-01", "certificate_number": "PMP-42"})
    assert pmp.status_code == 302
    pmp_id = int(pmp.headers["Location"].rsplit("/", 1)[-1])
    log_activity(user_client, pmp_id, category="EDU-WOW", title="Agile basics",
                 provider="PMI chapter", completed_on="2025-09-10", quantity="2.25")
    return {"cpt": cpt, "pmp": pmp_id}


def test_export_is_valid_json_by_its_schema(app, person):
    document = export_of(app)
    validate_export(document)
    assert document["format_version"] == FORMAT_VERSION == 2
    assert document["exported_on"] == "2026-11-24"
    # Nothing but JSON's own types: the text reads back to the same document.
    assert json.loads(json.dumps(document)) == document


def test_timestamps_carry_their_time_zone(app, person):
    document = export_of(app)
    credential = by_ruleset(document)["mssc-cpt"]
    activity = by_title(document)["Hydraulics"]
    stamps = [document["account"]["created_at"], credential["created_at"],
              activity["created_at"], activity["updated_at"],
              activity["evidence"][0]["uploaded_at"],
              by_title(document)["Bin me"]["deleted_at"]]
    for stamp in stamps:
        moment = datetime.fromisoformat(stamp)
        assert moment.utcoffset() == timedelta(0), stamp
        assert abs(datetime.now(moment.tzinfo) - moment) < timedelta(hours=1)


def test_account_and_credentials(app, person):
    document = export_of(app)
    assert document["account"] | {"id": 0, "created_at": ""} == {
        "id": 0, "email": "pat@example.com", "display_name": "Pat Doe", "created_at": "",
    }
    assert [c["ruleset"] for c in document["credentials"]] == ["mssc-cpt", "pmi-pmp"]
    cpt, pmp = document["credentials"]
    assert (cpt["id"], pmp["id"]) == (person["cpt"], person["pmp"])
    assert cpt["certified_on"] == "2022-03-15"
    assert [m["code"] for m in cpt["modules"]] == [
        "safety", "quality", "production", "maintenance"]
    assert (pmp["certificate_number"], pmp["certified_on"], pmp["modules"]) == (
        "PMP-42", "2025-06-01", [])
    [cycle] = cpt["cycles"]
    assert cycle | {"id": 0, "progress": None} == {
        "id": 0, "starts_on": "2022-03-15", "ends_on": "2027-03-15",
        "points_required": "100.00", "ruleset_version": "2026.1", "status": "open",
        "closed_on": None, "carried_in": "0.00", "closing_snapshot": None, "progress": None,
        "estimates_checked_on": None, "report_downloaded_on": None,
    }
    assert pmp["cycles"][0]["points_required"] == "60.00"


def test_activities_are_the_persons_with_decimals_as_text_and_the_trash_marked(app, person):
    document = export_of(app)
    assert "activities" not in document["credentials"][0]
    activities = by_title(document)
    assert list(activities) == ["Hydraulics", "Team lead", "Bin me", "Agile basics"]
    course = activities["Hydraulics"]
    assert course | {"id": 0, "created_at": "", "updated_at": "", "evidence": []} == {
        "id": 0, "kind": "training", "title": "Hydraulics", "provider": "Acme Training",
        "completed_on": "2024-05-01", "started_on": None, "quantity": "6.50",
        "fraction": None, "description": "Evening class", "tags": ["safety"], "counting": [],
        "created_at": "", "updated_at": "", "deleted_at": None, "in_trash": False,
        "evidence": [],
    }
    job = activities["Team lead"]
    assert (job["kind"], job["started_on"], job["completed_on"]) == (
        "job", "2024-11-24", None)
    assert (job["quantity"], job["fraction"]) == (None, "0.50")
    binned = activities["Bin me"]
    assert binned["in_trash"] is True and binned["deleted_at"] is not None
    assert [f["filename"] for f in binned["evidence"]] == ["old.pdf"]
    agile = activities["Agile basics"]
    assert (agile["kind"], agile["quantity"]) == ("training", "2.25")


def test_each_choice_of_where_an_activity_counts_names_its_credential(app, person,
                                                                      user_client):
    # Logged from PMP's page, counted as "Ways of working" there; left out of CPT.
    agile = by_title(export_of(app))["Agile basics"]
    assert submit(user_client, f"/activities/{agile['id']}/edit", {
        "kind": "training", "title": "Agile basics", "provider": "PMI chapter",
        "completed_on": "2025-09-10", "quantity": "2.25",
        f"count_{person['cpt']}": "exclude", f"count_{person['pmp']}": "EDU-PS",
    }, form_page=f"/activities/{agile['id']}/edit").status_code == 302
    document = export_of(app)
    validate_export(document)
    assert by_title(document)["Agile basics"]["counting"] == [
        {"credential_id": person["cpt"], "category": None, "excluded": True},
        {"credential_id": person["pmp"], "category": "EDU-PS", "excluded": False},
    ]
    cpt, pmp = (by_ruleset(document)[code]["cycles"][-1]["progress"]
                for code in ("mssc-cpt", "pmi-pmp"))
    assert agile["id"] not in [a["id"] for a in cpt["activities"]]
    assert [a["category"] for a in pmp["activities"] if a["id"] == agile["id"]] == ["EDU-PS"]


def test_evidence_is_metadata_only_with_its_sha256(app, person):
    document = export_of(app)
    [evidence] = by_title(document)["Hydraulics"]["evidence"]
    assert evidence | {"id": 0, "uploaded_at": ""} == {
        "id": 0, "filename": "c.pdf", "content_type": "application/pdf", "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(), "uploaded_at": "",
    }
    text = json.dumps(document)
    assert "%PDF" not in text and '"data"' not in text


def test_a_fixed_number_of_statements_and_never_the_bytes(app, person):
    with counted_statements(app) as few:
        export_of(app)
    insert_activities(app, person["cpt"], 30)
    with counted_statements(app) as many:
        document = export_of(app)
    assert len(document["activities"]) == 34
    assert len(few) == len(many) <= 9  # the user row, then the export's own
    assert not [s for s in many if "evidence.data" in s or "drafts.data" in s]


def test_progress_is_the_engines_own_figures(app, person, user_client):
    document = export_of(app)
    with app.app_context():
        session = get_session()
        user = session.exec(select(User)).one()
        expected = {}
        for credential in credentials_of(session, user):
            ledger = ledger_of(session, credential, TODAY)
            expected[credential.ruleset_code] = progress_to_json(ledger.progress)
    for code, credential in by_ruleset(document).items():
        [cycle] = credential["cycles"]
        assert cycle["progress"] == expected[code]
    cpt = by_ruleset(document)["mssc-cpt"]["cycles"][0]["progress"]
    # The trashed course does not count; the live courses and the job do, as on screen.
    assert [a["id"] for a in cpt["activities"]] == [
        a["id"] for a in document["activities"] if not a["in_trash"]]
    assert Decimal(cpt["counted"]) > Decimal("6.5")
    page = user_client.get(f"/credentials/{person['cpt']}").text
    assert f"{points(Decimal(cpt['counted']))} points (100 needed)" in page


def test_another_persons_data_never_appears(app, person):
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam Roe")
    theirs = add_cpt(other, certified_on="2023-01-10")
    secret = image_bytes()
    log_activity(other, theirs, title="Secret course", files=[("secret.png", secret)])

    pat = json.dumps(export_of(app))
    for trace in ("sam@example.com", "Sam Roe", "Secret course", "secret.png",
                  hashlib.sha256(secret).hexdigest()):
        assert trace not in pat
    sam = export_of(app, "sam@example.com")
    validate_export(sam)
    assert [a["title"] for a in sam["activities"]] == ["Secret course"]
    assert "pat@example.com" not in json.dumps(sam)


def test_an_empty_account_exports_validly(app, user_client):
    document = export_of(app)
    validate_export(document)
    assert document["credentials"] == []
    assert document["account"]["email"] == "pat@example.com"
