"""The home page (where I stand on each credential) and dismissing a reminder."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.clock import today
from tracker.dashboard import services
from tracker.db import get_session
from tracker.served_rulesets import ruleset_of
from tracker.web import ConfirmForm

bp = Blueprint("dashboard", __name__)


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
