"""Sign-up and sign-in forms."""

from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField, ValidationError
from wtforms.validators import DataRequired, Email, EqualTo, Length

from tracker.auth.passwords import password_problem
from tracker.fields import storable_text, strip_whitespace
from tracker.time_zones import time_zone_field


def personal_words(form) -> list[str]:
    """What a guesser may know of the password's owner: the email and name on the form (when
    registering), else those of `form.person` (set by a page that resets someone's password),
    else of the person logged in."""
    person = getattr(form, "person", None)
    if person is None and current_user.is_authenticated:
        person = current_user
    words = [person.email, person.display_name] if person is not None else []
    for name in ("email", "display_name"):
        field = getattr(form, name, None)
        if field is not None and isinstance(field.data, str):
            words.append(field.data)
    return words


def strong_password(form, field) -> None:
    problem = password_problem(field.data or "", personal_words(form))
    if problem:
        raise ValidationError(problem)


def email_field(label: str = "Email") -> EmailField:
    return EmailField(
        label,
        validators=[
            DataRequired("Enter your email address."),
            Email("Enter a valid email address, like name@example.com."),
            Length(max=254),
        ],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "email"},
    )


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        "Password",
        validators=[DataRequired("Choose a password."), strong_password],
        description="At least 10 characters. A short sentence is easy to remember.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Type the password again",
        validators=[
            DataRequired("Type the password again."),
            EqualTo("password", "The two passwords are not the same."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return password, confirm


class RegisterForm(FlaskForm):
    email = email_field()
    display_name = StringField(
        "Your name",
        validators=[DataRequired("Enter your name."), Length(max=80), storable_text],
        description="Shown on your reports.",
        filters=[strip_whitespace],
        render_kw={"autocomplete": "name"},
    )
    password, confirm = new_password_fields()


class LoginForm(FlaskForm):
    email = email_field()
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this device")
    time_zone = time_zone_field()


def code_field(label: str, **render_kw) -> StringField:
    """A code from the person's code app, or one of their recovery codes."""
    return StringField(
        label,
        validators=[DataRequired("Enter the code."), Length(max=40)],
        filters=[strip_whitespace],
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off",
                   "spellcheck": "false", **render_kw},
    )
