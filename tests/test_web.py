"""Every file the app sends, from the web pages and through the API alike, is named by
Content-Disposition and kept by no cache (tracker.web.download)."""

import re
from types import SimpleNamespace

import pytest
from sqlmodel import select
from werkzeug.http import parse_options_header

from tests.api.helpers import ApiClient, make_token
from tests.helpers import image_bytes, log_activity, pdf_bytes
from tracker.db import get_session
from tracker.models import Evidence
from tracker.web import DatabaseId

NO_CACHE = "private, no-store"
# A proof file's name with letters beyond ASCII: one that decomposes (ä) and some that do not.
NAME = "Zertifikat März 証明書.pdf"
REPORT = r"recert-mssc-cpt-\d{4}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}"


@pytest.fixture
def person(app, user_client, cpt):
    """The logged-in person's CPT with an activity that has a PDF and an image, and an API
    client with their token."""
    log_activity(user_client, cpt, files=[(NAME, pdf_bytes()), ("photo.png", image_bytes())])
    with app.app_context():
        files = {e.filename: e.id for e in get_session().exec(select(Evidence))}
    account = user_client.get("/account/").text
    feed = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"', account).group(1)
    return SimpleNamespace(web=user_client, api=ApiClient(app, make_token(user_client)),
                           cpt=cpt, pdf=files[NAME], image=files["photo.png"], feed=feed,
                           anyone=app.test_client())


# Files both doors send at the same address (the API's under /api/v1): (address, its name).
BOTH_DOORS = {
    "report PDF": ("/credentials/{cpt}/report.pdf", rf"{REPORT}\.pdf"),
    "report CSV": ("/credentials/{cpt}/activities.csv", rf"{REPORT}\.csv"),
    "audit packet": ("/credentials/{cpt}/packet.zip", rf"{REPORT}-packet\.zip"),
    "proof file": ("/evidence/{pdf}", re.escape(NAME)),
}
# What each file is called when asked for: (how to ask, inline or attachment, its name).
FILES = {
    **{what: (lambda p, address=address: p.web.get(address.format(**vars(p))),
              "attachment", name) for what, (address, name) in BOTH_DOORS.items()},
    **{f"API {what}": (lambda p, address=address: p.api.get(address.format(**vars(p))),
                       "attachment", name) for what, (address, name) in BOTH_DOORS.items()},
    "full export": (lambda p: p.web.get("/account/export.json"),
                    "attachment", r"recert-export\.json"),
    "API full export": (lambda p: p.api.get("/export.json"),
                        "attachment", r"recert-export\.json"),
    "import template": (lambda p: p.web.get(f"/credentials/{p.cpt}/import/template.csv"),
                        "attachment", r"recert-import-template-mssc-cpt\.csv"),
    "image shown in the page": (lambda p: p.web.get(f"/evidence/{p.image}/view"),
                                "inline", r"photo\.png"),
    "calendar feed": (lambda p: p.anyone.get(p.feed), "attachment", r"recert-deadlines\.ics"),
}


@pytest.mark.parametrize("what", FILES)
def test_every_file_sent_is_named_and_kept_by_no_cache(person, what):
    ask, kind, name = FILES[what]
    response = ask(person)
    assert response.status_code == 200, response.text
    assert response.data  # the whole file (the packet streams)
    sent_kind, options = parse_options_header(response.headers["Content-Disposition"])
    assert sent_kind == kind
    assert re.fullmatch(name, options["filename"])
    assert response.headers["Cache-Control"] == NO_CACHE


@pytest.mark.parametrize("door", ["web", "api"])
def test_a_name_beyond_ascii_comes_as_utf8_with_an_ascii_fallback(person, door):
    client = getattr(person, door)
    disposition = client.get(f"/evidence/{person.pdf}").headers["Content-Disposition"]
    assert disposition == ('attachment; filename="Zertifikat Marz ___.pdf"; '
                           "filename*=UTF-8''Zertifikat%20M%C3%A4rz%20"
                           "%E8%A8%BC%E6%98%8E%E6%9B%B8.pdf")
    assert parse_options_header(disposition)[1]["filename"] == NAME


def test_an_ascii_name_is_sent_as_it_is(person):
    disposition = person.web.get(f"/evidence/{person.image}").headers["Content-Disposition"]
    assert disposition == 'attachment; filename="photo.png"'


def test_an_id_beyond_what_the_database_holds_is_not_found(app, user_client):
    """Every web address with an id, given one larger than any row can have (SQLite cannot
    even read one past 2**63), answers 404 like an unknown id."""
    checked = []
    for rule in app.url_map.iter_rules():
        ids = {name for name, converter in rule._converters.items()
               if isinstance(converter, DatabaseId)}
        if "GET" not in rule.methods or rule.rule.startswith("/api/") or not ids:
            continue
        path = rule.build({name: 2**64 if name in ids else "days-180"
                           for name in rule.arguments}, append_unknown=False)[1]
        assert user_client.get(path).status_code == 404, path
        checked.append(path)
    assert len(checked) >= 15
