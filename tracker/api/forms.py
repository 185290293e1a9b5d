"""The form that makes a personal access token."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.api.tokens import READ, READ_WRITE
from tracker.auth.forms import strip_whitespace
from tracker.fields import DayField, storable_text


class TokenForm(FlaskForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Give the token a name."),
                    Length(max=80, message="Use at most 80 characters."), storable_text],
        filters=[strip_whitespace],
        description='What will use it, e.g. "Laptop script".',
    )
    scope = RadioField(
        "What it may do",
        choices=[SelectChoice(READ, "Read only"), SelectChoice(READ_WRITE, "Read and change")],
        default=READ,
        validators=[DataRequired("Choose what the token may do.")],
    )
    expires_on = DayField(
        "Expires on (optional)",
        validators=[Optional()],
        description="The token stops working after this day. Leave it empty to keep it "
        "until you revoke it.",
    )

    today: date

    def validate_expires_on(self, field) -> None:
        if field.data is not None and field.data < self.today:
            raise ValidationError("The expiry date cannot be in the past.")
