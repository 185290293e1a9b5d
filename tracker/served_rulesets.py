"""The rule sets this app serves: the shipped ones, or those under RECERT_RULESETS_DIR.

Loaded once when the app starts, so a broken rule-set file stops the start with every
problem named, instead of failing on the first page that needs it.
"""

from flask import Flask, current_app

from tracker.models import Cycle, HeldCredential
from tracker.rules.catalog import Catalog, RuleSet, load_catalog


def init_app(app: Flask) -> None:
    app.extensions["recert_catalog"] = load_catalog(app.config.get("RULESETS_DIR"))


def catalog() -> Catalog:
    return current_app.extensions["recert_catalog"]


def ruleset_of(credential: HeldCredential, cycle: Cycle | None = None) -> RuleSet:
    """The rule set a cycle was opened under (the current one when there is no cycle)."""
    version = cycle.ruleset_version if cycle is not None else None
    return catalog().get(credential.ruleset_code, version)
