"""Test helpers that act as a person with a browser would."""

import hashlib
import io
import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from redis import Redis
from sqlalchemy import event, text
from sqlmodel import SQLModel, select

from tests.mail_server import links_in, recipient, sent_emails
from tracker.auth import verification
from tracker.auth.password_reset import reset_token
from tracker.db import get_session
from tracker.models import Activity, Evidence, HeldCredential, User
from tracker.reports.export import SCHEMA_PATH, full_export
from tracker.rules.catalog import load_catalog

# The day the `cpt` fixture and the examples see.
TODAY = date(2026, 11, 24)
PASSWORD = "correct horse battery"


class _HiddenInputs(HTMLParser):
    """A page's hidden inputs: all of them by name (the first of each name counts), and each
    form's own with where the form posts (None: to the page itself)."""

    def __init__(self):
        super().__init__()
        self.inputs: dict[str, str] = {}
        self.forms: list[tuple[str | None, dict[str, str]]] = []
        self._form: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self._form = {}
            self.forms.append((attributes.get("action") or None, self._form))
        elif tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            value = attributes.get("value") or ""
            self.inputs.setdefault(attributes["name"], value)
            if self._form is not None:
                self._form[attributes["name"]] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _read_hidden_inputs(html: str) -> _HiddenInputs:
    parser = _HiddenInputs()
    parser.feed(html)
    parser.close()
    return parser


def hidden_inputs(html: str) -> dict[str, str]:
    """Every hidden input of a page by name (the CSRF token, the version a form was opened at,
    an upload's token...), as a browser sends them back with the page's form."""
    return _read_hidden_inputs(html).inputs


def hidden_inputs_by_form(html: str) -> list[tuple[str | None, dict[str, str]]]:
    """Each form of a page, in order: where it posts (None: to the page itself) and its hidden
    inputs by name."""
    return _read_hidden_inputs(html).forms


def hidden_input(html: str, name: str) -> str:
    """The value of the page's hidden input `name` (the first, if several forms have one)."""
    inputs = hidden_inputs(html)
    assert name in inputs, f"the page has no hidden input named {name}"
    return inputs[name]


def csrf_token(html: str) -> str:
    return hidden_input(html, "csrf_token")


def submit(client, url: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Open the form's page, take its CSRF token as a browser would, and post `data`."""
    page = client.get(form_page or url)
    return client.post(url, data={"csrf_token": csrf_token(page.text), **data}, **kwargs)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def register(self, email="pat@example.com", name="Pat Doe", password=PASSWORD, **kwargs):
        """Fill in the form; when it answers "check your email", follow the link just emailed,
        as the person would, and return that answer (logged in)."""
        data = {"email": email, "display_name": name, "password": password, "confirm": password}
        data.update(kwargs)
        app = self.client.application
        before = len(sent_emails(app))
        response = submit(self.client, "/auth/register", data)
        if response.status_code != 302 or not response.headers["Location"].endswith(
                "/auth/register/check-email"):
            return response
        new = [message for message in sent_emails(app)[before:]
               if recipient(message) == email.strip().lower()]
        links = [link for message in new for link in links_in(message) if "/auth/verify/" in link]
        if not links:  # the address had an account: its owner was told
            return response
        return follow_link(self.client, links[-1], {"password": password})

    def login(self, email="pat@example.com", password=PASSWORD, remember=False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return submit(self.client, "/auth/login", data)

    def logout(self):
        return submit(self.client, "/auth/logout", {}, form_page="/")


def link_token(app, endpoint: str) -> str:
    """A good token for the page of an emailed link (`endpoint`), for the only account."""
    makers = {"registration.verify": verification.verify_token,
              "password_reset.reset": reset_token,
              "account.confirm_email": lambda user: verification.change_token(
                  user, "new@example.com")}
    with app.test_request_context():
        return makers[endpoint](get_session().exec(select(User)).one())


def follow_link(client, link: str, data: dict | None = None):
    """Open an emailed link and press the page's button, giving the account's password where
    the page asks for it (or send its form with `data`)."""
    path = urlsplit(link).path
    return submit(client, path, {"password": PASSWORD} if data is None else data)


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


def kind_landing_in(category: str) -> str:
    """The kind of activity that lands in a category of that code (the first rule set that has
    one decides: CPT's first)."""
    for ruleset in sorted(load_catalog().all_current(), key=lambda r: r.code != "mssc-cpt"):
        for landing in ruleset.landings:
            if landing.category == category:
                return landing.kind
    raise AssertionError(f"no kind lands in {category}")


def log_activity(client, credential_id: int, files=(), **fields):
    """Post the activity form; `files` are (name, bytes) pairs. A `category` (a category code
    of the credential's rule set) logs the kind that lands there, counted there. It is saved
    past the form's warnings ("Save anyway"), as a person sure of it would; tests of the
    warnings pass `save_anyway=""`."""
    data = {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
            "completed_on": "2024-05-01", "quantity": "8", "save_anyway": "yes", **fields}
    if "category" in data:
        category = data.pop("category")
        data["kind"] = kind_landing_in(category)
        data[f"count_{credential_id}"] = category
    url = f"/credentials/{credential_id}/activities/new"

    def send(data: dict):
        data["evidence"] = [(io.BytesIO(content), name) for name, content in files]
        return submit(client, url, data, content_type="multipart/form-data")

    response = send(data)
    seen = seen_warnings(response.text)
    if seen and data["save_anyway"]:  # read, then pressed "Save anyway" on what it said
        response = send({**data, "seen_warning": seen})
    return response


def seen_warnings(html: str) -> list[str]:
    """The warnings a form showed, as its "Save anyway" sends them back."""
    return [unescape(value) for value in re.findall(r'name="seen_warning" value="([^"]*)"', html)]


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# The first bytes of a JPEG, a WebP and a GIF file: the upload check tells a type by its content.
_IMAGE_STARTS = {
    "gif": b"GIF89a" + b"\0" * 64,  # a type the app does not take
}


def image_bytes(kind: str = "png", width: int = 1, height: int = 1, *,
                noise: bool = False) -> bytes:
    """A test image of `kind` (png or gif), the same each time unless `noise` is set.

    A PNG is a real one of `width` by `height` red pixels, or of random pixels with `noise`:
    those do not compress, so the file takes about 3 bytes a pixel (a large upload). A GIF, a
    type the upload check refuses, is only the start of one. (Real JPEG, WebP and HEIC photos:
    tests/activities/test_images.py.)
    """
    if kind in _IMAGE_STARTS:
        assert (width, height, noise) == (1, 1, False), f"a test {kind} has no size or noise"
        return _IMAGE_STARTS[kind]
    assert kind == "png", f"no test image of kind {kind}"

    def chunk(name: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + name + body
                + struct.pack(">I", zlib.crc32(name + body) & 0xFFFFFFFF))

    # Each row starts with its filter byte (0: none), then red, green, blue for each pixel.
    rows = b"".join(b"\x00" + (os.urandom(width * 3) if noise else b"\xff\x00\x00" * width)
                    for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\0" * 64


def insert_activities(app, credential_id: int, count: int, with_files_every: int = 3) -> None:
    """Many activities at once, straight into the database (the form is tested elsewhere)."""
    with app.app_context():
        session = get_session()
        user_id = session.get(HeldCredential, credential_id).user_id
        first = date(2022, 4, 1)
        for number in range(count):
            activity = Activity(
                user_id=user_id, kind="training",
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


def export_of(app, email: str = "pat@example.com") -> dict:
    """The person's full export, as downloaded on TODAY."""
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        return full_export(session, user, TODAY)


# Reading pages and files as a person would see them.

def facts(html: str) -> dict[str, str]:
    """Every `<dt>label</dt><dd>value</dd>` pair of the page, whitespace folded."""
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html, flags=re.S)
    return {label.strip(): " ".join(value.split()) for label, value in pairs}


def category_rows(html: str) -> dict[str, tuple[str, str]]:
    """Category name -> (earned, counted) from the dashboard's or the report's category table
    (a counted figure an estimate decides is followed by its mark)."""
    rows = re.findall(r'<tr><td>([^<]+)</td>\s*<td class="num">([^<]+)</td>'
                      r'\s*<td class="num">([^<]+)', html)
    return {name: (earned, counted.strip()) for name, earned, counted in rows}


def assert_sound_page(html: str, url: str) -> None:
    """A page has one plain-text title and one main heading."""
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
    assert "<" not in title and len(title) < 120, f"{url} has a broken title: {title!r}"
    assert html.count("<h1") == 1, f"{url} should have one main heading"


needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                     reason="pdftotext (poppler-utils) is not installed")


def pdf_text(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,
                            capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


# What the database holds.

def stored(app, model):
    with app.app_context():
        return list(get_session().exec(select(model).order_by(model.id)))


def snapshot(app) -> dict[str, list[tuple]]:
    """Every row of every table, to show that nothing at all changed."""
    with app.app_context():
        connection = get_session().connection()
        return {
            table.name: sorted((tuple(row) for row in connection.execute(table.select())),
                               key=repr)
            for table in SQLModel.metadata.sorted_tables
        }


def validate_export(document: dict) -> None:
    schema = json.loads(SCHEMA_PATH.read_text())
    Draft202012Validator.check_schema(schema)
    Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
        document
    )
