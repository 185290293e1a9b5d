"""Pending uploads: checked files a form sent that are not saved yet, kept for an hour so that
a form coming back (an error, a warning, a file read for a new activity) lists them by name
and nobody chooses them again."""

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from tracker.activities.evidence import CheckedFile
from tracker.fields import whole_number
from tracker.models import User, utcnow
from tracker.proofs.models import PendingUpload

KEPT_FOR = timedelta(hours=1)
# Expired rows deleted each time new ones are kept: enough to keep up with any use, few enough
# that the request stays quick.
EXPIRED_PER_CLEANUP = 100


def ids_in(texts: Iterable[str]) -> set[int]:
    """The ids a form sent (hidden inputs, checkboxes); anything else is ignored."""
    return {number for number in map(whole_number, texts) if number is not None}


def pending_of(session: Session, user: User, ids: Iterable[int]) -> list[PendingUpload]:
    """The person's own pending uploads among `ids` that have not expired, oldest first.
    Another person's id, or one kept over an hour ago, is left out, never refused."""
    ids = set(ids)
    if not ids:
        return []
    return list(session.exec(
        select(PendingUpload).where(
            PendingUpload.id.in_(ids), PendingUpload.user_id == user.id,
            PendingUpload.created_at >= utcnow() - KEPT_FOR,
        ).order_by(PendingUpload.id)
    ))


def keep(session: Session, user: User, files: list[CheckedFile]) -> list[PendingUpload]:
    """Keep checked files as the person's pending uploads (committed), and delete some that
    expired (anyone's: nobody can use them any more)."""
    if not files:
        return []
    expired = (select(PendingUpload.id)
               .where(PendingUpload.created_at < utcnow() - KEPT_FOR)
               .order_by(PendingUpload.created_at).limit(EXPIRED_PER_CLEANUP))
    session.exec(delete(PendingUpload).where(PendingUpload.id.in_(expired)))
    rows = [PendingUpload(user_id=user.id, **f.columns()) for f in files]
    session.add_all(rows)
    session.commit()
    return rows


def discard(session: Session, rows: list[PendingUpload]) -> None:
    """Delete pending uploads the person removed from the form."""
    if not rows:
        return
    for row in rows:
        session.delete(row)
    session.commit()


def renew(session: Session, rows: list[PendingUpload]) -> None:
    """Keep the files another hour: the form holding them came back again."""
    for row in rows:
        row.created_at = utcnow()
    session.commit()



