"""A request that saves, sent twice, saves once.

A client that lost the answer to a save (a dropped connection, a timeout, "we could not
confirm the save") cannot tell whether it was saved; a person who double-clicks "Save" sends
it twice. Either way the request comes again with the same key: the API's `Idempotency-Key`
header, or the one-time submission id of a web form. The first request's change and its
answer are committed together with the key (a SavedRequest), so a request with a key that is
already there is answered as the first one was, and saves nothing. A second request that
arrives while the first is still saving waits for it at the key's unique index, then gets its
answer. Keys are kept for 24 hours, per person.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from flask import Response, request
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from tracker.db import get_session
from tracker.models import SavedRequest, utcnow

KEPT_FOR = timedelta(hours=24)
# What of an answer is kept with it, besides its status and body.
KEPT_HEADERS = ("Content-Type", "Location", "ETag")
FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
NOT_HASHED = {"csrf_token"}  # differs between two sends of the same form


def fingerprint() -> str:
    """SHA-256 of what the request asks: its method, path and content. A form is read by its
    fields and files, not its bytes: a client sends the same file with a new multipart
    boundary each time."""
    digest = hashlib.sha256(f"{request.method} {request.path} {request.mimetype}\n".encode())
    if request.mimetype not in FORM_TYPES:
        digest.update(_canonical(request.get_data()))
        return digest.hexdigest()
    fields = [item for item in request.form.items(multi=True) if item[0] not in NOT_HASHED]
    digest.update(json.dumps(fields).encode())  # in the order sent, which a form keeps
    for name, upload in request.files.items(multi=True):
        content = hashlib.sha256()
        for chunk in iter(partial(upload.stream.read, 1 << 16), b""):
            content.update(chunk)
        upload.stream.seek(0)
        digest.update(json.dumps([name, upload.filename, content.hexdigest()]).encode())
    return digest.hexdigest()


def _canonical(body: bytes) -> bytes:
    """JSON with its keys sorted and no spaces, so that a client that builds the same body
    again in another order asks the same; any other body as it is."""
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except (ValueError, RecursionError):
        return body


def _earlier(user_id: int, key: str) -> SavedRequest | None:
    return get_session().exec(select(SavedRequest).where(
        SavedRequest.user_id == user_id, SavedRequest.key == key,
        SavedRequest.created_at > utcnow() - KEPT_FOR)).first()


def forget_expired(session, now: datetime) -> int:
    """Delete the keys of everyone older than KEPT_FOR (the daily purge-trash does it; a
    person's own go whenever they send a new one)."""
    forgotten = session.execute(
        delete(SavedRequest).where(SavedRequest.created_at <= now - KEPT_FOR)).rowcount
    session.commit()
    return forgotten


def saving_nothing(session) -> None:
    """The answer being made saves nothing (a form comes back), yet must write something for
    good (the files it sent, kept for the next try): drop what the request changed so far, its
    key too (free for the next try, as answered_once would), and let commits through at once."""
    if session.commits_deferred:
        session.rollback()
        session.commits_deferred = False


def answered_once(user_id: int, key: str, sent: str, respond: Callable[[], Response],
                  keeps: Callable[[Response], bool]) -> Response | SavedRequest:
    """The answer of `respond()`, its changes committed with the key only when `keeps(answer)`
    (a save); or, when the person sent `key` in the last 24 hours, that earlier request, for
    the caller to answer again (its fingerprint says whether it asked the same as `sent`)."""
    earlier = _earlier(user_id, key)
    if earlier is not None:
        return earlier
    session = get_session()
    session.execute(delete(SavedRequest).where(
        SavedRequest.user_id == user_id, SavedRequest.created_at <= utcnow() - KEPT_FOR))
    saved = SavedRequest(user_id=user_id, key=key, fingerprint=sent)
    session.add(saved)
    try:
        session.flush()  # waits here while a request with this key is being saved
    except IntegrityError:
        session.rollback()
        earlier = _earlier(user_id, key)
        if earlier is None:  # that request has just gone past its 24 hours
            raise
        return earlier
    session.commits_deferred = True
    try:
        answer = respond()
    except BaseException:
        session.rollback()  # nothing of it, nor the key, may reach a later commit
        raise
    finally:
        session.commits_deferred = False
    if not keeps(answer):
        session.rollback()  # nothing was saved; the key stays free for the next try
        return answer
    # A failure inside respond() that rolled back took the key with it, and let a request
    # with the same key through meanwhile: then the answer is not kept.
    if saved in session:
        saved.status = answer.status_code
        saved.headers = {name: answer.headers[name] for name in KEPT_HEADERS
                         if name in answer.headers}
        saved.body = answer.get_data()
    session.commit()
    return answer
