"""Import activities from a spreadsheet (upload, matching of its columns, preview, confirm),
and a whole account from JSON."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from tracker import errors
from tracker.clock import today
from tracker.db import get_session
from tracker.imports import full, matching, parsing, services, sheets, signing
from tracker.imports.forms import (
    ConfirmImportForm,
    FullExportForm,
    UploadForm,
    matching_form,
    row_kinds,
)
from tracker.imports.parsing import FileProblem
from tracker.imports.template import template_csv
from tracker.rules.kinds import kind_of
from tracker.served_rulesets import ruleset_of
from tracker.web import download, own_credential_or_404

bp = Blueprint("imports", __name__)
# The preview offers a kind select on each row up to this many rows (a page of 10,000 selects
# is too heavy to load); a longer file changes its kinds in the file or on the matching step.
MAX_EDITABLE_ROWS = 300


@bp.before_request
@login_required
def require_login():
    """Imports only ever go into the logged-in person's own account."""


@bp.url_value_preprocessor
def allow_large_bodies(endpoint, _values) -> None:
    # The confirm form carries the whole file in a hidden field (read by the CSRF check,
    # before any view runs), so its limit is the upload limit rather than Flask's 500 kB.
    if endpoint in ("imports.match", "imports.confirm"):
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
    """The uploaded file: straight to the preview when it has Recert's own columns (the
    template's, an export's), else to the matching of its columns."""
    credential = own_credential_or_404(credential_id)
    cycle, ruleset = _context(credential)
    form = UploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, credential, ruleset), 400
    try:
        data = sheets.as_csv(form.content)
        if len(data) > current_app.config["MAX_UPLOAD_BYTES"]:
            raise FileProblem("The file is too large once read. " + form.too_big)
        header = parsing.header_of(data)
        remembered = matching.remembered(get_session(), current_user.id, header)
        if remembered is None and parsing.has_recert_columns(header):
            return _preview_page(credential, cycle, ruleset, data, form.day_first)
        columns = matching.columns_of(data)
    except FileProblem as problem:
        form.file.errors.append(str(problem))
        return _upload_page(form, credential, ruleset), 400
    page = matching_form(columns, _kinds(ruleset), read=False)
    page.preset(remembered or matching.guess(columns, form.day_first))
    page.upload.data = _sign(credential, form.day_first, data)
    return _matching_page(page, credential, ruleset, remembered=remembered is not None)


@bp.post("/credentials/<int:credential_id>/import/match")
def match(credential_id: int):
    """The matching step: shown again (from the preview's "Change the columns"), or its
    choices read, remembered, and the file previewed with them."""
    credential = own_credential_or_404(credential_id)
    cycle, ruleset = _context(credential)
    try:
        upload = _open(credential, ConfirmImportForm())
        columns = matching.columns_of(upload.data)
    except (signing.ExpiredUpload, FileProblem):
        return _expired(credential)
    showing = request.form.get("action") != "preview"
    form = matching_form(columns, _kinds(ruleset), read=not showing)
    form.upload.data = request.form["upload"]
    if showing:
        form.preset(_matching_of(upload, columns) or matching.guess(columns, upload.day_first))
        return _matching_page(form, credential, ruleset)
    if not form.validate():
        return _matching_page(form, credential, ruleset), 400
    chosen = form.matching()
    header = [column.header for column in columns]
    matching.remember(get_session(), current_user.id, header, chosen)
    return _preview_page(credential, cycle, ruleset, upload.data, upload.day_first, chosen)


@bp.post("/credentials/<int:credential_id>/import/confirm")
def confirm(credential_id: int):
    """Add the rows (with the kinds chosen in the preview), or show the preview again with
    those kinds ("Check again", or when they give a row a problem)."""
    credential = own_credential_or_404(credential_id)
    cycle, ruleset = _context(credential)
    try:
        upload = _open(credential, ConfirmImportForm())
        columns = None if upload.matching is None else matching.columns_of(upload.data)
    except (signing.ExpiredUpload, FileProblem):
        return _expired(credential)
    chosen = _matching_of(upload, columns)
    kinds = row_kinds(request.form)
    if request.form.get("action") != "check":
        session = get_session()
        result = services.preview(session, credential, cycle, ruleset, upload.data, today(),
                                  upload.day_first, matching=chosen, kinds=kinds, points=False)
        if not (kinds and result.problems):  # else the page says which row the kinds broke
            return _commit(session, credential, result)
    return _preview_page(credential, cycle, ruleset, upload.data, upload.day_first, chosen,
                         kinds)


def _commit(session, credential, result: services.Preview):
    try:
        added = services.commit(session, current_user, credential, result)
    except services.ImportFailed as failure:
        flash(str(failure), "error")  # each failure says that nothing was added
        return redirect(url_for("imports.upload", credential_id=credential.id))
    flash(services.added_sentence(added, len(result.duplicates)),
          "success" if added else "info")
    return redirect(url_for("activities.index", credential_id=credential.id))


def _kinds(ruleset) -> list:
    return [kind_of(code) for code in ruleset.counted_kinds]


def _sign(credential, day_first: bool, data: bytes, chosen=None) -> str:
    return signing.sign_upload(current_app.config["SECRET_KEY"], current_user.id,
                               credential.id, day_first, data,
                               None if chosen is None else chosen.to_dict())


def _open(credential, form) -> signing.Upload:
    """The file the form carries; ExpiredUpload when the form or its token is not good."""
    if not form.validate_on_submit():
        raise signing.ExpiredUpload
    return signing.open_upload(current_app.config["SECRET_KEY"], form.upload.data,
                               current_user.id, credential.id)


def _matching_of(upload: signing.Upload, columns):
    return None if upload.matching is None else matching.Matching.from_dict(
        upload.matching, [column.header for column in columns])


def _expired(credential):
    flash("This page is too old or was changed. Please upload the file again.", "error")
    return redirect(url_for("imports.upload", credential_id=credential.id))


def _matching_page(form, credential, ruleset, remembered: bool = False):
    return render_template("imports/matching.html", form=form, credential=credential,
                           ruleset=ruleset, remembered=remembered,
                           samples={str(c.index): c.samples for c in form.columns})


def _preview_page(credential, cycle, ruleset, data: bytes, day_first: bool, chosen=None,
                  kinds=None):
    result = services.preview(get_session(), credential, cycle, ruleset, data, today(),
                              day_first, matching=chosen, kinds=kinds)
    confirm = ConfirmImportForm()
    if not result.file_problem:
        confirm.upload.data = _sign(credential, day_first, data, chosen)
    return render_template("imports/preview.html", result=result, confirm=confirm,
                           credential=credential, ruleset=ruleset, day_first=day_first,
                           matching=chosen, kinds=_kinds(ruleset),
                           editable=len(result.rows) <= MAX_EDITABLE_ROWS)


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
