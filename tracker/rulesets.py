"""The rule sets this app serves: the shipped ones, or those under RECERT_RULESETS_DIR.

Loaded once when the app starts, so a broken rule-set file stops the start with every
problem named, instead of failing on the first page that needs it.
"""

from flask import Flask, current_app

from tracker.rules.catalog import Catalog, load_catalog


def init_app(app: Flask) -> None:
    app.extensions["recert_catalog"] = load_catalog(app.config.get("RULESETS_DIR"))


def catalog() -> Catalog:
    return current_app.extensions["recert_catalog"]
