"""`flask --app tracker backup PATH` and `restore PATH [--replace]`: the whole instance, one file.

A backup is itself an SQLite database: every table of the models, `alembic_version`, and a
`recert_backup` table that marks it as ours. From SQLite, SQLite's online backup API copies the
live database (never a copy of the file while it is in use); from PostgreSQL, the rows are
copied in batches, in one snapshot, into a new file made from the models. Restore copies the
rows back in one transaction, in foreign-key order, into SQLite or PostgreSQL alike, once
every row of the file has passed tracker.backup_checks (nothing is written otherwise).

Timestamps are copied in UTC (tracker.models.UTCDateTime reads and writes them so on either
database).
"""

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    func,
    literal,
    select,
)
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from tracker import migrate
from tracker.backup_checks import backup_problems, batch_size, reason
from tracker.db import get_engine
from tracker.display import count_of

FORMAT = "recert-backup"
FORMAT_VERSION = "1"
# Exit status for a file the command cannot use (missing, not a backup, another schema).
BAD_INPUT = 2

_backup_metadata = MetaData()
MARKER = Table(
    "recert_backup", _backup_metadata,
    Column("key", String(40), primary_key=True),
    Column("value", String(200), nullable=False),
)
VERSION_TABLE = Table(
    "alembic_version", _backup_metadata,
    Column("version_num", String(32), primary_key=True),
)


class BackupError(click.ClickException):
    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write the whole instance (every account, activity and file) to one file, PATH."""
    engine = get_engine()
    _check_backup_path(engine, path)
    revision = _database_revision(engine)
    if revision is None:
        raise BackupError("The database has no tables yet: there is nothing to back up.")
    if engine.dialect.name != "sqlite" and revision != _head_revision():
        raise BackupError(f"The database is at schema revision {revision} but this Recert needs "
                          f"{_head_revision()}: run `flask --app tracker db upgrade` first.")
    try:
        descriptor, name = tempfile.mkstemp(prefix=".recert-backup-", suffix=".tmp",
                                            dir=path.parent)
    except OSError as error:
        raise BackupError(f"Cannot write in {path.parent}: {error.strerror}.") from error
    os.close(descriptor)
    partial = Path(name)
    try:
        if engine.dialect.name == "sqlite":
            _copy_live_sqlite(engine, partial)
        else:
            _copy_rows_to_file(engine, partial, revision)
        _mark_as_backup(partial, engine.dialect.name)
        counts = _file_counts(partial)
        os.replace(partial, path)
    except (SQLAlchemyError, sqlite3.Error) as error:
        raise BackupError(f"The backup failed and wrote nothing: {reason(error)}") from error
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Wrote {path}: {_summary(counts)} (schema revision {revision}).")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True,
              help="Delete everything the database holds, then restore the backup.")
@with_appcontext
def restore_command(path: Path, replace: bool) -> None:
    """Put back a backup made by `backup`, all of it or nothing, into an empty database."""
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.", BAD_INPUT)
    engine = get_engine()
    with _open_backup(path) as backup:
        backup_revision = _backup_revision(backup, path)
        revision = _database_revision(engine)
        if revision is None:
            raise BackupError("The database has no tables yet: run "
                              "`flask --app tracker db upgrade` first.")
        _check_revisions(path, backup_revision, revision, _head_revision())
        if not replace:
            _check_empty(engine)
        _check_rows(backup)
        try:
            counts = _restore_rows(backup, engine, replace)
        except SQLAlchemyError as error:
            message = f"The restore failed and changed nothing: {reason(error)}"
            raise BackupError(message) from error
    click.echo(f"Restored {path}: {_summary(counts)}.")


# Backing up


def _check_backup_path(engine: Engine, path: Path) -> None:
    if not path.parent.is_dir():
        raise BackupError(f"There is no folder {path.parent}.")
    if not path.exists():
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if database and Path(database).exists() and path.samefile(database):
        raise BackupError(f"{path} is the database itself: choose another file.")
    if not _is_backup(path):
        raise BackupError(f"{path} exists and is not a Recert backup: choose another file.")


def _copy_live_sqlite(engine: Engine, target_path: Path) -> None:
    """SQLite's online backup API: a consistent copy, even while the app writes."""
    source = engine.raw_connection()
    try:
        target = sqlite3.connect(target_path)
        try:
            source.driver_connection.backup(target)
        finally:
            target.close()
    finally:
        source.close()


def _copy_rows_to_file(engine: Engine, target_path: Path, revision: str) -> None:
    """PostgreSQL: every row, table by table, from one snapshot into a new SQLite file."""
    target = create_engine(URL.create("sqlite", database=str(target_path)))
    try:
        with target.begin() as out, engine.connect() as source:
            SQLModel.metadata.create_all(out)
            VERSION_TABLE.create(out)
            out.execute(VERSION_TABLE.insert(), {"version_num": revision})
            source.execution_options(isolation_level="REPEATABLE READ",
                                     postgresql_readonly=True)
            with source.begin():
                for table in SQLModel.metadata.sorted_tables:
                    _copy_table(source, out, table)
    finally:
        target.dispose()


def _mark_as_backup(path: Path, dialect: str) -> None:
    connection = sqlite3.connect(path)
    try:
        # One self-contained file, without the live database's write-ahead log mode.
        connection.execute("PRAGMA journal_mode=DELETE")
        # In case the live database was itself a backup file.
        connection.execute("DROP TABLE IF EXISTS recert_backup")
        connection.execute("CREATE TABLE recert_backup "
                           "(key VARCHAR(40) PRIMARY KEY, value VARCHAR(200) NOT NULL)")
        connection.executemany("INSERT INTO recert_backup (key, value) VALUES (?, ?)", [
            ("format", FORMAT),
            ("format_version", FORMAT_VERSION),
            ("made_at", datetime.now(UTC).isoformat(timespec="seconds")),
            ("made_from", dialect),
            ("recert_version", current_app.config.get("VERSION", "")),
        ])
        connection.commit()
    finally:
        connection.close()


def _is_backup(path: Path) -> bool:
    try:
        with _open_backup(path) as backup, backup.connect() as connection:
            value = connection.execute(
                select(MARKER.c.value).where(MARKER.c.key == "format")
            ).scalar()
    except SQLAlchemyError:
        return False
    return value == FORMAT


def _file_counts(path: Path) -> dict[str, int]:
    with _open_backup(path) as backup, backup.connect() as connection:
        return {table.name: connection.execute(select(func.count()).select_from(table)).scalar()
                for table in SQLModel.metadata.sorted_tables}


# Restoring


@contextlib.contextmanager
def _open_backup(path: Path) -> Iterator[Engine]:
    """The backup file, read-only: restoring never changes it."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True))
    try:
        yield engine
    finally:
        engine.dispose()


def _backup_revision(backup: Engine, path: Path) -> str:
    try:
        with backup.connect() as connection:
            marker = dict(connection.execute(select(MARKER.c.key, MARKER.c.value)).all())
            revision = connection.execute(select(VERSION_TABLE.c.version_num)).scalar()
    except SQLAlchemyError:
        marker, revision = {}, None
    if marker.get("format") != FORMAT or revision is None:
        raise BackupError(f"{path} is not a Recert backup.", BAD_INPUT)
    return revision


def _check_revisions(path: Path, backup: str, database: str, head: str) -> None:
    if backup != database:
        hint = ("run `flask --app tracker db upgrade` first" if backup == head
                else "restore it with the Recert version that made it, then upgrade")
        raise BackupError(f"{path} is a backup of schema revision {backup} but the database is "
                          f"at {database}: {hint}.", BAD_INPUT)
    if database != head:
        raise BackupError(f"The backup and the database are at schema revision {database} but "
                          f"this Recert needs {head}: restore with the Recert version that "
                          f"made the backup, then upgrade.", BAD_INPUT)


def _restore_rows(backup: Engine, engine: Engine, replace: bool) -> dict[str, int]:
    tables = SQLModel.metadata.sorted_tables
    with backup.connect() as source, engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # Take the write lock now, so nothing is written between the check and the copy.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        if _holds_data(connection):
            if not replace:
                raise _not_empty()
            for table in reversed(tables):
                connection.execute(table.delete())
        counts = {table.name: _copy_table(source, connection, table) for table in tables}
        if connection.dialect.name == "postgresql":
            _reset_sequences(connection)
    return counts


def _check_rows(backup: Engine) -> None:
    """Every problem of the backup on a line of its own, before anything is written."""
    found = 0
    with backup.connect() as source:
        for problem in backup_problems(source):
            click.echo(f"Error: {problem.removesuffix('.')}.", err=True)
            found += 1
    if found:
        raise click.exceptions.Exit(BAD_INPUT)


def _check_empty(engine: Engine) -> None:
    """Early, so a long check of the backup does not end in this (the copy checks again)."""
    with engine.connect() as connection:
        if _holds_data(connection):
            raise _not_empty()


def _not_empty() -> BackupError:
    return BackupError("The database is not empty: add --replace to delete what it holds and "
                       "restore the backup instead.")


def _holds_data(connection: Connection) -> bool:
    return any(
        connection.execute(select(literal(1)).select_from(table).limit(1)).first()
        for table in SQLModel.metadata.sorted_tables
    )


def _reset_sequences(connection: Connection) -> None:
    """New rows must get ids after the restored ones."""
    quote_name = connection.dialect.identifier_preparer.quote
    for table in SQLModel.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        key = keys[0]
        sequence = func.pg_get_serial_sequence(quote_name(table.name), key.name)
        connection.execute(select(func.setval(
            sequence, func.coalesce(func.max(key), 1), func.max(key).is_not(None)
        )).select_from(table))


# Both ways


def _copy_table(source: Connection, target: Connection, table: Table) -> int:
    """Every row of `table`, in batches, in primary-key order; returns how many."""
    query = select(table).order_by(*table.primary_key.columns)
    result = source.execute(query.execution_options(yield_per=batch_size(table)))
    copied = 0
    for rows in result.partitions():
        target.execute(table.insert(), [dict(row._mapping) for row in rows])
        copied += len(rows)
    return copied


def _database_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        raise BackupError(f"Cannot read the database: {reason(error)}") from error


def _head_revision() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config(current_app)).get_current_head()


def _summary(counts: dict[str, int]) -> str:
    return ", ".join([
        count_of(counts.get("users", 0), "account", "accounts"),
        count_of(counts.get("activities", 0), "activity", "activities"),
        count_of(counts.get("evidence", 0), "proof file", "proof files"),
    ])
