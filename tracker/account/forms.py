"""Forms to change a password or email, or delete the account."""

from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from tracker.auth.forms import email_field, new_password_fields


def current_password_field(label: str = "Your current password") -> PasswordField:
    return PasswordField(
        label,
        validators=[DataRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )


class ChangePasswordForm(FlaskForm):
    current_password = current_password_field()
    password, confirm = new_password_fields()


class ChangeEmailForm(FlaskForm):
    email = email_field("New email")
    current_password = current_password_field()


class DeleteAccountForm(FlaskForm):
    current_password = current_password_field("Your password, to confirm")
