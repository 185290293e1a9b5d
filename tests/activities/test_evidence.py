"""Evidence files: accepted by content only, stored in the database, served safely."""

import hashlib
import io

import pytest
from PIL import Image

from tests.helpers import (
    EXE_BYTES,
    image_bytes,
    log_activity,
    pdf_bytes,
    stored,
    submit,
)
from tracker.models import Activity, Evidence


def picture(image_format: str) -> bytes:
    """A real picture: images are decoded on upload (for their preview)."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(out, image_format)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("certificate.pdf", pdf_bytes(), "application/pdf"),
        ("photo.png", image_bytes(), "image/png"),
        ("scan.jpg", picture("JPEG"), "image/jpeg"),
        ("phone.webp", picture("WEBP"), "image/webp"),
        ("no-extension", pdf_bytes(), "application/pdf"),  # the content decides, not the name
    ],
)
def test_each_accepted_type_is_stored_with_its_facts(app, user_client, cpt, name, content,
                                                     content_type):
    response = log_activity(user_client, cpt, files=[(name, content)])
    assert response.status_code == 302
    [evidence] = stored(app, Evidence)
    assert evidence.content_type == content_type
    assert evidence.size == len(content)
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.data == content
    assert evidence.filename == name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("certificate.pdf", EXE_BYTES,
         "certificate.pdf is not a PDF, PNG, JPEG, WebP or HEIC file."),
        ("empty.pdf", b"", "empty.pdf is empty."),
        ("broken.pdf", b"%PDF-1.7\n this is not really a pdf", "looks like a PDF but cannot"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_saved(app, user_client, cpt, name, content,
                                                    message):
    response = log_activity(user_client, cpt,
                            files=[("good.pdf", pdf_bytes()), (name, content)])
    assert response.status_code == 200
    assert message in response.text
    assert stored(app, Activity) == []
    assert stored(app, Evidence) == []


def test_a_file_one_byte_over_the_limit_is_refused(app, user_client, cpt):
    app.config["MAX_UPLOAD_BYTES"] = limit = 2 * 1024 * 1024
    too_big = pdf_bytes()
    too_big += b"%" * (limit + 1 - len(too_big))
    response = log_activity(user_client, cpt, files=[("big.pdf", too_big)])
    assert response.status_code == 200
    assert "big.pdf is larger than 2 MB." in response.text
    assert stored(app, Activity) == []
    just_fits = too_big[:-1]
    assert log_activity(user_client, cpt, files=[("fits.pdf", just_fits)]).status_code == 302


def test_a_request_over_the_total_limit_gets_the_413_page(app, user_client, cpt):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    response = log_activity(user_client, cpt, files=[("huge.pdf", b"%" * (2 * 1024 * 1024))])
    assert response.status_code == 413
    assert "File too large" in response.text
    assert stored(app, Activity) == []


def test_six_files_at_once_are_refused(app, user_client, cpt):
    files = [(f"page{n}.pdf", pdf_bytes()) for n in range(6)]
    response = log_activity(user_client, cpt, files=files)
    assert response.status_code == 200
    assert "An activity can have at most 5 files." in response.text
    assert stored(app, Evidence) == []


def test_a_sixth_file_on_edit_is_refused_but_replacing_one_works(app, user_client, cpt):
    files = [(f"page{n}.pdf", pdf_bytes()) for n in range(5)]
    location = log_activity(user_client, cpt, files=files).headers["Location"]
    form = {"kind": "training", "title": "Forklift safety", "completed_on": "2024-05-01",
            "quantity": "8"}
    extra = submit(user_client, f"{location}/edit",
                   {**form, "evidence": [(io.BytesIO(image_bytes()), "six.png")]},
                   content_type="multipart/form-data")
    assert "it has 5 already" in extra.text
    first = stored(app, Evidence)[0]
    swap = submit(user_client, f"{location}/edit",
                  {**form, "remove_file": str(first.id),
                   "evidence": [(io.BytesIO(image_bytes()), "six.png")]},
                  content_type="multipart/form-data")
    assert swap.status_code == 302
    names = [e.filename for e in stored(app, Evidence)]
    assert names == ["page1.pdf", "page2.pdf", "page3.pdf", "page4.pdf", "six.png"]


def test_names_lose_folders_and_control_characters(app, user_client, cpt):
    response = log_activity(user_client, cpt, files=[
        ("../../etc/cert\x07ifi\x1bcate.pdf", pdf_bytes()),
        ("/home/pat/Scans/scan\x7f.png", image_bytes()),
    ])
    assert response.status_code == 302
    assert [e.filename for e in stored(app, Evidence)] == ["certificate.pdf", "scan.png"]


def test_download_is_an_attachment_with_the_stored_type(app, user_client, cpt):
    log_activity(user_client, cpt, files=[("Zertifikat März.pdf", pdf_bytes())])
    [evidence] = stored(app, Evidence)
    response = user_client.get(f"/evidence/{evidence.id}")
    assert response.status_code == 200
    assert response.data == evidence.data
    assert response.mimetype == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''Zertifikat%20M%C3%A4rz.pdf" in disposition


def test_images_show_inline_on_the_activity_page_but_pdfs_do_not(app, user_client, cpt):
    location = log_activity(
        user_client, cpt, files=[("photo.png", image_bytes()), ("cert.pdf", pdf_bytes())]
    ).headers["Location"]
    image, pdf = stored(app, Evidence)
    page = user_client.get(location).text
    assert f'<a href="/evidence/{image.id}/view"><img src="/evidence/{image.id}/preview"' in page
    assert f"/evidence/{pdf.id}/preview" not in page
    inline = user_client.get(f"/evidence/{image.id}/view")
    assert inline.status_code == 200
    assert inline.headers["Content-Disposition"].startswith("inline")
    assert user_client.get(f"/evidence/{pdf.id}/view").status_code == 404


def test_the_same_file_on_two_activities_is_flagged_not_refused(app, user_client, cpt):
    first = log_activity(user_client, cpt, title="Day one", files=[("a.pdf", pdf_bytes())])
    second = log_activity(user_client, cpt, title="Day two", files=[("b.pdf", pdf_bytes())])
    assert second.status_code == 302
    page = user_client.get(second.headers["Location"]).text
    assert "Same file as" in page
    assert "Day one" in page
    assert "Same file as" in user_client.get(first.headers["Location"]).text


def test_a_database_failure_halfway_keeps_nothing_and_the_input(app, user_client, cpt,
                                                                monkeypatch):
    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    inserted = []

    def fail_on_third(mapper, connection, target):
        inserted.append(target)
        if len(inserted) == 3:
            raise OperationalError("INSERT INTO evidence", {}, Exception("disk full"))

    event.listen(Evidence, "before_insert", fail_on_third)
    try:
        files = [(f"page{n}.pdf", pdf_bytes()) for n in range(4)]
        response = log_activity(user_client, cpt, title="Keep my words", files=files)
    finally:
        event.remove(Evidence, "before_insert", fail_on_third)
    assert response.status_code == 200
    assert "We could not save this, and nothing was changed." in response.text
    assert 'value="Keep my words"' in response.text
    assert stored(app, Activity) == []
    assert stored(app, Evidence) == []
