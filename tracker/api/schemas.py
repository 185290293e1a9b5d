"""What the API answers: pydantic models (they make the OpenAPI document) and their builders.

Points and other exact numbers are decimal text ("7.5"), rounded half-up to 2 places like the
figures of `flask rules evaluate`; dates are ISO dates, timestamps ISO date-times in UTC.
"""

import datetime as dt
from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from tracker.api.preconditions import ETAG
from tracker.models import Cycle, Evidence, HeldCredential
from tracker.rules import engine
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_number
from tracker.rules.engine import Status, UnmetKind

Figure = str  # decimal text, e.g. "128.00"


def figure(value: Decimal | None) -> str | None:
    """A figure as `rules evaluate` prints it (half-up, 2 places)."""
    return None if value is None else str(engine.round_points(value))


def number(value: Decimal | None) -> str | None:
    """An exact number as it was entered or written in the rules: "7.5", "10"."""
    return None if value is None else say_number(value.normalize())


# --- rule sets -----------------------------------------------------------------------------

class UnitOut(BaseModel):
    singular: str
    plural: str


class LandingOut(BaseModel):
    kind: str = Field(description="A kind of activity (see `GET /api/v2/kinds`).")
    per_unit: str = Field(description="How many of the category's units one of the kind's "
                          "units is (a CEU is 10 contact hours).")


class CategoryOut(BaseModel):
    code: str
    name: str
    kind: str = Field(description="`quantity` (hours, credits...) or `period` (employment "
                      "from a start date to an end date).")
    unit: UnitOut
    points_per_unit: str
    step: str | None = Field(description="Quantities are entered in multiples of this.")
    fractions: list[str] = Field(description="Periods: the full-time fractions allowed.")
    cap: str | None
    minimum: str | None
    evidence: str | None = Field(description="The proof expected.")
    help: str | None
    kinds: list[LandingOut] = Field(description="The kinds of activity that count here; the "
                                    "first category listing a kind is where it counts unless "
                                    "you choose another that lists it.")


class GroupOut(BaseModel):
    code: str
    name: str
    categories: list[str]
    minimum: str | None
    maximum: str | None


class KeyActivityOut(BaseModel):
    code: str
    name: str
    weight: str


class ModuleRuleOut(BaseModel):
    code: str
    name: str
    required: bool
    key_activities: list[KeyActivityOut] = Field(
        description="Skills an activity can be tagged with (as can the module's own code).")


class AgencyOut(BaseModel):
    name: str
    short_name: str
    address: str


class RuleSetOut(BaseModel):
    code: str
    version: str
    versions: list[str] = Field(description="Every version of this rule set, oldest first.")
    name: str
    short_name: str
    agency: AgencyOut
    cycle_years: int
    points_required: str
    points_name: UnitOut
    window_days: int = Field(description="The renewal application opens this many days "
                             "before the cycle ends.")
    at_risk_days: int
    categories: list[CategoryOut]
    groups: list[GroupOut]
    modules: list[ModuleRuleOut]


class RuleSetList(BaseModel):
    items: list[RuleSetOut]


def ruleset_out(ruleset: RuleSet, versions: list[str]) -> RuleSetOut:
    return RuleSetOut(
        code=ruleset.code, version=ruleset.version, versions=versions, name=ruleset.name,
        short_name=ruleset.short_name,
        agency=AgencyOut(name=ruleset.agency.name, short_name=ruleset.agency.short_name,
                         address=ruleset.agency.address),
        cycle_years=ruleset.cycle_years, points_required=number(ruleset.points_required),
        points_name=UnitOut(singular=ruleset.points_name.singular,
                            plural=ruleset.points_name.plural),
        window_days=ruleset.window_days, at_risk_days=ruleset.at_risk_days,
        categories=[CategoryOut(
            code=c.code, name=c.name, kind=c.kind,
            unit=UnitOut(singular=c.unit.singular, plural=c.unit.plural),
            points_per_unit=number(c.points_per_unit), step=number(c.step),
            fractions=[number(f) for f in c.fractions], cap=number(c.cap),
            minimum=number(c.minimum), evidence=c.evidence, help=c.help,
            kinds=[LandingOut(kind=landing.kind, per_unit=number(landing.per_unit))
                   for landing in c.landings],
        ) for c in ruleset.categories],
        groups=[GroupOut(code=g.code, name=g.name, categories=list(g.categories),
                         minimum=number(g.minimum), maximum=number(g.maximum))
                for g in ruleset.groups],
        modules=[ModuleRuleOut(
            code=m.code, name=m.name, required=m.required,
            key_activities=[KeyActivityOut(code=k.code, name=k.name, weight=number(k.weight))
                            for k in m.key_activities],
        ) for m in ruleset.modules],
    )


# --- credentials ---------------------------------------------------------------------------

class HeldModuleOut(BaseModel):
    code: str
    passed_on: date | None


class CycleOut(BaseModel):
    id: int
    starts_on: date
    ends_on: date
    status: str = Field(description="`open`, `renewed` or `lapsed`.")
    closed_on: date | None
    points_required: str
    carried_in: str
    ruleset_version: str


class CredentialOut(BaseModel):
    # flask-openapi3 adds openapi_extra to the answers made of this model (not to lists).
    model_config = ConfigDict(openapi_extra={"headers": ETAG})

    id: int
    ruleset: str = Field(description="The rule set's code, e.g. `mssc-cpt`.")
    certificate_number: str
    certified_on: date
    modules: list[HeldModuleOut]
    cycles: list[CycleOut] = Field(description="Oldest first; the last is the current one.")
    version: int = Field(description="Raised by every change (also the `ETag`). A change must "
                         "send it back, as `version` or in `If-Match`: it is refused (409) if "
                         "someone else saved in between.")
    created_at: datetime


class CredentialList(BaseModel):
    items: list[CredentialOut]


def cycle_out(cycle: Cycle) -> CycleOut:
    return CycleOut(id=cycle.id, starts_on=cycle.starts_on, ends_on=cycle.ends_on,
                    status=str(cycle.status), closed_on=cycle.closed_on,
                    points_required=number(cycle.points_required),
                    carried_in=number(cycle.carried_in), ruleset_version=cycle.ruleset_version)


def credential_out(credential: HeldCredential) -> CredentialOut:
    return CredentialOut(
        id=credential.id, ruleset=credential.ruleset_code,
        certificate_number=credential.certificate_number, certified_on=credential.certified_on,
        modules=[HeldModuleOut(code=m.module_code, passed_on=m.passed_on)
                 for m in credential.modules],
        cycles=[cycle_out(c) for c in credential.cycles], version=credential.version,
        created_at=credential.created_at,
    )


# --- evidence and activities ---------------------------------------------------------------

class EvidenceOut(BaseModel):
    id: int
    activity_id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class EvidenceList(BaseModel):
    items: list[EvidenceOut]


def evidence_out(item: Evidence) -> EvidenceOut:
    return EvidenceOut(id=item.id, activity_id=item.activity_id, filename=item.filename,
                       content_type=item.content_type, size=item.size, sha256=item.sha256,
                       uploaded_at=item.uploaded_at)


# --- progress: exactly `progress_to_json`, as `flask rules evaluate` prints it -------------

class CycleDates(BaseModel):
    starts_on: date
    ends_on: date
    window_opens_on: date


class CategoryProgress(BaseModel):
    code: str
    name: str
    earned: Figure
    counted: Figure
    cap: Figure | None
    minimum: Figure | None


class GroupProgress(BaseModel):
    code: str
    name: str
    earned: Figure
    counted: Figure
    minimum: Figure | None
    maximum: Figure | None


class YearProgress(BaseModel):
    number: int
    starts_on: date
    ends_on: date
    counted: Figure
    minimum: Figure | None


class ActivityProgress(BaseModel):
    id: int | str = Field(description="The activity's id.")
    category: str
    date: dt.date | None
    earned: Figure
    counted: Figure
    flags: list[str]
    months: int | None


class UnmetOut(BaseModel):
    kind: UnmetKind
    scope: str | int = Field(description="`total`, a category or group code, a year number "
                             "or an activity id.")
    required: Figure | None
    counted: Figure


class ProgressOut(BaseModel):
    """The rules engine's result for the credential's current cycle, as of today."""

    ruleset: str
    ruleset_version: str
    today: date
    cycle: CycleDates
    status: Status
    required: Figure
    earned: Figure
    counted: Figure
    remaining: Figure
    days_left: int
    elapsed_days: int
    total_days: int
    pace_target: Figure
    points_per_month_needed: Figure | None
    projected_completion: date | None
    completes_before_end: bool | None
    requirement_reached_on: date | None
    carried_in: Figure
    carry_over_out: Figure
    categories: list[CategoryProgress]
    groups: list[GroupProgress]
    years: list[YearProgress]
    activities: list[ActivityProgress]
    unmet: list[UnmetOut]
