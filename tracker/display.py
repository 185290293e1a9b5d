"""How the engine's figures are written on screen: one place, so every page says the same."""

from decimal import ROUND_HALF_UP, Decimal

from flask import Flask

from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_date, say_fraction
from tracker.rules.engine import ActivityResult, Progress, Status, round_points
from tracker.rules.estimates import complete_by_estimates, estimate_sentence
from tracker.time_zones import local_time

STATUS_WORDS = {
    Status.NOT_REQUIRED: ("Not required", "Recertification is not required for module "
                          "certificates. Only the full credential must be renewed."),
    Status.RENEWED: ("Renewed", "This cycle ended with a renewal."),
    Status.COMPLETE: ("Complete", "You have all the points you need for this cycle."),
    Status.LAPSED: ("Lapsed", "The end date has passed without enough points."),
    Status.AT_RISK: ("At risk", "Little time is left and points are still missing."),
    Status.ON_TRACK: ("On track", "You have at least as many points as you should by now."),
    Status.BEHIND: ("Behind", "You have fewer points than you should by now."),
}


FLAG_LABELS = {
    "over_cap": "Over cap",
    "over_group_max": "Over group limit",
    "outside_cycle": "Outside cycle",
    "future": "Future date",
    "missing_evidence": "No proof",
    "unknown_category": "Unknown category",
}


def exact(value: Decimal | int | None) -> str:
    """For files and exports: half-up to 2 places, without trailing zeros: 72, 11.5, 54.71."""
    if value is None:
        return "none"
    return _plain(round_points(Decimal(value)))


def points(value: Decimal | int | None) -> str:
    """For people: at most one decimal (86.47 reads 86.5), unless the value is a whole number of
    quarters as people log them (11.25 hours stays 11.25), or rounding would reach a whole
    number it does not: 17.95 of 18 needed must not read "18", nor 0.04 still to go "0".
    Sums use exact values."""
    if value is None:
        return "none"
    value = round_points(Decimal(value))
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    misleads = rounded % 1 == 0 and (rounded > value or rounded == 0)
    if (value * 4) % 1 == 0 or misleads:
        return _plain(value)
    return _plain(rounded)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def plural(number: Decimal | int, one: str, many: str) -> str:
    """The word for `number` things: "activity" for 1, "activities" for any other number."""
    return one if number == 1 else many


def count_of(number: int, one: str, many: str) -> str:
    """"1 activity", "3 activities"."""
    return f"{number} {plural(number, one, many)}"


def status_word(status: Status) -> str:
    return STATUS_WORDS[status][0]


def status_label(ruleset: RuleSet, progress: Progress) -> str:
    """The status word as a person should read it: "Complete (by Recert's estimates)" when only
    points an estimate decides make the cycle complete."""
    if complete_by_estimates(ruleset, progress):
        return f"{status_word(progress.status)} (by Recert's estimates)"
    return status_word(progress.status)


def status_meaning(status: Status) -> str:
    return STATUS_WORDS[status][1]


def money(amount: Decimal, currency: str) -> str:
    """A fee: "$75", "$12.50"; another currency by its code after the amount ("75 EUR")."""
    text = f"{amount:,.2f}".removesuffix(".00")
    return f"${text}" if currency == "USD" else f"{text} {currency}"


def file_size(size: int) -> str:
    """"12 KB", "1.5 MB"; never "0 KB" for a small file."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def limits_text(most: Decimal | None, minimum: Decimal | None,
                per_year: Decimal | None = None) -> str:
    """A category's or group's limits in words, for the page and the PDF alike:
    "at most 72; at most 24 a year; at least 10"."""
    parts = [f"at most {points(most)}" if most is not None else "",
             f"at most {points(per_year)} a year" if per_year is not None else "",
             f"at least {points(minimum)}" if minimum is not None else ""]
    return "; ".join(part for part in parts if part)


def flag_label(flag: str) -> str:
    return FLAG_LABELS.get(flag, flag)


def flag_sentences(ruleset: RuleSet, progress: Progress, result: ActivityResult) -> list[str]:
    """Each flag of an activity's result, explained in one plain sentence."""
    category = ruleset.category(result.category)
    unit = ruleset.points_name.plural
    share = f"{points(result.counted)} of {points(result.earned)} {unit} count"
    sentences = []
    for flag in result.flags:
        if flag == "over_cap":
            limits = [f"{points(category.cap_per_year)} {unit} in each year of your cycle"
                      if category.cap_per_year is not None else "",
                      f"{points(category.cap)} {unit} per cycle"
                      if category.cap is not None else ""]
            sentences.append(f"{share}: {category.name} counts at most "
                             f"{' and '.join(limit for limit in limits if limit)}. More of it "
                             f"will not help; log other kinds.")
        elif flag == "over_group_max":
            groups = [g for g in ruleset.groups if category.code in g.categories and g.maximum]
            limits = ", ".join(f"{g.name} at {points(g.maximum)}" for g in groups)
            sentences.append(f"{share}: {limits} {unit} per cycle is the most that counts.")
        elif flag == "outside_cycle":
            sentences.append(f"Outside your cycle {say_date(progress.starts_on)} to "
                             f"{say_date(progress.ends_on)}: counts 0.")
        elif flag == "future":
            sentences.append("Dated after today: counts 0 until that day comes.")
        elif flag == "missing_evidence":
            sentences.append(f"No proof attached: {ruleset.agency.short_name} may ask for a "
                             f"{category.evidence}.")
        elif flag == "unknown_category":
            sentences.append(f"This category is not in the {ruleset.short_name} rules: counts 0.")
    return sentences


def quantity_text(activity, category, result: ActivityResult) -> str:
    """"10 contact hours", or for a job "48 months, full time"."""
    if category is None:
        return ""
    if category.is_period:
        months = result.months or 0
        fraction = activity.fraction if activity.fraction is not None else Decimal(1)
        return f"{count_of(months, 'month', 'months')}, {say_fraction(fraction.normalize())}"
    return f"{points(activity.quantity)} {category.unit.of(activity.quantity)}"


def when_text(activity) -> str:
    """The activity's date, or for a job its period."""
    if activity.started_on is None:
        return say_date(activity.completed_on) if activity.completed_on else ""
    end = say_date(activity.completed_on) if activity.completed_on else "now"
    return f"{say_date(activity.started_on)} to {end}"


def init_app(app: Flask) -> None:
    app.add_template_filter(say_date, "day")
    app.add_template_filter(points)
    app.add_template_filter(status_meaning)
    app.add_template_filter(flag_label)
    app.add_template_filter(file_size)
    app.add_template_filter(when_text)
    app.add_template_filter(plural)
    app.add_template_filter(count_of)
    app.add_template_filter(local_time)
    app.add_template_global(flag_sentences)
    app.add_template_global(status_label)
    app.add_template_global(money)
    app.add_template_global(estimate_sentence)
    app.add_template_global(limits_text)
    app.add_template_global(quantity_text)

