"""The engine's figures said in plain sentences: next steps, what is missing, reminders."""

from tracker.dashboard import renewal_steps
from tracker.dashboard.services import steps_to_renew
from tracker.display import count_of, points
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_date
from tracker.rules.engine import DAYS_PER_MONTH, Progress, Status, UnmetKind
from tracker.rules.reminders import Reminder


def _end(progress: Progress) -> str:
    return say_date(progress.ends_on)


def still_needed(ruleset: RuleSet, progress: Progress) -> str:
    """"28 more points by 2027-03-15; about 3.1 a month"."""
    text = f"{points(progress.remaining)} more {ruleset.points_name.plural} by {_end(progress)}"
    if progress.points_per_month_needed:
        text += f"; about {points(progress.points_per_month_needed)} a month"
    return text


def next_action(ruleset: RuleSet, progress: Progress) -> str:
    """The one thing to do next for this credential."""
    agency, window = ruleset.agency.short_name, say_date(progress.window_opens_on)
    window_open = progress.today >= progress.window_opens_on
    status = progress.status
    if status == Status.NOT_REQUIRED:
        return ("Recertification is not required for module certificates. If you passed every "
                "module the full credential needs, tick them under “Change details”.")
    if status == Status.RENEWED:
        return "This cycle is renewed."
    if status == Status.LAPSED:
        return (f"The end date {_end(progress)} has passed. To hold the credential again, "
                "pass the assessment again.")
    if status == Status.COMPLETE:
        if window_open:
            return f"Apply to {agency} by {_end(progress)}: your application window is open."
        return f"You can apply to {agency} from {window}."
    if progress.remaining == 0:
        return "You have the points, but some minimums are not met yet: see what is missing."
    action = f"Log {still_needed(ruleset, progress)}."
    if window_open:
        action += f" Your application window is open: apply to {agency} once you are done."
    return action


def start_sentence(progress: Progress) -> str:
    """What a credential with nothing logged yet asks of the person."""
    return f"Start by logging what you have done since {say_date(progress.starts_on)}."


def projection(ruleset: RuleSet, progress: Progress) -> str:
    """When the person reaches the requirement at the pace so far."""
    required = f"{points(progress.required)} {ruleset.points_name.plural}"
    if progress.requirement_reached_on is not None and progress.remaining == 0:
        return f"You reached {required} on {say_date(progress.requirement_reached_on)}."
    if progress.projected_completion is None:
        return "Log your first points to see when you will finish."
    finish = progress.projected_completion
    months = round(abs((progress.ends_on - finish).days) / DAYS_PER_MONTH)
    gap = f"about {count_of(months, 'month', 'months')}" if months else "just"
    side = "before" if progress.completes_before_end else "after"
    return (f"At your rate since certification you reach {required} on {say_date(finish)}, "
            f"{gap} {side} the deadline.")


def category_note(ruleset: RuleSet, category) -> str | None:
    """A sentence for a category whose cap is reached: more of it will not help."""
    if category.cap is None or category.counted < category.cap:
        return None
    return (f"{category.name}: {points(category.earned)} earned, {points(category.counted)} "
            f"count. More of it will not help; log other kinds of activities instead.")


def unmet_sentence(ruleset: RuleSet, progress: Progress, unmet) -> str:
    unit = ruleset.points_name.plural
    have = f"you have {points(unmet.counted)}"
    if unmet.kind == UnmetKind.POINTS_REMAINING:
        required = points(unmet.required)
        return f"{points(progress.remaining)} more {unit} needed: {have}, and {required} in all."
    if unmet.kind == UnmetKind.CATEGORY_MINIMUM:
        name = ruleset.category(unmet.scope).name
        return f"{name}: at least {points(unmet.required)} {unit} needed; {have}."
    if unmet.kind == UnmetKind.GROUP_MINIMUM:
        name = ruleset.group(unmet.scope).name
        return f"{name}: at least {points(unmet.required)} {unit} needed; {have}."
    if unmet.kind == UnmetKind.YEARLY_MINIMUM:
        year = next(y for y in progress.years if y.number == unmet.scope)
        return (f"Year {year.number} of your cycle ({say_date(year.starts_on)} to "
                f"{say_date(year.ends_on)}): at least {points(unmet.required)} {unit} "
                f"needed; {have}.")
    if unmet.kind == UnmetKind.CATEGORIES_USED:
        needed, used = int(unmet.required), int(unmet.counted)
        more = count_of(needed - used, "more category", "more categories")
        return (f"Your {unit} must come from at least {needed} of the categories below; they "
                f"come from {used} so far: log activities in {more}.")
    return f"No proof attached to an activity worth {points(unmet.counted)} {unit}."


def reminder_message(ruleset: RuleSet, progress: Progress, reminder: Reminder) -> str:
    short, agency = ruleset.short_name, ruleset.agency.short_name
    if reminder.code == "window-open":
        if progress.status == Status.COMPLETE:
            return (f"Your application window for {short} is open: apply to {agency} by "
                    f"{_end(progress)}.")
        return (f"Your application window for {short} is open. You still need "
                f"{still_needed(ruleset, progress)}.")
    if reminder.code == "behind":
        return (f"You are behind pace on your {short}: you have {points(progress.counted)} "
                f"{ruleset.points_name.plural}, and by now you should have about "
                f"{points(progress.pace_target)}. Log {still_needed(ruleset, progress)}.")
    return (f"{progress.days_left} days left on your {short}: you still need "
            f"{still_needed(ruleset, progress)}.")


def step_state(step: renewal_steps.Step) -> str:
    """"Done", "To do by Mar 15, 2027", "From Dec 15, 2026"."""
    if step.state == renewal_steps.LATER:
        return f"From {say_date(step.on)}"
    word = "Done" if step.state == renewal_steps.DONE else "To do"
    if step.on is None:
        return word
    return f"{word} on {say_date(step.on)}" if step.state == renewal_steps.DONE else (
        f"{word} by {say_date(step.on)}")


def init_app(app) -> None:
    for sentence in (next_action, projection, category_note, unmet_sentence, reminder_message,
                     start_sentence, step_state):
        app.add_template_global(sentence)
    app.add_template_global(renewal_steps.is_starting)
    app.add_template_global(renewal_steps.agency_forms)
    app.add_template_global(steps_to_renew)
