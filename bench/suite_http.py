"""The suite's HTTP side: gunicorn serving bench_app.py on a free loopback port, a client
that keeps one person's cookies and logs in, and the percentiles the timings are read by."""

from __future__ import annotations

import http.client
import math
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlencode

from suite_seed import TODAY

from tests.helpers import PASSWORD, csrf_token

BENCH_DIR = Path(__file__).resolve().parent
FLOOR_PATH = "/_bench/floor"  # the route bench_app.py adds
TIMEOUT = 120  # seconds a client waits for an answer before counting an error


# --- Client --------------------------------------------------------------------------------

@dataclass
class Answer:
    status: int
    body: bytes
    ms: float
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def fetch(port: int, method: str, path: str, headers: dict[str, str] | None = None,
          body: bytes | None = None) -> Answer:
    """One request on a new loopback connection (sync workers close it after each answer);
    the time counts connecting, sending and reading the whole body."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.update({k: m.value for k, m in SimpleCookie(header).items()})
    finally:
        connection.close()
    return Answer(response.status, data, (time.perf_counter() - started) * 1000, cookies)


class Browser:
    """One person's cookies, sent with each request and updated from each answer."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, headers: dict | None = None,
                body: bytes | None = None) -> Answer:
        headers = {**(headers or {}), **({"Cookie": self.cookie_header()} if self.cookies else {})}
        answer = fetch(self.port, method, path, headers, body)
        self.cookies.update(answer.cookies)
        return answer

    def log_in(self, email: str) -> None:
        token = csrf_token(self.request("GET", "/auth/login").text)
        form = urlencode({"csrf_token": token, "email": email, "password": PASSWORD}).encode()
        answer = self.request("POST", "/auth/login", body=form,
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status == 302, f"logging in as {email} answered {answer.status}"


# --- Timings -------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def median(values: list[float]) -> float:
    return percentile(values, 0.5) if len(values) % 2 else (
        (sorted(values)[len(values) // 2 - 1] + sorted(values)[len(values) // 2]) / 2)


# --- gunicorn ------------------------------------------------------------------------------

@dataclass
class Server:
    port: int
    log: Path
    pid: int

    def worker_rss_mb(self) -> list[int] | None:
        """Each worker's resident memory in MB (Linux /proc; None elsewhere)."""
        try:
            children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
            sizes = []
            for child in children:
                status = Path(f"/proc/{child}/status").read_text()
                kilobytes = next(line.split()[1] for line in status.splitlines()
                                 if line.startswith("VmRSS:"))
                sizes.append(int(kilobytes) // 1024)
            return sizes
        except (OSError, StopIteration):
            return None

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def server_env(folder: Path, url: str) -> dict[str, str]:
    """The caller's environment without RECERT_*/FLASK_* settings, plus the bench's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECERT_", "FLASK_"))}
    env.update({"RECERT_INSTANCE_PATH": str(folder / "instance"),
                "RECERT_SECRET_KEY": uuid.uuid4().hex, "BENCH_DATABASE_URL": url,
                "BENCH_TODAY": TODAY.isoformat()})
    return env


@contextmanager
def gunicorn(env: dict[str, str], folder: Path, workers: int, worker_class: str,
             threads: int = 1) -> Iterator[Server]:
    """Serve bench_app on a free loopback port (bound here and handed over, so no other
    program can take it in between). The server's log is shown if something fails."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port, fd = listener.getsockname()[1], listener.fileno()
    log_path = folder / f"gunicorn-{workers}-{worker_class}.log"
    command = [sys.executable, "-m", "gunicorn", "--bind", f"fd://{fd}",
               "--workers", str(workers), "--worker-class", worker_class,
               "--threads", str(threads),
               "--timeout", str(TIMEOUT), "--graceful-timeout", "5",
               "--pythonpath", str(BENCH_DIR), "--log-level", "warning", "bench_app:app"]
    if tuple(int(n) for n in version("gunicorn").split(".")[:2]) >= (25, 1):
        command.append("--no-control-socket")  # one shared path for every server otherwise
    with open(log_path, "wb") as log:
        # Run in the temporary folder so no ./gunicorn.conf.py changes these settings.
        server = subprocess.Popen(command, cwd=folder, env=env, pass_fds=(fd,),  # noqa: S603
                                  stdout=log, stderr=subprocess.STDOUT)
    listener.close()
    try:
        deadline = time.monotonic() + 60
        while True:
            with suppress(OSError):
                if fetch(port, "GET", FLOOR_PATH).status == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not start:\n{log_path.read_text()}")
            time.sleep(0.2)
        server_info = Server(port, log_path, server.pid)
        try:
            yield server_info
        except BaseException:
            print(f"gunicorn's log ends:\n{server_info.log_tail()}", file=sys.stderr)
            raise
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
