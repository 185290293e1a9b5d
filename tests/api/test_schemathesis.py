"""Schemathesis against the served OpenAPI document: whatever it sends, the API never answers
500 and every answer fits the document (status, content type, headers, body).

It calls the app directly (WSGI) with a read-write token, each operation with a bounded number
of generated requests, valid ones and ones that break the document's rules. Ids in paths are
those of real objects of the token's owner (made again when a call deleted them), so the
operations get past 404. (Schemathesis' pytest plugin is not used: its lazy loader does not
run under pytest 9; `as_strategy` with Hypothesis does the same.)
"""

import io
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
from sqlmodel import select

from tests.api.helpers import CPT, ApiClient
from tests.helpers import pdf_bytes
from tracker.db import get_session
from tracker.models import Activity, Evidence, HeldCredential

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
EXAMPLES = 15  # per operation and mode: about 600 requests per database
SLOW = {"report_pdf": 4, "report_packet": 4}  # each makes a PDF


class World:
    """The token owner's objects whose ids go into paths; whatever a call deleted is made again."""

    def __init__(self, app, api: ApiClient):
        self.app = app
        self.api = api
        self.ids: dict[str, int] = {}

    def _live(self, model, object_id) -> bool:
        if object_id is None:
            return False
        with self.app.app_context():
            query = select(model.id).where(model.id == object_id)
            if model is Activity:
                query = query.where(Activity.deleted_at.is_(None))
            if model is Evidence:
                query = query.join(Activity).where(Activity.deleted_at.is_(None))
            return get_session().exec(query).first() is not None

    def ensure(self) -> dict[str, int]:
        ids = self.ids
        if not self._live(HeldCredential, ids.get("credential_id")):
            made = self.api.post("/credentials", json=CPT)
            assert made.status_code == 201, made.text
            ids["credential_id"] = made.json["id"]
            ids["cycle_id"] = made.json["cycles"][-1]["id"]
        if not self._live(Activity, ids.get("activity_id")):
            made = self.api.post(f"/credentials/{ids['credential_id']}/activities", json={
                "category": "CE-TRAINING", "title": "Forklift safety",
                "completed_on": "2024-05-01", "quantity": "8"})
            assert made.status_code == 201, made.text
            ids["activity_id"] = made.json["id"]
        if not self._live(Evidence, ids.get("evidence_id")):
            sent = self.api.post(f"/activities/{ids['activity_id']}/evidence",
                                 data={"file": (io.BytesIO(pdf_bytes()), "proof.pdf")})
            assert sent.status_code == 201, sent.text
            ids["evidence_id"] = sent.json["id"]
        return ids


@pytest.fixture
def world(app, api):
    app.config["TODAY"] = date(2026, 11, 24)
    app.config["API_RATE_LIMIT"] = "100000 per minute"
    app.config["UPLOAD_RATE_LIMIT"] = ""  # off: the fuzzer sends hundreds of files
    return World(app, api)


def operations(app):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_the_document_names_the_bearer_scheme(app):
    document = app.test_client().get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.1")
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, item in document["paths"].items():
        for method, operation in item.items():
            assert operation["security"] == [{"bearerAuth": []}], f"{method} {path}"
            assert "401" in operation["responses"], f"{method} {path}"


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_keeps_to_its_document(app, token, world, mode):
    headers = {"Authorization": f"Bearer {token}"}
    for operation in operations(app):
        examples = SLOW.get(operation.definition.raw.get("operationId"), EXAMPLES)

        @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck), phases=[Phase.generate])
        @given(case=operation.as_strategy(generation_mode=mode))
        def call(case):
            ids = world.ensure()
            for name in case.path_parameters or {}:
                if name in ids:
                    case.path_parameters[name] = ids[name]
            case.call_and_validate(headers=headers, checks=CHECKS)

        call()
