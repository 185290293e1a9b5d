"""The trash: deleted activities wait 30 days here before they go for good."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.activities import services
from tracker.concurrency import Conflict, changed_meanwhile
from tracker.db import get_session
from tracker.display import count_of
from tracker.rules.kinds import kind_of
from tracker.web import ConfirmForm

bp = Blueprint("trash", __name__, url_prefix="/trash")


@bp.before_request
@login_required
def require_login():
    """The trash holds only the logged-in person's own activities."""


@bp.get("/")
def index():
    items = [
        (activity, kind_of(activity.kind), services.gone_for_good_on(activity))
        for activity in services.trash_of(get_session(), current_user)
    ]
    return render_template("trash/index.html", items=items, form=ConfirmForm())


@bp.post("/<int:activity_id>/restore")
def restore(activity_id: int):
    activity = services.activity_of(get_session(), current_user, activity_id, trashed=True)
    if activity is None:
        abort(404)
    try:
        services.restore_activity(get_session(), activity)
    except Conflict:
        flash(changed_meanwhile("activity") + " Look at it and try again.", "error")
        return redirect(url_for("trash.index"))
    except services.TooManyActivities as full:
        flash(str(full), "error")
        return redirect(url_for("trash.index"))
    flash(f"“{activity.title}” is back and counts again.", "success")
    return redirect(url_for("activities.show", activity_id=activity.id))


@bp.route("/empty", methods=["GET", "POST"])
def empty():
    form = ConfirmForm()
    if form.validate_on_submit():
        removed = services.empty_trash(get_session(), current_user)
        flash(f"The trash is empty: {count_of(removed, 'activity was', 'activities were')} "
              "deleted for good.", "info")
        return redirect(url_for("trash.index"))
    count = len(services.trash_of(get_session(), current_user))
    return render_template("trash/empty.html", form=form, count=count)
