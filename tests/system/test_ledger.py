"""A credential's ledger is evaluated under its cycle's own rule set, in three statements; pages
reuse it until its activities or files change, and never show stale figures: every kind of
change is seen on the next view."""

import gc
import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import insert
from sqlmodel import select

from tests.helpers import (
    AuthActions,
    add_cpt,
    counted_statements,
    hidden_input,
    log_activity,
    pdf_bytes,
    submit,
)
from tests.imports.helpers import import_file
from tracker import ledger as ledger_module
from tracker.activities.listing import Filters, filtered_rows
from tracker.credentials.services import add_credential
from tracker.db import get_session
from tracker.ledger import ledger_bytes, ledger_of
from tracker.models import Activity, Evidence, HeldCredential, User
from tracker.records import collector_paused
from tracker.rules.catalog import load_catalog

TODAY = date(2026, 11, 24)


def counted(client, credential_id: int) -> str:
    page = client.get(f"/credentials/{credential_id}").text
    return re.search(r"<dt>Counted</dt><dd>([\d.]+) points", page).group(1)


def no_proof(client, credential_id: int) -> int:
    return client.get(f"/credentials/{credential_id}/activities?flag=missing_evidence").text \
        .count('class="flag flag-missing_evidence"')


def test_the_current_cycle_is_evaluated_under_its_own_rule_set_version(app, user_client, cpt):
    log_activity(user_client, cpt, quantity="10")
    with app.app_context():
        session = get_session()
        credential = session.get(HeldCredential, cpt)
        cycle, _modules = credential.current_cycle, credential.module_codes  # loaded first
        with counted_statements(app) as statements:
            ledger = ledger_of(session, credential, TODAY)
            again = ledger_of(session, credential, TODAY, cycle)
        # The person's activities, their files, and the choices made for this credential;
        # then the cache.
        assert len(statements) == 3, statements
        assert again is ledger
        assert (ledger.ruleset.code, ledger.ruleset.version) == \
            (credential.ruleset_code, cycle.ruleset_version)
        assert ledger.progress.counted == Decimal(10)


def test_a_second_view_does_not_read_the_activities_again(app, user_client, cpt):
    log_activity(user_client, cpt, quantity="10")
    url = f"/credentials/{cpt}"
    assert user_client.get(url).status_code == 200
    with counted_statements(app) as statements:
        assert user_client.get(url).status_code == 200
    assert not [s for s in statements if "FROM activities" in s], statements


def test_every_kind_of_change_shows_on_the_next_view(app, user_client, cpt):
    first = log_activity(user_client, cpt, quantity="10", completed_on="2024-01-10")
    activity_id = int(first.headers["Location"].rsplit("/", 1)[-1])
    assert counted(user_client, cpt) == "10"
    assert no_proof(user_client, cpt) == 1

    log_activity(user_client, cpt, quantity="4", completed_on="2024-02-10")  # a new one
    assert counted(user_client, cpt) == "14"

    location = f"/activities/{activity_id}"
    submit(user_client, f"{location}/delete", {}, form_page=location)  # to the trash
    assert counted(user_client, cpt) == "4"
    submit(user_client, f"/trash/{activity_id}/restore", {}, form_page="/trash/")
    assert counted(user_client, cpt) == "14"

    with app.app_context():  # an edit and a new file, through the unit of work
        session = get_session()
        activity = session.get(Activity, activity_id)
        activity.quantity = Decimal(20)
        data = pdf_bytes()
        session.add(Evidence(activity_id=activity_id, filename="c.pdf",
                             content_type="application/pdf", size=len(data), sha256="0" * 64,
                             data=data))
        session.commit()
    assert counted(user_client, cpt) == "24"
    assert no_proof(user_client, cpt) == 1  # only the second activity lacks proof now

    with app.app_context():  # the file removed again
        session = get_session()
        session.delete(session.exec(select(Evidence)).one())
        session.commit()
    assert no_proof(user_client, cpt) == 2

    csv = ("Date completed,Category,Title,Provider,Quantity\r\n"
           "2024-03-01,CE-TRAINING,Imported,Acme,6\r\n")
    url = f"/credentials/{cpt}/import"
    preview = submit(user_client, f"{url}/preview", {"file": (io.BytesIO(csv.encode()), "a.csv")},
                     form_page=url, content_type="multipart/form-data")
    token = hidden_input(preview.text, "upload")
    submit(user_client, f"{url}/confirm", {"upload": token}, form_page=url)
    assert counted(user_client, cpt) == "30"


def test_changing_the_modules_held_changes_the_status(app, user_client, cpt):
    log_activity(user_client, cpt, quantity="10")
    assert "Recertification is not required" not in user_client.get(f"/credentials/{cpt}").text
    with app.app_context():
        session = get_session()
        credential = session.get(HeldCredential, cpt)
        credential.modules.pop()
        session.commit()
    assert "Recertification is not required" in user_client.get(f"/credentials/{cpt}").text


def people_of(app, people: int, count: int) -> list[int]:
    """People each with a CPT credential of `count` activities (one with a file in three),
    inserted in one statement each: quick."""
    ruleset = load_catalog().get("mssc-cpt")
    modules = dict.fromkeys(("safety", "quality", "production", "maintenance"))
    credential_ids = []
    with app.app_context():
        session = get_session()
        for number in range(people):
            user = User(email=f"person{number}@example.com", display_name=f"Person {number}",
                        password_hash="x")
            session.add(user)
            session.commit()
            credential = add_credential(session, user, ruleset, date(2022, 3, 15), "", modules)
            credential_ids.append(credential.id)
            session.execute(insert(Activity.__table__), [
                {"user_id": user.id, "kind": "training", "title": f"Course {n}",
                 "provider": "Acme",
                 "quantity": Decimal("1.5"), "completed_on": date(2022, 4, 1 + n % 28),
                 "description": "", "tags": [], "version": 1,
                 "created_at": datetime(2024, 1, 1, tzinfo=UTC),
                 "updated_at": datetime(2024, 1, 1, tzinfo=UTC)}
                for n in range(count)])
        session.commit()
    return credential_ids


def views(app, credential_ids: list[int]) -> list[int]:
    """Each credential's ledger seen once, as a page would: how many statements read its
    activities."""
    reads = []
    for credential_id in credential_ids:
        with app.app_context():
            session = get_session()
            credential = session.get(HeldCredential, credential_id)
            credential.current_cycle, credential.module_codes  # noqa: B018 (loaded first)
            with counted_statements(app) as statements:
                ledger_of(session, credential, TODAY)
            reads.append(len([s for s in statements if "FROM activities" in s]))
    return reads


def test_eleven_large_accounts_all_stay_cached(app):
    """The cache is bounded by memory (RECERT_LEDGER_CACHE_MB), not by a count of activities
    that ten accounts of 5,000 used to exceed: at the default, eleven stay warm together."""
    assert app.config["LEDGER_CACHE_BYTES"] >= 11 * ledger_bytes(5_000)
    credential_ids = people_of(app, 11, 5_000)
    assert views(app, credential_ids) == [1] * 11  # each read once
    assert views(app, credential_ids) == [0] * 11  # then every second view is warm


def test_the_least_recently_seen_ledger_leaves_a_full_cache(app):
    credential_ids = people_of(app, 4, 10)
    app.config["LEDGER_CACHE_BYTES"] = 3 * ledger_bytes(10)  # three fit
    assert views(app, credential_ids) == [1] * 4
    assert views(app, credential_ids[1:]) == [0] * 3
    assert views(app, credential_ids[:1]) == [1]  # the least recently seen went


def test_a_cached_ledger_is_out_of_the_garbage_collectors_way(app, user_client, cpt):
    """Its per-activity records are immutable and untracked, so full collections do not walk
    them (issue 16); its figures and files read as before."""
    log_activity(user_client, cpt, quantity="10", tags=["safety"],
                 files=[("proof.pdf", pdf_bytes())])
    log_activity(user_client, cpt, quantity="2")
    with app.app_context():
        session = get_session()
        credential = session.get(HeldCredential, cpt)
        ledger = ledger_of(session, credential, TODAY)
        rows = filtered_rows(ledger, Filters())
        gc.collect()  # plain tuples of atoms (the files') are untracked by the collector itself
        records = [*ledger.activities, *ledger.progress.activities, *ledger.progress.unmet,
                   *rows, *(f for files in ledger.files.values() for f in files),
                   *ledger.files.values()]
        assert len(records) >= 2 + 2 + 1 + 2 + 1 + 1  # rows, results, unmet, list rows, file
        assert not [record for record in records if gc.is_tracked(record)]
        assert ledger.progress.counted == Decimal(12)
        assert sorted(a.tags for a in ledger.activities) == [(), ("safety",)]
        assert [f.filename for files in ledger.files.values() for f in files] == ["proof.pdf"]
        assert [len(row.files) for row in rows if row.files] == [1]


def test_the_collector_is_paused_only_while_a_ledger_is_built():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


# Each kind of change, seen after a cached view, gives what a fresh evaluation gives: the
# guard for any ledger worked out from a cached one (an incremental read must not trust an
# activity's id and version alone: a restored backup can bring back both with other content).


def seen_now(app, credential_id: int):
    """The credential's ledger as the next view gets it, and the statements that read it."""
    with app.app_context():
        session = get_session()
        credential = session.get(HeldCredential, credential_id)
        credential.current_cycle, credential.module_codes  # noqa: B018 (loaded first)
        with counted_statements(app) as statements:
            ledger = ledger_of(session, credential, TODAY)
    return ledger, statements


def same_as_fresh(app, credential_id: int):
    """The next view's ledger, after a change, equals a fresh evaluation of the same state
    (the cache emptied): whatever the ledger keeps between views, nothing stale shows."""
    ledger, _statements = seen_now(app, credential_id)
    with ledger_module._lock:
        ledger_module._cache().clear()
    fresh, _statements = seen_now(app, credential_id)
    assert ledger.activities == fresh.activities
    assert [tuple(a) for a in ledger.activities] == [tuple(a) for a in fresh.activities]
    assert ledger.progress == fresh.progress
    assert ledger.files == fresh.files
    return ledger


def test_one_activity_changed_gives_a_fresh_evaluations_figures(app, user_client, cpt):
    for quantity in ("10", "4", "6"):
        log_activity(user_client, cpt, quantity=quantity, completed_on="2024-01-10")
    seen_now(app, cpt)
    with app.app_context():
        session = get_session()
        activity = session.exec(select(Activity).order_by(Activity.id)).first()
        activity.quantity, activity.title = Decimal(20), "Changed"
        session.commit()
    ledger = same_as_fresh(app, cpt)
    assert ledger.progress.counted == Decimal(30)
    assert sorted(a.title for a in ledger.activities)[0] == "Changed"


def test_trash_restore_and_files_give_a_fresh_evaluations_figures(app, user_client, cpt):
    first = log_activity(user_client, cpt, quantity="10", completed_on="2024-01-10")
    activity_id = int(first.headers["Location"].rsplit("/", 1)[-1])
    log_activity(user_client, cpt, quantity="4", files=[("proof.pdf", pdf_bytes())])
    seen_now(app, cpt)
    location = f"/activities/{activity_id}"
    submit(user_client, f"{location}/delete", {}, form_page=location)
    assert same_as_fresh(app, cpt).progress.counted == Decimal(4)
    submit(user_client, f"/trash/{activity_id}/restore", {}, form_page="/trash/")
    assert same_as_fresh(app, cpt).progress.counted == Decimal(14)
    with app.app_context():  # a file added: the activity's version stays as it was
        session = get_session()
        data = pdf_bytes()
        session.add(Evidence(activity_id=activity_id, filename="c.pdf",
                             content_type="application/pdf", size=len(data), sha256="0" * 64,
                             data=data))
        session.commit()
    ledger = same_as_fresh(app, cpt)
    assert all(a.has_evidence for a in ledger.activities)
    with app.app_context():  # and removed
        session = get_session()
        session.delete(session.exec(select(Evidence).where(Evidence.filename == "c.pdf")).one())
        session.commit()
    ledger = same_as_fresh(app, cpt)
    assert sorted(a.has_evidence for a in ledger.activities) == [False, True]


def test_a_csv_import_and_an_export_imported_elsewhere_give_fresh_figures(app, user_client,
                                                                          cpt):
    log_activity(user_client, cpt, quantity="10", tags=["safety"],
                 files=[("proof.pdf", pdf_bytes())])
    log_activity(user_client, cpt, quantity="2", completed_on="2024-02-01")
    seen_now(app, cpt)
    csv = ("Date completed,Category,Title,Provider,Quantity\r\n"
           "2024-03-01,CE-TRAINING,Imported,Acme,6\r\n")
    url = f"/credentials/{cpt}/import"
    preview = submit(user_client, f"{url}/preview",
                     {"file": (io.BytesIO(csv.encode()), "a.csv")},
                     form_page=url, content_type="multipart/form-data")
    submit(user_client, f"{url}/confirm", {"upload": hidden_input(preview.text, "upload")},
           form_page=url)
    assert same_as_fresh(app, cpt).progress.counted == Decimal(18)

    exported = user_client.get(f"/credentials/{cpt}/activities.csv").data
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam")
    theirs = add_cpt(other, "2022-03-15")
    log_activity(other, theirs, quantity="1")
    seen_now(app, theirs)
    assert import_file(other, theirs, exported).status_code == 302
    assert same_as_fresh(app, theirs).progress.counted == Decimal(19)


def test_a_restored_backup_with_the_same_ids_and_versions_gives_its_own_figures(
        app, client, auth, tmp_path):
    """Two histories of one activity, each at version 2 (the backup's: 20, the database's:
    30): the restored one's figures show, as a fresh evaluation gives them."""
    auth.register()
    cpt = add_cpt(client)
    response = log_activity(client, cpt, quantity="10")
    activity_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    log_activity(client, cpt, quantity="1", completed_on="2024-02-01")
    invoke = app.test_cli_runner().invoke

    def set_quantity(quantity: str) -> None:
        with app.app_context():
            session = get_session()
            session.get(Activity, activity_id).quantity = Decimal(quantity)
            session.commit()

    assert invoke(args=["backup", str(tmp_path / "first.backup")]).exit_code == 0
    set_quantity("20")
    assert invoke(args=["backup", str(tmp_path / "second.backup")]).exit_code == 0
    restored = invoke(args=["restore", "--replace", str(tmp_path / "first.backup")])
    assert restored.exit_code == 0, restored.output
    set_quantity("30")
    assert seen_now(app, cpt)[0].progress.counted == Decimal(31)
    restored = invoke(args=["restore", "--replace", str(tmp_path / "second.backup")])
    assert restored.exit_code == 0, restored.output
    with app.app_context():
        assert get_session().get(Activity, activity_id).version == 2
    assert same_as_fresh(app, cpt).progress.counted == Decimal(21)
