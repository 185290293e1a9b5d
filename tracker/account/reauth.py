"""The current password, asked again before a change that matters (password, email, two-factor,
deleting the account). Wrong answers count under the login lockout (tracker.auth.lockout), so
these pages are no way around it."""

from flask_login import current_user

from tracker.auth.lockout import Attempt, checked_password


def password_ok(form) -> bool:
    """Whether `form.current_password` is the logged-in person's password; when it is not (or
    they tried too often), the field says so."""
    return checked_password(Attempt.logged_in(current_user), current_user.password_hash,
                            form.current_password, "That is not your current password.")
