"""Extension objects, created unbound so any module can import them without cycles."""

from flask import current_app, g
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

from tracker.ratelimits import APPLICATION_LIMITS, person_or_address

csrf = CSRFProtect()
login_manager = LoginManager()
# Per-route limits (login, register) count by address; APPLICATION_LIMITS cap every change.
# Flask-Limiter takes limits with their own keys and costs only here, when the limiter is made;
# tracker.ratelimits defines them and imports nothing of the app, so this stays cycle-free.
limiter = Limiter(key_func=get_remote_address, application_limits=APPLICATION_LIMITS)
# The downloads that take seconds to make (report PDF, audit packet, full export): one budget
# per person (DOWNLOAD_RATE_LIMIT), spent by the web's views and the API's alike.
# Only what was made counts: a "busy, try again" answer (503) spends nothing.


def _downloads_breached(_limit) -> None:
    g.rate_limited = "downloads"  # the 429 then says so (tracker.errors, tracker.api.problems)


heavy_download = limiter.shared_limit(
    lambda: current_app.config["DOWNLOAD_RATE_LIMIT"], scope="downloads",
    key_func=person_or_address, deduct_when=lambda response: response.status_code != 503,
    on_breach=_downloads_breached)
