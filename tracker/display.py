"""How the engine's figures are written on screen: one place, so every page says the same."""

from decimal import Decimal

from flask import Flask

from tracker.rules.engine import Status, round_points

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


def points(value: Decimal | None) -> str:
    """Half-up to 2 places, without trailing zeros: 72, 11.5, 54.71."""
    if value is None:
        return "none"
    rounded = round_points(value)
    text = format(rounded, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def status_word(status: Status) -> str:
    return STATUS_WORDS[status][0]


def status_meaning(status: Status) -> str:
    return STATUS_WORDS[status][1]


def init_app(app: Flask) -> None:
    app.add_template_filter(points)
    app.add_template_filter(status_word)
    app.add_template_filter(status_meaning)
