"""The reminder email: the same sentences as the home page's banners."""

from tracker.dashboard.sentences import reminder_message
from tracker.display import count_of
from tracker.reminders.services import CredentialReminders, UserReminders


def subject(due: UserReminders) -> str:
    names = " and ".join(item.ruleset.short_name for item in due.credentials)
    return f"Recert: {count_of(due.count, 'reminder', 'reminders')} about your {names}"


def body(due: UserReminders, links: dict[int, str]) -> str:
    """One paragraph per credential; `links` maps a credential id to its page, if known."""
    parts = [f"Hello {due.user.display_name},"]
    for item in due.credentials:
        parts.append(_paragraph(item, links.get(item.credential.id)))
    parts.append("You get this email once for each reminder. Recert will not send it again.\n"
                 "-- Recert")
    return "\n\n".join(parts) + "\n"


def _paragraph(item: CredentialReminders, link: str | None) -> str:
    lines = [reminder_message(item.ruleset, item.progress, reminder)
             for reminder in item.reminders]
    if link:
        lines.append(f"See your {item.ruleset.short_name}: {link}")
    return "\n".join(lines)
