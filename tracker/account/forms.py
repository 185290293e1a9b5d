"""Forms to change a password or email, delete the account, or make an API token."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from tracker.account.tokens import READ, READ_WRITE
from tracker.auth.forms import email_field, new_password_fields
from tracker.fields import DayField, storable_text, strip_whitespace
from tracker.time_zones import time_zone_field


def current_password_field(label: str = "Your current password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = current_password_field()
    password, confirm = new_password_fields()


def name_field(missing: str, description: str) -> StringField:
    """The name a person gives something of theirs (a token, a passkey) to tell it apart."""
    return StringField(
        "Name",
        validators=[DataRequired(missing),
                    Length(max=80, message="Use at most 80 characters."), storable_text],
        filters=[strip_whitespace],
        description=description,
    )


class ChangeEmailForm(FlaskForm):
    email = email_field("New email")
    current_password = current_password_field()


class DeleteAccountForm(FlaskForm):
    current_password = current_password_field("Your password, to confirm")


class TokenForm(FlaskForm):
    """A personal access token for the API."""

    name = name_field("Give the token a name.", 'What will use it, e.g. "Laptop script".')
    scope = RadioField(
        "What it may do",
        choices=[SelectChoice(READ, "Read only"), SelectChoice(READ_WRITE, "Read and change")],
        default=READ,
        validators=[DataRequired("Choose what the token may do.")],
    )
    # The view starts it at one year from today (tokens.default_expiry). An empty box is
    # allowed, on purpose and said so: a token for a long-lived script that its owner revokes.
    expires_on = DayField(
        "Expires on",
        validators=[Optional()],
        description="The token stops working after this day: one year from today unless you "
        "choose another day. To keep it working until you revoke it, clear the date.",
    )

    today: date

    def validate_expires_on(self, field) -> None:
        if field.data is not None and field.data < self.today:
            raise ValidationError("The expiry date cannot be in the past.")


class TimeZoneForm(FlaskForm):
    time_zone = time_zone_field()
