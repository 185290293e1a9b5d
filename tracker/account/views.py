"""The account page: change password, change email, delete the account."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user

from tracker import history, time_zones
from tracker.account import services
from tracker.account.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    DeleteAccountForm,
    TimeZoneForm,
)
from tracker.account.reauth import password_ok
from tracker.auth import verification
from tracker.auth.password_reset import tell_password_changed
from tracker.auth.registration import link_problem
from tracker.auth.services import EmailTaken, normalize_email
from tracker.clock import today
from tracker.db import get_session
from tracker.extensions import heavy_download
from tracker.models import utcnow
from tracker.reports import downloads
from tracker.web import ConfirmForm, log_in

TAKEN = verification.LinkProblem("Another account uses this email now, so we did not change "
                                 "yours. Nothing changed.")
OTHER_ACCOUNT = verification.LinkProblem("This link is for another account. Log out, log in "
                                         "to the account you want to change, and open it "
                                         "again.")

bp = Blueprint("account", __name__, url_prefix="/account")


@bp.before_request
@login_required
def require_login():
    """Every page here is about the logged-in person's own account."""


@bp.get("/")
def overview():
    return render_template("account/overview.html", time_zone_form=TimeZoneForm())


@bp.post("/time-zone")
def time_zone():
    form = TimeZoneForm()
    if form.validate_on_submit() and time_zones.remember(current_user, form.time_zone.data):
        get_session().commit()
        flash(f"Times now show in the time zone of this device ({current_user.time_zone}).",
              "success")
    else:
        flash("This browser did not say its time zone, so nothing changed.", "error")
    return redirect(url_for("account.overview"))


@bp.get("/log")
def log():
    """Every change the person made, newest first, 50 to a page."""
    page = request.args.get("page", 1, type=int)
    return render_template("account/log.html",
                           log=history.log_of(get_session(), current_user, page))


@bp.get("/export.json")
@heavy_download
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
        tell_password_changed(user)
        log_in(user, remember=remember)
        flash("Your password is changed. Other devices are logged out.", "success")
        return redirect(url_for("account.overview"))
    return render_template("account/password.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
def change_email():
    """Sends a link to the new address (after the answer); the email changes when it is
    followed. The page never says whether the new address has an account, nor does the time
    it takes."""
    form = ChangeEmailForm()
    if form.validate_on_submit() and password_ok(form):
        new_email = normalize_email(form.email.data)
        if new_email == current_user.email:
            form.email.errors.append("This is the email you use now.")
        else:
            verification.send_change_link(current_user, new_email)
            flash(f"We sent a link to {new_email}. Your email changes when you open it and "
                  f"follow the link. It works for {verification.VERIFY_HOURS} hours.", "info")
            return redirect(url_for("account.overview"))
    return render_template("account/email.html", form=form)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    """The link sent to the new address: a button makes the change."""
    session = get_session()
    try:
        change = verification.email_change_of(session, token)
    except verification.LinkProblem as problem:
        return link_problem(problem)
    if change.user.id != current_user.id:
        return link_problem(OTHER_ACCOUNT)
    form = ConfirmForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        old_email, old_was_verified = user.email, user.email_verified_at is not None
        try:
            services.change_email(session, user, change.new_email)
        except EmailTaken:
            return link_problem(TAKEN)
        user.email_verified_at = utcnow()  # the link sent there was followed
        session.commit()
        verification.tell_old_address(user, old_email, old_was_verified)
        flash(f"Your email is now {user.email}.", "success")
        return redirect(url_for("account.overview"))
    return render_template("auth/confirm_link.html", form=form, title="Change your email",
                           button="Use this email",
                           text=f"Use {change.new_email} to log in and get emails from "
                                f"Recert, instead of {change.user.email}?")


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
