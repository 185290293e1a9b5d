"""Recording a renewal (or a credential regained after it lapsed), and undoing it."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired

from tracker.clock import today
from tracker.concurrency import started_from
from tracker.credentials import renewal
from tracker.credentials.forms import UndoForm
from tracker.db import get_session
from tracker.fields import DayField, submission_id_field
from tracker.rules.checks import say_date
from tracker.rules.cycles import next_cycle_after
from tracker.served_rulesets import ruleset_of
from tracker.web import own_credential_or_404, saves_once

bp = Blueprint("renewal", __name__, url_prefix="/credentials/<int:credential_id>/renewal")


@bp.before_request
@login_required
def require_login():
    """Only the logged-in person's own credentials."""


class DateForm(FlaskForm):
    day = DayField(validators=[DataRequired("Enter the date.")])
    submission_id = submission_id_field()


def _done(credential, message: str):
    """Back to the credential's page, saying what changed."""
    flash(message, "success")
    return redirect(url_for("credentials.show", credential_id=credential.id))


LABELS = {
    renewal.RENEW: "Date {agency} renewed your credential",
    renewal.REGAIN: "Date you passed the assessment again",
}


@bp.route("", methods=["GET", "POST"])
@saves_once
def record(credential_id: int):
    credential = own_credential_or_404(credential_id)
    ruleset = ruleset_of(credential)
    offer = renewal.current_offer(get_session(), credential, today())
    form = DateForm()  # empty: the person types the day it happened, not today by default
    form.day.label.text = LABELS.get(offer.action, "Date").format(
        agency=ruleset.agency.short_name)
    if offer.window_opens_on is not None:
        form.day.description = (f"A date from {say_date(offer.window_opens_on)}, the day the "
                                "application opened, to today.")
        # The date picker offers only those days.
        form.day.render_kw = {"min": offer.window_opens_on.isoformat(),
                              "max": today().isoformat()}
    if form.validate_on_submit():
        record_it = (renewal.record_regain if offer.action == renewal.REGAIN
                     else renewal.record_renewal)
        try:
            new = record_it(get_session(), credential, form.day.data, today())
        except renewal.DateRefused as refusal:
            form.day.errors.append(str(refusal))
        except renewal.Refused as refusal:
            form.form_errors.append(str(refusal))
        else:
            return _done(credential, f"Saved. Your new cycle runs from "
                                     f"{say_date(new.starts_on)} to {say_date(new.ends_on)}.")
    cycle = credential.open_cycle
    next_starts_on = next_cycle_after(ruleset, cycle.ends_on)[0] if cycle else None
    return render_template("renewal/record.html", form=form, offer=offer, ruleset=ruleset,
                           credential=credential, cycle=cycle, next_starts_on=next_starts_on)


@bp.route("/undo", methods=["GET", "POST"])
def undo(credential_id: int):
    credential = own_credential_or_404(credential_id)
    problem = renewal.undo_problem(get_session(), credential, today())
    form = UndoForm(version=credential.version)
    if form.validate_on_submit():
        try:
            reopened = renewal.undo(get_session(), credential, today(),
                                    started_from(form.version))
        except renewal.Refused as refusal:
            form.form_errors.append(str(refusal))
        else:
            return _done(credential, f"Undone. Your cycle {say_date(reopened.starts_on)} to "
                                     f"{say_date(reopened.ends_on)} is open again.")
    return render_template("renewal/undo.html", form=form, problem=problem,
                           ruleset=ruleset_of(credential), credential=credential,
                           closed=renewal.last_closed(credential))
