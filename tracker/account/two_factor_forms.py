"""Forms of the two-factor settings: the password asked again, the first code from an app, and
a new passkey's name."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired, Length

from tracker.account.forms import current_password_field, name_field
from tracker.fields import strip_whitespace


class PasswordForm(FlaskForm):
    """The current password, before a change to how the person logs in."""

    current_password = current_password_field()


class ConfirmAppForm(FlaskForm):
    """The first code from the app, which shows the app has the secret."""

    setup = HiddenField()
    code = StringField(
        "The 6-digit code from the app",
        validators=[DataRequired("Enter the 6-digit code from the app."), Length(max=20)],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class PasskeyForm(FlaskForm):
    name = name_field("Give the passkey a name.",
                      'So you can tell your passkeys apart, like "My phone" or "Work laptop".')
    current_password = current_password_field()
