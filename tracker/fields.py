"""Form fields, filters and checks shared by several forms (and the API's input models)."""

import re
import secrets
import unicodedata
from decimal import Decimal

from wtforms import DateField, DecimalField, HiddenField
from wtforms.validators import StopValidation, ValidationError

# The largest amount a quantity column (Numeric(10, 2)) can store.
MAX_AMOUNT = Decimal("99999999.99")
NOT_A_NUMBER = "Enter a number, like 7.5."
UNSTORABLE_TEXT = "Remove the invisible control characters from this text."


def whole_number(text: str) -> int | None:
    """An id or a version as sent in a form or header: ASCII digits only ("²".isdigit() is
    true, and int() refuses it), and not so many that int() refuses them either."""
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


def is_storable(text: str) -> bool:
    """Text a database keeps as it is: no NUL (PostgreSQL refuses it), no lone UTF-16 halves."""
    return not any(ch == "\x00" or unicodedata.category(ch) == "Cs" for ch in text)


def strip_whitespace(value: str | None) -> str | None:
    """A WTForms filter: text without the spaces around it."""
    return value.strip() if isinstance(value, str) else value


def version_field() -> HiddenField:
    """The version the form was opened at; the edit view fills it in, new forms leave it empty
    (see tracker.concurrency)."""
    return HiddenField()


SUBMISSION_ID = "submission_id"


def submission_id_field() -> HiddenField:
    """A new random id each time the form is shown, so that sending it twice saves once
    (tracker.web.saves_once)."""
    return HiddenField(default=lambda: secrets.token_urlsafe(16))


def storable_text(_form, field) -> None:
    """A WTForms validator: refuse text the database could not keep."""
    if isinstance(field.data, str) and not is_storable(field.data):
        raise ValidationError(UNSTORABLE_TEXT)


class DayField(DateField):
    """A calendar date (the browser shows a date picker) with a plain error message.

    A blank box means "no date" (for DataRequired or Optional to judge), not a bad date.
    """

    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Enter a date like 2024-03-15.") from error

    def pre_validate(self, form):
        # A date that could not be read already has its message; "required" would only repeat it.
        if self.process_errors:
            raise StopValidation()


class AmountField(DecimalField):
    """A number of units, hours or credits, with plain messages for what is not one."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(NOT_A_NUMBER) from error

    def pre_validate(self, form):
        # A number that could not be read has its message already (Optional() clears it for
        # an empty box); "Infinity" and "NaN" are read, but are no number a person means.
        if self.data is not None and not self.data.is_finite():
            raise StopValidation(NOT_A_NUMBER)
