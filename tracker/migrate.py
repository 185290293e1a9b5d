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
    second server starting at the same moment has nothing left to do.

    On SQLite, foreign keys are off while it runs (and checked after): SQLite changes a table
    by copying it and dropping the old one, and dropping a table with foreign keys on deletes
    the rows that refer to it (ON DELETE CASCADE), e.g. every file of every activity. The
    pragma only takes effect outside a transaction, so it is set before the upgrade's."""
    config = alembic_config(app)
    with app.app_context(), get_engine().connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()  # ends SQLAlchemy's own begun transaction (nothing in it)
        try:
            with connection.begin():
                if connection.dialect.name == "postgresql":
                    # Released when the transaction ends, committed or not.
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": UPGRADE_LOCK})
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"The upgrade left rows without their parent: {broken}")
        finally:
            if sqlite:
                connection.rollback()
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()
