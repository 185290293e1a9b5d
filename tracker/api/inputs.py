"""What the API takes: path, query and body models (they make the OpenAPI document too).

The bodies check only the types (text, number, date, list): every rule of an activity, a
required field or a length too, is tracker.activities.validation's, which every door calls,
and a credential's is the web form's (see tracker.api.validation), so the API and the web
refuse the same things in the same words. The document still shows those rules (`required`,
never null, `maxLength`, `maximum`) to people writing a client.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from flask_openapi3 import FileStorage
from pydantic import BaseModel, ConfigDict, Field

from tracker.activities.listing import FLAG_FILTERS, SORTS
from tracker.fields import MAX_AMOUNT
from tracker.models import NOTES_MAX_LENGTH, PROVIDER_MAX_LENGTH, TITLE_MAX_LENGTH

SORTS_V2 = ("newest", "oldest", "kind")
# Ids are PostgreSQL integers: a larger number could never name a row.
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def Text(max_length: int):
    """Text whose length the one check of each kind of input judges (after trimming spaces);
    the document shows it."""
    return Annotated[str, Field(json_schema_extra={"maxLength": max_length})]


def body(required: tuple[str, ...] = (), not_null: tuple[str, ...] = (),
         examples: dict[str, dict] | None = None) -> ConfigDict:
    """A body's settings: unknown fields refused; the fields the form requires, and those it
    refuses empty (`not_null`), shown in the document as required and never null, without a
    default. Only in the document: the model lets a missing or null one through, so that the
    form says what is missing in its own words, where pydantic would answer before it in its
    own. And examples, by summary, that flask-openapi3 puts beside the request body."""
    config = ConfigDict(extra="forbid")
    if required or not_null:
        config["json_schema_extra"] = _documented(required, not_null)
    if examples:
        config["openapi_extra"] = {"examples": {  # type: ignore[typeddict-unknown-key]
            f"example{number}": {"summary": summary, "value": value}
            for number, (summary, value) in enumerate(examples.items(), 1)}}
    return config


def _documented(required: tuple[str, ...], not_null: tuple[str, ...]):
    def edit(schema: dict) -> None:
        if required:
            schema["required"] = list(required)
        for name in required + not_null:
            field = schema["properties"][name]
            del field["default"]
            [given] = [choice for choice in field.pop("anyOf") if choice != {"type": "null"}]
            field.update(given)
    return edit


Code = Annotated[str, Field(max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
# The activity check judges the size, the step and the sign; the document shows the largest.
Points = Annotated[Decimal, Field(allow_inf_nan=False,
                                  json_schema_extra={"maximum": float(MAX_AMOUNT)})]
Fraction = Annotated[Decimal, Field(allow_inf_nan=False)]  # the form checks it is a choice
Version = Annotated[int | None, Field(
    ge=1, le=MAX_ID,
    description="The version you read. The change is refused (409) if the stored version is "
    "another one: someone saved in between. Either this or the `If-Match` header is required "
    "(428 without both).")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Query(BaseModel):
    # Unknown query parameters are ignored, as web addresses do.
    model_config = ConfigDict(extra="ignore")


# --- paths ---------------------------------------------------------------------------------

class RuleSetPath(BaseModel):
    code: Code = Field(json_schema_extra={"example": "mssc-cpt"})  # the parameter's example


class CredentialPath(BaseModel):
    credential_id: Id


class ActivityPath(BaseModel):
    activity_id: Id


class EvidencePath(BaseModel):
    evidence_id: Id


# --- queries -------------------------------------------------------------------------------

class RuleSetQuery(Query):
    version: str | None = Field(None, max_length=20, pattern=r"^\d+(\.\d+)*$",
                                description="A version; the current one by default.")


def _tag():
    return Field(None, max_length=80, description=(
        "Only activities tagged with this skill or module (a module takes in its skills)."))


def _q():
    return Field(None, max_length=200, description=(
        "Only activities whose title, provider or notes hold this text."))


def _cursor():
    return Field(None, max_length=100, description=(
        "From a page's `next_cursor`: the page after it (with the same filters)."))


def _limit():
    return Field(50, ge=1, le=200, description="Activities per page.")


class ActivityQuery(Query):
    category: str | None = Field(None, max_length=40, description="Only this category (its code).")
    flag: Literal[FLAG_FILTERS] | None = Field(  # type: ignore[valid-type]
        None, description="Only activities the engine flagged so.")
    tag: str | None = _tag()
    q: str | None = _q()
    sort: Literal[tuple(SORTS)] = Field(  # type: ignore[valid-type]
        "newest", description="As on the web list: `newest` or `oldest` by the date each "
        "counts on, `category` (by its code, newest first within one), `points` (most "
        "counted first).")
    cursor: str | None = _cursor()
    limit: int = _limit()


class ActivityQueryV2(Query):
    kind: str | None = Field(None, max_length=40, description="Only this kind (its code).")
    credential_id: Id | None = Field(None, description=(
        "Only activities that count toward this credential of yours (its rules take their "
        "kind, and you did not leave them out)."))
    flag: Literal[FLAG_FILTERS] | None = Field(  # type: ignore[valid-type]
        None, description="Only activities the engine flagged so under one of your "
        "credentials (under `credential_id`'s, when given).")
    tag: str | None = _tag()
    q: str | None = _q()
    sort: Literal[SORTS_V2] = Field(  # type: ignore[valid-type]
        "newest", description="`newest` or `oldest` by the day it was completed (a job: its "
        "last day, or today while it goes on), `kind` (by its code, newest first within one).")
    cursor: str | None = _cursor()
    limit: int = _limit()


class ReportQuery(Query):
    cycle_id: int | None = Field(None, ge=1, le=MAX_ID, description=(
        "A past cycle of the credential (its report as on the day it closed); the current "
        "cycle by default."))


# --- bodies --------------------------------------------------------------------------------

class ModuleIn(Body):
    model_config = body(required=("code",))

    code: str | None = Field(None, description="A module of the rule set, e.g. `safety`.")
    passed_on: date | None = None


class CredentialIn(Body):
    model_config = body(required=("ruleset", "certified_on"), examples={
        "A CPT with two modules passed": {
            "ruleset": "mssc-cpt", "certified_on": "2022-03-15",
            "certificate_number": "CPT-12345",
            "modules": [{"code": "safety", "passed_on": "2021-11-02"}, {"code": "quality"}]},
        "A PMP": {"ruleset": "pmi-pmp", "certified_on": "2024-06-01",
                  "certificate_number": "3141592"},
    })

    ruleset: str | None = Field(None, description="The rule set's code, e.g. `mssc-cpt`.")
    certified_on: date | None = None
    certificate_number: Text(40) = ""
    modules: list[ModuleIn] = Field(default_factory=list, max_length=50,
                                    description="The modules passed.")


class CredentialChange(Body):
    """Only the fields sent are changed; `modules`, when sent, is the whole new list."""

    model_config = body(not_null=("certified_on",), examples={"A new certificate number": {
        "certificate_number": "CPT-12345", "version": 1}})

    certified_on: date | None = None
    certificate_number: Text(40) | None = None
    modules: list[ModuleIn] | None = Field(None, max_length=50)
    version: Version = None


COUNTING = (
    "Where it counts, for the credentials you name by their id (`{\"2\": \"exclude\"}`; "
    "the others keep their choice, or on a new activity count where it fits): `\"\"` where "
    "its kind fits (the rule set's first category for it), `\"exclude\"` to leave it out of "
    "that credential, or the code of another of that rule set's categories that takes its "
    "kind (PMP's skill areas are chosen so).")
Counting = dict[str, Text(40)]


def _counting(**default):
    """`counting`: choices by credential id (the one check judges the ids and the choices)."""
    return Field(**default, max_length=100, description=COUNTING)


class ActivityInV2(Body):
    """A quantity kind (hours, credits...) has `completed_on` and `quantity`, in the kind's
    unit; a job has `started_on`, `fraction` and `completed_on` (its last day; null while still
    employed)."""

    model_config = body(required=("kind", "title"), examples={
        "A course (8 hours), counted where it fits": {
            "kind": "training", "title": "Forklift safety refresher",
            "provider": "Acme Training", "completed_on": "2024-05-01", "quantity": "8",
            "tags": ["safety"]},
        "A job still going on": {
            "kind": "job", "title": "Machine operator", "provider": "Acme Plastics",
            "started_on": "2023-01-09", "fraction": "1", "completed_on": None},
    })

    kind: str | None = Field(None, description="What you did: a kind's code (see "
                             "`GET /api/v2/kinds`), e.g. `training`.")
    title: Text(TITLE_MAX_LENGTH) | None = None
    provider: Text(PROVIDER_MAX_LENGTH) = ""
    completed_on: date | None = None
    quantity: Points | None = Field(None, description="How many of the kind's unit (hours, "
                                    "credit hours...).")
    started_on: date | None = None
    fraction: Fraction | None = None
    description: Text(NOTES_MAX_LENGTH) = ""
    tags: list[str] = Field(default_factory=list, max_length=100,
                            description="Codes of skills or modules of your credentials.")
    counting: Counting = _counting(default_factory=dict)


class ActivityChangeV2(Body):
    """Only the fields sent are changed; `counting` changes only the credentials it names."""

    model_config = body(not_null=("kind", "title"), examples={
        "More hours": {"quantity": "6.5", "version": 1},
        "Left out of one credential": {"counting": {"2": "exclude"}, "version": 1}})

    kind: str | None = None
    title: Text(TITLE_MAX_LENGTH) | None = None
    provider: Text(PROVIDER_MAX_LENGTH) | None = None
    completed_on: date | None = None
    quantity: Points | None = None
    started_on: date | None = None
    fraction: Fraction | None = None
    description: Text(NOTES_MAX_LENGTH) | None = None
    tags: list[str] | None = Field(None, max_length=100)
    counting: Counting | None = _counting(default=None)
    version: Version = None


class EvidenceUpload(BaseModel):
    file: FileStorage = Field(description="A PDF, PNG, JPEG, WebP or HEIC file.")
