"""What the API answers about activities: version 1's rows of one credential's list, version 2's
activities of a person with what they count toward each credential, and the kinds.

See tracker.api.schemas for how figures, numbers and dates are written.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tracker.activities.validation import DEFAULT, EXCLUDE
from tracker.api.preconditions import ETAG
from tracker.api.schemas import EvidenceOut, Figure, UnitOut, evidence_out, figure, number
from tracker.ledger import Ledger
from tracker.models import HeldCredential
from tracker.rules import engine
from tracker.rules.definitions import Kind

VERSION = Field(description="Raised by every change (also the `ETag`). A change must send it "
                "back, as `version` or in `If-Match`: it is refused (409) if someone else saved "
                "in between.")
COMPLETED_ON = Field(description="The day it was completed; for a job, the last day, or null "
                     "while still employed.")
STARTED_ON = Field(description="Jobs only: the first day.")
FRACTION = Field(description="Jobs only: the full-time fraction.")
FLAGS = Field(description="Why it counts less: `over_cap`, `outside_cycle`, `future`, "
              "`missing_evidence`...")
DAY = Field(description="The date it counts on (a job: its end, or today).")
MONTHS = Field(description="Jobs: the whole months inside the cycle.")
NEXT_CURSOR = Field(description="Pass it as `cursor` for the next page; null on the last page.")
TOTAL = Field(description="Activities that pass the filters, on all pages.")


# --- version 1: one credential's list --------------------------------------------------------

class PointsOut(BaseModel):
    """What the rules engine made of the activity in the credential's current cycle."""

    date: dt.date | None = DAY
    earned: Figure
    counted: Figure
    flags: list[str] = FLAGS
    months: int | None = MONTHS


class ActivityOut(BaseModel):
    """An activity as it counts toward one credential."""

    id: int
    credential_id: int
    kind: str = Field(description="What was done: a kind's code (see `GET /api/v2/kinds`).")
    category: str = Field(description="The category it counts in under this credential.")
    title: str
    provider: str
    completed_on: date | None = COMPLETED_ON
    started_on: date | None = STARTED_ON
    quantity: str | None = Field(description="Quantity categories: how many of the category's "
                                 "units (the kind's amount, converted).")
    fraction: str | None = FRACTION
    description: str
    tags: list[str]
    version: int = VERSION
    created_at: datetime
    updated_at: datetime
    points: PointsOut
    files: list[EvidenceOut]


class ActivityPage(BaseModel):
    items: list[ActivityOut]
    next_cursor: str | None = NEXT_CURSOR
    total: int = TOTAL
    earned: Figure = Field(description="Points earned by all of them.")
    counted: Figure = Field(description="Points counted for all of them.")


def activity_out(credential_id: int, row, result: engine.ActivityResult,
                 files: Sequence) -> ActivityOut:
    """A row of a credential's ledger (in its category there, its quantity converted)."""
    return ActivityOut(
        id=row.id, credential_id=credential_id, kind=row.kind, category=row.category,
        title=row.title, provider=row.provider, completed_on=row.completed_on,
        started_on=row.started_on, quantity=number(row.quantity),
        fraction=number(row.fraction), description=row.description,
        tags=list(row.tags or []), version=row.version,
        created_at=row.created_at, updated_at=row.updated_at,
        points=PointsOut(date=result.date, earned=figure(result.earned),
                         counted=figure(result.counted), flags=list(result.flags),
                         months=result.months),
        files=[evidence_out(f) for f in files],
    )


# --- version 2: a person's activities ----------------------------------------------------------

class CountOut(PointsOut):
    """What the activity counts toward one of your credentials, in its current cycle."""

    credential_id: int
    ruleset: str = Field(description="The credential's rule set, e.g. `mssc-cpt`.")
    category: str | None = Field(description="The category it counts in there; null when it "
                                 "does not count there (left out, or a kind its rules do not "
                                 "take).")
    excluded: bool = Field(description="You left it out of this credential (`counting`).")


class ActivityOutV2(BaseModel):
    """One activity of yours, recorded once, and what it counts toward each credential."""

    model_config = ConfigDict(openapi_extra={"headers": ETAG})

    id: int
    kind: str = Field(description="What was done: a kind's code (see `GET /api/v2/kinds`).")
    title: str
    provider: str
    completed_on: date | None = COMPLETED_ON
    started_on: date | None = STARTED_ON
    quantity: str | None = Field(description="Quantity kinds: how many of the kind's unit.")
    fraction: str | None = FRACTION
    description: str
    tags: list[str]
    counting: dict[str, str] = Field(description=(
        "Your choice for each credential you hold, by its id: `\"\"` where it fits, "
        "`\"exclude\"`, or a category's code."))
    version: int = VERSION
    created_at: datetime
    updated_at: datetime
    files: list[EvidenceOut]
    counts: list[CountOut] = Field(description="One for each credential you hold, in the "
                                   "order you added them.")


class ActivityPageV2(BaseModel):
    items: list[ActivityOutV2]
    next_cursor: str | None = NEXT_CURSOR
    total: int = TOTAL




def _count(credential: HeldCredential, ledger: Ledger, activity_id: int,
           choice: tuple[str | None, bool] | None) -> CountOut:
    row, result = ledger.rows.get(activity_id), ledger.results.get(activity_id)
    zero = figure(Decimal(0))
    return CountOut(
        credential_id=credential.id, ruleset=credential.ruleset_code,
        category=row.category if row is not None else None,
        excluded=bool(choice and choice[1]),
        date=result.date if result else None,
        earned=figure(result.earned) if result else zero,
        counted=figure(result.counted) if result else zero,
        flags=list(result.flags) if result else [],
        months=result.months if result else None,
    )


def activity_out_v2(activity, standing: Sequence[tuple[HeldCredential, Ledger]],
                    choices: Mapping[int, tuple[str | None, bool]],
                    files: Sequence) -> ActivityOutV2:
    """An activity (a model or a row with its fields) with its choices of where it counts
    ((category, excluded) by credential id) and what the ledger of each credential held
    (`standing`) makes of it."""
    def said(choice: tuple[str | None, bool] | None) -> str:
        if choice is None:
            return DEFAULT
        return EXCLUDE if choice[1] else choice[0] or DEFAULT

    return ActivityOutV2(
        id=activity.id, kind=activity.kind, title=activity.title, provider=activity.provider,
        completed_on=activity.completed_on, started_on=activity.started_on,
        quantity=number(activity.quantity), fraction=number(activity.fraction),
        description=activity.description, tags=list(activity.tags or []),
        counting={str(credential.id): said(choices.get(credential.id))
                  for credential, _ledger in standing},
        version=activity.version, created_at=activity.created_at,
        updated_at=activity.updated_at, files=[evidence_out(f) for f in files],
        counts=[_count(credential, ledger, activity.id, choices.get(credential.id))
                for credential, ledger in standing],
    )


# --- kinds -----------------------------------------------------------------------------------

class KindOut(BaseModel):
    code: str
    name: str
    shape: str = Field(description="`quantity` (an amount on a day) or `period` (a job "
                       "between two dates, counted in whole months at a full-time fraction).")
    unit: UnitOut
    step: str | None = Field(description="Quantities are entered in multiples of this.")
    fractions: list[str] = Field(description="Periods: the full-time fractions allowed.")
    help: str | None


class KindList(BaseModel):
    items: list[KindOut]


def kind_out(kind: Kind) -> KindOut:
    return KindOut(code=kind.code, name=kind.name, shape=kind.shape,
                   unit=UnitOut(singular=kind.unit.singular, plural=kind.unit.plural),
                   step=number(kind.step), fractions=[number(f) for f in kind.fractions],
                   help=kind.help)
