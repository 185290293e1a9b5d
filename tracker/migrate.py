"""Alembic migrations, run against the app's own engine."""

from alembic import command
from alembic.config import Config
from flask import Flask
from sqlalchemy import text

from tracker.db import get_engine
from tracker.paths import resource_dir

# The PostgreSQL advisory lock every Recert upgrade holds ("recert" in ASCII): `make serve`
# upgrades on each server as it starts, and servers starting together take turns.
UPGRADE_LOCK = int.from_bytes(b"recert", "big")


def alembic_config(app: Flask) -> Config:
    config = Config()
    config.set_main_option("script_location", str(resource_dir("migrations")))
    # Alembic reads %-interpolation in option values: a password with % must be escaped.
    config.set_main_option("sqlalchemy.url", app.config["DATABASE_URL"].replace("%", "%%"))
    return config


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the database to `revision` in one transaction. On PostgreSQL that transaction
    first waits for any other upgrade's to end, then finds the version that one left: a
    second server starting at the same moment has nothing left to do."""
    config = alembic_config(app)
    with app.app_context(), get_engine().begin() as connection:
        if connection.dialect.name == "postgresql":
            # Released when the transaction ends, committed or not.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                               {"key": UPGRADE_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
