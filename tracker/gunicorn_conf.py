"""Gunicorn settings for serving in production: `gunicorn --config python:tracker.gunicorn_conf`.

Loaded as a module rather than a file path, so the same settings work from a checkout and
from the installed wheel (`make serve` uses it). Options on the command line (`--bind`,
`--workers`) win over these. Read by gunicorn's master process only, before any worker starts.
"""

import os
import sys

from gunicorn.glogging import Logger

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


def _workers() -> int:
    value = os.environ.get("RECERT_WORKERS", "").strip()
    if not value:
        return 2 * _cpu_count()
    if not value.isdigit() or int(value) < 1:
        sys.exit(f"Recert: RECERT_WORKERS must be a whole number of at least 1, not {value!r}.")
    return int(value)


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


wsgi_app = "tracker:create_app()"
workers = _workers()
# One line per request on standard output: client, time, request, status, bytes, duration.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
logger_class = AccessLogger
errorlog = "-"
# No `gunicornc` control socket: two servers on one machine would share its path.
control_socket_disable = True
