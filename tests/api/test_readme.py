"""The README's API commands work as written: its curl block, taken from README.md as it is,
runs in order against a live server on a fresh account (only the address and the token come
from outside, as the README says)."""

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.api.helpers import V2, ApiClient
from tests.helpers import pdf_bytes
from tracker.reports.export import FORMAT_VERSION

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- The API tests run this block as it is against a live server"


def readme_block() -> str:
    text = README.read_text()
    found = re.search(r"```sh\n(.*?)```", text[text.index(MARKER):], re.S)
    assert found, "README.md has no sh block after the API tests' marker"
    return found.group(1)


@pytest.mark.skipif(not (shutil.which("curl") and shutil.which("python3")),
                    reason="the README's commands need curl and python3")
def test_the_readme_api_commands_run_as_written(app, live_url, token, tmp_path):
    app.config["TODAY"] = date(2026, 11, 24)
    (tmp_path / "certificate.pdf").write_bytes(pdf_bytes())
    env = {**os.environ, "RECERT": f"{live_url}/api", "TOKEN": token}
    run = subprocess.run(["bash", "-euo", "pipefail", "-c", readme_block()], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr + run.stdout

    api = ApiClient(app, token)
    cpt, clt = api.get("/credentials").json["items"]
    assert cpt["ruleset"] == "mssc-cpt" and len(cpt["modules"]) == 4
    assert clt["ruleset"] == "mssc-clt"
    listed = api.get(f"{V2}/activities").json["items"]
    by_title = {a["title"]: a for a in listed}
    assert by_title.keys() == {"Forklift safety", "Operator"}
    course = by_title["Forklift safety"]
    assert course["quantity"] == "6.5" and by_title["Operator"]["completed_on"] is None
    assert course["version"] > 2 and [f["filename"] for f in course["files"]] == [
        "certificate.pdf"]
    # The course counts toward both credentials; the job was left out of the CLT.
    assert [c["counted"] for c in course["counts"]] == ["6.50", "6.50"]
    assert [c["excluded"] for c in by_title["Operator"]["counts"]] == [False, True]
    assert [a["title"] for a in api.get(f"/credentials/{clt['id']}/activities").json["items"]
            ] == ["Forklift safety"]
    # The second page of the listing printed the course, the first one kept for it.
    assert '"title":"Forklift safety"' in run.stdout and '"next_cursor":null' in run.stdout
    assert (tmp_path / "proof.pdf").read_bytes() == pdf_bytes()
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert "Forklift safety" in (tmp_path / "activities.csv").read_text(encoding="utf-8-sig")
    assert zipfile.ZipFile(io.BytesIO((tmp_path / "packet.zip").read_bytes())).namelist()
    assert json.loads((tmp_path / "recert-export.json").read_text())["format_version"] == \
        FORMAT_VERSION
