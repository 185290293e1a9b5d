"""Error pages in the site's layout, in plain words, never a stack trace."""

import logging
import re
import time

from flask import Flask, Response, current_app, g, has_request_context, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, ServiceUnavailable

from tracker.display import count_of
from tracker.extensions import limiter, login_manager

MESSAGES = {
    400: ("Something was wrong with that request", "Go back, reload the page and try again."),
    403: ("Not allowed", "You do not have permission to see this page."),
    404: ("Page not found", "The page you asked for does not exist, or it is not yours."),
    405: ("Not allowed", "That action is not possible on this page."),
    413: (
        "File too large",
        "What you sent is larger than this site accepts. Pick a smaller file and try again.",
    ),
    429: ("Too many attempts", "Please wait a while and try again."),
    500: (
        "Something went wrong on our side",
        "Nothing you did caused this. Please try again in a minute.",
    ),
    503: (
        "Recert is not available right now",
        "We cannot reach our database. Nothing was saved. Please try again in a few minutes.",
    ),
}


# The calendar feed's address holds its secret (tracker.reminders.views); no log line may.
CALENDAR_ADDRESS = re.compile(r"/calendar/[^/?#\s]+\.ics")
HIDDEN_ADDRESS = "/calendar/<hidden>.ics"
HIDDEN = "<hidden>"
# Loggers whose lines can hold a request's address, besides the app's own: the development
# server's request lines. (Gunicorn's error log gets the filter in tracker.gunicorn_conf.)
ADDRESS_LOGGERS = ("werkzeug",)


def hide_calendar_addresses(text: str) -> str:
    return CALENDAR_ADDRESS.sub(HIDDEN_ADDRESS, text)


class HideCalendarSecrets(logging.Filter):
    """Every calendar address in a log record (its message, its arguments, its traceback)
    becomes /calendar/<hidden>.ics; during a request for the feed, its secret is hidden
    wherever it appears (a database error repeats its query's parameters). Flask's own
    "Exception on /calendar/<secret>.ics [GET]" is one such record."""

    def filter(self, record: logging.LogRecord) -> bool:
        secret = _requested_calendar_secret()

        def hide(text: str) -> str:
            text = hide_calendar_addresses(text)
            return text.replace(secret, HIDDEN) if secret else text

        if isinstance(record.msg, str):
            record.msg = hide(record.msg)
        if isinstance(record.args, dict):
            record.args = {key: _hidden_argument(value, hide)
                           for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_hidden_argument(value, hide) for value in record.args)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = hide(record.exc_text)
        if record.stack_info:
            record.stack_info = hide(record.stack_info)
        return True


def _requested_calendar_secret() -> str | None:
    """The secret of the feed this request asks for, if it is one (long enough to be one
    of new_login_token's; replacing a short string everywhere would garble the line)."""
    if not has_request_context() or request.endpoint != "reminders.calendar_feed":
        return None
    secret = (request.view_args or {}).get("token")
    return secret if isinstance(secret, str) and len(secret) >= 16 else None


def _hidden_argument(value, hide):
    """The argument, or its text with the secret hidden when the text holds one (only then
    is it replaced by its text: %d and %r of other arguments keep working)."""
    if value is None or isinstance(value, bool | int | float):
        return value
    text = value if isinstance(value, str) else str(value)
    hidden = hide(text)
    return value if hidden == text else hidden


def hide_calendar_secrets(logger: logging.Logger) -> None:
    """Put the filter on `logger`, once."""
    if not any(isinstance(each, HideCalendarSecrets) for each in logger.filters):
        logger.addFilter(HideCalendarSecrets())


def render_error(status: int, detail: str | None = None):
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template("error.html", status=status, title=title,
                           message=detail or message), status


def handle_http_error(error: HTTPException):
    # Unexpected exceptions reach here as a 500 after Flask has logged them.
    page, status = render_error(error.code or 500, getattr(error, "detail", None))
    return page, status, retry_after_header(error)


def retry_after_header(error: HTTPException) -> dict[str, str]:
    """Retry-After of an answer that says when to try again (a 503 "busy", Werkzeug's
    `retry_after`), for the web's pages and the API's problems alike."""
    seconds = getattr(error, "retry_after", None)
    return {"Retry-After": str(seconds)} if isinstance(seconds, int) else {}


def handle_csrf_error(_error: CSRFError):
    return render_error(
        400, "This form has expired or did not come from this site. "
        "Reload the page and send it again."
    )


TOO_DEEP = ("What you sent is nested too deeply for us to read. Nothing was saved. Check that "
            "it is the right file.")


def handle_too_deep(error: RecursionError):
    """Python's readers (JSON's above all) give up on input nested thousands deep ("[[[[...")
    with RecursionError, wherever the input is read: an answer to input that cannot be read,
    not a 500. Logged with its traceback all the same, in case it was a bug that recursed."""
    current_app.logger.warning("Refused input nested too deeply", exc_info=error)
    return render_error(400, TOO_DEEP)


def _reset_in() -> float | None:
    """Seconds until the limit this request broke lets requests through again (None when no
    limit was broken)."""
    limit = limiter.current_limit
    return None if limit is None else limit.reset_at - time.time()


def seconds_to_wait() -> int:
    """For Retry-After: whole seconds, at least 1; a minute when no limit says."""
    reset_in = _reset_in()
    return 60 if reset_in is None else max(1, int(reset_in))


def say_when_to_retry(response: Response) -> Response:
    """Every 429 of the app (the web's login lockout and the API's) says in `Retry-After` when
    to try again; no other answer has it (Flask-Limiter's own headers are off, see
    tracker.config)."""
    if response.status_code == 429:
        response.headers.setdefault("Retry-After", str(seconds_to_wait()))
    return response


def too_many_attempts(seconds: float) -> str:
    """What a person is told when they must wait `seconds` before trying again."""
    return f"Too many attempts. Try again in {_minutes(seconds)}."


def _minutes(seconds: float) -> str:
    return count_of(max(1, round(seconds / 60)), "minute", "minutes")


TOO_MANY_DOWNLOADS = "You asked for many reports and exports in a short time."


def handle_rate_limit(_error: HTTPException):
    reset_in = _reset_in()
    if reset_in is None:
        return render_error(429)
    if g.get("rate_limited") == "downloads":
        return render_error(429, f"{TOO_MANY_DOWNLOADS} Try again in {_minutes(reset_in)}.")
    return render_error(429, too_many_attempts(reset_in))


class SaveUnconfirmed(ServiceUnavailable):
    """The connection was lost while a change was being committed: it may be saved or not."""

    detail = ("We lost the database while saving, so we could not confirm the save. Check your "
              "list before you try again.")


def handle_database_error(error: DBAPIError):
    """The database cannot be reached, or the connection to it was lost during the request
    (SQLAlchemy then marks the error `connection_invalidated`, whatever the driver called it):
    the 503 page, or the API's 503 problem. Any other database error is a bug: Flask's 500."""
    if not (isinstance(error, OperationalError) or error.connection_invalidated):
        raise error
    current_app.logger.error("Database unavailable: %s", error.orig)
    if "_login_user" not in g:  # who is logged in could not be looked up: show "Log in"
        g._login_user = login_manager.anonymous_user()
    unknown = getattr(g.get("db_session"), "outcome_unknown", False)
    return current_app.handle_http_exception(SaveUnconfirmed() if unknown
                                             else ServiceUnavailable())


def init_app(app: Flask) -> None:
    for logger in (app.logger, *map(logging.getLogger, ADDRESS_LOGGERS)):
        hide_calendar_secrets(logger)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(429, handle_rate_limit)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(RecursionError, handle_too_deep)
    app.after_request(say_when_to_retry)
