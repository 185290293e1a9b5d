"""Optimistic concurrency: a save that started from an older version of a row is refused.

Activities and held credentials have a `version` column that SQLAlchemy keeps as the mapper's
version counter (`version_id_col`, see tracker.models.versioned): every UPDATE or DELETE checks
the version the row was read at and raises it, so a write from a stale copy raises
StaleDataError instead of overwriting. Edit forms also carry the version the person started
from, so a save from a page opened before someone else's save (another tab, another device)
is refused too: the person then sees both versions and can save again on purpose.
"""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import Session
from wtforms import HiddenField

from tracker.fields import whole_number


def changed_meanwhile(what: str | None = None) -> str:
    """Why a save was refused, on the web and in the API alike: `what` ("activity",
    "credential") was saved by someone else since it was read. Callers add what to do next."""
    subject = f"This {what}" if what else "This"
    return f"{subject} was changed meanwhile (maybe in another tab). Nothing was saved."


class Conflict(RuntimeError):
    """The row changed since the person started editing it; nothing was saved."""


def started_from(field: HiddenField) -> int | None:
    """The version a form was opened at; None when it did not say (then only the row's own
    version counter guards the save)."""
    data = str(field.data or "").strip()
    return whole_number(data)


def check_version(row: Any, started: int | None) -> None:
    """Refuse a save that started from another version than the one stored."""
    if started is not None and started != row.version:
        raise Conflict(f"started from version {started}, version {row.version} is stored")


@contextmanager
def refusing_stale(session: Session) -> Iterator[None]:
    """Turn a stale write (someone saved in between) into a Conflict, keeping none of it."""
    try:
        yield
    except StaleDataError as error:
        session.rollback()  # the rows are read again, as they are stored now
        raise Conflict(str(error)) from error


@dataclass(frozen=True)
class Difference:
    field: str
    saved: str | None
    typed: str | None


def differences(saved: Mapping[str, Any], typed: Mapping[str, Any]) -> list[Difference]:
    """The fields of `typed` whose text differs from what is saved, in the order of `typed`."""
    return [Difference(field, saved.get(field), value)
            for field, value in typed.items() if saved.get(field) != value]
