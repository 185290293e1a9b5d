"""Flask CLI commands: `db ...`, `rules ...`, `users ...`, `purge-trash`, `send-reminders`, and
(from their own modules) `report`, `import-activities`, `proof`, `backup` and `restore`."""

import json
import sys

import click
from alembic import command
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from tracker import idempotency, mail, migrate
from tracker.activities import services as activity_services
from tracker.auth import two_factor
from tracker.auth.services import find_user_by_email
from tracker.backup import backup_command, restore_command
from tracker.clock import today
from tracker.db import get_engine, get_session
from tracker.display import count_of, plural
from tracker.imports.cli import import_activities
from tracker.models import utcnow
from tracker.proofs.cli import proof_cli
from tracker.reminders import mail as reminder_mail
from tracker.reports.cli import report_command
from tracker.rules import engine
from tracker.rules.cases import CaseError, parse_case, progress_to_json
from tracker.rules.catalog import RuleSetError, load_ruleset
from tracker.rules.kinds import KINDS
from tracker.served_rulesets import catalog

# Exit status for input the command cannot use (a bad rule-set file or case).
BAD_INPUT = 2

db_cli = AppGroup("db", help="Create and upgrade the database schema (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    migrate.upgrade(current_app, revision)
    click.echo(f"Database is at revision {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@click.option("--autogenerate", is_flag=True, help="Compare the models with the database.")
@click.option("--rev-id", help="The new revision's id (e.g. 0003), instead of a random one.")
def db_revision(message: str, autogenerate: bool, rev_id: str | None) -> None:
    """Write a new migration file (for developers)."""
    config = migrate.alembic_config(current_app)
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=autogenerate, rev_id=rev_id)


@db_cli.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    config = migrate.alembic_config(current_app)
    with get_engine().connect() as connection:
        config.attributes["connection"] = connection
        command.current(config)


rules_cli = AppGroup("rules", help="Check rule-set files and evaluate cases with the engine.")


@rules_cli.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def rules_check(path: str) -> None:
    """Validate a rule-set file: a summary, the share of its figures that are published and
    the kinds of activity it counts, or every problem (a figure without provenance among them)
    and exit 2."""
    try:
        ruleset = load_ruleset(path)
    except RuleSetError as error:
        click.echo(f"{path}: {len(error.problems)} problem(s)", err=True)
        for problem in error.problems:
            click.echo(f"  - {problem}", err=True)
        sys.exit(BAD_INPUT)
    click.echo(
        f"{path}: OK: {ruleset.code} {ruleset.version} ({ruleset.name}), "
        f"{ruleset.points_required} {ruleset.points_name.plural} every "
        f"{ruleset.cycle_years} years, {len(ruleset.categories)} categories, "
        f"{len(ruleset.modules)} modules"
    )
    click.echo(f"{path}: provenance: {ruleset.provenance_summary}")
    counted = ruleset.counted_kinds
    click.echo(f"{path}: kinds: counts {len(counted)} of {len(KINDS)} kinds of activity "
               f"({', '.join(counted)})")


@rules_cli.command("evaluate")
@click.argument("case", type=click.File("r"))
def rules_evaluate(case) -> None:
    """Evaluate one case (a JSON file, or - for standard input) and print the result as JSON."""
    try:
        data = json.load(case)
    except json.JSONDecodeError as error:
        click.echo(f"The case is not valid JSON: {error}", err=True)
        sys.exit(BAD_INPUT)
    try:
        ruleset, cycle, activities, today = parse_case(data, catalog())
    except CaseError as error:
        for problem in error.problems:
            click.echo(problem, err=True)
        sys.exit(BAD_INPUT)
    progress = engine.evaluate(ruleset, cycle, activities, today)
    click.echo(json.dumps(progress_to_json(progress), indent=2))


users_cli = AppGroup("users", help="Help people with their accounts.")


@users_cli.command("turn-off-two-factor")
@click.argument("email")
def users_turn_off_two_factor(email: str) -> None:
    """Turn off two-factor sign-in for the account of EMAIL, who lost their phone and passkeys
    and has no recovery code: remove its app, passkeys and recovery codes, and email them."""
    session = get_session()
    user = find_user_by_email(session, email)
    if user is None:
        click.echo(f"No account uses the email {email}. Nothing was changed.", err=True)
        sys.exit(1)
    removed = two_factor.turn_off_everything(session, user)
    if not removed.anything:
        click.echo(f"Two-factor sign-in was already off for {user.email}. Nothing was changed.")
        return
    parts = []
    if removed.app:
        parts.append("the code app")
    if removed.passkeys:
        parts.append(count_of(removed.passkeys, "passkey", "passkeys"))
    if removed.recovery_codes:
        parts.append(count_of(removed.recovery_codes, "recovery code", "recovery codes"))
    listed = " and ".join([", ".join(parts[:-1]), parts[-1]]) if len(parts) > 1 else parts[0]
    click.echo(f"Turned off two-factor sign-in for {user.email}: removed {listed}. "
               "They can now log in with their password alone.")
    _tell_two_factor_off(user)


def _tell_two_factor_off(user) -> None:
    """Email the person that two-factor sign-in was turned off, and say whether it left."""
    if current_app.config["MAIL_MODE"] == mail.OFF:
        click.echo("RECERT_MAIL is off: no email was sent. Tell them yourself.")
        return
    # No request here: the links need the site's address (RECERT_BASE_URL).
    links = {"settings_link": mail.link("two_factor.index"),
             "reset_link": mail.link("password_reset.forgot")} \
        if current_app.config["BASE_URL"] else {}
    if not mail.send(user.display_name, user.email, "Two-factor sign-in was turned off",
                     "two_factor_turned_off", **links):
        click.echo(f"The email to {user.email} could not be sent ({mail.destination()}). "
                   "Tell them yourself.", err=True)
        sys.exit(1)
    click.echo(f"Sent {user.email} an email saying so.")


@click.command("purge-trash")
@with_appcontext
def purge_trash() -> None:
    """Delete for good the activities that have been in the trash for 30 days, and the
    requests kept for retries for a day (for cron)."""
    removed = activity_services.purge_trash(get_session(), utcnow())
    click.echo(f"Deleted {count_of(removed, 'activity', 'activities')} for good.")
    forgotten = idempotency.forget_expired(get_session(), utcnow())
    click.echo(f"Forgot {count_of(forgotten, 'request', 'requests')} kept for retries.")


@click.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Email each person the reminders that fell due since the last run (for cron)."""
    mode = current_app.config["MAIL_MODE"]
    if mode == mail.OFF:
        click.echo("RECERT_MAIL is off: no reminders were sent.")
        return
    try:
        report = reminder_mail.send_due_reminders(get_session(), today())
    except mail.BadSmtpUrl as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    except reminder_mail.SendFailed as error:
        if error.report.emails:
            _echo_sent(error.report, mode)
        click.echo(f"{error}. Reminders not sent go out on the next run.", err=True)
        sys.exit(1)
    _echo_sent(report, mode)
    if report.refused:
        click.echo(f"The server refused these addresses: {', '.join(report.refused)}.",
                   err=True)
        sys.exit(1)


def _echo_sent(report: reminder_mail.SendReport, mode: str) -> None:
    emails = plural(report.emails, "email", "emails")
    reminders = count_of(report.reminders, "reminder", "reminders")
    where = f" to {mail.destination()}" if mode == mail.FILES else ""
    click.echo(f"Sent {report.emails} reminder {emails} ({reminders}){where}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
    app.cli.add_command(rules_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(purge_trash)
    app.cli.add_command(report_command)
    app.cli.add_command(send_reminders)
    app.cli.add_command(import_activities)
    app.cli.add_command(proof_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
