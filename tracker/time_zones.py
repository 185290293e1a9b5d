"""The person's time zone: times they read (the change history, the change log, devices,
tokens) are shown in it. Stored moments stay in UTC (tracker.models.UTCDateTime).

The browser says its zone (static/time-zone.js fills a hidden `time_zone` field of the login
form and of the account page's form); the account remembers it. Until then, times read UTC.
"""

from datetime import UTC, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from flask import session
from flask_login import current_user
from wtforms import HiddenField

from tracker.rules.checks import say_date

# The longest IANA name is 32 characters ("America/Argentina/ComodRivadavia").
MAX_LENGTH = 64


@cache
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def valid_zone(name: str | None) -> str | None:
    """`name` when it is a place's time zone this machine knows ("America/Chicago"), or UTC;
    else None: a browser may send anything, and "Factory" or "localtime" are no place's."""
    if not name or len(name) > MAX_LENGTH or name not in _known():
        return None
    return name if name == "UTC" or ("/" in name and not name.startswith("Etc/")) else None


def time_zone_field() -> HiddenField:
    """Filled by static/time-zone.js with the browser's zone; empty without scripts."""
    return HiddenField(render_kw={"data-time-zone": ""})


# The zone a login form sent, kept in the (signed) session until the login is complete: a
# password alone, before the second step, changes nothing on the account.
OFFERED = "time_zone_offered"


def offer(name: str | None) -> None:
    zone = valid_zone(name)
    if zone is not None:
        session[OFFERED] = zone


def take_offered(user) -> None:
    """At the end of a login: the zone its form sent becomes the account's."""
    remember(user, session.pop(OFFERED, None))


def remember(user, name: str | None) -> bool:
    """Keep the browser's zone on the account; False (and nothing changes) for an unknown one."""
    zone = valid_zone(name)
    if zone is None:
        return False
    user.time_zone = zone
    return True


def local_time(moment: datetime) -> str:
    """A moment in the logged-in person's zone: "Dec 6, 2026, 4:30 PM CST" (UTC until the
    account knows its zone)."""
    name = valid_zone(getattr(current_user, "time_zone", None))
    local = moment.astimezone(ZoneInfo(name) if name else UTC)
    hour = local.hour % 12 or 12
    return f"{say_date(local.date())}, {hour}:{local:%M} {local:%p} {local.tzname()}"
