"""Flask CLI commands: `flask --app tracker db ...`."""

import click
from alembic import command
from flask import Flask, current_app
from flask.cli import AppGroup

from tracker import schema
from tracker.db import get_engine

db_cli = AppGroup("db", help="Create and upgrade the database schema (Alembic).")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    schema.upgrade(current_app, revision)
    click.echo(f"Database is at revision {revision}.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@click.option("--autogenerate", is_flag=True, help="Compare the models with the database.")
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration file (for developers)."""
    config = schema.alembic_config(current_app)
    with get_engine().begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=autogenerate)


@db_cli.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    config = schema.alembic_config(current_app)
    with get_engine().connect() as connection:
        config.attributes["connection"] = connection
        command.current(config)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_cli)
