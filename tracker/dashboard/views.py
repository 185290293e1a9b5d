"""The home page (where I stand on each credential), dismissing a reminder, and marking the
estimates step to renew done."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.auth.views import safe_next
from tracker.clock import today
from tracker.dashboard import services, step_marks
from tracker.db import get_session
from tracker.models import CycleStatus
from tracker.served_rulesets import ruleset_of
from tracker.web import ConfirmForm

bp = Blueprint("dashboard", __name__)
# The steps to renew show where a credential's standing does: its page and its home page card.


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html")
    session = get_session()
    standings = services.standings_of(session, current_user, today())
    return render_template(
        "dashboard/home.html", standings=standings,
        reminders=services.reminders_to_show(session, standings), form=ConfirmForm(),
    )


@bp.post("/cycles/<int:cycle_id>/reminders/<code>/dismiss")
@login_required
def dismiss_reminder(cycle_id: int, code: str):
    session = get_session()
    cycle = services.own_cycle(session, current_user, cycle_id)
    if cycle is None:
        abort(404)
    ruleset = ruleset_of(cycle.credential, cycle)
    codes = {"window-open", "behind", *(f"days-{days}" for days in ruleset.reminder_days)}
    if code not in codes:
        abort(404)
    services.dismiss(session, cycle, code)
    return redirect(url_for("dashboard.home"))


@bp.post("/cycles/<int:cycle_id>/estimates-checked")
@login_required
def estimates_checked(cycle_id: int):
    """The person says they read how points work and checked the estimates with the agency.
    Back to the page the button was on (`next`), else the credential's page."""
    session = get_session()
    cycle = services.own_cycle(session, current_user, cycle_id)
    if cycle is None or cycle.status != CycleStatus.OPEN:
        abort(404)
    step_marks.mark_done(session, cycle, step_marks.ESTIMATES, today())
    return redirect(safe_next(request.args.get("next"))
                    or url_for("credentials.show", credential_id=cycle.held_credential_id))
