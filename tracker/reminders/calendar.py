"""The personal calendar feed: each held credential's deadlines as all-day events."""

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from icalendar import Calendar, Event, vDuration

from tracker.models import HeldCredential, utcnow
from tracker.rules.cycles import window_opens_on
from tracker.rules.engine import requires_recertification
from tracker.rules.reminders import reminder_dates
from tracker.served_rulesets import ruleset_of

PRODID = "-//Recert//Deadlines//EN"
# Calendar apps that honour it poll twice a day; deadlines move rarely.
REFRESH = timedelta(hours=12)


@dataclass(frozen=True)
class Deadline:
    code: str  # stable within a cycle: "ends", "window-open", "days-<N>"
    day: date
    summary: str
    description: str


def deadlines_of(credential: HeldCredential) -> list[Deadline]:
    """The current cycle's end, application window and reminder dates, by date."""
    cycle = credential.current_cycle
    ruleset = ruleset_of(credential, cycle)
    if not requires_recertification(ruleset, credential.module_codes):
        return []
    short, agency = ruleset.short_name, ruleset.agency.short_name
    ends_on = cycle.ends_on
    deadlines = [Deadline("ends", ends_on, f"{short} cycle ends: renew by this day",
                          f"The last day of your {short} cycle. Renew with {agency} by this day.")]
    for reminder in reminder_dates(ruleset, ends_on, window_opens_on(ruleset, ends_on)):
        if reminder.code == "window-open":
            deadlines.append(Deadline(
                reminder.code, reminder.due_on, f"{short} application window opens",
                f"From this day you can apply to {agency} to renew your {short}.",
            ))
        else:
            days = (ends_on - reminder.due_on).days
            deadlines.append(Deadline(
                reminder.code, reminder.due_on, f"{days} days left on your {short}",
                f"{days} days are left in your {short} cycle. Check that you have all "
                "your points in Recert.",
            ))
    return sorted(deadlines, key=lambda deadline: deadline.day)


def event_uid(calendar_token: str, cycle_id: int, code: str) -> str:
    """The same event keeps its UID on every poll, so calendar apps update it in place.

    Hashed with the secret address so the feed shows no database ids; a new address
    starts a new subscription anyway.
    """
    digest = hashlib.sha256(f"{calendar_token}/{cycle_id}/{code}".encode()).hexdigest()
    return f"{digest[:32]}@recert"


def feed(calendar_token: str, credentials: list[HeldCredential]) -> bytes:
    """The .ics text: nothing but the events (no name, email or points)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Recert deadlines")
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # an x- name is text unless typed
    stamp = utcnow()
    for credential in credentials:
        cycle_id = credential.current_cycle.id
        for deadline in deadlines_of(credential):
            event = Event()
            event.add("uid", event_uid(calendar_token, cycle_id, deadline.code))
            event.add("dtstamp", stamp)
            event.add("dtstart", deadline.day)  # a date, not a datetime: an all-day event
            event.add("dtend", deadline.day + timedelta(days=1))
            event.add("summary", deadline.summary)
            event.add("description", deadline.description)
            event.add("transp", "TRANSPARENT")  # a reminder, not a busy time
            calendar.add_component(event)
    return calendar.to_ical()
