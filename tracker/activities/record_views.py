"""Everything a person logged, whatever it counts toward: one record of a working life.

A credential's list shows what counts toward it; this one also shows what counts toward
nothing yet (a kind none of the person's credentials takes, or left out of each), so that no
activity is ever out of sight.
"""

from math import ceil

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlmodel import select

from tracker.activities.listing import PAGE_SIZE, page_links
from tracker.clock import today
from tracker.credentials.services import credentials_of
from tracker.db import get_session
from tracker.fields import whole_number
from tracker.ledger import ledgers_of
from tracker.models import Activity
from tracker.rules.kinds import kind_of

bp = Blueprint("record", __name__)


@bp.get("/activities")
@login_required
def index():
    session = get_session()
    live = (Activity.user_id == current_user.id, Activity.deleted_at.is_(None))
    total = session.exec(select(func.count()).select_from(Activity).where(*live)).one()
    pages = max(ceil(total / PAGE_SIZE), 1)
    page = min(max(whole_number(request.args.get("page", "1")) or 1, 1), pages)
    activities = session.exec(
        select(Activity).where(*live)
        .order_by(func.coalesce(Activity.completed_on, today()).desc(), Activity.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    credentials = credentials_of(session, current_user)
    ledgers = ledgers_of(session, credentials, today())
    rows = [(activity, kind_of(activity.kind),
             [(ledger.ruleset, ledger.results.get(activity.id)) for ledger in ledgers])
            for activity in activities]
    return render_template("record/index.html", rows=rows, total=total, page=page,
                           pages=pages, page_links=page_links(page, pages),
                           credentials=credentials)
