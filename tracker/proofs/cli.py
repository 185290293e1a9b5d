"""`flask --app tracker proof read FILE`: what Recert reads from a certificate, as JSON.

For support staff (why did this file fill the form so?) and for measuring the reading.
"""

import json
import sys
from pathlib import Path
from typing import NoReturn

import click
from flask import current_app
from flask.cli import AppGroup

from tracker.activities.evidence import UploadProblem, check_upload
from tracker.proofs.reading import Reading, read_proof
from tracker.rules.catalog import RuleSet, UnknownRuleSetError
from tracker.served_rulesets import catalog

# Exit status for a file or rule set the command cannot use.
BAD_INPUT = 2
DEFAULT_RULESET = "mssc-cpt"

proof_cli = AppGroup("proof", help="Read certificates as the \"Add from a certificate\" page does.")


@proof_cli.command("read")
@click.argument("file")
@click.option("--ruleset", "code", default=DEFAULT_RULESET, show_default=True,
              help="The rule set whose category the suggested kind of activity lands in.")
def read_command(file: str, code: str) -> None:
    """Read FILE (a PDF, PNG, JPEG, WebP or HEIC certificate) and print what was read as
    JSON: title, provider, completed_on, started_on, quantity, unit, kind, category and
    source. A file that is refused or of which nothing could be read exits 2, saying why."""
    try:
        ruleset = catalog().get(code)
    except UnknownRuleSetError as error:
        _fail(f"Unknown rule set: {error}.")
    path = Path(file)
    if not path.is_file():
        _fail(f"{file}: no such file.")
    try:
        with path.open("rb") as stream:
            checked = check_upload(stream, path.name, current_app.config["MAX_UPLOAD_BYTES"])
    except (UploadProblem, OSError) as error:
        _fail(str(error))
    reading = read_proof(checked.data, checked.content_type)
    if reading.note:
        _fail(f"{checked.filename}: {reading.note}")
    click.echo(json.dumps(reading_to_json(reading, ruleset), indent=2))


def reading_to_json(reading: Reading, ruleset: RuleSet) -> dict:
    """The reading's fields, dates in ISO form and the quantity as a decimal string, with the
    category of `ruleset` the suggested kind lands in by default."""
    landing = ruleset.landing(reading.kind) if reading.kind else None
    return {
        "title": reading.title,
        "provider": reading.provider,
        "completed_on": _iso(reading.completed_on),
        "started_on": _iso(reading.started_on),
        "quantity": None if reading.quantity is None else str(reading.quantity),
        "unit": reading.unit,
        "kind": reading.kind,
        "category": landing.category if landing else None,
        "source": reading.source,
    }


def _iso(day) -> str | None:
    return day.isoformat() if day else None


def _fail(reason: str) -> NoReturn:
    click.echo(reason, err=True)
    sys.exit(BAD_INPUT)
