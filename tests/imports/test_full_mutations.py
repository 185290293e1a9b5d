"""A real full export, mutated: every mutant is refused with a plain message and nothing
written, or imported with every page of the account answering 200 (issue 15, finding 2).

The export is that of worked example A renewed on 2026-12-20 (a CPT, a closed cycle with what
it kept, an open cycle, activities, a job, one in the trash); and, in format version 1, that
of tests/imports/fixtures/export_format_1.json (five credentials, their activities under
each). Each mutant changes one to three
things: a day or a timestamp to an extreme, an amount to a negative or huge number, a code,
status, kind, category or credential id (of a choice of where an activity counts) to another,
a list's item dropped or doubled.

`make test` runs a few examples (a few seconds). A longer run, e.g. 500 examples:

    RECERT_MUTATION_EXAMPLES=500 .venv/bin/python -m pytest -q tests/imports/test_full_mutations.py
"""

import html
import json
import os
import re
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import delete, select

from tests.api.helpers import ApiClient, make_token
from tests.helpers import AuthActions
from tests.imports.helpers import upload_export
from tests.imports.test_full import renewed_export
from tests.imports.test_full_formats import FORMAT_1
from tracker.db import get_session
from tracker.extensions import limiter
from tracker.models import Activity, HeldCredential, User

EXAMPLES = int(os.environ.get("RECERT_MUTATION_EXAMPLES", "8"))
DAYS = ["0001-01-01", "1949-12-31", "1950-01-01", "2000-02-29", "2026-12-06", "2026-12-07",
        "2031-03-15", "2040-01-01", "2099-12-31", "9999-12-31"]
MOMENTS = ["0001-01-01T00:00:00+00:00", "1949-12-31T23:59:59Z", "2026-11-24T09:30:00+14:00",
           "2030-01-01T00:00:00Z", "9999-12-31T23:59:59+00:00", "2026-02-30T00:00:00Z"]
AMOUNTS = ["-99999999", "-500", "-1", "0", "0.001", "0.5", "1", "100", "99999999.99",
           "100000000", "1" + "0" * 40]
TEXTS = ["", "NOPE", "open", "renewed", "lapsed", "mssc-cpt", "pmi-pmp", "isc2-cissp",
         "2026.1", "1999.1", "CE-TRAINING", "E", "IC", "safety", "training", "job",
         "certification", "x" * 300, "<b>&</b>"]


def leaves(value, path=()):
    """(path, value) of every value in the document that is not a list or an object."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def lists(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from lists(item, (*path, key))
    elif isinstance(value, list):
        yield path, value
        for index, item in enumerate(value):
            yield from lists(item, (*path, index))


def replacements(value) -> st.SearchStrategy:
    """Values of the kind the field holds (to get past the schema), and a few of any kind."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        pool = DAYS
    elif isinstance(value, str) and "T" in value and value[:4].isdigit():
        pool = MOMENTS
    elif isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        pool = AMOUNTS
    elif value is None:
        pool = [*DAYS, *MOMENTS, *AMOUNTS]
    elif isinstance(value, bool):
        pool = [not value]
    elif isinstance(value, int):
        pool = [0, -1, 2**31, 10**30]
    else:
        pool = TEXTS
    return st.one_of(st.sampled_from(pool), st.sampled_from([None, "", 7, [], {}]))


@st.composite
def mutants(draw, document: dict) -> dict:
    mutant = json.loads(json.dumps(document))
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            path, value = draw(st.sampled_from(list(leaves(mutant))))
            place(mutant, path, draw(replacements(value)))
        else:
            candidates = [(path, items) for path, items in lists(mutant) if items]
            if not candidates:
                continue
            _path, items = draw(st.sampled_from(candidates))
            index = draw(st.integers(0, len(items) - 1))
            if draw(st.booleans()):
                del items[index]
            else:
                items.insert(index, json.loads(json.dumps(items[index])))
    return mutant


def place(document, path, value) -> None:
    for part in path[:-1]:
        document = document[part]
    document[path[-1]] = value


def pages_of(app, email: str) -> list[str]:
    """Every page of the account that shows its credentials, cycles and activities."""
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        credentials = list(session.exec(
            select(HeldCredential).where(HeldCredential.user_id == user.id)))
        activities = list(session.exec(select(Activity.id).where(Activity.user_id == user.id)))
        pages = ["/", "/trash/", "/account/", "/account/log", "/account/export.json"]
        for credential in credentials:
            base = f"/credentials/{credential.id}"
            pages += [base, f"{base}/edit", f"{base}/activities", f"{base}/activities.csv",
                      f"{base}/report", f"{base}/report.pdf", f"{base}/renewal",
                      f"{base}/activities/new", f"{base}/import"]
            pages += [f"{base}/cycles/{cycle.id}/report" for cycle in credential.cycles]
        pages += [f"/activities/{activity_id}" for activity_id in activities[:5]]
        return pages


def api_pages_of(app, email: str) -> list[str]:
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        ids = session.exec(select(HeldCredential.id).where(HeldCredential.user_id == user.id))
        return ["/credentials", "/export.json"] + [
            f"/credentials/{i}{end}" for i in ids
            for end in ("", "/progress", "/activities", "/activities.csv")]


def empty_account(app, email: str) -> None:
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        for model in (HeldCredential, Activity):
            session.exec(delete(model).where(model.user_id == user.id))
        session.commit()


def held(app, email: str) -> int:
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        return len(list(session.exec(
            select(HeldCredential.id).where(HeldCredential.user_id == user.id))))


def test_a_mutated_export_is_refused_plainly_or_leaves_every_page_working(
        app, user_client, monkeypatch):
    refused_plainly_or_working(app, renewed_export(app, user_client), monkeypatch)


def test_a_mutated_export_of_format_version_1_is_refused_plainly_or_leaves_every_page_working(
        app, user_client, monkeypatch):
    app.config["TODAY"] = date(2026, 12, 20)  # the day it was exported
    refused_plainly_or_working(app, json.loads(FORMAT_1.read_text()), monkeypatch)


def refused_plainly_or_working(app, document: dict, monkeypatch) -> None:
    # The write and upload limits are not what is tested here, and a long run would meet them.
    monkeypatch.setattr(limiter, "enabled", False)
    newcomer = app.test_client()
    AuthActions(newcomer).register(email="sam@example.com", name="Sam")
    api = ApiClient(app, make_token(newcomer, scope="read"))
    calendar = re.search(r'value="http://localhost(/calendar/[^"]+\.ics)"',
                         newcomer.get("/account/").text).group(1)

    outcomes = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=EXAMPLES <= 20,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(mutant=mutants(document))
    def imported_or_refused(mutant):
        empty_account(app, "sam@example.com")
        answer = upload_export(newcomer, mutant)
        if answer.status_code == 200:  # refused: the import page again, with one message
            errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', answer.text, re.S)
            assert any(error.strip() for error in errors), answer.text[:2000]
            assert "Traceback" not in answer.text
            assert held(app, "sam@example.com") == 0
            outcomes.append("refused")
            return
        assert answer.status_code == 302, answer.status_code
        outcomes.append("imported")
        for page in [*pages_of(app, "sam@example.com"), calendar]:
            response = newcomer.get(page)
            assert response.status_code == 200, (page, response.status_code)
        for page in api_pages_of(app, "sam@example.com"):
            response = api.get(page)
            assert response.status_code == 200, (page, response.status_code,
                                                  html.unescape(response.text[:500]))

    imported_or_refused()
    print(f"{outcomes.count('imported')} imported, {outcomes.count('refused')} refused")
