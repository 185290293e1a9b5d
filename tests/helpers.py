"""Test helpers that act as a person with a browser would."""

import hashlib
import io
import struct
import zlib
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from html.parser import HTMLParser

from redis import Redis
from sqlalchemy import event, text
from sqlmodel import select

from tracker.db import get_session
from tracker.models import Activity, Evidence, User

PASSWORD = "correct horse battery"


class _CsrfTokenFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.token = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("name") == "csrf_token" and self.token is None:
            self.token = attributes.get("value")


def csrf_token(html: str) -> str:
    finder = _CsrfTokenFinder()
    finder.feed(html)
    assert finder.token, "the page has no form with a CSRF token"
    return finder.token


def submit(client, url: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Open the form's page, take its CSRF token as a browser would, and post `data`."""
    page = client.get(form_page or url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data}, **kwargs)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def register(self, email="pat@example.com", name="Pat Doe", password=PASSWORD, **kwargs):
        data = {"email": email, "display_name": name, "password": password, "confirm": password}
        data.update(kwargs)
        return submit(self.client, "/auth/register", data)

    def login(self, email="pat@example.com", password=PASSWORD, remember=False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return submit(self.client, "/auth/login", data)

    def logout(self):
        return submit(self.client, "/auth/logout", {}, form_page="/")


CPT_MODULES = {
    "module_safety": "y", "module_quality": "y", "module_production": "y",
    "module_maintenance": "y",
}


def add_cpt(client, certified_on: str = "2022-03-15") -> int:
    """Add the CPT credential with the four required modules; returns its id."""
    response = submit(client, "/credentials/new/mssc-cpt",
                      {"certified_on": certified_on, **CPT_MODULES})
    assert response.status_code == 302, response.text
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def log_activity(client, credential_id: int, files=(), **fields):
    """Post the activity form; `files` are (name, bytes) pairs."""
    data = {"category": "CE-TRAINING", "title": "Forklift safety", "provider": "Acme Training",
            "completed_on": "2024-05-01", "quantity": "8", **fields}
    data["evidence"] = [(io.BytesIO(content), name) for name, content in files]
    return submit(client, f"/credentials/{credential_id}/activities/new", data,
                  content_type="multipart/form-data")


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels)
            + chunk(b"IEND", b""))


JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\0" * 64
WEBP_BYTES = b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00" + b"\0" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64


def insert_activities(app, credential_id: int, count: int, with_files_every: int = 3) -> None:
    """Many activities at once, straight into the database (the form is tested elsewhere)."""
    with app.app_context():
        session = get_session()
        user_id = session.exec(select(User.id)).first()
        first = date(2022, 4, 1)
        for number in range(count):
            activity = Activity(
                user_id=user_id, held_credential_id=credential_id, category="CE-TRAINING",
                title=f"Course {number}", provider="Acme", quantity=Decimal("1.5"),
                completed_on=first + timedelta(days=number % 1500),
            )
            if number % with_files_every == 0:
                data = f"file {number}".encode()
                activity.evidence = [Evidence(
                    filename=f"f{number}.pdf", content_type="application/pdf", size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), data=data,
                )]
            session.add(activity)
        session.commit()


def delete_redis_keys(url: str, prefix: str) -> None:
    """Remove the keys a test wrote under its own prefix (never the whole Redis)."""
    redis = Redis.from_url(url)
    keys = list(redis.scan_iter(match=f"*{prefix}*"))
    if keys:
        redis.delete(*keys)
    redis.close()


def drop_schema(admin, schema_name: str) -> None:
    """Drop a test's PostgreSQL schema; its connections are named after it (application_name)."""
    with admin.begin() as connection:
        # A download a test never closed would hold its transaction and block the drop.
        connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = :name AND pid <> pg_backend_pid()"
        ), {"name": schema_name})
        connection.execute(text(f'DROP SCHEMA "{schema_name}" CASCADE'))


@contextmanager
def counted_statements(app):
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    engine = app.extensions["recert_engine"]
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)
