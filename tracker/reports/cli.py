"""`flask --app tracker report`: the report, the CSV, the packet or the full export, to a file."""

import json

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker.auth.services import find_user_by_email
from tracker.clock import today
from tracker.credentials.services import credential_of
from tracker.db import get_session
from tracker.reports import documents
from tracker.reports.export import full_export
from tracker.reports.packet import packet_chunks

REPORT_FORMATS = ("pdf", "html", "csv", "json", "zip")


@click.command("report")
@click.option("--user", "email", required=True, help="The account's email.")
@click.option("--credential", "credential_id", type=int,
              help="The credential's id (the number in its page's address); not for json.")
@click.option("--format", "kind", type=click.Choice(REPORT_FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), required=True,
              help="The file to write.")
@with_appcontext
def report_command(email: str, credential_id: int | None, kind: str, output: str) -> None:
    """Write a credential's report (pdf, html, csv, zip) or the account's full export (json)."""
    session = get_session()
    user = find_user_by_email(session, email)
    if user is None:
        raise click.ClickException(f"No account uses the email {email}.")
    with current_app.test_request_context(), open(output, "wb") as target:
        if kind == "json":
            document = full_export(session, user, today())
            target.write(json.dumps(document, indent=2, ensure_ascii=False).encode())
        else:
            credential = credential_of(session, user, credential_id or 0)
            if credential is None:
                raise click.ClickException(
                    f"{email} has no credential with the id {credential_id}."
                )
            built = documents.build_report(session, user, credential, today())
            if kind == "pdf":
                target.write(documents.render_pdf(built))
            elif kind == "html":
                target.write(documents.render_html(built, standalone=True).encode())
            elif kind == "csv":
                target.write(documents.activities_csv(built).encode())
            else:
                for chunk in packet_chunks(session, built):
                    target.write(chunk)
    click.echo(f"Wrote {output}.")
