"""Today's date for the app. The rules engine never reads the clock; views pass this in."""

from datetime import date

from flask import current_app


def today() -> date:
    # Tests pin the date with the TODAY setting so figures like "111 days left" stay true.
    return current_app.config.get("TODAY") or date.today()
