"""The home page: what a visitor or a logged-in person sees first."""

from flask import Blueprint, render_template
from flask_login import current_user

from tracker.activities.services import ledger_of
from tracker.clock import today
from tracker.credentials import services
from tracker.db import get_session

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html")
    cards = []
    for credential in services.credentials_of(get_session(), current_user):
        cycle = credential.current_cycle
        ruleset = services.ruleset_of(credential, cycle)
        ledger = ledger_of(get_session(), ruleset, credential, cycle, today())
        cards.append((credential, ruleset, ledger.progress))
    return render_template("dashboard/home.html", cards=cards)
