"""The reminder email in plain words, with the engine's figures as they are."""

from tracker.display import points
from tracker.reminders.services import CredentialReminders, UserReminders
from tracker.rules.catalog import RuleSet
from tracker.rules.engine import Progress
from tracker.rules.reminders import Reminder


def _still_needed(ruleset: RuleSet, progress: Progress) -> str:
    """"28 points by 2027-03-15 (about 7.68 a month)"."""
    unit = ruleset.points_name.of(progress.remaining)
    text = f"{points(progress.remaining)} {unit} by {progress.ends_on.isoformat()}"
    if progress.points_per_month_needed:
        text += f" (about {points(progress.points_per_month_needed)} a month)"
    return text


def sentence(ruleset: RuleSet, progress: Progress, reminder: Reminder) -> str:
    short, agency = ruleset.short_name, ruleset.agency.short_name
    ends_on = progress.ends_on.isoformat()
    if reminder.code == "window-open":
        if progress.remaining:  # the days-left reminder says how many
            return (f"Your application window for {short} is open: apply to {agency} by "
                    f"{ends_on}, once you have all your {ruleset.points_name.plural}.")
        return f"Your application window for {short} is open: apply to {agency} by {ends_on}."
    if reminder.code == "behind":
        return (f"You are behind pace on your {short}: you have {points(progress.counted)} "
                f"{ruleset.points_name.plural}, and by now you should have about "
                f"{points(progress.pace_target)}. You still need "
                f"{_still_needed(ruleset, progress)}.")
    return (f"{progress.days_left} days left on your {short}: you still need "
            f"{_still_needed(ruleset, progress)}.")


def subject(due: UserReminders) -> str:
    names = " and ".join(item.ruleset.short_name for item in due.credentials)
    count = due.count
    return f"Recert: {count} {'reminder' if count == 1 else 'reminders'} about your {names}"


def body(due: UserReminders, links: dict[int, str]) -> str:
    """One paragraph per credential; `links` maps a credential id to its page, if known."""
    parts = [f"Hello {due.user.display_name},"]
    for item in due.credentials:
        parts.append(_paragraph(item, links.get(item.credential.id)))
    parts.append("You get this email once for each reminder. Recert will not send it again.\n"
                 "-- Recert")
    return "\n\n".join(parts) + "\n"


def _paragraph(item: CredentialReminders, link: str | None) -> str:
    lines = [sentence(item.ruleset, item.progress, reminder) for reminder in item.reminders]
    if link:
        lines.append(f"See your {item.ruleset.short_name}: {link}")
    return "\n".join(lines)
