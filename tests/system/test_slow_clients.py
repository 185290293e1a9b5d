"""Slow clients (issue 15, finding 10): four uploads trickling one byte a second must not
freeze a server; gunicorn's threads serve /healthz meanwhile, and a body or headers sent too
slowly are cut off (tracker.gunicorn_conf)."""

import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import ExitStack, suppress

from tests.live_server import gunicorn, server_environment
from tracker import create_app, migrate

SLOW_UPLOADS = 4


def slow_upload(url: str) -> socket.socket:
    """A socket that sent an upload's headers (a 1 MB body announced) and nothing more yet."""
    parts = urllib.parse.urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    sock.sendall(b"POST /auth/login HTTP/1.1\r\nHost: localhost\r\n"
                 b"Content-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 1000000\r\n\r\n")
    return sock


def test_healthz_answers_within_a_second_while_four_slow_uploads_are_open(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    migrate.upgrade(create_app({"DATABASE_URL": database_url, "SECRET_KEY": "migrate"}))
    # The default worker settings (one worker, so the memory:// rate-limit store is allowed).
    env = server_environment(database_url, tmp_path / "instance", RECERT_WORKERS="1")
    with gunicorn(env, tmp_path / "logs") as server, ExitStack() as sockets:
        uploads = [sockets.enter_context(slow_upload(server.url)) for _ in range(SLOW_UPLOADS)]
        took = []
        for _ in range(4):
            for upload in uploads:
                with suppress(OSError):
                    upload.sendall(b"x")  # one byte a second from each
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as answer:  # noqa: S310
                    status = answer.status
            except (urllib.error.URLError, OSError) as error:  # timed out or refused
                status = repr(error)
            took.append((status, round(time.monotonic() - started, 2)))
            time.sleep(max(0.0, 1 - (time.monotonic() - started)))
        assert all(status == 200 and seconds < 1 for status, seconds in took), took
