"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

from tracker import create_app


def test_migrations_match_the_models(app):
    # The test database was built by running every migration (see conftest).
    with app.extensions["recert_engine"].connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}),
            SQLModel.metadata,
        )
    assert differences == []


def test_db_upgrade_command_creates_a_new_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    runner = create_app({"DATABASE_URL": url}).test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "Database is at revision head." in result.output
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {table.name for table in SQLModel.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables
    again = runner.invoke(args=["db", "upgrade"])
    assert again.exit_code == 0, again.output
