"""Log, list, show, change, duplicate and delete activities."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from markupsafe import Markup

from tracker.activities import services
from tracker.activities.evidence import CheckedFile
from tracker.activities.forms import (
    PHOTO_TYPES,
    READ_MARK,
    activity_form,
    estimating_agencies,
    form_data_of,
    kind_cards,
    quantity_labels,
    tag_choices,
    unit_hints,
)
from tracker.activities.listing import FLAG_FILTERS, SORTS, Filters, list_activities
from tracker.activities.warnings import logged_near, warnings
from tracker.clock import today
from tracker.concurrency import Conflict, changed_meanwhile, differences, started_from
from tracker.db import get_session
from tracker.fields import whole_number
from tracker.history import history_of
from tracker.idempotency import saving_nothing
from tracker.ledger import ledger_of, ledgers_of
from tracker.models import Activity
from tracker.proofs import pending
from tracker.rules.kinds import KINDS, kind_of
from tracker.served_rulesets import ruleset_of
from tracker.web import ConfirmForm, own_credential_or_404, saves_once

bp = Blueprint("activities", __name__)


@bp.before_request
@login_required
def require_login():
    """Activities are always the logged-in person's own."""


def own_activity_or_404(activity_id: int):
    activity = services.activity_of(get_session(), current_user, activity_id)
    if activity is None:
        abort(404)
    return activity


def new_form(held, **kwargs):
    return activity_form(held, today(), current_app.config["MAX_UPLOAD_BYTES"], **kwargs)


def render_form(form, credential, **context):
    """The form; `credential` is the one it was opened from (where Cancel goes back to).
    `warnings`: what looks wrong in what was sent (nothing is saved until "Save anyway");
    `read_fields` and `reading`: what was read from a certificate (tracker.proofs.views)."""
    context.setdefault("activity", None)
    context.setdefault("files", [])
    context.setdefault("warnings", [])
    # The boxes filled in from a file read; still marked when the form comes back.
    context.setdefault("read_fields", {name for name in request.form.getlist("read_field")
                                       if name in form})
    form.quantity.label.text = form.quantity_label()
    modules = {module.code: module for _id, ruleset in form.held for module in ruleset.modules}
    return render_template("activities/form.html", form=form, credential=credential,
                           held=form.held, kinds=KINDS, unit_hints=unit_hints(),
                           quantity_labels=quantity_labels(),
                           cards=kind_cards(form), estimating=estimating_agencies(form.held),
                           photo_types=PHOTO_TYPES, pending=form.pending, read_mark=READ_MARK,
                           modules=list(modules.values()), **context)


def unseen_warnings(form, activity=None) -> list[str]:
    """What looks wrong in the form's activity, but those the person saw and pressed "Save
    anyway" on: a value changed since then may raise another."""
    session = get_session()
    certified_on = {credential.id: credential.certified_on
                    for credential in services.counting_credentials(session, current_user)}
    values = form.entered()
    found = warnings(values, form.held, certified_on,
                     logged_near(session, current_user, values, activity and activity.id))
    seen = set(request.form.getlist("seen_warning")) if request.form.get("save_anyway") else set()
    return [warning for warning in found if warning not in seen]


def _held():
    return services.held_of(get_session(), current_user)


@bp.get("/credentials/<int:credential_id>/activities")
def index(credential_id: int):
    credential = own_credential_or_404(credential_id)
    ledger = ledger_of(get_session(), credential, today())
    filters = Filters.from_args(request.args)
    return render_template(
        "activities/index.html", credential=credential, ruleset=ledger.ruleset, ledger=ledger,
        filters=filters, listing=list_activities(ledger, filters), sorts=SORTS,
        flag_filters=FLAG_FILTERS,
    )


def take_pending(form) -> None:
    """The files kept from the form's last sending (`pending_upload`): the person's own that
    have not expired. They count toward the limit of files; those ticked "remove" are deleted
    by the save, or when the form comes back."""
    asked = pending.ids_in(request.form.getlist("pending_upload"))
    sent = pending.pending_of(get_session(), current_user, asked)
    removing = pending.ids_in(request.form.getlist("remove_pending"))
    form.removed = [row for row in sent if row.id in removing]
    form.pending = [row for row in sent if row.id not in removing]
    form.files_already_attached += len(form.pending)
    form.files_lost = len(asked) - len(sent)


def _files_lost(form) -> bool:
    """Whether files kept from an earlier sending are gone (kept over an hour): said, so the
    activity is not saved without a file the person thinks is attached."""
    if form.files_lost == 1:
        form.form_errors.append("A file you chose before was kept for one hour only. "
                                "Choose it again, or save without it.")
    elif form.files_lost:
        form.form_errors.append(f"{form.files_lost} files you chose before were kept for one "
                                "hour only. Choose them again, or save without them.")
    return bool(form.files_lost)


def keep_new_files(form) -> None:
    """The form comes back, nothing saved: keep the files it just sent that passed the check,
    so nobody chooses them again, and delete those removed."""
    session = get_session()
    saving_nothing(session)  # under saves_once, what is kept would wait for a save
    pending.discard(session, form.removed)
    pending.renew(session, form.pending)  # an hour from each time the form comes back
    form.pending += pending.keep(session, current_user, form.checked_files)


def _files(form) -> list:
    """What a save attaches: the files kept from before, then those just sent."""
    return [CheckedFile.kept(row) for row in form.pending] + form.checked_files


def _save_failed(form) -> None:
    form.form_errors.append("We could not save this, and nothing was changed. Please try again.")


def _changed_meanwhile(form, activity) -> list:
    """Refuse a save that started from an older version: show both, and let a new save win."""
    form.form_errors.append(changed_meanwhile("activity") + " Check what is saved now. To keep "
                            "what you typed instead, save again.")
    form.version.data = str(activity.version)  # saving again now overwrites on purpose
    typed = Activity(**form.values())
    services.choose_counting(typed, form.counting())
    return differences(services.facts_of(activity, form.held),
                       services.facts_of(typed, form.held))


@bp.route("/credentials/<int:credential_id>/activities/new", methods=["GET", "POST"])
@saves_once
def new(credential_id: int):
    credential = own_credential_or_404(credential_id)
    form = new_form(_held())
    take_pending(form)
    if request.method == "GET":
        _choose_kind_from_link(form, credential)
    found = []
    if (form.validate_on_submit() and not _files_lost(form)
            and not (found := unseen_warnings(form))):
        try:
            activity = services.create_activity(get_session(), current_user, form.values(),
                                                _files(form), form.counting(),
                                                used=form.pending + form.removed)
        except services.SaveFailed:
            _save_failed(form)
        except services.TooManyActivities as full:
            form.form_errors.append(str(full))
        else:
            flash(f"“{activity.title}” is saved.", "success")
            return redirect(url_for("activities.show", activity_id=activity.id))
    keep_new_files(form)
    return render_form(form, credential, warnings=found)


def _choose_kind_from_link(form, credential) -> None:
    """A link may name the kind (?kind=), or a category of the credential it came from
    (?category=, as "Log an activity" beside a category does): its kind is the first that
    lands there."""
    if kind_of(request.args.get("kind", "")):
        form.kind.data = request.args["kind"]
        return
    ruleset = ruleset_of(credential, credential.current_cycle)
    landing = next((landing for landing in ruleset.landings
                    if landing.category == request.args.get("category")), None)
    if landing is not None:
        form.kind.data = landing.kind
        form[f"count_{credential.id}"].data = landing.category


@bp.get("/activities/<int:activity_id>/duplicate")
def duplicate(activity_id: int):
    """A new activity's form, filled in from an old one (the same yearly course, say)."""
    activity = own_activity_or_404(activity_id)
    form = new_form(_held(), data=form_data_of(activity))
    if not form.held:  # a new activity is logged from a credential
        flash("Add the credential you hold first, then log activities toward it.", "info")
        return redirect(url_for("credentials.choose"))
    return render_form(form, first_credential(form.held), copied_from=activity)


def first_credential(held):
    return own_credential_or_404(held[0][0]) if held else None


@bp.get("/activities/<int:activity_id>")
def show(activity_id: int):
    activity = own_activity_or_404(activity_id)
    credentials = services.counting_credentials(get_session(), current_user)
    held = services.held_in(credentials)
    # One read of the person's activities for all their credentials (a save gives each of
    # them a new revision, and the save leads here).
    counts = [(credential, ledger, ledger.results.get(activity.id)) for credential, ledger
              in zip(credentials, ledgers_of(get_session(), credentials, today()), strict=True)]
    files = services.files_of(get_session(), activity)
    return render_template(
        "activities/show.html", activity=activity, kind=kind_of(activity.kind), counts=counts,
        files=files, same_files=services.same_files_elsewhere(get_session(), current_user, files),
        tag_names=dict(tag_choices(held)), delete_form=ConfirmForm(),
        history=history_of(get_session(), current_user, "activity", activity.id),
    )


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
def edit(activity_id: int):
    activity = own_activity_or_404(activity_id)
    files = services.files_of(get_session(), activity)
    remove_ids = {i for i in map(whole_number, request.form.getlist("remove_file")) if i}
    remove_ids &= {f.id for f in files}
    form = new_form(_held(), data={**form_data_of(activity), "version": activity.version})
    form.files_already_attached = len(files) - len(remove_ids)
    take_pending(form)
    conflict, found = None, []
    if (form.validate_on_submit() and not _files_lost(form)
            and not (found := unseen_warnings(form, activity))):
        saved = True
        try:
            services.update_activity(get_session(), activity, form.values(),
                                     _files(form), remove_ids, started_from(form.version),
                                     form.counting(), used=form.pending + form.removed)
        except services.SaveFailed:
            _save_failed(form)
            saved = False
        except Conflict:
            conflict = _changed_meanwhile(form, activity)
            # Saved meanwhile just as typed here (a second click on Save): nothing to refuse.
            saved = conflict == [] and not (form.pending or form.checked_files)
        if saved:
            flash("Your changes are saved.", "success")
            return redirect(url_for("activities.show", activity_id=activity.id))
    keep_new_files(form)
    page = render_form(form, first_credential(form.held), activity=activity, files=files,
                       remove_ids=remove_ids, conflict=conflict, warnings=found)
    return (page, 409) if conflict is not None else page


@bp.post("/activities/<int:activity_id>/delete")
def delete(activity_id: int):
    activity = own_activity_or_404(activity_id)  # CSRFProtect has checked the form's token
    try:
        services.trash_activity(get_session(), activity)
    except Conflict:
        flash(changed_meanwhile("activity") + " Look at it and try again.", "error")
        return redirect(url_for("activities.show", activity_id=activity_id))
    # The home page follows (the activity may count toward several credentials): the message
    # links to the trash, which is a few pages away from there.
    flash(Markup("“{}” is in the trash. You can restore it for {} days: "
                 '<a href="{}">open the trash</a>.').format(
        activity.title, services.TRASH_DAYS, url_for("trash.index")), "info")
    return redirect(url_for("dashboard.home"))
