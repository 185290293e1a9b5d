"""The credentials a person holds: add, show, edit, delete."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from tracker.activities import services as activity_services
from tracker.clock import today
from tracker.concurrency import Conflict, changed_meanwhile, differences, started_from
from tracker.credentials import renewal, services
from tracker.credentials.forms import credential_form, form_data_of
from tracker.dashboard.chart import build_chart
from tracker.db import get_session
from tracker.display import points as points_text
from tracker.ledger import ledger_of
from tracker.rules.catalog import Agency, RuleSet, UnknownRuleSetError
from tracker.rules.engine import UnmetKind
from tracker.rules.insights import competency_coverage, pending_points
from tracker.served_rulesets import catalog, ruleset_of
from tracker.web import ConfirmForm, own_credential_or_404, saves_once

bp = Blueprint("credentials", __name__, url_prefix="/credentials")


@bp.before_request
@login_required
def require_login():
    """Credentials are always the logged-in person's own."""


@bp.get("/new")
def choose():
    held = {c.ruleset_code for c in services.credentials_of(get_session(), current_user)}
    return render_template("credentials/choose.html", agencies=by_agency(), held=held)


# Most of our people are production and logistics workers: MSSC's CPT and CLT come first.
FIRST = ("mssc-cpt", "mssc-clt")


def by_agency() -> list[tuple[Agency, list[RuleSet]]]:
    """The current rule sets grouped by agency: the agency of CPT and CLT first, then the
    others by name; in a group, CPT and CLT first, then by name."""
    groups: dict[str, tuple[Agency, list[RuleSet]]] = {}
    for ruleset in catalog().all_current():
        groups.setdefault(ruleset.agency.name, (ruleset.agency, []))[1].append(ruleset)

    def rank(ruleset: RuleSet) -> tuple[int, str]:
        return (FIRST.index(ruleset.code) if ruleset.code in FIRST else len(FIRST),
                ruleset.name)

    ordered = [(agency, sorted(rulesets, key=rank)) for agency, rulesets in groups.values()]
    return sorted(ordered, key=lambda group: (rank(group[1][0])[0], group[0].name))


@bp.route("/new/<code>", methods=["GET", "POST"])
@saves_once
def new(code: str):
    try:
        ruleset = catalog().get(code)
    except UnknownRuleSetError:
        abort(404)
    form = credential_form(ruleset, today())
    if form.validate_on_submit():
        try:
            credential = services.add_credential(
                get_session(), current_user, ruleset, form.certified_on.data,
                form.certificate_number.data or "", form.modules_held(),
            )
        except services.AlreadyHeld:
            form.form_errors.append(
                f"You already hold {ruleset.name}. Open it from your home page to change it."
            )
        else:
            flash(f"{ruleset.name} is added.{_already_counting(credential)}", "success")
            return redirect(url_for("credentials.show", credential_id=credential.id))
    return render_template("credentials/form.html", form=form, ruleset=ruleset, credential=None)


def _already_counting(credential) -> str:
    """What the activities logged before count toward a credential just added, in a sentence
    ("" when they count nothing)."""
    ledger = ledger_of(get_session(), credential, today())
    progress, points = ledger.progress, ledger.ruleset.points_name
    if not progress.counted:
        return ""
    return (f" What you logged before already counts toward it: "
            f"{points_text(progress.counted)} {points.of(progress.counted)} "
            f"({points_text(progress.required)} needed).")


@bp.get("/<int:credential_id>")
def show(credential_id: int):
    credential = own_credential_or_404(credential_id)
    cycle = credential.current_cycle
    ledger = ledger_of(get_session(), credential, today(), cycle)
    ruleset, progress = ledger.ruleset, ledger.progress
    # Worked out once per ledger: a cached ledger's dashboard costs little more than its HTML.
    return render_template(
        "credentials/show.html", credential=credential, cycle=cycle, ruleset=ruleset,
        progress=progress, activity_count=len(ledger.activities),
        renewal=renewal.panel(get_session(), credential, cycle, ledger, today()),
        chart=ledger.memo("chart", lambda: build_chart(progress)),
        coverage=ledger.memo("coverage", lambda: competency_coverage(
            ruleset, [(a.id, a.tags) for a in ledger.activities], progress
        )),
        pending=ledger.memo("pending", lambda: pending_points(progress)),
        gaps=ledger.memo("gaps", lambda: [
            item for item in progress.unmet if item.kind != UnmetKind.MISSING_EVIDENCE
        ]),
        missing_proof=ledger.memo("missing_proof", lambda: [
            a for a in ledger.activities if "missing_evidence" in ledger.results[a.id].flags
        ]),
    )


@bp.route("/<int:credential_id>/edit", methods=["GET", "POST"])
def edit(credential_id: int):
    credential = own_credential_or_404(credential_id)
    ruleset = ruleset_of(credential, credential.open_cycle)
    form = credential_form(ruleset, today(), data=form_data_of(credential))
    conflict = None
    if form.validate_on_submit():
        try:
            services.update_credential(
                get_session(), credential, form.certified_on.data,
                form.certificate_number.data or "", form.modules_held(),
                started_from(form.version),
            )
        except Conflict:
            conflict = _changed_meanwhile(form, credential, ruleset)
        if not conflict:  # none, or saved meanwhile just as typed here (a second click)
            flash("Your changes are saved.", "success")
            return redirect(url_for("credentials.show", credential_id=credential.id))
    page = render_template("credentials/form.html", form=form, ruleset=ruleset,
                           credential=credential, conflict=conflict)
    return (page, 409) if conflict is not None else page


def _changed_meanwhile(form, credential, ruleset) -> list:
    """Refuse a save that started from an older version: show both, and let a new save win."""
    form.form_errors.append(changed_meanwhile("credential") + " Check what is saved now. To "
                            "keep what you typed instead, save again.")
    form.version.data = str(credential.version)  # saving again now overwrites on purpose
    typed = services.form_facts(ruleset, form.certified_on.data,
                                form.certificate_number.data or "", form.modules_held())
    return differences(services.stored_form_facts(credential, ruleset), typed)


@bp.route("/<int:credential_id>/delete", methods=["GET", "POST"])
def delete(credential_id: int):
    credential = own_credential_or_404(credential_id)
    ruleset = ruleset_of(credential)
    form = ConfirmForm()
    if form.validate_on_submit():
        services.delete_credential(get_session(), credential)
        flash(f"{ruleset.name} is deleted.", "info")
        return redirect(url_for("dashboard.home"))
    return render_template(
        "credentials/delete.html", form=form, credential=credential, ruleset=ruleset,
        activity_count=activity_services.activity_count(get_session(), credential.user_id,
                                                        live=True),
    )
