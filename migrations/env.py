"""Alembic environment: the schema is SQLModel.metadata; the connection comes from the app."""

from alembic import context
from sqlalchemy import engine_from_config, pool
from sqlmodel import SQLModel

from tracker.imports import models as _import_tables  # noqa: F401 (registers the tables)
from tracker.models import UTCDateTime  # importing the models registers the tables
from tracker.proofs import models as _proof_tables  # noqa: F401 (registers the tables)

config = context.config
target_metadata = SQLModel.metadata


def render_item(type_: str, obj, autogen_context):
    """New migrations write a timestamp column as the type the database holds, so that they do
    not import the app's models (UTCDateTime only reads and writes it in UTC)."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_with(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        run_with(connection)


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run them against a database.")
run_migrations_online()
