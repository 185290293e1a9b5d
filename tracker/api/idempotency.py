"""The `Idempotency-Key` header of every POST: a retried request saves once
(tracker.idempotency keeps the key with the first answer for 24 hours, per person)."""

from functools import wraps

from flask import Response, make_response, request
from pydantic import BaseModel, Field

from tracker.api.auth import api_user
from tracker.api.problems import ApiProblem
from tracker.idempotency import answered_once, fingerprint
from tracker.models import SavedRequest

HEADER = "Idempotency-Key"
KEY_USED = (f"This {HEADER} was sent in the last 24 hours with another request. Send a new "
            "key with each new request, and the same key only to repeat the same request.")


class IdempotencyHeaders(BaseModel):
    idempotency_key: str | None = Field(None, alias=HEADER, min_length=1, max_length=255,
                                        description=(
        "Any unique text you choose for this request, such as a UUID. Send the request again "
        "with the same key (when its answer was lost, or was a 503) and it is saved only once: "
        "the answer is the first one's, marked `Idempotent-Replayed: true`. Keys are kept for "
        "24 hours. The same key with another request is refused (422)."))


def idempotent(view):
    """A POST view that saves at most once per Idempotency-Key (when one is sent)."""

    @wraps(view)
    def once_per_key(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None:
            return view(*args, **kwargs)
        sent = fingerprint()
        outcome = answered_once(api_user().id, f"api {key}", sent,
                                lambda: make_response(view(*args, **kwargs)),
                                keeps=lambda answer: answer.status_code < 300)
        if not isinstance(outcome, SavedRequest):
            return outcome
        if outcome.fingerprint != sent:
            raise ApiProblem(422, KEY_USED)
        return Response(outcome.body, status=outcome.status,
                        headers={**outcome.headers, "Idempotent-Replayed": "true"})

    return once_per_key
