"""Add an activity from its certificate: the file is read and the activity form opens filled."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import ValidationError

from tracker.activities import services
from tracker.activities.evidence import UploadProblem, check_upload
from tracker.activities.forms import PHOTO_TYPES, form_data_of_reading
from tracker.activities.views import first_credential, new_form, render_form
from tracker.db import get_session
from tracker.fields import whole_number
from tracker.proofs import pending
from tracker.proofs.reading import can_read_images, read_proof
from tracker.web import own_credential_or_404

bp = Blueprint("proofs", __name__)

# PDFs and the pictures phones take, HEIC from iPhones too (turned into JPEG on arrival).
CERTIFICATE_TYPES = ("application/pdf,image/png,image/jpeg,image/webp,image/heic,image/heif,"
                     ".heic,.heif")


class CertificateForm(FlaskForm):
    """One file: a certificate, a transcript or a letter, checked by its content."""

    certificate = FileField(
        "Your certificate", validators=[FileRequired("Choose the file of your certificate.")],
        description="A PDF or a photo of it (PNG, JPEG, WebP or HEIC).",
        render_kw={"accept": CERTIFICATE_TYPES},
    )
    checked = None  # the file, once it passed the check

    def validate_certificate(self, field) -> None:
        try:
            self.checked = check_upload(field.data.stream, field.data.filename,
                                        current_app.config["MAX_UPLOAD_BYTES"])
        except UploadProblem as problem:
            raise ValidationError(str(problem)) from None


@bp.before_request
@login_required
def require_login():
    """A person's files are always their own."""


@bp.route("/activities/from-certificate", methods=["GET", "POST"])
def from_certificate():
    """Choose one file; it is kept, read, and the form of a new activity opens filled in from
    it, each value read marked to check. Nothing read is trusted: saving checks it all."""
    held = services.held_of(get_session(), current_user)
    if not held:  # a new activity is logged from a credential
        flash("Add the credential you hold first, then log activities toward it.", "info")
        return redirect(url_for("credentials.choose"))
    upload = CertificateForm()
    if not upload.validate_on_submit():
        return render_template("proofs/from_certificate.html", form=upload,
                               photo_types=PHOTO_TYPES, reads_images=can_read_images())
    reading = read_proof(upload.checked.data, upload.checked.content_type)
    read = form_data_of_reading(reading)
    form = new_form(held, formdata=None, data=read)
    form.pending = pending.keep(get_session(), current_user, [upload.checked])
    return render_form(form, _opened_from(held), read_fields=set(read), reading=reading)


def _opened_from(held):
    """The credential whose page linked here (?credential=ID), where the form's Cancel goes
    back to; else the person's first."""
    asked = whole_number(request.args.get("credential", ""))
    if asked in {credential_id for credential_id, _ruleset in held}:
        return own_credential_or_404(asked)
    return first_credential(held)
