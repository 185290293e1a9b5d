"""API errors as problem details (RFC 9457): `application/problem+json`, never an HTML page.

Every problem has `type` (about:blank: the status says what kind it is), `title` (the status's
name), `status`, `detail` (plain words for the person who reads it) and, for input that is not
right (422), `errors`: for each field, the messages the web forms give.
"""

import json

from flask import Flask, Response, current_app, g, request
from pydantic import BaseModel, Field, ValidationError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from tracker.concurrency import changed_meanwhile
from tracker.display import count_of
from tracker.errors import TOO_MANY_DOWNLOADS, retry_after_header, seconds_to_wait
from tracker.fields import NOT_A_NUMBER

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"

DETAILS = {
    400: "The request could not be read.",
    401: "Send a personal access token in the Authorization header: "
         "“Authorization: Bearer <token>”. Make one on your account page.",
    403: "This token may not do that.",
    404: "There is nothing here, or it is not yours.",
    405: "This address does not take that method.",
    409: changed_meanwhile(),
    413: "What you sent is larger than this site accepts.",
    422: "Some of what you sent is not right. See “errors”.",
    428: "Say which version you are changing: the If-Match header or “version”.",
    429: "Too many requests. Please wait a while and try again.",
    500: "Something went wrong on our side. Nothing you did caused this.",
    503: "Recert is not available right now. Nothing was saved. Please try again soon.",
}


class Problem(BaseModel):
    """A problem detail (RFC 9457)."""

    type: str = Field("about:blank", description="What kind of problem: about:blank, so the "
                      "status says it.")
    title: str = Field(description="The name of the HTTP status.")
    status: int = Field(description="The HTTP status code.")
    detail: str = Field(description="What went wrong, in plain words.")
    errors: dict[str, list[str]] | None = Field(
        None, description="Only for 422: for each field that is not right, what is wrong "
        "with it. Nested fields are named like `modules.0.passed_on`.")


class ApiProblem(Exception):
    """Raised by the API's views: answered as a problem detail."""

    def __init__(self, status: int, detail: str | None = None,
                 errors: dict[str, list[str]] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(detail or DETAILS.get(status, ""))
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


class InvalidInput(ApiProblem):
    def __init__(self, errors: dict[str, list[str]], detail: str | None = None) -> None:
        super().__init__(422, detail, errors)


class Gone(ApiProblem):
    """410: a version 1 address retired by version 2; `successor` is the address to use
    instead, in the detail and in a `Link` header (RFC 8288, rel="successor-version")."""

    def __init__(self, successor: str, why: str) -> None:
        super().__init__(410, f"{why} Use {successor} instead.",
                         headers={"Link": f'<{successor}>; rel="successor-version"'})


class ChangedMeanwhile(ApiProblem):
    """A change from a version that is no longer the stored one: nothing was saved. 412 when
    the version came in If-Match (a failed precondition), 409 when in the body. `stored` and
    `sent` show both versions where the check knows them (not after a lost race)."""

    def __init__(self, what: str, status: int = 409, stored: int | None = None,
                 sent: int | str | None = None) -> None:
        versions = ""
        if stored is not None:
            said = f"version {sent}" if isinstance(sent, int) else f"If-Match: {_short(sent)}"
            versions = f" It is version {stored} now; you sent {said}."
        super().__init__(status, f"{changed_meanwhile(what)}{versions} Read it again and send "
                                 "your change with its new version.")


def _short(text: str | None, limit: int = 40) -> str:
    text = text or ""
    return text if len(text) <= limit else text[:limit] + "…"


def problem(status: int, detail: str | None = None, errors: dict[str, list[str]] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    body = {
        "type": "about:blank",
        "title": HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail or DETAILS.get(status, DETAILS[500]),
    }
    if errors is not None:
        body["errors"] = errors
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=MEDIA_TYPE)
    response.headers.update(headers or {})
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="recert"')
    return response


def handle_api_problem(error: ApiProblem) -> Response:
    return problem(error.status, error.detail, error.errors, error.headers)


def _no_method_takes_it(methods: list[str]) -> bool:
    """Werkzeug says 405 when an address fits another method's rule in shape but its converter
    refuses the value (an id beyond the largest, in /activities/<int(max=...)>): then no
    method takes the address, and it is a 404 like the same address with GET."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in methods:
        try:
            adapter.match(method=method)
        except HTTPException:
            continue
        return False
    return True


def handle_http_error(error: HTTPException) -> Response:
    if error.response is not None:  # a response made on purpose (flask-openapi3's 422)
        return error.response
    code = error.code or 500
    headers = {}
    methods = getattr(error, "valid_methods", None) or []
    if code == 405 and _no_method_takes_it(methods):
        code = 404
    elif code == 405:
        headers["Allow"] = ", ".join(methods)
    return problem(code, getattr(error, "detail", None),
                   headers={**headers, **retry_after_header(error)})


def handle_too_deep(error: RecursionError) -> Response:
    """A body nested too deeply for Python's JSON reader (tracker.errors.handle_too_deep)."""
    current_app.logger.warning("Refused input nested too deeply", exc_info=error)
    return problem(400, "The body is nested too deeply to read. Nothing was saved.")


def handle_rate_limit(_error: HTTPException) -> Response:
    wait = count_of(seconds_to_wait(), "second", "seconds")
    if g.get("rate_limited") == "downloads":
        return problem(429, f"{TOO_MANY_DOWNLOADS} They have a budget of their own, shared "
                            f"with the website. Try again in {wait}.")
    return problem(429, f"Too many requests. All your tokens share one budget. "
                        f"Try again in {wait}.")


# pydantic's error types, in the words the web forms use.
def _message(error: dict) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "This is required."
    if kind.startswith(("date_", "datetime_")):
        return "Enter a date like 2024-03-15."
    if kind.startswith(("decimal_parsing", "decimal_type", "float_", "finite_number")):
        return NOT_A_NUMBER
    if kind.startswith("int_"):
        return "Enter a whole number."
    if kind == "string_too_long":
        return f"Use at most {ctx.get('max_length')} characters."
    if kind == "string_too_short":
        return "This cannot be empty."
    if kind == "string_type":
        return "Enter text."
    if kind == "string_pattern_mismatch":
        return "Use only letters, numbers, dots (.), dashes (-) and underscores (_)."
    if kind in ("greater_than_equal", "greater_than"):
        return f"Enter {ctx.get('ge', ctx.get('gt'))} or more."
    if kind in ("less_than_equal", "less_than"):
        return f"Enter {ctx.get('le', ctx.get('lt'))} or less."
    if kind in ("literal_error", "enum"):
        return f"Choose one of: {ctx.get('expected')}."
    if kind == "extra_forbidden":
        return "This field is not known. Check its name."
    if kind == "too_long" and ctx.get("field_type") == "Dictionary":
        return f"Send at most {ctx['max_length']} entries."
    if kind in ("list_type", "too_long", "too_short"):
        return "Send a list" + (f" of at most {ctx['max_length']} items." if "max_length" in ctx
                                else ".")
    if kind.startswith("bool_"):
        return "Enter true or false."
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "Send a JSON object (Content-Type: application/json)."
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in error.errors(include_url=False):
        name = ".".join(str(part) for part in item["loc"]) or "body"
        message = _message(item)
        if message not in errors.setdefault(name, []):
            errors[name].append(message)
    return errors


def invalid_request(error: ValidationError) -> Response:
    """flask-openapi3's answer when a request does not fit its models."""
    return problem(422, errors=field_errors(error))


def init_app(app: Flask, blueprint_names: set[str]) -> None:
    """Problems for the API's errors, also for addresses under /api/ that match no route.

    Errors raised in the API's views reach its blueprint's handlers; an address that matches
    no route belongs to no blueprint, so the app's handler (tracker.errors', registered
    before this) is wrapped: problems under /api/, the error page elsewhere."""
    web_handler = app.error_handler_spec[None][None].get(HTTPException)

    def routing_error(error: HTTPException):
        in_api = request.blueprint in blueprint_names or (
            request.blueprint is None and request.path.startswith(API_PREFIX))
        if in_api:
            return handle_http_error(error)
        return web_handler(error) if web_handler else error

    app.register_error_handler(HTTPException, routing_error)
