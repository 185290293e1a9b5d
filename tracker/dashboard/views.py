"""The home page: what a visitor or a logged-in person sees first."""

from flask import Blueprint, render_template
from flask_login import current_user

bp = Blueprint("dashboard", __name__)


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return render_template("dashboard/welcome.html")
    return render_template("dashboard/home.html")
