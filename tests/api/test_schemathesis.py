"""Schemathesis against the served OpenAPI document: whatever it sends, the API never answers
500 and every answer fits the document (status, content type, headers, body).

It calls the app directly (WSGI) with a read-write token. Each operation gets its explicit
examples (the `examples` of the request models, as Schemathesis' examples phase sends them,
positive run only) and then a bounded number of generated requests, valid ones or ones that
break the document's rules. They get what a real client has: ids of the token owner's own
objects in paths (a schema hook; a trashed activity for restore; made again when a call
deleted them), and, just before the call, the stored version where a change sends
`version` or `If-Match`.
(Schemathesis' pytest plugin is not used: its lazy loader fails under pytest 9 with
"'Function' object has no attribute '_nodeid'"; `as_strategy` with Hypothesis does the same.)
"""

import io
from collections import Counter
from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlmodel import delete, select

from tests.api.helpers import CPT, V2, ApiClient
from tests.helpers import pdf_bytes
from tracker.api.inputs import MAX_ID
from tracker.db import get_session
from tracker.models import Activity, Evidence, HeldCredential, SavedRequest

# Schemathesis' own strategies draw from `random`, which Hypothesis warns about: not ours to fix.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Do not use the `random` module inside strategies")

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 15  # generated requests per operation and mode
SLOW = {"report_pdf": 4, "report_packet": 4}  # each makes a PDF
COURSE = {"kind": "training", "title": "Forklift safety", "completed_on": "2024-05-01",
          "quantity": "8"}
# What each operation's path parameter names, where it is not the object of the same name.
TRASHED = {"restore_activity": {"activity_id": "trashed_activity_id"}}
VERSIONED = {"update_activity": ("activity_id", Activity),
             "update_credential": ("credential_id", HeldCredential)}


def name_of(operation) -> str:
    return operation.definition.raw["operationId"]


class World:
    """The token owner's objects whose ids go into paths; whatever a call deleted or restored
    is made again."""

    def __init__(self, app, api: ApiClient):
        self.app = app
        self.api = api
        self.ids: dict[str, int] = {}

    def _stored(self, model, object_id, *, trashed: bool = False):
        if object_id is None:
            return None
        with self.app.app_context():
            query = select(model).where(model.id == object_id)
            if model is Activity:
                query = query.where(Activity.deleted_at.is_(None) if not trashed
                                    else Activity.deleted_at.is_not(None))
            if model is Evidence:
                query = query.join(Activity).where(Activity.deleted_at.is_(None))
            return get_session().exec(query).first()

    def _made(self, path: str, **kwargs) -> dict:
        made = self.api.post(path, **kwargs)
        assert made.status_code == 201, made.text
        return made.json

    def ensure(self) -> dict[str, int]:
        ids = self.ids
        if self._stored(HeldCredential, ids.get("credential_id")) is None:
            made = self._made("/credentials", json=CPT)
            ids["credential_id"], ids["cycle_id"] = made["id"], made["cycles"][-1]["id"]
        activities = f"{V2}/activities"
        if self._stored(Activity, ids.get("activity_id")) is None:
            ids["activity_id"] = self._made(activities, json=COURSE)["id"]
        if self._stored(Activity, ids.get("trashed_activity_id"), trashed=True) is None:
            ids["trashed_activity_id"] = self._made(activities, json=COURSE)["id"]
            assert self.api.delete(f"{activities}/{ids['trashed_activity_id']}"
                                   ).status_code == 204
        if self._stored(Evidence, ids.get("evidence_id")) is None:
            ids["evidence_id"] = self._made(f"/activities/{ids['activity_id']}/evidence", data={
                "file": (io.BytesIO(pdf_bytes()), "proof.pdf")})["id"]
        return ids

    def version(self, model, object_id: int) -> int | None:
        row = self._stored(model, object_id)
        return row.version if row is not None else None

    def clear_credentials(self) -> None:
        """Around a call that makes a credential: none held, so the examples are not "already
        held", and none left behind (the world makes its own again). Its Idempotency-Keys
        go too: an answer kept under a key would name a credential that is gone."""
        for held in self.api.get("/credentials").json["items"]:
            assert self.api.delete(f"/credentials/{held['id']}").status_code == 204
        self.ids.clear()  # SQLite may give a new row a deleted one's id
        with self.app.app_context():
            get_session().execute(delete(SavedRequest))
            get_session().commit()


def load_schema(app, world: World):
    """The served document, with hooks that put the world's real values into requests."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)

    @schema.hook
    def map_path_parameters(context, path_parameters):
        # An id that breaks the document (a negative case) is left as it is.
        ids, names = world.ensure(), TRASHED.get(name_of(context.operation), {})
        for name, value in (path_parameters or {}).items():
            real = names.get(name, name)
            if real in ids and isinstance(value, int) and 1 <= value <= MAX_ID:
                path_parameters[name] = ids[real]
        return path_parameters

    return schema


@pytest.fixture
def world(app, api):
    app.config["TODAY"] = date(2026, 11, 24)
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    # Off: the world changes things and uploads a proof file again and again.
    app.config.update(WRITE_RATE_LIMIT="", UPLOAD_RATE_LIMIT="")
    return World(app, api)


def test_the_document_names_the_bearer_scheme(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["security"] == [{"bearerAuth": []}], f"{method} {path}"
            assert "401" in operation["responses"], f"{method} {path}"


def send_the_stored_version(world: World, operation, case) -> None:
    """A change sends the version it read, in `version` or If-Match, as a client does (a
    stale one is refused), read just before the call: an example's `"version": 1`, or a
    version drawn when the request was made, may be stale by then. A value that breaks the
    document (a negative case) is left as it is."""
    versioned = VERSIONED.get(name_of(operation))
    if versioned is None:
        return
    name, model = versioned
    object_id = (case.path_parameters or {}).get(name)
    if not (isinstance(object_id, int) and 1 <= object_id <= MAX_ID):
        return
    version = world.version(model, object_id)
    if version is None:
        return
    if isinstance(case.body, dict) and isinstance(case.body.get("version"), int):
        case.body["version"] = version
    if case.headers and isinstance(case.headers.get("If-Match"), str):
        case.headers["If-Match"] = f'"{version}"'


def run(operation, strategy, examples: int, call) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(case=strategy)
    def test(case):
        call(operation, case)

    test()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_document(app, token, world, mode):
    headers = {"Authorization": f"Bearer {token}"}
    answers: Counter[tuple[str, str]] = Counter()

    def call(operation, case):
        makes_credentials = name_of(operation) == "create_credential"
        if makes_credentials:
            world.clear_credentials()
        send_the_stored_version(world, operation, case)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        if makes_credentials:
            world.clear_credentials()
        answers[name_of(operation), f"{response.status_code // 100}xx"] += 1

    operations = [result.ok() for result in load_schema(app, world).get_all_operations()]
    for operation in operations:
        if mode is GenerationMode.POSITIVE:
            for example in operation.get_strategies_from_examples():
                run(operation, example, 1, call)
        run(operation, operation.as_strategy(generation_mode=mode),
            SLOW.get(name_of(operation), EXAMPLES), call)
    print(f"\n{mode.value}: {answers.total()} requests", *(
        f"{name} " + " ".join(f"{status}: {answers[name, status]}" for status in
                              ("2xx", "4xx", "5xx") if answers[name, status])
        for name in sorted({name_of(o) for o in operations})), sep="\n  ")
    if mode is GenerationMode.POSITIVE:  # every operation succeeds at least once, but the gone
        assert {name_of(o) for o in operations if not gone(o)} == {
            n for n, s in answers if s == "2xx"}
        assert {name_of(o) for o in operations if gone(o)} == {
            "create_activity_v1", "get_activity_v1", "update_activity_v1", "trash_activity_v1",
            "restore_activity_v1"}


def gone(operation) -> bool:
    """A version 1 operation that answers 410 Gone (deprecated, and documented so)."""
    raw = operation.definition.raw
    return bool(raw.get("deprecated")) and "410" in raw["responses"]

