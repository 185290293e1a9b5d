"""The proof inbox: many certificates at once, each kept as a draft with what was read from
it until the person saves it as an activity or discards it. Drafts count nowhere.

Adding files is not all or nothing: each file is checked on its own, and a refused one does
not stop the others. Reading is bounded per request (see `read_waiting`): the drafts not read
yet are read by the next request that asks.
"""

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, update
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from tracker.activities import services, validation
from tracker.activities.evidence import (
    CheckedFile,
    UploadProblem,
    check_upload,
    clean_filename,
)
from tracker.display import count_of
from tracker.fields import MAX_AMOUNT, is_storable
from tracker.models import PROVIDER_MAX_LENGTH, TITLE_MAX_LENGTH, Activity, User
from tracker.proofs.models import Draft
from tracker.proofs.reading import Reading, read_proof
from tracker.rules.checks import Problem
from tracker.rules.kinds import kind_of

MAX_FILES_AT_ONCE = 50
# Five years of paper is rarely more than a hundred certificates; the bound keeps the inbox
# page (every draft with its form) quick.
MAX_DRAFTS = 200
# A request starts no new reading after this many seconds (one photo takes up to 4 s to read,
# and gunicorn gives up on a request after 30).
READ_SECONDS = 10.0
# Adding starts no new file after this many seconds: with the last file's check (a few
# seconds at most) and the first reading (up to 5), the request ends well inside the 30.
ADD_SECONDS = 15.0


@dataclass
class Added:
    """What became of the files sent: the names added, and why each other one was not."""

    added: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    not_reached: list[str] = field(default_factory=list)  # names left when time ran out


def drafts_of(session: Session, user: User) -> list[Draft]:
    """The person's drafts, newest first, without their files' bytes."""
    return list(session.exec(
        select(Draft).options(defer(Draft.data), defer(Draft.preview))
        .where(Draft.user_id == user.id).order_by(Draft.id.desc())
    ))


def draft_of(session: Session, user: User, draft_id: int) -> Draft | None:
    """The person's own draft, with its file; None for anyone else's."""
    return session.exec(
        select(Draft).where(Draft.id == draft_id, Draft.user_id == user.id)
    ).first()


def with_previews(session: Session, user: User) -> set[int]:
    """The ids of the person's drafts that have a preview image."""
    return set(session.exec(select(Draft.id).where(
        Draft.user_id == user.id, Draft.preview.is_not(None))))


def preview_of(session: Session, user: User, draft_id: int) -> bytes | None:
    """The small JPEG of the person's own draft, if it has one."""
    return session.exec(
        select(Draft.preview).where(Draft.id == draft_id, Draft.user_id == user.id)
    ).first()


def too_many(held: int, adding: int) -> str | None:
    """Why `adding` files cannot be added to an inbox that holds `held` drafts, or None."""
    if adding > MAX_FILES_AT_ONCE:
        return (f"You chose {adding} files. Add at most {MAX_FILES_AT_ONCE} at a time. "
                "Nothing was added.")
    if held + adding > MAX_DRAFTS:
        return (f"Your inbox holds {count_of(held, 'draft', 'drafts')}, and it can hold at "
                f"most {MAX_DRAFTS}. "
                "Save or discard some first, or add fewer files. Nothing was added.")
    return None


class InboxFull(ValueError):
    """Too many files at once, or too many drafts: nothing was added. Says so in words."""


def add_files(session: Session, user: User, uploads: Sequence, max_bytes: int,
              deadline: float = math.inf) -> Added:
    """Check each upload (a stream with a `filename`) and keep each accepted one as a draft
    not read yet. One commit per file, so at most one file is in memory at a time. Checking
    an iPhone photo takes up to a second or two (it becomes a JPEG), so no file is started
    after `deadline` (a time.monotonic() value): the request stays inside the server's
    timeout, and the files not reached are named so they can be added again."""
    held = session.exec(select(func.count()).where(Draft.user_id == user.id)).one()
    refused = too_many(held, len(uploads))
    if refused:
        raise InboxFull(refused)
    added = Added()
    for upload in uploads:
        if time.monotonic() >= deadline:
            added.not_reached.append(clean_filename(upload.filename))
            continue
        try:
            checked = check_upload(upload.stream, upload.filename, max_bytes)
        except UploadProblem as problem:
            added.refused.append(str(problem))
            continue
        session.add(Draft(user_id=user.id, **checked.columns()))
        session.commit()
        added.added.append(checked.filename)
    return added


def unread_count(session: Session, user: User) -> int:
    return session.exec(select(func.count()).where(
        Draft.user_id == user.id, Draft.source.is_(None))).one()


def read_waiting(session: Session, user: User, deadline: float) -> int:
    """Read the person's drafts not read yet, oldest first but PDFs before images (a PDF's
    text takes milliseconds, a photo seconds), starting none after `deadline` (a
    time.monotonic() value) but the first: each request gets further, however long the
    upload before it took. Returns how many are still not read."""
    waiting = session.exec(
        select(Draft.id).where(Draft.user_id == user.id, Draft.source.is_(None))
        .order_by(case((Draft.content_type == "application/pdf", 0), else_=1), Draft.id)
    ).all()
    for number, draft_id in enumerate(waiting):
        if number and time.monotonic() >= deadline:
            return len(waiting) - number
        file = session.exec(select(Draft.data, Draft.content_type).where(
            Draft.id == draft_id)).first()
        if file is None:  # saved or discarded meanwhile
            continue
        reading = read_proof(file.data, file.content_type)
        # Only a draft still unread: another request may have read it meanwhile.
        session.exec(update(Draft).where(Draft.id == draft_id, Draft.source.is_(None))
                     .values(**_stored(reading)))
        session.commit()
    return 0


def _stored(reading: Reading) -> dict:
    """What a reading leaves on its draft: only what the columns can keep, so that an odd
    file is never an error (text cut to its column, an amount too large dropped)."""
    kind = kind_of(reading.kind or "")
    quantity = reading.quantity
    if kind is None or kind.is_period or quantity is None or not quantity.is_finite() or (
            abs(quantity) > MAX_AMOUNT):
        quantity = None  # a job is counted by its dates, not an amount
    values = {
        "kind": kind.code if kind else None,
        "title": _text(reading.title, TITLE_MAX_LENGTH),
        "provider": _text(reading.provider, PROVIDER_MAX_LENGTH),
        "completed_on": reading.completed_on,
        "started_on": reading.started_on if kind and kind.is_period else None,
        "quantity": quantity,
        "source": reading.source,
    }
    values["read_fields"] = [name for name in reading.read_fields() if values.get(name)]
    return values


def _text(text: str | None, limit: int) -> str:
    kept = "".join(ch for ch in text or "" if is_storable(ch))
    return kept.strip()[:limit].strip()


def values_of(draft: Draft) -> dict:
    """A draft's fields as the one check of an activity reads them (a job without an end
    date is one still going on)."""
    return {"kind": draft.kind or "", "title": draft.title, "provider": draft.provider,
            "completed_on": draft.completed_on, "started_on": draft.started_on,
            "quantity": draft.quantity}


def problems_of(draft: Draft, today: date, held) -> list[Problem]:
    """What the activity check finds wrong with the draft as it is."""
    return validation.problems(values_of(draft), today, held)


def counted_where_it_fits(held) -> dict[int, str]:
    """A saved draft counts toward each credential where its kind fits."""
    return {credential_id: validation.DEFAULT for credential_id, _ruleset in held}


def save_draft(session: Session, user: User, draft: Draft, values: dict,
               counting: Mapping[int, str]) -> Activity:
    """The draft as an activity with its file as proof, in one commit that deletes the draft
    (services.SaveFailed or TooManyActivities: nothing changed)."""
    proof = CheckedFile.kept(draft)
    return services.create_activity(session, user, values, [proof], counting, used=[draft])


def discard(session: Session, draft: Draft) -> None:
    session.delete(draft)
    session.commit()
