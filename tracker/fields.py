"""Form fields shared by several forms."""

from wtforms import DateField
from wtforms.validators import StopValidation


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
