"""Adding, changing and removing the credentials a person holds, and their progress."""

from datetime import date
from types import SimpleNamespace

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from tracker import history
from tracker.concurrency import check_version, refusing_stale
from tracker.models import Cycle, HeldCredential, HeldModule, User
from tracker.rules.catalog import RuleSet
from tracker.rules.checks import say_date
from tracker.rules.cycles import cycle_for
from tracker.served_rulesets import ruleset_of


class AlreadyHeld(ValueError):
    """The person already holds a credential under this rule set."""


# A credential comes with its modules and cycles in the same statement (a handful of rows).
WITH_MODULES_AND_CYCLES = (joinedload(HeldCredential.modules), joinedload(HeldCredential.cycles))


def credentials_of(session: Session, user: User) -> list[HeldCredential]:
    return list(
        session.exec(
            select(HeldCredential)
            .where(HeldCredential.user_id == user.id)
            .options(*WITH_MODULES_AND_CYCLES)
            .order_by(HeldCredential.created_at)
        ).unique()
    )


def credential_of(session: Session, user: User, credential_id: int) -> HeldCredential | None:
    """The user's own credential with this id; None for anyone else's."""
    return session.exec(
        select(HeldCredential)
        .where(HeldCredential.id == credential_id, HeldCredential.user_id == user.id)
        .options(*WITH_MODULES_AND_CYCLES)
    ).unique().first()


def _set_modules(credential: HeldCredential, modules: dict[str, date | None]) -> None:
    kept = {module.module_code: module for module in credential.modules}
    credential.modules = [
        kept.get(code) or HeldModule(module_code=code) for code in modules
    ]
    for module in credential.modules:
        module.passed_on = modules[module.module_code]


def add_credential(
    session: Session,
    user: User,
    ruleset: RuleSet,
    certified_on: date,
    certificate_number: str,
    modules: dict[str, date | None],
) -> HeldCredential:
    """Record the credential and open its first cycle under the rule set's current version."""
    already = session.exec(
        select(HeldCredential.id).where(
            HeldCredential.user_id == user.id, HeldCredential.ruleset_code == ruleset.code
        )
    ).first()
    if already is not None:
        raise AlreadyHeld(ruleset.code)
    credential = HeldCredential(
        user_id=user.id,
        ruleset_code=ruleset.code,
        certified_on=certified_on,
        certificate_number=certificate_number,
    )
    _set_modules(credential, modules)
    starts_on, ends_on = cycle_for(ruleset, certified_on)
    credential.cycles = [
        Cycle(
            starts_on=starts_on,
            ends_on=ends_on,
            points_required=ruleset.points_required,
            ruleset_version=ruleset.version,
        )
    ]
    session.add(credential)
    session.flush()
    history.record(session, user.id, history.CREATED, "credential", credential.id,
                   f"Added {ruleset.name}", history.filled(facts_of(credential, ruleset)))
    session.commit()
    return credential


def update_credential(
    session: Session,
    credential: HeldCredential,
    certified_on: date,
    certificate_number: str,
    modules: dict[str, date | None],
    started: int | None = None,
) -> None:
    """Change the details; a new certification date moves the first cycle with it.

    Conflict when the credential is no longer at the version `started` (the one the form was
    opened at) or is saved by someone else meanwhile; then nothing is saved.
    """
    check_version(credential, started)
    ruleset = ruleset_of(credential)
    before = facts_of(credential, ruleset)
    # A change to the modules alone would not UPDATE the credential's row: raising the version
    # by hand does, so every save is checked against (and raises) the stored version.
    credential.version += 1
    credential.certificate_number = certificate_number
    _set_modules(credential, modules)
    if certified_on != credential.certified_on:
        credential.certified_on = certified_on
        first_cycle = credential.cycles[0]
        if first_cycle is credential.open_cycle:
            first_cycle.starts_on, first_cycle.ends_on = cycle_for(
                ruleset_of(credential, first_cycle), certified_on
            )
    session.add(credential)
    changes = history.diff(before, facts_of(credential, ruleset))
    if changes:
        history.record(session, credential.user_id, history.CHANGED, "credential",
                       credential.id, f"Changed {ruleset.name}", changes)
    with refusing_stale(session):
        session.commit()


def form_facts(ruleset: RuleSet, certified_on: date | None, certificate_number: str,
               modules: dict[str, date | None]) -> dict:
    """What the edit form holds, in plain words and the rule set's order (to compare a save
    with what is stored)."""
    facts = history.snapshot(
        SimpleNamespace(certified_on=certified_on, certificate_number=certificate_number),
        history.CREDENTIAL_FIELDS,
    )
    facts["Modules"] = history.plain([
        module.name + (f" (passed {say_date(modules[module.code])})"
                       if modules[module.code] else "")
        for module in ruleset.modules if module.code in modules
    ])
    return facts


def stored_form_facts(credential: HeldCredential, ruleset: RuleSet) -> dict:
    return form_facts(ruleset, credential.certified_on, credential.certificate_number,
                      {m.module_code: m.passed_on for m in credential.modules})


def delete_credential(session: Session, credential: HeldCredential) -> None:
    """Delete the credential, its cycles and what was chosen for it; the person's activities
    stay (they may count toward other credentials, and toward one added later)."""
    ruleset = ruleset_of(credential)
    history.record(
        session, credential.user_id, history.DELETED, "credential", credential.id,
        f"Deleted {ruleset.name}",
        [{"field": field, "old": old, "new": None}
         for field, old in facts_of(credential, ruleset).items() if old is not None],
    )
    session.delete(credential)
    session.commit()


def facts_of(credential: HeldCredential, ruleset: RuleSet) -> dict:
    """The credential's details as the history shows them, with its first cycle's dates."""
    names = {module.code: module.name for module in ruleset.modules}
    facts = history.snapshot(credential, history.CREDENTIAL_FIELDS)
    facts["Modules"] = history.plain([
        names.get(m.module_code, m.module_code)
        + (f" (passed {say_date(m.passed_on)})" if m.passed_on else "")
        for m in credential.modules
    ])
    if credential.cycles:
        facts.update(history.snapshot(credential.cycles[0], {
            "starts_on": history.CYCLE_FIELDS["starts_on"],
            "ends_on": history.CYCLE_FIELDS["ends_on"],
        }))
    return facts
