"""`flask --app tracker import-activities`: the web import's preview, and --commit to write."""

import sys

import click
from flask.cli import with_appcontext

from tracker.auth.services import find_user_by_email
from tracker.clock import today
from tracker.credentials.services import credential_of
from tracker.db import get_session
from tracker.display import points
from tracker.imports import services, sheets
from tracker.imports.parsing import FileProblem
from tracker.served_rulesets import ruleset_of

BAD_INPUT = 2


@click.command("import-activities")
@click.option("--user", "email", required=True, help="The account's email.")
@click.option("--credential", "credential_id", type=int, required=True,
              help="The credential's id (the number in its page's address).")
@click.option("--day-first", is_flag=True,
              help="Read 3/4/2024 as day/month/year (April 3). Without it, dates like that "
                   "are month/day/year (March 4).")
@click.option("--commit", "write", is_flag=True,
              help="Add the activities. Without it, only show what would be added.")
@click.argument("file", type=click.File("rb"))
@with_appcontext
def import_activities(email: str, credential_id: int, day_first: bool, write: bool,
                      file) -> None:
    """Read activities from a CSV or Excel (.xlsx) FILE with the template's columns (or the
    CSV export's) into the person's account, from the page of one of their credentials."""
    session = get_session()
    user = find_user_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No account uses the email {email}.")
    credential = credential_of(session, user, credential_id)
    if credential is None:
        raise click.ClickException(f"{email} has no credential with the id {credential_id}.")
    cycle = credential.current_cycle
    ruleset = ruleset_of(credential, cycle)
    try:
        data = sheets.as_csv(file.read())
    except FileProblem as problem:
        click.echo(str(problem), err=True)
        sys.exit(BAD_INPUT)
    result = services.preview(session, credential, cycle, ruleset, data, today(), day_first)
    echo_preview(result, ruleset)
    if result.file_problem or result.problems:
        click.echo("Nothing was added. Fix the problems above and run this again.", err=True)
        sys.exit(BAD_INPUT)
    if not write:
        click.echo("Nothing was added yet: run again with --commit to add them.")
        return
    if not result.new_rows:
        click.echo("Nothing to add.")
        return
    try:
        added = services.commit(session, user, credential, result)
    except services.ImportFailed as failure:
        click.echo(str(failure), err=True)
        sys.exit(1)
    click.echo(services.added_sentence(added, len(result.duplicates)))


def echo_preview(result: services.Preview, ruleset) -> None:
    if result.file_problem:
        click.echo(result.file_problem, err=True)
        return
    unit = ruleset.points_name
    for row in result.rows:
        if row.values is None:
            continue
        what = f"Row {row.number}: {row.values['kind']} “{row.values['title']}”"
        if row.duplicate:
            click.echo(f"{what}: duplicate, skipped. {row.duplicate}")
        elif row.result is None:
            click.echo(f"{what}: {row.counts_as(ruleset)}")
        else:
            click.echo(f"{what}: {points(row.result.earned)} {unit.of(row.result.earned)} "
                       f"earned, {points(row.result.counted)} count")
    for problem in result.problems:
        click.echo(str(problem), err=True)
    click.echo(f"{len(result.rows)} rows: {len(result.new_rows)} new, "
               f"{len(result.duplicates)} duplicates, {len(result.problems)} problems.")
