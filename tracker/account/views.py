"""The account page: change password, change email, delete the account."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from tracker import history
from tracker.account import services
from tracker.account.forms import ChangeEmailForm, ChangePasswordForm, DeleteAccountForm
from tracker.account.reauth import password_ok
from tracker.auth.services import EmailTaken
from tracker.clock import today
from tracker.db import get_session
from tracker.reports import downloads
from tracker.web import log_in

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def require_login():
    """Every page here is about the logged-in person's own account."""


@bp.get("/")
def overview():
    return render_template("account/overview.html")


@bp.get("/log")
def log():
    """Every change the person made, newest first, 50 to a page."""
    page = request.args.get("page", 1, type=int)
    return render_template("account/log.html",
                           log=history.log_of(get_session(), current_user, page))


@bp.get("/export.json")
def export():
    """Everything the person has, as one JSON document (see tracker/reports/export.schema.json)."""
    return downloads.export(get_session(), current_user, today())


@bp.route("/password", methods=["GET", "POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and password_ok(form):
        user = current_user._get_current_object()
        # Keep "keep me logged in" as it was, under a new login.
        remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in (
            request.cookies)
        services.change_password(get_session(), user, form.password.data)
        log_in(user, remember=remember)
        flash("Your password is changed. Other devices are logged out.", "success")
        return redirect(url_for("account.overview"))
    return render_template("account/password.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit() and password_ok(form):
        try:
            services.change_email(get_session(), current_user, form.email.data)
            flash(f"Your email is now {current_user.email}.", "success")
            return redirect(url_for("account.overview"))
        except EmailTaken:
            form.email.errors.append("Another account already uses this email.")
    return render_template("account/email.html", form=form)


@bp.route("/delete", methods=["GET", "POST"])
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit() and password_ok(form):
        user = current_user._get_current_object()
        logout_user()
        services.delete_account(get_session(), user)
        flash("Your account and all its data are deleted.", "info")
        return redirect(url_for("auth.login"))
    return render_template("account/delete.html", form=form)
