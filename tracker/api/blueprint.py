"""The API's blueprints (/api/v1, and /api/v2 for the resources that changed shape) and what
every operation of both shares: auth, limits, answers."""

from flask import Response, current_app, request
from flask_openapi3 import APIBlueprint, Tag
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException

from tracker.api import auth, problems
from tracker.api.preconditions import ETAG, etag
from tracker.extensions import limiter

PREFIX = "/api/v1"
PREFIX_V2 = "/api/v2"
ID = "int(max=2147483647)"  # the converter of ids in routes (see inputs.MAX_ID)
SECURITY_SCHEME = "bearerAuth"

RULESETS = Tag(name="Rule sets", description="The renewal rules of each credential.")
CREDENTIALS = Tag(name="Credentials", description="The credentials you hold, and their "
                  "progress as the rules engine sees it.")
ACTIVITIES = Tag(name="Activities", description="What you did that may earn points: each "
                 "activity is yours, recorded once, and counts toward every credential you hold "
                 "whose rules take its kind (version 2).")
GONE_ACTIVITIES = Tag(name="Activities of one credential (version 1)", description=(
    "Version 1 kept each activity under one credential. Activities now belong to you and count "
    "toward all your credentials: these addresses answer 410 Gone, with a `Link` header to the "
    "version 2 address (`rel=\"successor-version\"`). A credential's list still answers."))
EVIDENCE = Tag(name="Evidence", description="Proof files of activities.")
REPORTS = Tag(name="Reports", description="Downloads: the report as PDF, the activities as "
              "CSV, the audit packet, all your data as JSON.")


def problem_response(description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {problems.MEDIA_TYPE: {
        "schema": {"$ref": "#/components/schemas/Problem"}}}}
    if headers:
        response["headers"] = headers
    return response


OCTET_STREAM = "application/octet-stream"


def file_response(description: str, *media_types: str) -> dict:
    """A binary download: its own types, then application/octet-stream, the one binary type
    every common generator reads (openapi-python-client leaves out a response it finds no
    such type in). The server answers with that type when asked for it (labelled_as_asked)."""
    return {"description": description, "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}}
        for media_type in (*media_types, OCTET_STREAM)}}


def text_response(description: str, media_type: str) -> dict:
    """A text download (CSV): a string, which generators read as text, not as bytes."""
    return {"description": description, "content": {media_type: {"schema": {"type": "string"}}}}


def labelled_as_asked(response: Response) -> Response:
    """A binary download labelled application/octet-stream when the client's Accept prefers
    that to the file's own type (file_response offers both); by its own type otherwise."""
    if request.accept_mimetypes.best_match([response.mimetype, OCTET_STREAM]) == OCTET_STREAM:
        response.mimetype = OCTET_STREAM
    response.vary.add("Accept")
    return response


UNAUTHORIZED = problem_response(
    "No token; or a token that is wrong, revoked or expired; or a token in the address.",
    {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}})
INVALID = problem_response("Something sent is not right: `errors` says what, by field.")
TOO_MANY = problem_response(
    "Too many requests. All tokens of one person share one budget.",
    {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"},
                     "required": True}})
UNAVAILABLE = problem_response("The database cannot be reached, or it refused the change. "
                               "Nothing was saved; try again.")
NOT_FOUND = {404: problem_response("There is no such object, or it is not yours.")}
NO_ADDRESS = {404: problem_response("No such address: the id is not a whole number from 1 to "
                                    "2147483647.")}
GONE = {410: problem_response(
    "This version 1 address no longer answers: use the version 2 address that `Link` names, "
    "and `detail` says.", {"Link": {
        "description": "The version 2 address, e.g. `</api/v2/activities/12>; "
                       "rel=\"successor-version\"`.",
        "schema": {"type": "string"}, "required": True}})}
READ_ONLY = {403: problem_response("The token may only read.")}
CONFLICT = {409: problem_response("Changed meanwhile (`version` is not the stored version), "
                                  "or already there. Nothing was saved.")}
STALE = {412: problem_response("Changed meanwhile: `If-Match` does not hold an ETag of the "
                               "stored version (a weak one never does). Nothing was saved.")}
NOT_MODIFIED = {304: {"description": "`If-None-Match` holds the current ETag: nothing in what "
                                     "you read changed.", "headers": ETAG}}
NO_VERSION = {428: problem_response("Neither `If-Match` nor `version` says which version this "
                                    "change starts from. Nothing was saved.")}
# Every way a PATCH of one row is refused.
CHANGE_REFUSALS = {**READ_ONLY, **NOT_FOUND, **CONFLICT, **STALE, **NO_VERSION}
TOO_LARGE = {413: problem_response("The file is too large.")}
NO_CONTENT = {204: None}


def _operation_id(*, name: str, **_kwargs) -> str:
    return name


def _rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]  # RECERT_API_RATE_LIMIT


def _blueprint(name: str, prefix: str) -> APIBlueprint:
    """A version's blueprint: the token checked before anything, problems for every error, and
    the one budget per person (shared by all their tokens, and by both versions: one scope) for
    the whole API, kept where the login limits are kept (RECERT_RATELIMIT_STORAGE_URL), so every
    server counts against the same budget."""
    made = APIBlueprint(
        name, __name__, url_prefix=prefix,
        abp_security=[{SECURITY_SCHEME: []}],
        abp_responses={401: UNAUTHORIZED, 422: INVALID, 429: TOO_MANY, 503: UNAVAILABLE},
        operation_id_callback=_operation_id,
    )
    made.url_value_preprocessor(auth.identify)
    made.before_request(auth.authenticate)
    made.register_error_handler(problems.ApiProblem, problems.handle_api_problem)
    made.register_error_handler(429, problems.handle_rate_limit)
    made.register_error_handler(HTTPException, problems.handle_http_error)
    made.register_error_handler(RecursionError, problems.handle_too_deep)
    limiter.shared_limit(_rate_limit, scope="api", key_func=auth.rate_limit_key)(made)
    return made


bp = _blueprint("api", PREFIX)
bp_v2 = _blueprint("api_v2", PREFIX_V2)
BLUEPRINTS = (bp, bp_v2)


def answer(model: BaseModel, status: int = 200, headers: dict | None = None,
           version: int | None = None) -> Response:
    """The model as JSON, with an ETag when it is one row at a `version`; to a read whose
    If-None-Match holds that ETag, 304 (Werkzeug compares weakly, as RFC 9110 says for
    If-None-Match)."""
    body = model.model_dump_json()
    response = Response(body, status=status, mimetype="application/json", headers=headers)
    if version is not None:
        response.set_etag(etag(version, body))
    return response.make_conditional(request)
