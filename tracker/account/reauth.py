"""The current password, asked again before a change that matters (password, email, two-factor,
deleting the account). Wrong answers count under the login lockout (tracker.auth.lockout), so
these pages are no way around it."""

from flask_login import current_user

from tracker.auth.lockout import Attempt
from tracker.auth.passwords import verify_password


def password_ok(form) -> bool:
    """Whether `form.current_password` is the logged-in person's password; when it is not (or
    they tried too often), the field says so."""
    attempt = Attempt.logged_in(current_user)
    if attempt.refused:
        form.current_password.errors.append(attempt.wait_message)
        return False
    if verify_password(current_user.password_hash, form.current_password.data):
        attempt.succeeded()
        return True
    form.current_password.errors.append("That is not your current password.")
    return False
