"""The renewal rules engine: pure Python, importing neither Flask nor the database.

- `catalog`: versioned rule-set data files (rulesets/<code>/<version>.toml) -> `RuleSet`
- `cycles`: cycle dates (cycle_for, next_cycle_after, window_opens_on) and month arithmetic
- `engine`: evaluate(ruleset, cycle, activities, today) -> `Progress`
- `checks`: plain-English checks of an activity or a certification date
- `cases`: JSON-like cases in and out, for the CLI and tests
"""

from tracker.rules import engine
from tracker.rules.cases import CaseError, parse_case, progress_to_json
from tracker.rules.catalog import (
    Catalog,
    Category,
    Group,
    Module,
    RuleSet,
    RuleSetError,
    UnknownRuleSetError,
    load_catalog,
    load_ruleset,
)
from tracker.rules.checks import Problem, check_activity, check_certified_on
from tracker.rules.cycles import (
    add_years,
    cycle_for,
    next_cycle_after,
    whole_months,
    window_opens_on,
)
from tracker.rules.engine import *  # noqa: F403  (evaluate and its types: engine.__all__)

__all__ = [
    "CaseError",
    "Catalog",
    "Category",
    "Group",
    "Module",
    "Problem",
    "RuleSet",
    "RuleSetError",
    "UnknownRuleSetError",
    "add_years",
    "check_activity",
    "check_certified_on",
    "cycle_for",
    "load_catalog",
    "load_ruleset",
    "next_cycle_after",
    "parse_case",
    "progress_to_json",
    "whole_months",
    "window_opens_on",
    *engine.__all__,
]
