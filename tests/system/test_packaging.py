"""A wheel built from the repo serves the login page with no checkout around."""

import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_installed_wheel_serves_the_login_page(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", tmp_path / "dist",
         ROOT],
        check=True,
    )
    [wheel] = (tmp_path / "dist").glob("recert-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", venv], check=True)
    python = venv / "bin" / "python"
    # Reuse the dependencies already installed here instead of downloading them again;
    # the package itself comes only from the wheel.
    site_packages = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()
    Path(site_packages, "recert-test-deps.pth").write_text(sysconfig.get_paths()["purelib"])
    subprocess.run([python, "-m", "pip", "install", "--quiet", "--no-deps", wheel], check=True)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {"RECERT_INSTANCE_PATH": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"}
    location = subprocess.run(
        [python, "-c", "import tracker; print(tracker.__file__)"],
        cwd=elsewhere, env=env, check=True, capture_output=True, text=True,
    ).stdout
    assert location.startswith(site_packages)
    subprocess.run([python, "-m", "flask", "--app", "tracker", "db", "upgrade"],
                   cwd=elsewhere, env=env, check=True)

    port = free_port()
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "tracker:create_app()"],
        cwd=elsewhere, env=env,
    )
    try:
        page = fetch_when_up(f"http://127.0.0.1:{port}/auth/login")
        stylesheet = fetch_when_up(f"http://127.0.0.1:{port}/static/vendor/pico/pico.min.css")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert '<form method="post"' in page
    assert 'name="csrf_token"' in page
    assert "/static/vendor/pico/pico.min.css" in page
    assert "Pico CSS" in stylesheet


def fetch_when_up(url: str, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local URL)
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
