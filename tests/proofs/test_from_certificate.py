"""Add from a certificate: one file is checked, kept and read, and the form of a new activity
opens filled in from it, each value read marked to check; saving it logs the activity with the
file attached."""

import io
import re
from html import unescape

import pillow_heif
import pytest
from PIL import Image

from tests.activities.test_pending_uploads import activity_form_inputs, names_kept
from tests.helpers import assert_sound_page, csrf_token, pdf_bytes, stored, submit
from tests.proofs.drafts import certificate_pdf, certificate_png
from tracker.activities.forms import READ_MARK
from tracker.models import Activity, Evidence
from tracker.proofs import ocr
from tracker.proofs.models import PendingUpload
from tracker.proofs.reading import can_read_images

URL = "/activities/from-certificate"


def send_file(client, name: str, content: bytes):
    page = client.get("/credentials/new").text  # any page has the form's CSRF token
    return client.post(URL, data={"csrf_token": csrf_token(page),
                                  "certificate": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def box_value(html: str, box: str) -> str | None:
    found = re.search(rf'<input[^>]*\bid="{box}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', found)
    return unescape(value.group(1)) if value else None


def marked_read(html: str, box: str) -> bool:
    """Whether the box says "read from your file", in the note its aria-describedby names."""
    found = re.search(rf'<(?:input|textarea)[^>]*\bid="{box}"[^>]*>', html).group(0)
    described = re.search(r'aria-describedby="([^"]*)"', found)
    return bool(described) and any(
        re.search(rf'id="{note}">{re.escape(READ_MARK)}', html)
        for note in described.group(1).split())


def chosen_kind(html: str) -> str | None:
    found = re.search(r'<input type="radio" name="kind" value="([^"]+)" checked', html)
    return found and found.group(1)


def test_the_page_offers_one_file_and_the_camera(user_client, cpt):
    page = user_client.get(URL)
    assert page.status_code == 200
    assert_sound_page(page.text, URL)
    assert "<h1>Add from a certificate</h1>" in page.text
    files = re.search(r'<input[^>]*id="certificate"[^>]*>', page.text).group(0)
    assert ('accept="application/pdf,image/png,image/jpeg,image/webp,image/heic,image/heif,'
            '.heic,.heif"') in files
    assert "multiple" not in files and "capture" not in files
    photo = re.search(r'<input[^>]*id="certificate-photo"[^>]*>', page.text).group(0)
    assert 'name="certificate"' in photo and 'capture="environment"' in photo
    assert ">Read it</button>" in page.text
    assert 'href="/inbox"' in page.text  # "Add many certificates"


def test_a_certificate_opens_the_form_filled_in_and_saving_logs_it(app, user_client, cpt):
    certificate = certificate_pdf(title="Forklift Safety Refresher",
                                  provider="Acme Training Center", day="August 10, 2025",
                                  hours="8")
    form = send_file(user_client, "forklift.pdf", certificate)
    assert form.status_code == 200
    page = form.text
    action = f"/credentials/{cpt}/activities/new"
    assert f'action="{action}"' in page
    assert box_value(page, "title") == "Forklift Safety Refresher"
    assert box_value(page, "provider") == "Acme Training Center"
    assert box_value(page, "completed_on") == "2025-08-10"
    assert box_value(page, "quantity") == "8"
    assert chosen_kind(page) == "training"
    for box in ("title", "provider", "completed_on", "quantity"):
        assert marked_read(page, box), f"{box} is not marked as read from the file"
    assert not marked_read(page, "description")
    assert 'aria-describedby="kind-read"' in page
    assert names_kept(page) == ["forklift.pdf"]
    assert "We could not read this file" not in page
    assert stored(app, Activity) == []

    # Save, as it is shown: the fields as read, the file not chosen again.
    saved = user_client.post(action, data={
        **activity_form_inputs(page, action), "kind": "training",
        **{box: box_value(page, box) for box in ("title", "provider", "completed_on",
                                                 "quantity")}},
        content_type="multipart/form-data")
    assert saved.status_code == 302
    [activity] = stored(app, Activity)
    assert (activity.title, activity.provider, str(activity.completed_on),
            activity.quantity) == ("Forklift Safety Refresher", "Acme Training Center",
                                   "2025-08-10", 8)
    [evidence] = stored(app, Evidence)
    assert (evidence.filename, evidence.data) == ("forklift.pdf", certificate)
    assert stored(app, PendingUpload) == []
    shown = user_client.get(saved.headers["Location"]).text
    assert "“Forklift Safety Refresher” is saved." in shown and "forklift.pdf" in shown


def heic_photo(png: bytes) -> bytes:
    """A picture as an iPhone takes it (HEIC)."""
    pillow_heif.register_heif_opener()
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).save(buffer, format="HEIF", quality=80)
    return buffer.getvalue()


@pytest.mark.skipif(not can_read_images(), reason="this server has no Tesseract to read photos")
def test_an_iphone_photo_is_kept_as_jpeg_and_read(app, user_client, cpt, monkeypatch):
    # This checks the way through, not the speed (tests/proofs has its own): a test machine
    # busy with other tests may take longer than OCR's budget.
    monkeypatch.setattr(ocr, "TIMEOUT_SECONDS", 30)
    photo = heic_photo(certificate_png(title="Lockout Tagout Awareness",
                                       provider="Acme Training Center"))
    page = send_file(user_client, "IMG_0042.HEIC", photo).text
    assert box_value(page, "title") == "Lockout Tagout Awareness"
    assert marked_read(page, "title")
    [kept] = stored(app, PendingUpload)
    assert (kept.filename, kept.content_type) == ("IMG_0042.jpg", "image/jpeg")
    assert names_kept(page) == ["IMG_0042.jpg"]


def test_a_file_with_nothing_to_read_is_kept_and_the_page_says_why(app, user_client, cpt):
    page = send_file(user_client, "blank.pdf", pdf_bytes()).text
    assert "We could not read this file." in page
    assert "fill in the boxes yourself" in page
    assert box_value(page, "title") is None or box_value(page, "title") == ""
    assert READ_MARK not in page.split("<form", 1)[1]  # nothing marked as read
    assert names_kept(page) == ["blank.pdf"]


def test_a_refused_file_says_why_and_keeps_nothing(app, user_client, cpt):
    page = send_file(user_client, "certificate.pdf", b"Just some notes, not a PDF at all.")
    assert page.status_code == 200
    assert "certificate.pdf is not a PDF" in page.text
    assert "<h1>Add from a certificate</h1>" in page.text
    assert stored(app, PendingUpload) == []
    assert stored(app, Activity) == []


def test_no_file_asks_for_one(app, user_client, cpt):
    page = user_client.post(URL, data={"csrf_token": csrf_token(user_client.get(URL).text)})
    assert "Choose the file of your certificate." in page.text
    assert stored(app, PendingUpload) == []


def test_a_person_with_no_credential_is_sent_to_add_one(app, user_client):
    page = user_client.get(URL)
    assert page.status_code == 302
    assert page.headers["Location"] == "/credentials/new"
    assert "Add the credential you hold first" in user_client.get("/credentials/new").text
    sent = send_file(user_client, "forklift.pdf", certificate_pdf())
    assert sent.status_code == 302
    assert stored(app, PendingUpload) == []


def test_logging_in_is_required(app, client):
    assert client.get(URL).status_code == 302
    assert "/auth/login" in client.get(URL).headers["Location"]
    assert client.post(URL, data={}).status_code in (302, 400)
    assert stored(app, PendingUpload) == []


def test_the_dashboard_and_the_activities_page_link_here(user_client, cpt):
    for page in ("/", "/activities"):
        html = user_client.get(page).text
        assert html.count(f'href="{URL}"') == 1, page
        assert 'href="/inbox"' in html, page


def test_opened_from_a_credential_the_form_goes_back_to_it(app, user_client, cpt):
    """The list of a second credential's activities links here with its id: the filled form's
    Cancel goes back to that credential, not the first one."""
    added = submit(user_client, "/credentials/new/mssc-clt",
                   {"certified_on": "2022-06-01", "module_cla": "y", "module_clt": "y"})
    second = int(added.headers["Location"].rsplit("/", 1)[-1])
    listing = user_client.get(f"/credentials/{second}/activities").text
    assert f'href="{URL}?credential={second}"' in listing
    page = user_client.get(f"{URL}?credential={second}").text
    assert f'action="{URL}?credential={second}"' in page
    form = user_client.post(f"{URL}?credential={second}",
                            data={"csrf_token": csrf_token(page),
                                  "certificate": (io.BytesIO(certificate_pdf()), "c.pdf")},
                            content_type="multipart/form-data").text
    assert f'action="/credentials/{second}/activities/new"' in form
    assert f'href="/credentials/{second}/activities">Cancel</a>' in form


def test_values_read_are_checked_like_typed_ones(app, user_client, cpt):
    """30 hours on one day, as read: the save warns as it does for typed hours."""
    page = send_file(user_client, "week.pdf", certificate_pdf(hours="30")).text
    assert box_value(page, "quantity") == "30"
    action = f"/credentials/{cpt}/activities/new"
    warned = user_client.post(action, data={
        **activity_form_inputs(page, action), "kind": "training",
        **{box: box_value(page, box) for box in ("title", "provider", "completed_on",
                                                 "quantity")}},
        content_type="multipart/form-data")
    assert warned.status_code == 200
    assert "more than a day holds" in warned.text
    assert names_kept(warned.text) == ["week.pdf"]
    for box in ("title", "provider", "completed_on", "quantity"):  # still marked to check
        assert marked_read(warned.text, box), f"{box} lost its mark"
    assert stored(app, Activity) == []


def test_without_tesseract_the_page_says_photos_are_attached_not_read(user_client, cpt,
                                                                      no_tesseract):
    page = user_client.get(URL).text
    assert ("This server cannot read photos: a photo is attached, and you fill in the "
            "boxes.") in page
