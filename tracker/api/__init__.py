"""The JSON API at /api/v1, for personal access tokens, described by an OpenAPI document.

- `blueprint`: the APIBlueprint and what every operation shares: auth, limits, answers
- `auth`: the bearer token of each request, its scope, the per-token rate limit; no cookies
- `problems`: errors as problem details (RFC 9457)
- `inputs`, `schemas`: pydantic models of requests and answers (they make the document)
- `validation`: input checked by the web's forms and the rules engine's checks
- `preconditions`: ETags, and the version (If-Match or `version`) every change must send
- `idempotency`: the Idempotency-Key of every POST, so a retried request saves once
- `owned`: the token owner's own credentials, activities and files by id, or a 404 problem
- `*_views`: the operations, on the one blueprint; `docs`: openapi.json and the docs page

The tokens, and the account page that makes and revokes them, are tracker.account's."""

from flask_openapi3 import Info, OpenAPI, Server

from tracker.api.problems import Problem, invalid_request

DESCRIPTION = """Your Recert data for scripts and programs.

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
    "info": Info(title="Recert API", version="1", description=DESCRIPTION),
    # Relative: the server that serves the document (its paths hold /api/v1).
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
    from tracker.api import (  # noqa: F401  (their routes join the blueprint)
        activity_views,
        auth,
        credential_views,
        docs,
        evidence_views,
        problems,
        report_views,
    )
    from tracker.api.blueprint import bp
    from tracker.extensions import csrf

    csrf.exempt(bp)  # no cookies, so no cross-site requests to guard against
    app.register_api(bp)
    # Straight into the finished document: flask-openapi3's Schema model would drop the
    # JSON Schema keywords it does not know on the way.
    app.api_doc["components"]["schemas"].update(report_views.EXPORT_SCHEMAS)
    app.register_blueprint(docs.bp)
    problems.init_app(app, {bp.name})
    auth.init_app(app)
