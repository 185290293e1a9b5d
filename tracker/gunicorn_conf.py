"""Gunicorn settings for serving in production: `gunicorn --config python:tracker.gunicorn_conf`.

Loaded as a module rather than a file path, so the same settings work from a checkout and
from the installed wheel (`make serve` uses it). Options on the command line (`--bind`,
`--workers`) win over these. Read by gunicorn's master process only, before any worker starts.
"""

import os
import sys
import time

from gunicorn.glogging import Logger
from gunicorn.http.errors import NoMoreData
from gunicorn.workers.gthread import ThreadWorker

from tracker.errors import hide_calendar_addresses, hide_calendar_secrets

# This file is for production: secure cookies and HSTS unless RECERT_ENV says otherwise.
os.environ.setdefault("RECERT_ENV", "production")
if os.environ["RECERT_ENV"] == "production" and not os.environ.get("RECERT_SECRET_KEY"):
    sys.exit("Recert: set RECERT_SECRET_KEY before serving in production "
             "(a long random value, the same on every server).")


def _cpu_count() -> int:
    # The CPUs this process may use (a container's limit), not every CPU of the machine.
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"Recert: {name} must be a whole number of at least 1, not {value!r}.")
    return int(value)


def _workers() -> int:
    return _whole_number("RECERT_WORKERS", 2 * _cpu_count())


def on_starting(server) -> None:
    """Refuse several workers that would each count login attempts in their own memory: an
    email would get five password checks per worker. (The worker count is known only here,
    after the command line's --workers.)"""
    storage = os.environ.get("RECERT_RATELIMIT_STORAGE_URL", "memory://")
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        sys.exit("Recert: with more than one worker, set RECERT_RATELIMIT_STORAGE_URL to a "
                 "Redis (redis://host:6379/0) so login attempts are counted in one place, or "
                 "set RECERT_WORKERS=1.")


class AccessLogger(Logger):
    """Gunicorn's logger, with each private calendar address hidden in the access log and in
    the error log (tracker.errors.HideCalendarSecrets)."""

    def setup(self, cfg):
        super().setup(cfg)
        hide_calendar_secrets(self.error_log)

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U"):
            if atoms.get(key):
                atoms[key] = hide_calendar_addresses(atoms[key])
        return atoms


# Slow clients. Each worker serves its requests on `threads` threads (gunicorn's gthread
# worker): a client sending its request slowly holds one thread, not the whole worker, and an
# idle kept-alive connection waits in the worker's poller, closed after `keepalive` seconds
# (a new one after 5 s without a first byte). What bounds a slow client: its headers must
# arrive within HEADER_SECONDS and its body within BODY_SECONDS of its headers (SlowClientWorker;
# then the connection is closed and the app sees a client that went away), the headers' size
# (gunicorn's limit_request_line, limit_request_fields and limit_request_field_size defaults)
# and the body's (the app's MAX_CONTENT_LENGTH). Still, `threads` clients trickling bytes can
# hold every thread of a worker for BODY_SECONDS: only a reverse proxy that buffers whole
# requests before passing them on (nginx does by default) keeps slow clients away entirely.
HEADER_SECONDS = 10
BODY_SECONDS = 60


class SlowClientWorker(ThreadWorker):
    """gunicorn's threaded worker with a deadline on each request's headers and body."""

    def handle(self, conn):
        if conn.parser is not None:  # the next request on a kept-alive connection
            _deadline(conn.parser, HEADER_SECONDS)
        elif "init" not in vars(conn):  # a new connection: its parser is made by init()
            init = conn.init

            def init_with_deadline():
                init()
                _deadline(conn.parser, HEADER_SECONDS)
            conn.init = init_with_deadline
        return super().handle(conn)

    def handle_request(self, req, conn):
        _deadline(conn.parser, BODY_SECONDS)  # the headers are in: now the body's turn
        return super().handle_request(req, conn)


def _deadline(parser, seconds: float) -> None:
    """Make each read of the connection give up `seconds` from now (no HTTP/2 here)."""
    unreader = getattr(parser, "unreader", None)
    if unreader is None or not hasattr(unreader, "sock"):
        return
    unreader.deadline = time.monotonic() + seconds
    if "chunk" in vars(unreader):
        return
    read = unreader.chunk

    def chunk(size_hint=None):
        remaining = unreader.deadline - time.monotonic()
        if remaining <= 0:
            raise NoMoreData("the client sent its request too slowly")
        # Only while reading: the answer is then sent at the client's own pace.
        before = unreader.sock.gettimeout()
        unreader.sock.settimeout(remaining)
        try:
            return read(size_hint)
        except TimeoutError as error:
            raise NoMoreData("the client sent its request too slowly") from error
        finally:
            unreader.sock.settimeout(before)
    unreader.chunk = chunk


wsgi_app = "tracker:create_app()"
workers = _workers()
worker_class = "tracker.gunicorn_conf.SlowClientWorker"
threads = _whole_number("RECERT_THREADS", 8)
# One line per request on standard output: client, time, request, status, bytes, duration.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logger_class = AccessLogger
errorlog = "-"
# No `gunicornc` control socket: two servers on one machine would share its path.
control_socket_disable = True
