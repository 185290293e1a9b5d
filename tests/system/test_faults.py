"""When the database goes away, or a request dies halfway: plain 503 pages, recovery on its
own, and nothing half-saved."""

import socket
import sqlite3
import threading
import time
from contextlib import contextmanager, suppress
from datetime import date

import pytest
from sqlalchemy import create_engine, event, exc, make_url, text
from sqlmodel import func, select

from tests.api.helpers import ApiClient, make_token
from tests.helpers import AuthActions, add_cpt, csrf_token, image_bytes
from tests.live_server import (
    Browser,
    free_port,
    gunicorn,
    hidden_fields,
    multipart,
    server_environment,
)
from tracker import create_app
from tracker.db import get_session, make_engine
from tracker.models import Activity, ChangeRecord, Evidence, HeldCredential

DOWN_TITLE = "Recert is not available right now"
DOWN_MESSAGE = "We cannot reach our database. Nothing was saved."
CPT_MODULES = {"module_safety": "y", "module_quality": "y", "module_production": "y",
               "module_maintenance": "y"}
ACTIVITY = {"kind": "training", "title": "Forklift safety", "provider": "Acme Training",
            "completed_on": "2024-05-01", "quantity": "8"}


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def assert_down_page(response) -> None:
    """The 503 page: the site's layout and plain words, nothing about the machinery."""
    assert response.status_code == 503
    body = response.text
    assert DOWN_TITLE in body and DOWN_MESSAGE in body
    assert '<nav aria-label="Main">' in body and "Keep your credential alive." in body
    for leak in ("Traceback", "OperationalError", "psycopg", "sqlite3", "Connection refused"):
        assert leak not in body


def count(app, model) -> int:
    with app.app_context():
        return get_session().exec(select(func.count()).select_from(model)).one()


@contextmanager
def database_gone(app, tmp_path):
    """Point the running app at a database that cannot be reached; put it back after."""
    if is_sqlite(app.config["DATABASE_URL"]):
        unreachable = f"sqlite:///{tmp_path / 'no such folder' / 'recert.db'}"
    else:
        unreachable = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/recert"
    working = app.extensions["recert_engine"]
    app.extensions["recert_engine"] = make_engine(unreachable)
    try:
        yield
    finally:
        app.extensions["recert_engine"].dispose()
        app.extensions["recert_engine"] = working


def test_pages_answer_503_in_the_layout_while_the_database_is_gone(app, user_client, tmp_path):
    credential_id = add_cpt(user_client)
    form = user_client.get(f"/credentials/{credential_id}/activities/new")
    visitor = app.test_client()
    login_form = visitor.get("/auth/login")

    with database_gone(app, tmp_path):
        assert_down_page(user_client.get("/"))
        assert_down_page(user_client.get(f"/credentials/{credential_id}"))
        # A form filled in before the database went away is sent: 503, not a half save.
        assert_down_page(user_client.post(f"/credentials/{credential_id}/activities/new",
                                          data={"csrf_token": csrf_token(form.text),
                                                **ACTIVITY}))
        assert_down_page(visitor.post("/auth/login", data={
            "csrf_token": csrf_token(login_form.text), "email": "pat@example.com",
            "password": "correct horse battery"}))
        health = visitor.get("/healthz")
        assert health.status_code == 503
        assert health.json["status"] == "unavailable"
        assert "Set-Cookie" not in health.headers

    # Back again: the same person is still logged in, and the activity was never saved.
    home = user_client.get("/")
    assert home.status_code == 200 and "Log out" in home.text
    assert count(app, Activity) == 0
    assert visitor.get("/healthz").json == {"status": "ok", "database": "ok"}


def test_the_api_answers_a_503_problem_while_the_database_is_gone(app, user_client, tmp_path):
    api = ApiClient(app, make_token(user_client))
    with database_gone(app, tmp_path):
        response = api.get("/credentials")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == 503
    assert "Traceback" not in response.text and "sqlite3" not in response.text
    assert api.get("/credentials").status_code == 200  # and back by itself


def test_a_connection_killed_in_the_middle_of_a_change_gives_503_and_keeps_nothing(
        app, user_client, cpt, database_url):
    """PostgreSQL ends the request's connection between two of its statements (the history
    line is written, the credential is next), as a restarted server or a failover would."""
    if is_sqlite(database_url):
        pytest.skip("PostgreSQL only: a SQLite database is a file, with no connection to lose")
    edit = f"/credentials/{cpt}/edit"
    form = {"csrf_token": csrf_token(user_client.get(edit).text), "certified_on": "2023-01-10",
            "certificate_number": "CPT-999", **CPT_MODULES}
    engine, admin = app.extensions["recert_engine"], create_engine(database_url)
    history = count(app, ChangeRecord)
    statements, disconnects = [], []

    def kill_before_the_update(_conn, cursor, statement, *_args):
        statements.append(statement.split(" ", 1)[0])
        if statement.startswith("UPDATE held_credentials"):
            with admin.begin() as connection:  # waits (up to 5 s) until it is gone
                connection.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                                   {"pid": cursor.connection.info.backend_pid})

    def note(context):
        disconnects.append(context.is_disconnect)

    event.listen(engine, "before_cursor_execute", kill_before_the_update)
    event.listen(engine, "handle_error", note)
    try:
        response = user_client.post(edit, data=form)
    finally:
        event.remove(engine, "before_cursor_execute", kill_before_the_update)
        event.remove(engine, "handle_error", note)
        admin.dispose()
    assert "INSERT" in statements  # the change had begun
    assert disconnects == [True]  # SQLAlchemy saw the connection lost, not a bad statement
    assert_down_page(response)
    with app.app_context():
        credential = get_session().get(HeldCredential, cpt)
        assert (credential.certified_on, credential.certificate_number) == (date(2022, 3, 15), "")
    assert count(app, ChangeRecord) == history
    # The next request gets a new connection; the same form then saves.
    assert "Log out" in user_client.get("/").text
    assert user_client.post(edit, data=form).status_code == 302
    assert "CPT-999" in user_client.get(f"/credentials/{cpt}").text


@contextmanager
def commit_killed(app, database_url):
    """PostgreSQL ends the connection just as a change is committed."""
    if is_sqlite(database_url):
        pytest.skip("PostgreSQL only: a SQLite database is a file, with no connection to lose")
    engine, admin = app.extensions["recert_engine"], create_engine(database_url)

    def kill_at_the_commit(connection):
        with admin.begin() as other:  # waits (up to 5 s) until it is gone
            other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"),
                          {"pid": connection.connection.dbapi_connection.info.backend_pid})

    event.listen(engine, "commit", kill_at_the_commit)
    try:
        yield
    finally:
        event.remove(engine, "commit", kill_at_the_commit)
        admin.dispose()


UNCONFIRMED = "we could not confirm the save. Check your list before you try again."


def test_a_connection_killed_at_the_commit_says_the_save_is_not_confirmed(
        app, user_client, cpt, database_url):
    """Whether the change was saved cannot be known from here, so the page must not say
    "nothing was saved" (a person who then tries again could make a duplicate), and the lost
    connection's rollback at the end of the request does not turn it into a bare 500."""
    edit = f"/credentials/{cpt}/edit"
    form = {"csrf_token": csrf_token(user_client.get(edit).text), "certified_on": "2023-01-10",
            "certificate_number": "CPT-999", **CPT_MODULES}
    with commit_killed(app, database_url):
        response = user_client.post(edit, data=form)
    assert response.status_code == 503
    assert UNCONFIRMED in response.text
    assert DOWN_MESSAGE not in response.text  # not "Nothing was saved"
    assert "Traceback" not in response.text


def test_the_api_says_the_save_is_not_confirmed_either(app, user_client, cpt, database_url):
    api = ApiClient(app, make_token(user_client))
    with commit_killed(app, database_url):
        response = api.post("/api/v2/activities", json={
            "kind": "training", "title": "Lean basics", "completed_on": "2024-05-01",
            "quantity": "2"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert UNCONFIRMED in response.json["detail"]


# psycopg 3 reports every lost connection as an OperationalError (above: AdminShutdown), so
# these are made by hand: what SQLAlchemy raises for a driver that calls it otherwise (psycopg2's
# InterfaceError "connection already closed"), and for a plain mistake in a statement.
LOST = exc.InterfaceError("SELECT 1", {}, sqlite3.InterfaceError("connection already closed"),
                          connection_invalidated=True)
MISTAKE = exc.InterfaceError("SELECT ?", {}, sqlite3.InterfaceError("bad parameter"))


@pytest.mark.parametrize("error", [LOST, MISTAKE], ids=["lost", "mistake"])
def test_only_a_lost_connection_is_a_503_among_other_database_errors(error):
    site = create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})

    @site.get("/raises")
    def raises():
        raise error

    client = site.test_client()
    if error.connection_invalidated:
        assert_down_page(client.get("/raises"))
    else:  # a bug: Flask's own handling (in tests: raised to the test)
        with pytest.raises(exc.InterfaceError):
            client.get("/raises")


class TcpProxy:
    """Passes connections on to PostgreSQL; stop() is the database going away, start() its
    return on the same address."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.connections: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.listener.settimeout(0.05)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        listener, self.listener = self.listener, None
        listener.close()
        for connection in self.connections:
            with suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        self.connections.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self.listener is listener:
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.connections += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)


def test_the_app_recovers_by_itself_when_postgresql_comes_back(app, database_url):
    if is_sqlite(database_url):
        pytest.skip("PostgreSQL only: a SQLite database is a file, not a server to lose")
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    through_proxy = url.set(host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False)
    site = create_app({"TESTING": True, "DATABASE_URL": through_proxy})
    client = site.test_client()
    try:
        assert AuthActions(client).register().status_code == 302
        add_cpt(client)
        assert "Log out" in client.get("/").text

        proxy.stop()
        assert_down_page(client.get("/"))
        assert client.get("/healthz").status_code == 503

        proxy.start()  # the same app, not restarted
        home = client.get("/")
        assert home.status_code == 200
        assert "Log out" in home.text and "MSSC" in home.text
        assert client.get("/healthz").status_code == 200
    finally:
        site.extensions["recert_engine"].dispose()
        if proxy.listener is not None:
            proxy.stop()


# --- A real gunicorn, and requests that die halfway -------------------------------------

@pytest.fixture(scope="module")
def live_server(database_url, tmp_path_factory):
    """gunicorn with one worker, in production mode, over the test database."""
    tmp_path = tmp_path_factory.mktemp("gunicorn")
    env = server_environment(database_url, tmp_path / "instance")
    with gunicorn(env, tmp_path / "logs", workers=1) as server:
        yield server


def new_person_with_cpt(server, email: str) -> tuple[Browser, str]:
    browser = Browser()
    assert browser.register(server.url, email).status == 302
    created = browser.submit(f"{server.url}/credentials/new/mssc-cpt",
                             {"certified_on": "2022-03-15", **CPT_MODULES})
    assert created.status == 302
    return browser, created.headers["Location"].rsplit("/", 1)[-1]


def test_an_upload_cut_off_halfway_leaves_nothing_behind(app, live_server):
    pat, credential = new_person_with_cpt(live_server, "cut@example.com")
    url = f"{live_server.url}/credentials/{credential}/activities/new"
    token = csrf_token(pat.get(url).text)
    scan = image_bytes("png", 1000, 1000, noise=True)
    body, content_type = multipart({"csrf_token": token, **ACTIVITY},
                                   {"evidence": ("scan.png", scan, "image/png")})

    # The browser sends the headers and half of a 3 MB upload, then the connection drops.
    with socket.create_connection(("127.0.0.1", int(live_server.url.rsplit(":", 1)[1]))) as cut:
        cut.sendall(
            f"POST /credentials/{credential}/activities/new HTTP/1.1\r\n"
            f"Host: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nCookie: {pat.cookie_header()}\r\n\r\n".encode()
            + body[: len(body) // 2])
    time.sleep(0.5)

    listing = pat.get(f"{live_server.url}/credentials/{credential}/activities")
    assert listing.status == 200 and "Forklift safety" not in listing.text
    assert (count(app, Activity), count(app, Evidence)) == (0, 0)
    # The same upload sent whole is saved: the server was not left stuck.
    saved = pat.request(url, body, {"Content-Type": content_type})
    assert saved.status == 302
    assert (count(app, Activity), count(app, Evidence)) == (1, 1)


@contextmanager
def activities_locked(database_url: str):
    """Another writer holds the activities table, so a save waits for it."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        if is_sqlite(database_url):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(text("LOCK TABLE activities IN EXCLUSIVE MODE"))
        try:
            yield
        finally:
            connection.rollback()
    engine.dispose()


def wait_until_blocked(database_url: str, request: threading.Thread) -> None:
    """Until the import waits for the lock (PostgreSQL shows it; SQLite gets a moment)."""
    if is_sqlite(database_url):
        time.sleep(1.5)
    else:
        name = make_url(database_url).query["application_name"]
        engine = create_engine(database_url)
        deadline = time.monotonic() + 15
        with engine.connect() as connection:
            while not connection.execute(text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name "
                    "AND wait_event_type = 'Lock'"), {"name": name}).scalar():
                assert time.monotonic() < deadline, "the import never reached the lock"
                connection.rollback()
                time.sleep(0.05)
        engine.dispose()
    assert request.is_alive(), "the import finished instead of waiting for the lock"


def test_a_worker_killed_in_the_middle_of_an_import_leaves_nothing_behind(
        app, database_url, live_server):
    pat, credential = new_person_with_cpt(live_server, "import@example.com")
    rows = "".join(f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d},CE-TRAINING,Course {n},Acme,1.5\r\n"
                   for n in range(100))
    upload = f"{live_server.url}/credentials/{credential}/import"
    preview = pat.submit(f"{upload}/preview", {}, form_page=upload, files={
        "file": ("activities.csv",
                 ("Date completed,Category,Title,Provider,Quantity\r\n" + rows).encode(),
                 "text/csv")})
    assert preview.status == 200 and "100 to add" in preview.text

    confirm = f"{upload}/confirm"
    answers = []
    with activities_locked(database_url):
        request = threading.Thread(target=lambda: answers.append(
            post_form(pat, preview.text, confirm)), daemon=True)
        request.start()
        wait_until_blocked(database_url, request)
        live_server.kill_workers()  # the worker dies while the rows are being written
        request.join(timeout=10)
    assert answers and answers[0] is None  # the person got no answer at all

    assert count(app, Activity) == 0
    assert not [summary for summary in change_summaries(app) if "Imported" in summary]
    # gunicorn starts a new worker; the same confirm then adds all 100 rows.
    listing = pat.get(f"{live_server.url}/credentials/{credential}/activities")
    assert listing.status == 200 and "Course 7" not in listing.text
    assert post_form(pat, preview.text, confirm).status == 302
    assert count(app, Activity) == 100


def change_summaries(app) -> list[str]:
    with app.app_context():
        return list(get_session().exec(select(ChangeRecord.summary)).all())


def post_form(browser: Browser, page: str, url: str):
    fields = hidden_fields(page, url)
    body, content_type = multipart(fields, {})
    try:
        return browser.request(url, body, {"Content-Type": content_type})
    except OSError:
        return None


def test_health_is_json_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}
    assert "Set-Cookie" not in response.headers
    # Probed every few seconds by a load balancer: never rate limited.
    for _ in range(50):
        assert client.get("/healthz").status_code == 200

