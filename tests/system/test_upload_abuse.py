"""Uploads meant to hurt: too large, the wrong type, polyglots, crafted names, and floods.

The bodies are built byte by byte where a browser or the test client would clean them up,
so the names arrive exactly as a hostile client can send them.
"""

import io
import time
import zipfile
from datetime import date, timedelta

import pytest
from limits import parse_many
from sqlalchemy import make_url
from werkzeug.http import parse_options_header

from tests.api.helpers import ApiClient, make_token
from tests.helpers import (
    EXE_BYTES,
    AuthActions,
    csrf_token,
    image_bytes,
    log_activity,
    pdf_bytes,
    snapshot,
    stored,
)
from tracker import config, create_app
from tracker.extensions import limiter
from tracker.models import Activity, Evidence, HeldCredential

NOT_ACCEPTED = "is not a PDF, PNG, JPEG, WebP or HEIC file."
HIDDEN = "has other files hidden inside it"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("META-INF/MANIFEST.MF", "Main-Class: Evil\n")
        archive.writestr("index.html", HTML)
    return buffer.getvalue()



def multipart(fields: dict, disposition: bytes, content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body of `fields` and one file whose Content-Disposition is exactly
    `disposition`, and its content type."""
    boundary = b"----recert-test-boundary"
    body = b"".join(
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="' + name.encode()
        + b'"\r\n\r\n' + value.encode() + b"\r\n"
        for name, value in fields.items()
    )
    body += (b"--" + boundary + b'\r\nContent-Disposition: form-data; name="evidence"; '
             + disposition + b"\r\nContent-Type: application/octet-stream\r\n\r\n"
             + content + b"\r\n--" + boundary + b"--\r\n")
    return body, f"multipart/form-data; boundary={boundary.decode()}"


def activity_form(client, cpt: int, title="Forklift safety") -> tuple[str, dict]:
    """The new-activity address and its fields, with the page's CSRF token."""
    url = f"/credentials/{cpt}/activities/new"
    return url, {"csrf_token": csrf_token(client.get(url).text), "kind": "training",
                 "title": title, "completed_on": "2024-05-01", "quantity": "8"}


def post_raw(client, cpt: int, disposition: bytes, content: bytes, title="Forklift safety"):
    """Post the activity form with one file whose Content-Disposition is exactly `disposition`."""
    url, fields = activity_form(client, cpt, title)
    body, content_type = multipart(fields, disposition, content)
    return client.post(url, data=body, content_type=content_type)


def assert_safe_download(client, evidence: Evidence) -> None:
    response = client.get(f"/evidence/{evidence.id}")
    assert response.status_code == 200
    assert response.data == evidence.data
    assert response.mimetype == evidence.content_type
    disposition = response.headers["Content-Disposition"]
    kind, options = parse_options_header(disposition)
    assert kind == "attachment"
    assert options["filename"] == evidence.filename
    assert not set(disposition) & {"\r", "\n", "\x00", "\u202e", "/"}
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]


# Too large ------------------------------------------------------------------------------------

def test_the_upload_limits_come_from_recert_max_upload_mb(monkeypatch, tmp_path):
    monkeypatch.setenv("RECERT_MAX_UPLOAD_MB", "1")
    settings = config.from_environment(tmp_path)
    assert settings["MAX_UPLOAD_BYTES"] == 1024 * 1024
    # Five files of the limit and the form around them; more is refused before it is read.
    assert settings["MAX_CONTENT_LENGTH"] == 6 * 1024 * 1024


def test_a_request_over_the_limit_gets_the_413_page_and_nothing_is_stored(app, user_client,
                                                                         cpt, monkeypatch,
                                                                         tmp_path):
    monkeypatch.setenv("RECERT_MAX_UPLOAD_MB", "1")
    settings = config.from_environment(tmp_path)
    app.config.update(MAX_UPLOAD_BYTES=settings["MAX_UPLOAD_BYTES"],
                      MAX_CONTENT_LENGTH=settings["MAX_CONTENT_LENGTH"])
    huge = pdf_bytes() + b"%" * (7 * 1024 * 1024)
    response = log_activity(user_client, cpt, files=[("huge.pdf", huge)])
    assert response.status_code == 413
    assert "<title>File too large · Recert</title>" in response.text
    assert response.text.count("<h1") == 1
    assert "Pick a smaller file" in response.text
    assert stored(app, Activity) == stored(app, Evidence) == []


def test_one_file_over_the_limit_in_a_small_request_is_a_field_error(app, user_client, cpt):
    # Under the request limit the form comes back with what was typed and says which file.
    app.config["MAX_UPLOAD_BYTES"] = 1024 * 1024
    big = pdf_bytes() + b"%" * (1024 * 1024)
    response = log_activity(user_client, cpt, title="Keep me", files=[("big.pdf", big)])
    assert response.status_code == 200
    assert "big.pdf is larger than 1 MB." in response.text
    assert 'value="Keep me"' in response.text
    assert stored(app, Activity) == stored(app, Evidence) == []


# Wrong type -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", EXE_BYTES),
        ("page.pdf", HTML),
        ("drawing.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script>'
                        b"</svg>"),
        ("archive.pdf", zip_bytes()),
        ("program.jpg", b"\x7fELF\x02\x01\x01" + b"\0" * 64),
        ("animation.png", image_bytes("gif")),
    ],
)
def test_a_file_of_another_type_is_a_field_error(app, user_client, cpt, name, content):
    response = log_activity(user_client, cpt, files=[(name, content)])
    assert response.status_code == 200
    assert f"{name} {NOT_ACCEPTED}" in response.text
    assert stored(app, Activity) == stored(app, Evidence) == []


# Polyglots ------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("starts-as-pdf.pdf", b"%PDF-1.7\n" + zip_bytes()),
        ("pdf-and-zip.pdf", pdf_bytes() + zip_bytes()),
        ("png-and-zip.png", image_bytes() + zip_bytes()),
    ],
)
def test_a_file_that_is_also_a_zip_archive_is_refused(app, user_client, cpt, name, content):
    response = log_activity(user_client, cpt, files=[(name, content)])
    assert response.status_code == 200
    assert f"{name} {HIDDEN}" in response.text
    assert stored(app, Activity) == stored(app, Evidence) == []


@pytest.mark.parametrize(
    ("name", "content", "content_type", "stored_name"),
    [
        ("page.html", pdf_bytes() + HTML, "application/pdf", "page.html.pdf"),
        ("picture.svg", image_bytes() + HTML, "image/png", "picture.svg.png"),
    ],
)
def test_other_joined_content_is_kept_as_the_detected_type_and_never_served_as_a_page(
    app, user_client, cpt, name, content, content_type, stored_name
):
    assert log_activity(user_client, cpt, files=[(name, content)]).status_code == 302
    [evidence] = stored(app, Evidence)
    assert (evidence.content_type, evidence.filename) == (content_type, stored_name)
    assert_safe_download(user_client, evidence)
    inline = user_client.get(f"/evidence/{evidence.id}/view")
    if content_type == "application/pdf":
        assert inline.status_code == 404  # only images are ever shown inside a page
    else:
        assert inline.mimetype == "image/png"
        assert inline.headers["X-Content-Type-Options"] == "nosniff"


# Names ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("disposition", "content", "expected"),
    [
        (b'filename="../../etc/passwd.pdf"', pdf_bytes(), "passwd.pdf"),
        (b'filename="a\x00b.pdf"', pdf_bytes(), "ab.pdf"),
        # A browser sends CR LF as %0D%0A; RFC 2231 lets a client send them for real.
        (b"filename*=UTF-8''x%0D%0Ay.png", image_bytes(), "xy.png"),
        (b'filename="C:\\\\Users\\\\pat\\\\cert.pdf"', pdf_bytes(), "cert.pdf"),
        # Right-to-left override: "invoice\u202egnp.exe" shows as "invoiceexe.png".
        (b"filename*=UTF-8''invoice%E2%80%AEgnp.exe", image_bytes(), "invoicegnp.exe.png"),
        (b"filename*=UTF-8''..%2F..%2F%2E%2E%5Cboot.ini%E2%80%A8.pdf", pdf_bytes(),
         "boot.ini.pdf"),
        (b"filename*=UTF-8''cert%22%3B%20filename%3D%22evil.html", pdf_bytes(),
         'cert"; filename="evil.html.pdf'),
        (b'filename="' + b"long" * 300 + b'.pdf"', pdf_bytes(), "long" * 49 + ".pdf"),
        (b'filename=".."', pdf_bytes(), "file"),
    ],
)
def test_crafted_names_are_cleaned_and_the_download_is_safe(app, user_client, cpt,
                                                            disposition, content, expected):
    response = post_raw(user_client, cpt, disposition, content)
    assert response.status_code == 302, response.text
    [evidence] = stored(app, Evidence)
    assert evidence.filename == expected
    assert len(evidence.filename) <= 200
    assert_safe_download(user_client, evidence)
    page = user_client.get(response.headers["Location"]).text
    assert "evil.html\"" not in page and "\u202e" not in page


# Floods ---------------------------------------------------------------------------------------

def test_rate_limits_are_on_by_default_and_in_production(monkeypatch):
    monkeypatch.setenv("RECERT_ENV", "production")
    monkeypatch.setenv("RECERT_MAIL", "off")
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["WRITE_RATE_LIMIT"] == config.DEFAULT_WRITE_RATE_LIMIT
    assert app.config["UPLOAD_RATE_LIMIT"] == config.DEFAULT_UPLOAD_RATE_LIMIT
    assert app.config["RATELIMIT_ENABLED"] is True
    assert limiter.enabled


def assert_too_many(response) -> None:
    assert response.status_code == 429
    assert "<title>Too many attempts · Recert</title>" in response.text
    assert "Try again in 1 minute." in response.text
    assert "Traceback" not in response.text
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_a_burst_of_changes_is_stopped_with_429(app, user_client):
    app.config["WRITE_RATE_LIMIT"] = "5 per minute"
    token = csrf_token(user_client.get("/").text)
    answers = [user_client.post("/account/calendar/new-address", data={"csrf_token": token})
               for _ in range(8)]
    assert [a.status_code for a in answers[:5]] == [302] * 5
    for answer in answers[5:]:
        assert_too_many(answer)
    # Reading goes on, and the limit is this person's, not everyone's.
    assert user_client.get("/").status_code == 200
    other = app.test_client()
    AuthActions(other).register(email="sam@example.com", name="Sam")
    token = csrf_token(other.get("/").text)
    assert other.post("/account/calendar/new-address",
                      data={"csrf_token": token}).status_code == 302


def test_uploads_count_each_file(app, user_client, cpt):
    app.config["UPLOAD_RATE_LIMIT"] = "3 per minute"
    files = [("a.pdf", pdf_bytes()), ("b.png", image_bytes())]
    assert log_activity(user_client, cpt, title="First", files=files).status_code == 302
    refused = log_activity(user_client, cpt, title="Second", files=files)
    assert_too_many(refused)
    assert [a.title for a in stored(app, Activity)] == ["First"]
    assert len(stored(app, Evidence)) == 2
    # An activity without files is not an upload.
    assert log_activity(user_client, cpt, title="Third").status_code == 302


# On PostgreSQL every request costs network round trips (its login is looked up, as it must be,
# to know whose budget it spends): 10,000 would take minutes there, so it gets fewer.
FLOOD = {"sqlite": 10_000, "postgresql": 2_000}


def test_a_flood_of_tiny_uploads_gets_only_what_the_default_limits_allow(app, user_client, cpt):
    """A script posts one-file activities as fast as it can: what the default budgets allow gets
    through, every other request is refused in plain words and writes nothing at all."""
    assert app.config["WRITE_RATE_LIMIT"] == config.DEFAULT_WRITE_RATE_LIMIT
    assert app.config["UPLOAD_RATE_LIMIT"] == config.DEFAULT_UPLOAD_RATE_LIMIT
    # Each request is one change and one file, so the smallest amount of any window is what
    # gets through in that window.
    limits = parse_many(f"{config.DEFAULT_WRITE_RATE_LIMIT}; {config.DEFAULT_UPLOAD_RATE_LIMIT}")
    tightest = min(limits, key=lambda limit: limit.amount)
    requests = FLOOD[make_url(app.config["DATABASE_URL"]).get_backend_name()]
    url, fields = activity_form(user_client, cpt, title="Flood")
    # Each its own title and day: the same title and day again, or more than a day's hours of
    # training on one day, would stop at the form's warning.
    first_day = date(2023, 1, 1)
    bodies = [multipart({**fields, "title": f"Flood {number}",
                         "completed_on": (first_day + timedelta(days=number % 1000)).isoformat()},
                        b'filename="tiny.png"', image_bytes()) for number in range(requests)]
    before = snapshot(app)
    answers = []  # (status, when it was answered)
    started = time.time()
    for body, content_type in bodies:
        response = user_client.post(url, data=body, content_type=content_type)
        answers.append((response.status_code, time.time()))
        if response.status_code != 302:
            assert_too_many(response)
    print(f"{requests} uploads in {time.time() - started:.1f} s")

    # The first ones spend the budget, and nothing more gets through until the window has
    # moved past the first of them. (A flood on a slow machine may outlast the window: then a
    # few more, but never more than the tightest budget of the hour.)
    statuses = [status for status, _when in answers]
    accepted, first_refused = statuses.count(302), statuses.index(429)
    # Registering and adding the credential spent a few of the writes' budget, which is as
    # tight as the uploads' (each request here is both).
    assert tightest.amount - 5 <= first_refused <= tightest.amount
    assert all(status == 429 for status, when in answers[first_refused:]
               if when < started + tightest.get_expiry())
    assert accepted <= min(limit.amount for limit in limits if limit.get_expiry() >= 3600)

    # Each accepted request wrote its activity, its file and its history line, and moved the
    # person's credentials' activities revision on (the key of its cached progress); nothing else.
    after = snapshot(app)
    titles = [a.title for a in stored(app, Activity)]
    assert len(titles) == accepted and all(title.startswith("Flood ") for title in titles)
    assert [(e.filename, e.data) for e in stored(app, Evidence)] == (
        [("tiny.png", image_bytes())] * accepted)
    for name in ("activities", "evidence", "change_records"):
        old, new = before.pop(name), after.pop(name)
        assert all(row in new for row in old) and len(new) == len(old) + accepted, name
    revision = list(HeldCredential.__table__.columns.keys()).index("activities_revision")
    for rows in (before, after):
        rows["held_credentials"] = [row[:revision] + row[revision + 1:]
                                    for row in rows["held_credentials"]]
    assert after == before


def test_files_sent_through_the_api_spend_the_same_upload_budget(app, user_client, cpt):
    app.config["UPLOAD_RATE_LIMIT"] = "3 per minute"
    files = [("a.pdf", pdf_bytes()), ("b.png", image_bytes())]
    assert log_activity(user_client, cpt, title="First", files=files).status_code == 302
    [activity] = stored(app, Activity)
    url = f"/activities/{activity.id}/evidence"
    api = ApiClient(app, make_token(user_client))
    assert api.post(url, data={"file": (io.BytesIO(image_bytes()), "c.png")}).status_code == 201
    refused = api.post(url, data={"file": (io.BytesIO(image_bytes()), "d.png")})
    assert refused.status_code == 429
    assert refused.mimetype == "application/problem+json"
    assert "Try again in" in refused.json["detail"]
    # Another token of the same person, or the web, does not start a new budget.
    again = ApiClient(app, make_token(user_client, name="Second script"))
    assert again.post(url, data={"file": (io.BytesIO(image_bytes()), "e.png")}).status_code == 429
    assert_too_many(log_activity(user_client, cpt, title="Second",
                                 files=[("f.png", image_bytes())]))
    assert [e.filename for e in stored(app, Evidence)] == ["a.pdf", "b.png", "c.png"]
    # Calls without a file are not uploads.
    assert api.get(url).status_code == 200
    version = api.get(f"/api/v2/activities/{activity.id}").json["version"]
    assert api.patch(f"/api/v2/activities/{activity.id}",
                     json={"title": "Renamed", "version": version}).status_code == 200


def test_a_token_that_may_not_upload_spends_nobodys_upload_budget(app, user_client, cpt):
    app.config["UPLOAD_RATE_LIMIT"] = "2 per minute"
    assert log_activity(user_client, cpt, title="First").status_code == 302
    [activity] = stored(app, Activity)
    url = f"/activities/{activity.id}/evidence"
    reader = ApiClient(app, make_token(user_client, name="Reader", scope="read"))
    for name in ("a.png", "b.png"):  # refused, and counted by address instead
        assert reader.post(url, data={"file": (io.BytesIO(image_bytes()), name)}
                           ).status_code == 403
    # The owner's own two uploads still go through.
    writer = ApiClient(app, make_token(user_client))
    for name in ("d.png", "e.png"):
        assert writer.post(url, data={"file": (io.BytesIO(image_bytes()), name)}
                           ).status_code == 201
    assert [e.filename for e in stored(app, Evidence)] == ["d.png", "e.png"]
