"""The database: one SQLAlchemy engine per app, one session per request."""

from flask import Flask, current_app, g
from sqlalchemy import Engine, event, make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

# Imported for its flush hook: every change to activities must reach the cached ledgers.
from tracker import ledger  # noqa: F401


def make_engine(url: str) -> Engine:
    """An engine that checks connections before use, so the app recovers after a restart."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    # A page should answer "not available" within seconds when the server cannot be reached,
    # not hang until the worker is killed; an address may set its own connect_timeout.
    connect_args = {} if "connect_timeout" in make_url(url).query else {"connect_timeout": 5}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer commits; SQLite leaves foreign keys off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def get_engine() -> Engine:
    return current_app.extensions["recert_engine"]


class RequestSession(Session):
    """A request's session that knows when a commit failed after the database was asked to
    commit: the changes may or may not be saved (the answer was lost with the connection), so
    the page must not say "nothing was saved" (tracker.errors.SaveUnconfirmed)."""

    outcome_unknown = False
    # While set, commit() only flushes: the request commits once, at its end, with its answer
    # (tracker.idempotency).
    commits_deferred = False

    def commit(self) -> None:
        self.flush()  # a failure here: nothing was sent to commit, nothing saved
        if self.commits_deferred:
            return
        try:
            super().commit()
        except DBAPIError:
            self.outcome_unknown = True
            raise


def get_session() -> Session:
    """The session of the current request, opened on first use."""
    if "db_session" not in g:
        g.db_session = RequestSession(get_engine(), expire_on_commit=False)
    return g.db_session


def close_session(_exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is None:
        return
    try:
        session.close()
    except DBAPIError as error:  # a rollback on a lost connection: the answer is made already
        current_app.logger.warning("Could not close the database session: %s", error.orig)


def init_app(app: Flask) -> None:
    app.extensions["recert_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)
