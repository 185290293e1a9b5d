"""Importing a whole account from its full JSON export: into an empty account only, checked
before anything is written, round-tripping everything but ids and the history, closed cycles
and what they kept included."""

import html
import io
import json
from datetime import date

import pytest
from sqlmodel import func, select

from tests.examples import example_a
from tests.helpers import AuthActions, export_of, log_activity, submit
from tests.imports.helpers import activity_count, upload_export
from tracker.db import get_session
from tracker.imports.full import ExportRefused, import_full_export
from tracker.models import Activity, ChangeRecord, Cycle, CycleSnapshot, HeldCredential, User


def comparable(document: dict) -> dict:
    """The document apart from identifiers (a choice names its credential's rule set instead),
    the account's own email and creation time, and the change history (the import does not
    carry it: see tracker/imports/full.py)."""
    document = {key: value for key, value in document.items() if key != "history"}
    document["account"] = {**document["account"], "created_at": None}
    ruleset_of = {credential["id"]: credential["ruleset"]
                  for credential in document["credentials"]}
    document["activities"] = [
        {**activity, "counting": [{**choice, "credential_id": ruleset_of[choice["credential_id"]]}
                                  for choice in activity["counting"]]}
        for activity in document["activities"]]
    return without_ids(document)


def without_ids(value):
    if isinstance(value, dict):
        ids = {"id", "email"} | ({"scope"} if value.get("kind") == "missing_evidence" else set())
        return {key: without_ids(item) for key, item in value.items() if key not in ids}
    if isinstance(value, list):
        return [without_ids(item) for item in value]
    return value


def test_full_export_imports_into_an_empty_account_and_round_trips(app, user_client):
    client = user_client
    cpt = example_a(app, client)
    binned = log_activity(client, cpt, title="Bin me", tags=["safety"])
    location = binned.headers["Location"]
    submit(client, f"{location}/delete", {}, form_page=location)
    submit(client, "/credentials/new/pmi-pmp", {"certified_on": "2024-01-10"})
    original = export_of(app, "pat@example.com")
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    response = upload_export(newcomer, original)
    assert response.status_code == 302, response.text
    assert comparable(export_of(app, "sam@example.com")) == comparable(original)


def test_an_export_from_before_carry_over_still_imports(app, user_client):
    example_a(app, user_client)
    original = export_of(app, "pat@example.com")
    for credential in original["credentials"]:
        for cycle in credential["cycles"]:
            del cycle["carried_in"]
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    assert upload_export(newcomer, original).status_code == 302
    [cycle] = export_of(app, "sam@example.com")["credentials"][0]["cycles"]
    assert cycle["carried_in"] == "0.00"


def test_full_export_is_refused_into_an_account_with_credentials(app, user_client):
    client = user_client
    cpt = example_a(app, client)
    document = export_of(app, "pat@example.com")
    before = activity_count(app)
    page = upload_export(client, document)
    assert "already has credentials or activities" in page.text
    assert activity_count(app) == before
    with app.app_context():
        assert get_session().exec(select(func.count()).select_from(HeldCredential)).one() == 1
    # Without its credential, the account keeps its activities: still not empty.
    assert submit(client, f"/credentials/{cpt}/delete", {}).status_code == 302
    assert "already has credentials or activities" in upload_export(client, document).text
    assert activity_count(app) == before


def test_full_export_checks_its_version_and_schema_first(app, user_client):
    client = user_client
    example_a(app, client)
    document = export_of(app, "pat@example.com")
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam")
    assert ("This export has format version 3; this Recert reads versions 1 and 2."
            in upload_export(other, {**document, "format_version": 3}).text)
    broken = json.loads(json.dumps(document))
    broken["activities"][-1]["quantity"] = "lots"
    assert "damaged at activities/5/quantity" in upload_export(other, broken).text
    older = {**document, "format_version": 1}  # this layout under the old version: damaged
    assert "The export file is damaged at" in upload_export(other, older).text
    hidden = json.loads(json.dumps(document))
    hidden["activities"][-1]["title"] = "Line\x00operator"
    assert "invisible control characters" in upload_export(other, hidden).text
    assert "not a Recert export" in submit(
        other, "/account/import", {"file": (io.BytesIO(b"{nope"), "x.json")},
        content_type="multipart/form-data").text
    with app.app_context():
        session = get_session()
        sam = session.exec(select(User).where(User.email == "sam@example.com")).one()
        with pytest.raises(ExportRefused):
            import_full_export(session, sam, {"format_version": 1})
    assert activity_count(app) == 6  # Pat's, and nothing of Sam's


def test_a_renewed_cycle_travels_with_what_it_kept(app, user_client):
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, user_client)
    app.config["TODAY"] = date(2026, 12, 20)
    submit(user_client, f"/credentials/{cpt}/renewal", {"day": "2026-12-20"})
    with app.app_context():
        statistics = get_session().exec(
            select(Activity.id).where(Activity.title == "Statistics")).one()
    submit(user_client, f"/activities/{statistics}/delete", {},
           form_page=f"/activities/{statistics}")  # after the renewal: not in what it kept
    original = export_of(app, "pat@example.com")
    [kept] = [c["closing_snapshot"] for c in original["credentials"][0]["cycles"]
              if c["status"] == "renewed"]
    assert kept["counted"] == "128.00"
    assert "Statistics" in [a["title"] for a in kept["activities"]]

    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    assert upload_export(newcomer, original).status_code == 302
    assert comparable(export_of(app, "sam@example.com")) == comparable(original)
    with app.app_context():
        sam = get_session().exec(select(User).where(User.email == "sam@example.com")).one()
        credential = get_session().exec(
            select(HeldCredential).where(HeldCredential.user_id == sam.id)).one()
        old = next(c for c in credential.cycles if c.status == "renewed")
        ids = (credential.id, old.id)
    report = newcomer.get(f"/credentials/{ids[0]}/cycles/{ids[1]}/report").text
    assert "<strong>128 points" in report and "Statistics" in report
    assert "128 (100 needed)" in newcomer.get(f"/credentials/{ids[0]}").text  # past cycles


def renewed_export(app, client) -> dict:
    """Worked example A, renewed on 2026-12-20, as its full export."""
    app.config["TODAY"] = date(2026, 12, 20)
    cpt = example_a(app, client)
    app.config["TODAY"] = date(2026, 12, 20)
    submit(client, f"/credentials/{cpt}/renewal", {"day": "2026-12-20"})
    return export_of(app, "pat@example.com")


def closed_cycle(document: dict) -> dict:
    return next(c for c in document["credentials"][0]["cycles"] if c["status"] == "renewed")


@pytest.mark.parametrize(("damage", "message"), [
    (lambda kept: kept["activities"][1].update(quantity="-1000"),
     "must be more than 0"),
    (lambda kept: kept["activities"][1].update(quantity="1" + "0" * 60),
     "Enter a number smaller than 100,000,000."),
    (lambda kept: kept["activities"][1].update(completed_on=None),
     "Enter the date you finished this activity."),
    (lambda kept: kept["activities"][2].update(id=kept["activities"][1]["id"]),
     "two activities have the same id"),
], ids=["negative", "huge", "no date", "same id"])
def test_a_crafted_snapshot_is_refused_whole(app, user_client, damage, message):
    document = renewed_export(app, user_client)
    damage(closed_cycle(document)["closing_snapshot"])
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    page = upload_export(newcomer, document)
    assert page.status_code == 200
    assert "The export file is damaged" in page.text and message in page.text
    with app.app_context():
        assert get_session().exec(select(func.count()).select_from(HeldCredential)).one() == 1


def test_a_closed_cycle_needs_its_closing_day_and_its_points_are_worked_out_again(
        app, user_client):
    document = renewed_export(app, user_client)
    closed_cycle(document)["closing_snapshot"]["counted"] = "99999.00"  # not believed
    broken = json.loads(json.dumps(document))
    closed_cycle(broken)["closed_on"] = None
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    assert "has no closing day" in upload_export(newcomer, broken).text
    assert upload_export(newcomer, document).status_code == 302
    with app.app_context():
        sam = get_session().exec(select(User).where(User.email == "sam@example.com")).one()
        credential_id = get_session().exec(select(HeldCredential.id).where(
            HeldCredential.user_id == sam.id)).one()
    page = newcomer.get(f"/credentials/{credential_id}").text
    assert "128 (100 needed)" in page and "99999" not in page


def credential_of(document: dict) -> dict:
    return document["credentials"][0]


def open_cycle(document: dict) -> dict:
    return credential_of(document)["cycles"][-1]


def no_cycles_and_a_crafted_activity(document: dict) -> None:
    credential_of(document)["cycles"] = []
    document["activities"][0].update(kind="NOPE", quantity="-99999999")


def counted_as(category: str | None, excluded: bool = False, credential_id: int | None = None):
    """A craft: the first activity (a training course) counted toward the credential (or
    another id) as `category`, or left out."""
    def craft(document: dict) -> None:
        document["activities"][0]["counting"] = [{
            "credential_id": credential_of(document)["id"] if credential_id is None
            else credential_id, "category": category, "excluded": excluded}]
    return craft


def two_open_cycles(document: dict) -> None:
    closed_cycle(document).update(status="open", closed_on=None, closing_snapshot=None)


# Issue 15, finding 2: each file an outside audit got accepted, after which the account's pages
# answered 500 until the account was deleted.
@pytest.mark.parametrize(("craft", "message"), [
    (no_cycles_and_a_crafted_activity, "Credential 1 (CPT) has no cycle."),
    (no_cycles_and_a_crafted_activity, "“NOPE” is not a kind of activity Recert knows."),
    (lambda d: credential_of(d).update(ruleset="nope-nope"),
     "Credential 1: this Recert does not know the rule set “nope-nope”."),
    (lambda d: open_cycle(d).update(ruleset_version="1999.1"),
     "cycle 2 is under version “1999.1” of its rule set, which this Recert does not know."),
    (lambda d: open_cycle(d).update(ends_on="9999-12-31"),
     "cycle 2 (from 2027-03-16 to 9999-12-31) does not last 5 years"),
    (lambda d: closed_cycle(d).update(starts_on="0001-01-01"),
     "cycle 1 (from 0001-01-01 to 2027-03-15) starts before 1950-01-01."),
    (lambda d: d["activities"][2].update(deleted_at="9999-12-31T00:00:00+00:00"),
     "deleted_at is 9999-12-31T00:00:00+00:00, in the future."),
    (lambda d: open_cycle(d).update(points_required="-500"),
     "asks -500 points; CPT asks 100."),
    (two_open_cycles, "Credential 1 (CPT) has 2 open cycles"),
    (lambda d: open_cycle(d).update(starts_on="2033-01-01"),
     "cycle 2 (from 2033-01-01 to 2032-03-15) starts after it ends."),
    (counted_as("IC"), "“Before the cycle”: where it counts toward credential 1 "
     "(CPT): CPT does not count “Training course or workshop” as “Industry certification "
     "earned”. Choose “Training course”."),
    (counted_as(None, credential_id=999999), "it says where it counts toward credential "
     "999999, which is not in the export."),
    (counted_as("CE-TRAINING", excluded=True), "it is both left out of credential 1 and "
     "counted there as “CE-TRAINING”."),
    (lambda d: d["activities"][1]["counting"].append(d["activities"][1]["counting"][0]),
     "it says twice where it counts toward credential 1."),
], ids=["no cycles", "no cycles: activity still checked", "unknown rule set",
        "unknown version", "ends 9999", "starts 0001", "deleted in 9999", "points -500",
        "two open cycles", "start after end", "a category that does not take the kind",
        "a credential not in the export", "left out and counted", "two choices"])
def test_a_crafted_structure_is_refused_whole_and_nothing_is_written(app, user_client, craft,
                                                                     message):
    document = renewed_export(app, user_client)
    craft(document)
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    before = stored_counts(app)
    page = upload_export(newcomer, document)
    assert page.status_code == 200
    assert "The export file is damaged, and nothing was imported." in page.text
    assert message in html.unescape(page.text)
    assert stored_counts(app) == before


def stored_counts(app) -> dict[str, int]:
    with app.app_context():
        session = get_session()
        return {model.__name__: session.exec(select(func.count()).select_from(model)).one()
                for model in (HeldCredential, Cycle, Activity, CycleSnapshot, ChangeRecord)}
