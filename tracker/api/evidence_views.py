"""API: proof files of an activity: list, upload (multipart), download, remove."""

import io

from flask import current_app, url_for
from werkzeug.datastructures import FileStorage

from tracker.activities import services
from tracker.activities.evidence import STORED_TYPES, UploadProblem, check_upload, too_many_files
from tracker.api.blueprint import (
    CONFLICT,
    EVIDENCE,
    ID,
    NO_CONTENT,
    NOT_FOUND,
    READ_ONLY,
    TOO_LARGE,
    answer,
    bp,
    file_response,
    labelled_as_asked,
)
from tracker.api.idempotency import IdempotencyHeaders, idempotent
from tracker.api.inputs import ActivityPath, EvidencePath, EvidenceUpload
from tracker.api.owned import own_activity, own_evidence
from tracker.api.problems import ApiProblem, InvalidInput
from tracker.api.saves import saving
from tracker.api.schemas import EvidenceList, EvidenceOut, evidence_out
from tracker.db import get_session
from tracker.web import download


def _size(stream) -> int:
    here = stream.tell()
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(here)
    return size


@bp.get(f"/activities/<{ID}:activity_id>/evidence", tags=[EVIDENCE],
        responses={200: EvidenceList, **NOT_FOUND})
def list_evidence(path: ActivityPath):
    """The activity's proof files (their facts; download each by its id)."""
    files = services.files_of(get_session(), own_activity(path.activity_id))
    return answer(EvidenceList(items=[evidence_out(f) for f in files]))


@bp.post(f"/activities/<{ID}:activity_id>/evidence", tags=[EVIDENCE],
         responses={201: EvidenceOut, **READ_ONLY, **NOT_FOUND, **CONFLICT, **TOO_LARGE})
@idempotent
def upload_evidence(path: ActivityPath, form: EvidenceUpload, header: IdempotencyHeaders):
    """Attach a proof file (multipart/form-data, field `file`): PDF, PNG, JPEG, WebP or HEIC
    (kept as JPEG), checked by its content as on the web; up to 5 files per activity."""
    activity = own_activity(path.activity_id)
    upload = form.file
    if not isinstance(upload, FileStorage):
        raise InvalidInput({"file": ["Send the file as a file part of multipart/form-data."]})
    refused = too_many_files(len(services.files_of(get_session(), activity)), 1)
    if refused:
        raise InvalidInput({"file": [refused]})
    max_bytes = current_app.config["MAX_UPLOAD_BYTES"]
    try:
        checked = check_upload(upload.stream, upload.filename, max_bytes)
    except UploadProblem as problem:
        if _size(upload.stream) > max_bytes:
            raise ApiProblem(413, str(problem)) from problem
        raise InvalidInput({"file": [str(problem)]}) from problem
    before = {f.id for f in services.files_of(get_session(), activity)}
    with saving():
        services.update_activity(get_session(), activity, {}, [checked], set())
    [added] = [f for f in services.files_of(get_session(), activity) if f.id not in before]
    return answer(evidence_out(added), 201,
                  {"Location": url_for("api.download_evidence", evidence_id=added.id)})


@bp.get(f"/evidence/<{ID}:evidence_id>", tags=[EVIDENCE],
        responses={200: file_response("The file, as it was uploaded.", *STORED_TYPES),
                   **NOT_FOUND})
def download_evidence(path: EvidencePath):
    """Download a proof file."""
    evidence = own_evidence(path.evidence_id)
    return labelled_as_asked(download(evidence.data, evidence.content_type, evidence.filename))


@bp.delete(f"/evidence/<{ID}:evidence_id>", tags=[EVIDENCE],
           responses={**NO_CONTENT, **READ_ONLY, **NOT_FOUND, **CONFLICT})
def delete_evidence(path: EvidencePath):
    """Remove a proof file from its activity."""
    evidence = own_evidence(path.evidence_id)
    activity = own_activity(evidence.activity_id)
    with saving():
        services.update_activity(get_session(), activity, {}, [], {evidence.id})
    return "", 204
