"""API: rule sets, credentials and a credential's progress."""

from flask import Response, json, url_for

from tracker.api.auth import api_user
from tracker.api.blueprint import (
    CHANGE_REFUSALS,
    CONFLICT,
    CREDENTIALS,
    ID,
    NO_CONTENT,
    NOT_FOUND,
    NOT_MODIFIED,
    READ_ONLY,
    RULESETS,
    answer,
    bp,
)
from tracker.api.idempotency import IdempotencyHeaders, idempotent
from tracker.api.inputs import (
    CredentialChange,
    CredentialIn,
    CredentialPath,
    RuleSetPath,
    RuleSetQuery,
)
from tracker.api.owned import own_credential
from tracker.api.preconditions import ChangeHeaders, ReadHeaders, lost_race, started_from
from tracker.api.problems import ApiProblem, InvalidInput
from tracker.api.schemas import (
    CredentialList,
    CredentialOut,
    ProgressOut,
    RuleSetList,
    RuleSetOut,
    credential_out,
    ruleset_out,
)
from tracker.api.validation import credential_fields, credential_values
from tracker.clock import today
from tracker.concurrency import Conflict
from tracker.credentials import services
from tracker.db import get_session
from tracker.ledger import ledger_of
from tracker.rules.cases import progress_to_json
from tracker.rules.catalog import UnknownRuleSetError
from tracker.served_rulesets import catalog, ruleset_of


@bp.get("/rulesets", tags=[RULESETS], responses={200: RuleSetList})
def list_rulesets():
    """Every credential's rule set, in its current version."""
    served = catalog()
    return answer(RuleSetList(items=[ruleset_out(r, served.versions(r.code))
                                     for r in served.all_current()]))


@bp.get("/rulesets/<code>", tags=[RULESETS], responses={200: RuleSetOut, **NOT_FOUND})
def get_ruleset(path: RuleSetPath, query: RuleSetQuery):
    """One rule set: its cycle, categories (units, points, caps) and modules."""
    served = catalog()
    try:
        ruleset = served.get(path.code, query.version)
    except UnknownRuleSetError as error:
        raise ApiProblem(404, f"There is no such rule set: {error}.") from error
    return answer(ruleset_out(ruleset, served.versions(ruleset.code)))


@bp.get("/credentials", tags=[CREDENTIALS], responses={200: CredentialList})
def list_credentials():
    """The credentials you hold, with their cycles."""
    held = services.credentials_of(get_session(), api_user())
    return answer(CredentialList(items=[credential_out(c) for c in held]))


@bp.post("/credentials", tags=[CREDENTIALS],
         responses={201: CredentialOut, **READ_ONLY, **CONFLICT})
@idempotent
def create_credential(body: CredentialIn, header: IdempotencyHeaders):
    """Add a credential you hold.

    Its first cycle opens under the rule set's current version, and the activities you logged
    count toward it at once, where its rules take their kind. Refused (409) when you already
    hold a credential under this rule set."""
    served = catalog()
    try:
        ruleset = served.get(body.ruleset or "")
    except UnknownRuleSetError as error:
        codes = ", ".join(r.code for r in served.all_current())
        wrong = f"“{body.ruleset}” is not a rule set." if body.ruleset else \
            "Give the rule set's code."
        raise InvalidInput({"ruleset": [f"{wrong} Choose from: {codes}."]}) from error
    certified_on, number, modules = credential_values(ruleset, body.model_dump())
    try:
        credential = services.add_credential(get_session(), api_user(), ruleset, certified_on,
                                             number, modules)
    except services.AlreadyHeld as error:
        raise ApiProblem(409, f"You already hold {ruleset.name}. Change that one "
                              "instead.") from error
    credential = own_credential(credential.id)
    return answer(credential_out(credential), 201, {
        "Location": url_for("api.get_credential", credential_id=credential.id)},
        version=credential.version)


@bp.get(f"/credentials/<{ID}:credential_id>", tags=[CREDENTIALS],
        responses={200: CredentialOut, **NOT_MODIFIED, **NOT_FOUND})
def get_credential(path: CredentialPath, header: ReadHeaders):
    """One credential you hold."""
    credential = own_credential(path.credential_id)
    return answer(credential_out(credential), version=credential.version)


@bp.patch(f"/credentials/<{ID}:credential_id>", tags=[CREDENTIALS],
          responses={200: CredentialOut, **CHANGE_REFUSALS})
def update_credential(path: CredentialPath, header: ChangeHeaders, body: CredentialChange):
    """Change a credential's details; a new certification date moves its first cycle. Send the
    version you read (`If-Match` or `version`)."""
    credential = own_credential(path.credential_id)
    started = started_from("credential", credential.version, body.version)
    ruleset = ruleset_of(credential, credential.open_cycle)
    changes = body.model_dump(exclude_unset=True, exclude={"version"})
    certified_on, number, modules = credential_values(
        ruleset, {**credential_fields(credential), **changes})
    try:
        services.update_credential(get_session(), credential, certified_on, number, modules,
                                   started)
    except Conflict as error:
        raise lost_race("credential") from error
    credential = own_credential(credential.id)
    return answer(credential_out(credential), version=credential.version)


@bp.delete(f"/credentials/<{ID}:credential_id>", tags=[CREDENTIALS],
           responses={**NO_CONTENT, **READ_ONLY, **NOT_FOUND})
def delete_credential(path: CredentialPath):
    """Delete a credential with its cycles, for good.

    Your activities stay: they count toward your other credentials, and toward one you add
    later."""
    services.delete_credential(get_session(), own_credential(path.credential_id))
    return "", 204


@bp.get(f"/credentials/<{ID}:credential_id>/progress", tags=[CREDENTIALS],
        responses={200: ProgressOut, **NOT_FOUND})
def get_progress(path: CredentialPath):
    """The rules engine's figures for the current cycle, as of today.

    The same figures, names and rounding as `flask rules evaluate` prints; activities are
    named by their ids."""
    ledger = ledger_of(get_session(), own_credential(path.credential_id), today())
    # Exactly progress_to_json's document (ProgressOut describes it for the OpenAPI document).
    return Response(json.dumps(progress_to_json(ledger.progress)), mimetype="application/json")
