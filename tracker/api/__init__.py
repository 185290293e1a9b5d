"""The JSON API, for personal access tokens, described by one OpenAPI document: /api/v1, and
/api/v2 for the resources whose shape changed (activities belong to the person since issue 17;
their version 1 addresses answer 410 Gone with a `Link` to version 2).

- `blueprint`: the two APIBlueprints and what every operation shares: auth, limits, answers
- `auth`: the bearer token of each request, its scope, the per-token rate limit; no cookies
- `problems`: errors as problem details (RFC 9457)
- `inputs`, `schemas`: pydantic models of requests and answers (they make the document)
- `validation`: input checked by the web's forms and the rules engine's checks
- `preconditions`: ETags, and the version (If-Match or `version`) every change must send
- `idempotency`: the Idempotency-Key of every POST, so a retried request saves once
- `owned`: the token owner's own credentials, activities and files by id, or a 404 problem
- `pages`: cursor pages of activity lists; `saves`: a refused save as a problem
- `activity_schemas`: the answers about activities (version 1's rows, version 2's activities)
- `*_views`: the operations (`activity_v2_views` on the version 2 blueprint, the others on
  version 1's); `docs`: openapi.json and the docs page

The tokens, and the account page that makes and revokes them, are tracker.account's."""

from flask_openapi3 import Info, OpenAPI, Server

from tracker.api.problems import Problem, invalid_request

DESCRIPTION = """Your Recert data for scripts and programs.

Two versions answer side by side. Version 2 (`/api/v2`) has your activities: each is recorded
once and counts toward every credential you hold whose rules take its kind, and each answer
says what it counts toward each of them (`counts`). Everything else is version 1 (`/api/v1`):
rule sets, credentials, their progress, proof files, reports. The version 1 addresses of one
activity (which kept it under one credential) answer 410 Gone, with a `Link` header
(`rel="successor-version"`) to the version 2 address; a credential's list of activities still
answers there.

Make a personal access token on your account page (Account → API tokens) and send it in the
`Authorization: Bearer <token>` header; never in the address. A token that may only read is
refused (403) for changes. Every figure (points, totals, status) comes from the rules engine,
as on the web pages. Errors are problem details (`application/problem+json`, RFC 9457); input
that is not right answers 422 with `errors`, the web forms' messages by field. A change
(PATCH) says which version it starts from: the `ETag` you read in `If-Match`, or `version` in
the body (428 without either; when someone saved since, nothing is saved: 412 for `If-Match`,
409 for `version`). A read answers 304 to an `If-None-Match` that holds its `ETag`. A person's
tokens share a limited number of requests per minute (429, with `Retry-After`). A POST may carry
an `Idempotency-Key` header: sent again with the same key, the request is saved only once, and
answered as the first time."""

# The arguments create_app gives flask-openapi3's OpenAPI (a Flask subclass).
OPENAPI_OPTIONS = {
    "info": Info(title="Recert API", version="2", description=DESCRIPTION),
    # Relative: the server that serves the document (its paths hold /api/v1 and /api/v2).
    "servers": [Server(url="/", description="This Recert server.")],
    "security_schemes": {"bearerAuth": {
        "type": "http", "scheme": "bearer",
        "description": "A personal access token from your account page.",
    }},
    "doc_ui": False,  # the document and its page are tracker.api.docs's own
    "validation_error_status": 422,
    "validation_error_model": Problem,
    "validation_error_callback": invalid_request,
}


def init_app(app: OpenAPI) -> None:
    """Register the API and its docs (after tracker.errors.init_app)."""
    from tracker.api import (  # noqa: F401  (their routes join the blueprints)
        activity_v2_views,
        activity_views,
        auth,
        credential_views,
        docs,
        evidence_views,
        problems,
        report_views,
    )
    from tracker.api.blueprint import BLUEPRINTS
    from tracker.extensions import csrf

    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)  # no cookies, so no cross-site requests to guard against
        app.register_api(blueprint)
    # Straight into the finished document: flask-openapi3's Schema model would drop the
    # JSON Schema keywords it does not know on the way.
    app.api_doc["components"]["schemas"].update(report_views.EXPORT_SCHEMAS)
    app.register_blueprint(docs.bp)
    problems.init_app(app, {blueprint.name for blueprint in BLUEPRINTS})
    auth.init_app(app)
