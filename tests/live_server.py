"""Real servers for tests: gunicorn started as in the README, and a browser made of urllib."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

from tests.helpers import PASSWORD, hidden_inputs_by_form

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_environment(database_url: str, instance: Path, **settings: str) -> dict:
    """The environment of a production server: this process's, minus its RECERT_ settings."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("RECERT_")}
    # No mail server: accounts log in without verifying their email (tracker.mail "off").
    env.update(RECERT_ENV="production", RECERT_SECRET_KEY=secrets.token_hex(32),
               RECERT_DATABASE_URL=database_url, RECERT_INSTANCE_PATH=str(instance),
               RECERT_MAIL="off")
    env.update(settings)
    return env


@dataclass
class Gunicorn:
    url: str
    process: subprocess.Popen
    log_dir: Path

    @property
    def access_log(self) -> str:
        return (self.log_dir / "stdout.log").read_text()

    @property
    def messages(self) -> str:
        return (self.log_dir / "stderr.log").read_text()

    def worker_pids(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return [int(child) for child in children]

    def kill_workers(self) -> None:
        for pid in self.worker_pids():
            os.kill(pid, signal.SIGKILL)


def start_gunicorn(env: dict, log_dir: Path, *, workers: int | None = None,
                   app: str | None = None) -> Gunicorn:
    """gunicorn with the app's production settings on a free port (not yet answering)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", "--config", "python:tracker.gunicorn_conf",
               "--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    if app:
        command.append(app)
    with (log_dir / "stdout.log").open("wb") as out, (log_dir / "stderr.log").open("wb") as err:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err)
    return Gunicorn(f"http://127.0.0.1:{port}", process, log_dir)


@contextmanager
def serving(*servers: Gunicorn):
    """Wait until every server answers; stop them all afterwards, whatever happened."""
    try:
        for server in servers:
            wait_until_up(server)
        yield servers
    finally:
        for server in servers:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown
        for server in servers:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


@contextmanager
def gunicorn(env: dict, log_dir: Path, **options):
    """One started server, stopped after the block."""
    with serving(start_gunicorn(env, log_dir, **options)) as (server,):
        yield server


def wait_until_up(server: Gunicorn, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{server.messages}")
        try:
            Browser().get(f"{server.url}/healthz")
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@dataclass
class Page:
    status: int
    headers: object
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # let the test see the 302 and where it points


class Browser:
    """One person's browser: a cookie jar that sends Secure cookies over plain http too
    (the servers run in production mode without a TLS proxy in front)."""

    def __init__(self):
        self.cookies = CookieJar(DefaultCookiePolicy(secure_protocols=("https", "wss", "http")))
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects)

    def request(self, url: str, body: bytes | None = None, headers: dict | None = None) -> Page:
        request = urllib.request.Request(url, data=body, headers=headers or {})  # noqa: S310
        try:
            with self._opener.open(request, timeout=30) as response:
                return Page(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            with error:
                return Page(error.code, error.headers, error.read())

    def get(self, url: str) -> Page:
        return self.request(url)

    def submit(self, url: str, data: dict, *, form_page: str | None = None,
               files: dict | None = None) -> Page:
        """Open the form's page, keep its hidden fields (the CSRF token) and post `data`."""
        page = self.get(form_page or url)
        fields = {**hidden_fields(page.text, url, form_page), **data}
        body, content_type = multipart(fields, files or {})
        return self.request(url, body, {"Content-Type": content_type})

    def cookie_header(self) -> str:
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def register(self, server: str, email: str, name: str = "Pat Doe") -> Page:
        return self.submit(f"{server}/auth/register", {
            "email": email, "display_name": name, "password": PASSWORD, "confirm": PASSWORD})

    def login(self, server: str, email: str, password: str = PASSWORD) -> Page:
        return self.submit(f"{server}/auth/login", {"email": email, "password": password})


def hidden_fields(html: str, url: str, form_page: str | None = None) -> dict:
    """The hidden inputs of the page's form that posts to `url`, as a browser sends them."""
    path, page = _path(url), _path(form_page or url)
    for action, fields in hidden_inputs_by_form(html):
        if (action or page) == path:
            return fields
    raise AssertionError(f"the page has no form that posts to {path}")


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1] if "://" in url else url


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart/form-data body; `files` maps a field to (filename, bytes, content type)."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                         f"\r\n\r\n{item}\r\n".encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
