"""The proof inbox's services: files become drafts, drafts are read, checked, saved as
activities or discarded, and go with the account."""

import io
import time
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select
from werkzeug.datastructures import FileStorage

from tests.helpers import TODAY, pdf_bytes, stored
from tests.proofs.drafts import certificate_pdf, certificate_png, make_draft
from tracker.account.services import delete_account
from tracker.activities import services, validation
from tracker.db import get_session
from tracker.models import Activity, Evidence, User
from tracker.proofs import inbox
from tracker.proofs.models import Draft
from tracker.proofs.reading import Reading

MAX_BYTES = 10 * 1024 * 1024
LATER = float("inf")  # a deadline never reached


def upload(name: str, data: bytes) -> FileStorage:
    return FileStorage(stream=io.BytesIO(data), filename=name)


@pytest.fixture
def pat(app, user_client):
    """An app context and the registered person's row."""
    with app.app_context():
        session = get_session()
        yield session, session.exec(select(User)).one()


def test_three_files_make_two_drafts_read_and_one_refusal(pat):
    session, user = pat
    added = inbox.add_files(session, user, [
        upload("forklift.pdf", certificate_pdf()),
        upload("first-aid.png", certificate_png(title="First Aid and CPR", hours="4")),
        upload("notes.txt", b"just some notes, not a certificate"),
    ], MAX_BYTES)
    assert added.added == ["forklift.pdf", "first-aid.png"]
    assert len(added.refused) == 1 and added.refused[0].startswith("notes.txt is not a PDF")
    assert inbox.unread_count(session, user) == 2

    assert inbox.read_waiting(session, user, LATER) == 0
    pdf, image = sorted(inbox.drafts_of(session, user), key=lambda d: d.id)
    assert (pdf.kind, pdf.title, pdf.provider, pdf.completed_on, pdf.quantity, pdf.source) == (
        "training", "Forklift Safety Refresher", "Acme Training Center", date(2025, 8, 10),
        Decimal("8"), "pdf-text")
    assert set(pdf.read_fields) == {"kind", "title", "provider", "completed_on", "quantity"}
    # Read too (how well is the reading's tests' concern): by OCR, or found unreadable (no
    # Tesseract here, or too slow on a busy machine), which the page says.
    assert image.source in ("ocr", "none")


def test_reading_starts_one_file_past_the_deadline_then_stops(pat):
    session, user = pat
    inbox.add_files(session, user, [upload(f"{n}.pdf", certificate_pdf()) for n in "abc"],
                    MAX_BYTES)
    assert inbox.read_waiting(session, user, time.monotonic() - 1) == 2
    assert [d.source for d in inbox.drafts_of(session, user)] == [None, None, "pdf-text"]
    assert inbox.read_waiting(session, user, LATER) == 0
    assert inbox.unread_count(session, user) == 0


def test_adding_starts_no_file_past_its_deadline_and_names_those_left(pat):
    session, user = pat
    added = inbox.add_files(session, user, [upload("a.pdf", pdf_bytes()),
                                            upload("b.pdf", pdf_bytes())],
                            MAX_BYTES, deadline=time.monotonic() - 1)
    assert (added.added, added.not_reached) == ([], ["a.pdf", "b.pdf"])
    assert inbox.drafts_of(session, user) == []


def test_pdfs_are_read_before_pictures(pat, monkeypatch):
    session, user = pat
    inbox.add_files(session, user, [upload("photo.png", certificate_png()),
                                    upload("certificate.pdf", certificate_pdf())], MAX_BYTES)
    read = []
    monkeypatch.setattr(inbox, "read_proof", lambda data, content_type: (
        read.append(content_type), Reading(title="Course", source="pdf-text"))[1])
    inbox.read_waiting(session, user, LATER)
    assert read == ["application/pdf", "image/png"]


def test_more_than_fifty_files_add_nothing(pat):
    session, user = pat
    files = [upload(f"c{n}.pdf", pdf_bytes()) for n in range(inbox.MAX_FILES_AT_ONCE + 1)]
    with pytest.raises(inbox.InboxFull, match=r"You chose 51 files\. Add at most 50 at a time\."):
        inbox.add_files(session, user, files, MAX_BYTES)
    assert inbox.drafts_of(session, user) == []


def test_an_inbox_holds_a_bounded_number_of_drafts(pat, monkeypatch):
    session, user = pat
    monkeypatch.setattr(inbox, "MAX_DRAFTS", 2)
    make_draft(session, user)
    with pytest.raises(inbox.InboxFull, match=r"holds 1 draft, and it can hold at most 2\."):
        inbox.add_files(session, user, [upload("a.pdf", pdf_bytes()),
                                        upload("b.pdf", pdf_bytes())], MAX_BYTES)
    assert len(inbox.drafts_of(session, user)) == 1
    assert inbox.add_files(session, user, [upload("a.pdf", pdf_bytes())], MAX_BYTES).added


def test_what_is_read_is_kept_only_as_the_columns_can_hold_it(pat, monkeypatch):
    session, user = pat
    inbox.add_files(session, user, [upload("a.pdf", pdf_bytes())], MAX_BYTES)
    monkeypatch.setattr(inbox, "read_proof", lambda data, content_type: Reading(
        title="Welding " * 60 + "\x00", provider="Acme\x00 Works", kind="unknown-kind",
        quantity=Decimal("1e12"), completed_on=date(2025, 1, 2), source="pdf-text"))
    inbox.read_waiting(session, user, LATER)
    session.expire_all()
    draft = session.exec(select(Draft)).one()
    assert len(draft.title) <= 200 and draft.title.startswith("Welding Welding")
    assert draft.provider == "Acme Works"
    assert (draft.kind, draft.quantity, draft.completed_on) == (None, None, date(2025, 1, 2))
    assert set(draft.read_fields) == {"title", "provider", "completed_on"}


def test_a_drafts_problems_are_the_activity_checks(pat):
    session, user = pat
    draft = make_draft(session, user, completed_on=None, quantity=Decimal("7.3"))
    said = [p.message for p in inbox.problems_of(draft, TODAY, [])]
    assert said == ["Enter the date you finished this activity.",
                    "7.3 is not a multiple of 0.25. Enter hours in steps of 0.25."]
    assert inbox.problems_of(make_draft(session, user), TODAY, []) == []


def test_saving_a_draft_makes_one_activity_with_its_file_and_removes_the_draft(pat):
    session, user = pat
    draft = make_draft(session, user, title="Old title")
    data = draft.data
    values = {**inbox.values_of(draft), "title": "Forklift safety refresher"}
    activity = inbox.save_draft(session, user, draft,
                                validation.model_values(values), {})
    session.expire_all()
    assert session.exec(select(Draft)).all() == []
    saved = session.exec(select(Activity)).one()
    assert (saved.id, saved.title, saved.quantity) == (
        activity.id, "Forklift safety refresher", Decimal("8.00"))
    evidence = session.exec(select(Evidence)).one()
    assert (evidence.activity_id, evidence.filename, evidence.data) == (
        saved.id, "certificate.pdf", data)


def test_discarding_a_draft_deletes_it(pat):
    session, user = pat
    draft = make_draft(session, user)
    inbox.discard(session, draft)
    assert inbox.drafts_of(session, user) == []


def test_a_person_only_ever_gets_their_own_drafts(app, client, auth):
    auth.register(email="other@example.com", name="Other")
    auth.logout()
    auth.register()
    with app.app_context():
        session = get_session()
        pat = session.exec(select(User).where(User.email == "pat@example.com")).one()
        other = session.exec(select(User).where(User.email == "other@example.com")).one()
        theirs = make_draft(session, other, preview=b"\xff\xd8 a preview")
        assert inbox.draft_of(session, pat, theirs.id) is None
        assert inbox.preview_of(session, pat, theirs.id) is None
        assert inbox.drafts_of(session, pat) == []
        assert inbox.draft_of(session, other, theirs.id).id == theirs.id


def test_drafts_go_with_the_account(app, client, auth):
    auth.register(email="stays@example.com", name="Stays")
    auth.logout()
    auth.register()
    with app.app_context():
        session = get_session()
        users = {u.email: u for u in session.exec(select(User))}
        make_draft(session, users["pat@example.com"])
        kept = make_draft(session, users["stays@example.com"])
        delete_account(session, users["pat@example.com"])
    assert [draft.id for draft in stored(app, Draft)] == [kept.id]


def test_one_draft_saved_from_two_tabs_makes_one_activity(app, pat):
    """Both tabs read the draft before either saves: the second save finds it gone, says
    so, and saves nothing."""
    session, user = pat
    draft_id = make_draft(session, user).id
    values = {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
              "completed_on": date(2025, 8, 10), "quantity": Decimal("8")}
    engine = app.extensions["recert_engine"]
    with Session(engine) as first, Session(engine) as second:
        tabs = [(tab, tab.get(User, user.id)) for tab in (first, second)]
        drafts = [inbox.draft_of(tab, person, draft_id) for tab, person in tabs]
        inbox.save_draft(first, tabs[0][1], drafts[0], dict(values), {})
        with pytest.raises(services.AlreadyUsed):
            inbox.save_draft(second, tabs[1][1], drafts[1], dict(values), {})
    assert [a.title for a in stored(app, Activity)] == ["Forklift safety"]
    assert len(stored(app, Evidence)) == 1
    assert stored(app, Draft) == []
