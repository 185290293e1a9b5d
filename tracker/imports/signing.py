"""The uploaded file, carried from step to step (the matching of its columns, the preview, the
confirm) inside the page itself.

No server keeps it between the two requests (any server may answer the confirm): the file's
bytes travel in a hidden field, compressed and signed with the app's secret key, so nobody
can change them between the steps. An Excel workbook travels as the CSV it was read into
(tracker.imports.sheets), with the matching of its columns once chosen.
"""

from typing import NamedTuple

from itsdangerous import BadSignature, URLSafeTimedSerializer

SALT = "recert-import-activities"
MAX_AGE_SECONDS = 2 * 60 * 60


class ExpiredUpload(ValueError):
    """The signed file is too old, was changed, or belongs to another person or credential."""


class Upload(NamedTuple):
    data: bytes  # CSV
    day_first: bool
    matching: dict | None  # tracker.imports.matching.Matching.to_dict(); None: Recert's columns


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=SALT)


def sign_upload(secret_key: str, user_id: int, credential_id: int, day_first: bool,
                data: bytes, matching: dict | None = None) -> str:
    payload = {"user": user_id, "credential": credential_id, "day_first": day_first,
               "file": data.decode("utf-8"), "matching": matching}
    return _serializer(secret_key).dumps(payload)


def open_upload(secret_key: str, token: str, user_id: int, credential_id: int) -> Upload:
    """The file, whether its dates are day first and its matching, when the token is this
    person's and fresh (a token signed before the choice was named "day_first" is refused)."""
    try:
        payload = _serializer(secret_key).loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature:
        raise ExpiredUpload from None
    if (payload.get("user") != user_id or payload.get("credential") != credential_id
            or "day_first" not in payload):
        raise ExpiredUpload
    return Upload(payload["file"].encode("utf-8"), bool(payload["day_first"]),
                  payload.get("matching"))
