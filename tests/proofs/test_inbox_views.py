"""The proof inbox's pages: add many files, fix each draft in place, save it as an activity
or discard it."""

import io
import json
import re
from datetime import date
from decimal import Decimal
from html import unescape
from pathlib import Path

from sqlmodel import select

from tests.helpers import (
    AuthActions,
    assert_sound_page,
    csrf_token,
    export_of,
    pdf_bytes,
    seen_warnings,
    snapshot,
    stored,
    submit,
    validate_export,
)
from tests.proofs.drafts import certificate_pdf, certificate_png, make_draft
from tracker.db import get_session
from tracker.models import Activity, Evidence, User
from tracker.proofs import inbox
from tracker.proofs.models import Draft

CERTIFICATES = Path(__file__).resolve().parents[1] / "data" / "certificates"


def add(client, *files):
    """Send `files` ((name, bytes) pairs) to the inbox, as choosing them at once does."""
    return submit(client, "/inbox", {"files": [(io.BytesIO(data), name) for name, data in files]},
                  content_type="multipart/form-data")


def drafts(app) -> list[Draft]:
    return stored(app, Draft)


def draft_of_pat(app, **fields) -> int:
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == "pat@example.com")).one()
        return make_draft(session, user, **fields).id


def page_text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def save(client, draft_id: int, **fields):
    """Send a draft's form as the page fills it, with `fields` changed (unprefixed names)."""
    page = client.get("/inbox").text
    form = re.search(rf'<form[^>]*action="/inbox/{draft_id}/save#[^"]*".*?</form>', page, re.S)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form[0]):
        named = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if named and value and ('type="checkbox"' not in tag or " checked" in tag):
            data[named[1]] = unescape(value[1])
    for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>',
                                    form[0], re.S):
        chosen = re.search(r'<option selected value="([^"]*)"', options) or re.search(
            r'<option value="([^"]*)" selected', options)
        data[name] = chosen[1] if chosen else ""
    data.update({f"draft{draft_id}-{name}": value for name, value in fields.items()})
    return client.post(f"/inbox/{draft_id}/save", data=data)


def test_the_inbox_says_what_drafts_are(user_client):
    response = user_client.get("/inbox")
    assert response.status_code == 200
    assert_sound_page(response.text, "/inbox")
    text = page_text(response.text)
    assert "Add many certificates" in text
    assert "Drafts are not activities and count toward nothing until you save them." in text
    assert "No drafts." in text
    assert re.search(r'<input type="file" id="files" name="files" multiple accept="[^"]*'
                     r'application/pdf,image/png,image/jpeg,image/webp', response.text)


def test_three_files_make_two_read_drafts_and_one_refusal(app, user_client):
    response = add(user_client, ("forklift.pdf", certificate_pdf()),
                   ("first-aid.png", certificate_png(title="First Aid and CPR", hours="4")),
                   ("notes.txt", b"not a certificate at all"))
    assert response.status_code == 302
    page = user_client.get(response.headers["Location"]).text
    text = page_text(page)
    assert "2 files added." in text
    assert "1 file was not added: notes.txt is not a PDF, PNG, JPEG, WebP or HEIC file." in text
    assert "Drafts (2)" in text
    assert "not read yet" not in text  # both were read within the request
    pdf = next(d for d in drafts(app) if d.filename == "forklift.pdf")
    assert 'value="Forklift Safety Refresher"' in page
    assert 'value="Acme Training Center"' in page
    assert 'value="2025-08-10"' in page
    assert "Read from the file: the kind, the title, the provider, the date and the hours." in text
    assert "Read from your file: check it." in text
    assert f'href="/inbox/{pdf.id}/file"' in page
    assert stored(app, Activity) == []  # drafts are no activities


def test_choosing_no_file_says_so(app, user_client):
    response = submit(user_client, "/inbox", {}, content_type="multipart/form-data")
    assert "Choose one or more files first." in user_client.get(response.headers["Location"]).text
    assert drafts(app) == []


def test_more_than_fifty_files_are_refused_whole(app, user_client):
    app.config["UPLOAD_RATE_LIMIT"] = ""  # the inbox's own refusal, not the site's rate limit
    files = [(f"c{n}.pdf", pdf_bytes()) for n in range(51)]
    response = add(user_client, *files)
    assert ("You chose 51 files. Add at most 50 at a time. Nothing was added."
            in user_client.get(response.headers["Location"]).text)
    assert drafts(app) == []


def test_fifty_files_at_once_fit_the_upload_rate_limit(app, user_client):
    response = add(user_client, *[(f"c{n}.pdf", pdf_bytes()) for n in range(50)])
    assert response.status_code == 302
    assert len(drafts(app)) == 50


def test_files_too_large_together_are_refused_on_the_inbox(app, user_client):
    app.config["MAX_UPLOAD_BYTES"] = 1024  # 50 files of 1 KB: the request may hold ~115 KB
    response = add(user_client, ("big.png", b"\x89PNG" + b"\0" * 200_000))
    assert response.status_code == 413
    assert "Those files are too large together." in page_text(response.text)
    assert drafts(app) == []


def test_drafts_not_read_yet_are_read_by_read_the_rest(app, user_client):
    draft_id = draft_of_pat(app, source=None, read_fields=[], kind=None, title="",
                            provider="", completed_on=None, quantity=None,
                            data=certificate_pdf(title="Hazmat Awareness"))
    page = page_text(user_client.get("/inbox").text)
    assert "1 file is not read yet." in page and "Not read yet." in page
    response = submit(user_client, "/inbox/read", {}, form_page="/inbox")
    assert response.status_code == 302
    page = user_client.get("/inbox").text
    assert "not read yet" not in page_text(page).lower()
    assert 'value="Hazmat Awareness"' in page
    assert drafts(app)[0].id == draft_id


def test_a_drafts_problems_are_listed_in_plain_words(app, user_client):
    draft_of_pat(app, completed_on=None, kind=None)
    draft_of_pat(app, quantity=None)
    text = page_text(user_client.get("/inbox").text)
    assert "To save it: Choose what you did." in text
    assert "To save it: Enter the number of hours." in text


def test_saving_a_fixed_draft_makes_a_counted_activity_with_its_file(app, user_client, cpt):
    draft_id = draft_of_pat(app, completed_on=None, title="Forklift safty")
    data = drafts(app)[0].data
    response = save(user_client, draft_id, completed_on="2024-05-01", title="Forklift safety")
    assert response.status_code == 302 and response.headers["Location"] == "/inbox"
    [activity] = stored(app, Activity)
    assert (activity.title, str(activity.completed_on)) == ("Forklift safety", "2024-05-01")
    [evidence] = stored(app, Evidence)
    assert (evidence.activity_id, evidence.filename, evidence.data) == (
        activity.id, "certificate.pdf", data)
    assert drafts(app) == []
    page = user_client.get("/inbox").text
    assert "“Forklift safety” is saved." in page_text(page)
    assert f'href="/activities/{activity.id}"' in page
    assert "8 points (100 needed)" in user_client.get(f"/credentials/{cpt}").text


def test_a_person_with_no_credential_can_save_a_draft(app, user_client):
    draft_id = draft_of_pat(app)
    assert save(user_client, draft_id).status_code == 302
    assert [a.title for a in stored(app, Activity)] == ["Forklift safety"]
    assert drafts(app) == []


def test_saving_with_a_problem_changes_nothing_and_keeps_what_was_typed(app, user_client, cpt):
    draft_id = draft_of_pat(app)
    before = snapshot(app)
    response = save(user_client, draft_id, title="", provider="Typed Provider",
                    quantity="7.3")
    assert response.status_code == 200
    text = page_text(response.text)
    assert "Not saved yet: fix what is marked below, then save again." in text
    assert "Give the activity a title." in text
    assert "7.3 is not a multiple of 0.25. Enter hours in steps of 0.25." in text
    assert 'value="Typed Provider"' in response.text
    assert f'action="/inbox/{draft_id}/save#draft-{draft_id}"' in response.text
    assert snapshot(app) == before


def test_a_warning_is_shown_before_saving_and_save_anyway_saves(app, user_client, cpt):
    draft_id = draft_of_pat(app)
    response = save(user_client, draft_id, quantity="30")
    assert response.status_code == 200
    assert "more than a day holds" in page_text(response.text)
    assert stored(app, Activity) == []
    data = {**{name: value for name, value in re.findall(
        r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', response.text)
        if name.startswith(f"draft{draft_id}-") or name in ("csrf_token", "submission_id")},
        f"draft{draft_id}-kind": "training", f"draft{draft_id}-quantity": "30",
        "seen_warning": seen_warnings(response.text), "save_anyway": "yes"}
    assert user_client.post(f"/inbox/{draft_id}/save", data=data).status_code == 302
    assert [a.quantity for a in stored(app, Activity)] == [30]


def test_a_second_click_on_save_saves_once(app, user_client):
    draft_id = draft_of_pat(app)
    page = user_client.get("/inbox").text
    token = csrf_token(page)
    submission = re.search(r'name="submission_id" value="([^"]+)"', page)[1]
    data = {"csrf_token": token, "submission_id": submission,
            **{f"draft{draft_id}-{k}": v for k, v in {
                "kind": "training", "title": "Forklift safety", "completed_on": "2025-08-10",
                "quantity": "8"}.items()}}
    assert user_client.post(f"/inbox/{draft_id}/save", data=data).status_code == 302
    again = user_client.post(f"/inbox/{draft_id}/save", data=data)
    assert again.status_code == 302
    assert len(stored(app, Activity)) == 1


def test_discard_removes_the_draft(app, user_client):
    draft_id = draft_of_pat(app)
    response = submit(user_client, f"/inbox/{draft_id}/discard", {}, form_page="/inbox")
    assert response.status_code == 302
    assert "certificate.pdf is discarded." in user_client.get("/inbox").text
    assert drafts(app) == [] and stored(app, Activity) == []


def test_the_file_is_sent_as_evidence_is(app, user_client):
    draft_id = draft_of_pat(app, preview=b"\xff\xd8\xff a small jpeg")
    response = user_client.get(f"/inbox/{draft_id}/file")
    assert response.status_code == 200
    assert response.data == drafts(app)[0].data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="certificate.pdf"'
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, no-store"
    preview = user_client.get(f"/inbox/{draft_id}/preview")
    assert (preview.status_code, preview.data) == (200, b"\xff\xd8\xff a small jpeg")
    assert f'src="/inbox/{draft_id}/preview"' in user_client.get("/inbox").text


def test_another_persons_draft_is_not_found(app, client, auth):
    auth.register(email="other@example.com", name="Other")
    with app.app_context():
        session = get_session()
        other = session.exec(select(User)).one()
        theirs = make_draft(session, other, preview=b"\xff\xd8\xff").id
    auth.logout()
    auth.register()
    before = snapshot(app)
    token = csrf_token(client.get("/inbox").text)
    for url in (f"/inbox/{theirs}/file", f"/inbox/{theirs}/preview"):
        assert client.get(url).status_code == 404, url
    for url in (f"/inbox/{theirs}/save", f"/inbox/{theirs}/discard"):
        assert client.post(url, data={"csrf_token": token}).status_code == 404, url
    assert "certificate.pdf" not in client.get("/inbox").text
    assert snapshot(app) == before


def test_the_full_export_lists_the_drafts(app, user_client):
    draft_of_pat(app, preview=b"\xff\xd8\xff")
    document = export_of(app)
    validate_export(document)
    [draft] = drafts(app)
    assert document["drafts"] == [{
        "id": draft.id, "kind": "training", "title": "Forklift safety",
        "provider": "Acme Training", "completed_on": "2025-08-10", "started_on": None,
        "quantity": "8.00", "source": "pdf-text",
        "read_fields": ["kind", "title", "provider", "completed_on", "quantity"],
        "filename": "certificate.pdf", "content_type": "application/pdf",
        "size": draft.size, "sha256": draft.sha256,
        "created_at": draft.created_at.isoformat(),
    }]


def test_the_inbox_holds_at_most_so_many_drafts(app, user_client, monkeypatch):
    monkeypatch.setattr(inbox, "MAX_DRAFTS", 1)
    draft_of_pat(app)
    response = add(user_client, ("a.pdf", pdf_bytes()))
    assert ("Your inbox holds 1 draft, and it can hold at most 1."
            in page_text(user_client.get(response.headers["Location"]).text))
    assert len(drafts(app)) == 1


def test_an_export_with_drafts_still_imports_without_them(app, user_client):
    draft_of_pat(app)
    document = export_of(app)
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    response = submit(newcomer, "/account/import", {
        "file": (io.BytesIO(json.dumps(document).encode()), "export.json")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    # Their files are not in the export: the drafts stay with the account they came from.
    assert export_of(app, "sam@example.com")["drafts"] == []
    assert len(drafts(app)) == 1


def test_a_job_draft_is_saved_with_its_period_and_how_much_was_worked(app, user_client, cpt):
    draft_id = draft_of_pat(app, kind="job", title="Machine operator", provider="Acme Plant",
                            started_on=date(2023, 1, 9), completed_on=None, quantity=None,
                            read_fields=["kind", "title", "provider", "started_on"])
    page = user_client.get("/inbox").text
    assert "To save it: Choose how much you worked: full time or half time." in page_text(page)
    assert 'value="2023-01-09"' in page
    response = save(user_client, draft_id, fraction="1.0", still_employed="y")
    assert response.status_code == 302, page_text(response.text)
    [job] = stored(app, Activity)
    assert (job.kind, job.started_on, job.completed_on, job.quantity, job.fraction) == (
        "job", date(2023, 1, 9), None, None, Decimal("1.0"))


def test_an_iphone_photo_becomes_a_jpeg_draft_with_a_preview(app, user_client):
    add(user_client, ("IMG_0042.HEIC", (CERTIFICATES / "army-lifesaver-photo.heic").read_bytes()))
    [draft] = drafts(app)
    assert (draft.filename, draft.content_type, draft.source is not None) == (
        "IMG_0042.jpg", "image/jpeg", True)
    assert draft.preview is not None
    assert f'src="/inbox/{draft.id}/preview"' in user_client.get("/inbox").text
