"""Import activities from a CSV (upload, preview, confirm), and a whole account from JSON."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import errors
from tracker.clock import today
from tracker.db import get_session
from tracker.imports import full, services, signing
from tracker.imports.forms import ConfirmImportForm, FullExportForm, UploadForm
from tracker.imports.template import template_csv
from tracker.rules.kinds import kind_of
from tracker.served_rulesets import ruleset_of
from tracker.web import download, own_credential_or_404

bp = Blueprint("imports", __name__)


@bp.before_request
@login_required
def require_login():
    """Imports only ever go into the logged-in person's own account."""


@bp.url_value_preprocessor
def allow_large_bodies(endpoint, _values) -> None:
    # The confirm form carries the whole file in a hidden field (read by the CSRF check,
    # before any view runs), so its limit is the upload limit rather than Flask's 500 kB.
    if endpoint == "imports.confirm":
        request.max_form_memory_size = 2 * current_app.config["MAX_UPLOAD_BYTES"] + 65_536
    # An account's own export must always import, so its file has its own limit, above the
    # upload limit every other request keeps (the margin: the CSRF token and the form's parts).
    # Only for a person logged in: nobody else may send that much.
    if endpoint == "imports.account_import" and current_user.is_authenticated:
        request.max_content_length = current_app.config["MAX_IMPORT_BYTES"] + 65_536


def _context(credential):
    cycle = credential.current_cycle
    return cycle, ruleset_of(credential, cycle)


def _upload_page(form, credential, ruleset):
    return render_template("imports/upload.html", form=form, credential=credential,
                           ruleset=ruleset, kinds=[kind_of(k) for k in ruleset.counted_kinds])


@bp.get("/credentials/<int:credential_id>/import")
def upload(credential_id: int):
    credential = own_credential_or_404(credential_id)
    _cycle, ruleset = _context(credential)
    return _upload_page(UploadForm(), credential, ruleset)


@bp.get("/credentials/<int:credential_id>/import/template.csv")
def template(credential_id: int):
    credential = own_credential_or_404(credential_id)
    _cycle, ruleset = _context(credential)
    # Werkzeug adds "; charset=utf-8" to a text type itself.
    return download(template_csv(ruleset), "text/csv",
                    f"recert-import-template-{ruleset.code}.csv")


@bp.post("/credentials/<int:credential_id>/import/preview")
def preview(credential_id: int):
    credential = own_credential_or_404(credential_id)
    cycle, ruleset = _context(credential)
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, credential, ruleset), 400
    result = services.preview(get_session(), credential, cycle, ruleset, form.content, today(),
                              form.day_first)
    confirm = ConfirmImportForm()
    if result.can_commit:
        confirm.upload.data = signing.sign_upload(
            current_app.config["SECRET_KEY"], current_user.id, credential.id, form.day_first,
            form.content,
        )
    return render_template("imports/preview.html", result=result, confirm=confirm,
                           credential=credential, ruleset=ruleset, day_first=form.day_first)


@bp.post("/credentials/<int:credential_id>/import/confirm")
def confirm(credential_id: int):
    credential = own_credential_or_404(credential_id)
    cycle, ruleset = _context(credential)
    form = ConfirmImportForm()
    try:
        if not form.validate_on_submit():
            raise signing.ExpiredUpload
        data, day_first = signing.open_upload(current_app.config["SECRET_KEY"],
                                              form.upload.data, current_user.id, credential.id)
    except signing.ExpiredUpload:
        flash("This preview is too old or was changed. Please upload the file again.", "error")
        return redirect(url_for("imports.upload", credential_id=credential.id))
    session = get_session()
    result = services.preview(session, credential, cycle, ruleset, data, today(), day_first,
                              points=False)
    try:
        added = services.commit(session, current_user, credential, result)
    except services.ImportFailed as failure:
        flash(str(failure), "error")  # each failure says that nothing was added
        return redirect(url_for("imports.upload", credential_id=credential.id))
    flash(services.added_sentence(added, len(result.duplicates)),
          "success" if added else "info")
    return redirect(url_for("activities.index", credential_id=credential.id))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):
    """A body over the account import's own limit is refused on its page, in its words (read
    by the CSRF check, before the view); any other page of imports gets the site's 413."""
    if request.endpoint != "imports.account_import" or not current_user.is_authenticated:
        return errors.handle_http_error(error)
    form = FullExportForm(formdata=None)  # the form cannot be read: it is what was too large
    form.file.errors = [full.too_big(current_app.config["MAX_IMPORT_BYTES"])]
    return render_template("imports/account.html", form=form), 413


@bp.route("/account/import", methods=["GET", "POST"])
def account_import():
    form = FullExportForm()
    if form.validate_on_submit():
        try:
            document = full.read_document(form.file.data.stream,
                                          current_app.config["MAX_IMPORT_BYTES"])
            summary = full.import_full_export(get_session(), current_user, document)
        except full.ExportRefused as error:
            form.file.errors.append(str(error))
        else:
            flash(summary, "success")
            return redirect(url_for("dashboard.home"))
    return render_template("imports/account.html", form=form)
