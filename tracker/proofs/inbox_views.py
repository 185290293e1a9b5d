"""The proof inbox: many certificates at once, each a draft until it is saved or discarded."""

import time
from dataclasses import dataclass

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
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import errors, web
from tracker.activities import services
from tracker.activities.evidence_views import send_proof
from tracker.activities.forms import CHOOSE_KIND, FILE_TYPES, quantity_labels, unit_hints
from tracker.activities.views import unseen_warnings
from tracker.clock import today
from tracker.db import get_session
from tracker.display import count_of
from tracker.proofs import inbox
from tracker.proofs.inbox_forms import DraftForm, draft_form
from tracker.proofs.models import Draft
from tracker.proofs.reading import can_read_images
from tracker.rules.kinds import KINDS, kind_of

bp = Blueprint("inbox", __name__)


@bp.before_request
@login_required
def require_login():
    """Drafts are always the logged-in person's own."""


@bp.url_value_preprocessor
def allow_many_files(endpoint, _values) -> None:
    # Up to MAX_FILES_AT_ONCE files, each within the upload limit, in one request (the margin:
    # the CSRF token and the form's parts). Only for a person logged in.
    if endpoint == "inbox.add" and current_user.is_authenticated:
        request.max_content_length = (
            inbox.MAX_FILES_AT_ONCE * current_app.config["MAX_UPLOAD_BYTES"] + 65_536)


def _deadline() -> float:
    """When this request starts no more reading (see inbox.read_waiting)."""
    return time.monotonic() + inbox.READ_SECONDS


def _own_draft_or_404(draft_id: int) -> Draft:
    draft = inbox.draft_of(get_session(), current_user, draft_id)
    if draft is None:
        abort(404)
    return draft


@dataclass
class DraftCard:
    """One draft as the page shows it: its form, and what is still wrong with it."""

    draft: Draft
    form: DraftForm
    problems: list[str]
    has_preview: bool
    warnings: list[str]

    @property
    def read_words(self) -> str:
        """What was read, in words: "Read from the file: the title, the date and the hours."."""
        kind = kind_of(self.draft.kind or "")
        names = {"kind": "the kind", "title": "the title", "provider": "the provider",
                 "completed_on": "the end date" if kind and kind.is_period else "the date",
                 "started_on": "the start date",
                 "quantity": f"the {kind.unit.plural}" if kind else "the amount"}
        said = [words for name, words in names.items() if name in self.draft.read_fields]
        if not said:
            return "Nothing could be read from this file: fill in the boxes yourself."
        listed = ", ".join(said[:-1]) + f" and {said[-1]}" if len(said) > 1 else said[0]
        return f"Read from the file: {listed}. Check each one."

    @property
    def unit_hint(self) -> str | None:
        return unit_hints().get(self.draft.kind or "")


def _said(problem) -> str:
    # The check lists every kind by its code when none is chosen; the form offers the list.
    return CHOOSE_KIND if problem.field == "kind" and problem.message.startswith(
        "Choose what kind") else problem.message


def _page(sent: DraftForm | None = None, sent_id: int | None = None,
          warnings: list[str] | None = None, status: int = 200):
    """The inbox; the draft `sent_id` shows the form `sent` as it came back (its errors and
    `warnings`), every other draft its saved values and problems."""
    session = get_session()
    held = services.held_of(session, current_user)
    day = today()
    previews = inbox.with_previews(session, current_user)
    cards = []
    for draft in inbox.drafts_of(session, current_user):
        if draft.id == sent_id:
            cards.append(DraftCard(draft, sent, [], draft.id in previews, warnings or []))
            continue
        form = draft_form(draft, held, day, formdata=None)
        problems = [_said(p) for p in inbox.problems_of(draft, day, held)]
        cards.append(DraftCard(draft, form, problems, draft.id in previews, []))
    unread = sum(1 for card in cards if card.draft.source is None)
    page = render_template(
        "proofs/inbox.html", cards=cards, unread=unread,
        max_files=inbox.MAX_FILES_AT_ONCE, file_types=FILE_TYPES, held=held,
        reads_images=can_read_images(), unit_hints=unit_hints(),
        quantity_labels=quantity_labels(),
        period_kinds=[kind.code for kind in KINDS if kind.is_period],
    )
    return page, status


@bp.get("/inbox")
def index():
    return _page()


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """More bytes than MAX_FILES_AT_ONCE files may hold: refused on the inbox, in its words."""
    if request.endpoint != "inbox.add" or not current_user.is_authenticated:
        return errors.handle_http_error(error)
    megabytes = current_app.config["MAX_UPLOAD_BYTES"] // (1024 * 1024)
    flash(f"Those files are too large together. Add at most {inbox.MAX_FILES_AT_ONCE} at a "
          f"time, each up to {megabytes} MB. Nothing was added.", "error")
    return _page(status=413)


@bp.post("/inbox")
def add():
    started = time.monotonic()
    uploads = [f for f in request.files.getlist("files") if f.filename]
    if not uploads:
        flash("Choose one or more files first.", "error")
        return redirect(url_for("inbox.index"))
    session = get_session()
    try:
        added = inbox.add_files(session, current_user, uploads,
                                current_app.config["MAX_UPLOAD_BYTES"],
                                started + inbox.ADD_SECONDS)
    except inbox.InboxFull as full:
        flash(str(full), "error")
        return redirect(url_for("inbox.index"))
    if added.added:
        flash(f"{count_of(len(added.added), 'file', 'files')} added.", "success")
    if added.refused:
        flash(f"{count_of(len(added.refused), 'file was', 'files were')} not added: "
              f"{' '.join(added.refused)}", "error")
    if added.not_reached:
        flash(f"Adding takes time, so {count_of(len(added.not_reached), 'file was', 'files were')}"
              f" not added yet: {', '.join(added.not_reached)}. Add them again.", "error")
    inbox.read_waiting(session, current_user, started + inbox.READ_SECONDS)
    return redirect(url_for("inbox.index"))


@bp.post("/inbox/read")
def read():
    """Read the next drafts not read yet (the page's "Read the rest", pressed by inbox.js
    by itself until none is left)."""
    inbox.read_waiting(get_session(), current_user, _deadline())
    return redirect(url_for("inbox.index"))


@bp.get("/inbox/<int:draft_id>/file")
def file(draft_id: int):
    draft = _own_draft_or_404(draft_id)
    return send_proof(draft.data, draft.content_type, draft.filename)


@bp.get("/inbox/<int:draft_id>/preview")
def preview(draft_id: int):
    """The small JPEG of a photo, shown on the page."""
    data = inbox.preview_of(get_session(), current_user, draft_id)
    if data is None:
        abort(404)
    return send_proof(data, "image/jpeg", "preview.jpg", inline=True)


@bp.post("/inbox/<int:draft_id>/save")
@web.saves_once
def save(draft_id: int):
    draft = _own_draft_or_404(draft_id)
    session = get_session()
    held = services.held_of(session, current_user)
    form = draft_form(draft, held, today())
    found = []
    if form.validate_on_submit() and not (found := unseen_warnings(form)):
        try:
            activity = inbox.save_draft(session, current_user, draft, form.values(),
                                        inbox.counted_where_it_fits(held))
        except services.AlreadyUsed:
            flash("This draft was saved or discarded meanwhile, so nothing more was saved.",
                  "info")
            return redirect(url_for("inbox.index"))
        except services.SaveFailed:
            form.form_errors.append("We could not save this, and nothing was changed. "
                                    "Please try again.")
        except services.TooManyActivities as full:
            form.form_errors.append(str(full))
        else:
            flash(Markup('“{}” is saved. <a href="{}">See the activity</a>.').format(
                activity.title, url_for("activities.show", activity_id=activity.id)),
                "success")
            return redirect(url_for("inbox.index"))
    return _page(form, draft.id, found)


@bp.post("/inbox/<int:draft_id>/discard")
def discard(draft_id: int):
    draft = _own_draft_or_404(draft_id)
    name = draft.filename
    inbox.discard(get_session(), draft)
    flash(f"{name} is discarded.", "info")
    return redirect(url_for("inbox.index"))
