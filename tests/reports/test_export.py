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


def by_title(credential: dict) -> dict[str, dict]:
    return {activity["title"]: activity for activity in credential["activities"]}


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
    assert document["format_version"] == FORMAT_VERSION == 1
    assert document["exported_on"] == "2026-11-24"
    # Nothing but JSON's own types: the text reads back to the same document.
    assert json.loads(json.dumps(document)) == document


def test_timestamps_carry_their_time_zone(app, person):
    document = export_of(app)
    credential = by_ruleset(document)["mssc-cpt"]
    activity = by_title(credential)["Hydraulics"]
    stamps = [document["account"]["created_at"], credential["created_at"],
              activity["created_at"], activity["updated_at"],
              activity["evidence"][0]["uploaded_at"],
              by_title(credential)["Bin me"]["deleted_at"]]
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
    }
    assert pmp["cycles"][0]["points_required"] == "60.00"


def test_activities_with_decimals_as_text_and_the_trash_marked(app, person):
    cpt, pmp = export_of(app)["credentials"]
    activities = by_title(cpt)
    assert list(activities) == ["Hydraulics", "Team lead", "Bin me"]
    course = activities["Hydraulics"]
    assert course | {"id": 0, "created_at": "", "updated_at": "", "evidence": []} == {
        "id": 0, "category": "CE-TRAINING", "title": "Hydraulics", "provider": "Acme Training",
        "completed_on": "2024-05-01", "started_on": None, "quantity": "6.50",
        "fraction": None, "description": "Evening class", "tags": ["safety"],
        "created_at": "", "updated_at": "", "deleted_at": None, "in_trash": False,
        "evidence": [],
    }
    job = activities["Team lead"]
    assert (job["category"], job["started_on"], job["completed_on"]) == (
        "E", "2024-11-24", None)
    assert (job["quantity"], job["fraction"]) == (None, "0.50")
    binned = activities["Bin me"]
    assert binned["in_trash"] is True and binned["deleted_at"] is not None
    assert [f["filename"] for f in binned["evidence"]] == ["old.pdf"]
    [agile] = pmp["activities"]
    assert (agile["category"], agile["quantity"]) == ("EDU-WOW", "2.25")


def test_evidence_is_metadata_only_with_its_sha256(app, person):
    document = export_of(app)
    [evidence] = by_title(by_ruleset(document)["mssc-cpt"])["Hydraulics"]["evidence"]
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
    assert len(by_ruleset(document)["mssc-cpt"]["activities"]) == 33
    assert len(few) == len(many) <= 6  # the user row, then the export's own five
    assert not [s for s in many if "evidence.data" in s]


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
    # The trashed course does not count; the live course and the job do, as on screen.
    assert [a["id"] for a in cpt["activities"]] == [
        a["id"] for a in by_ruleset(document)["mssc-cpt"]["activities"] if not a["in_trash"]]
    assert Decimal(cpt["counted"]) > Decimal("6.5")
    page = user_client.get(f"/credentials/{person['cpt']}").text
    assert f"{points(Decimal(cpt['counted']))} of 100 points" in page


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
    [credential] = sam["credentials"]
    assert [a["title"] for a in credential["activities"]] == ["Secret course"]
    assert "pat@example.com" not in json.dumps(sam)


def test_an_empty_account_exports_validly(app, user_client):
    document = export_of(app)
    validate_export(document)
    assert document["credentials"] == []
    assert document["account"]["email"] == "pat@example.com"
