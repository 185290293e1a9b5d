"""A client generated from the live document by openapi-python-client, as people make one,
works without overrides: it downloads the report (PDF), the activities (CSV, as text), the
audit packet, a proof file and the full export through the generated code."""

import csv
import importlib
import io
import os
import subprocess
import sys
import zipfile
from datetime import date
from pathlib import Path

import pytest

from tests.api.helpers import course
from tests.helpers import pdf_bytes
from tracker.reports.export import FORMAT_VERSION

PACKAGE = "recert_api_client"
# Installed beside the tests' Python by `pip install -e '.[test]'`, with ruff, which it runs.
BIN = Path(sys.executable).parent
GENERATOR = BIN / "openapi-python-client"
# The module of a gone version 1 operation: its tag's name, in snake case.
GONE_GET = "activities_of_one_credential_version_1.get_activity_v1"


@pytest.fixture
def generated(live_url, tmp_path, monkeypatch):
    """The client package generated from the served document, imported."""
    if not GENERATOR.exists():
        pytest.skip("openapi-python-client is not installed (the test extras have it)")
    made = subprocess.run(
        [GENERATOR, "generate", "--url", f"{live_url}/api/v1/openapi.json", "--meta", "none",
         "--output-path", tmp_path / PACKAGE], capture_output=True, text=True, timeout=300,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}"})
    # The generator says what it had to leave out as warnings, and still succeeds.
    assert made.returncode == 0 and "Warning" not in made.stdout + made.stderr, \
        made.stdout + made.stderr
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]  # the next database's run imports its own


def test_a_generated_client_downloads_every_file(generated, live_url, api, token,
                                                 credential_id):
    activity = course(api, credential_id, title="Forklift safety")
    uploaded = api.post(f"/activities/{activity['id']}/evidence",
                        data={"file": (io.BytesIO(pdf_bytes()), "proof.pdf")})
    assert uploaded.status_code == 201, uploaded.text
    report_pdf, report_csv, report_packet, export_json, download_evidence = (
        importlib.import_module(f"{PACKAGE}.api.{module}") for module in (
            "reports.report_pdf", "reports.report_csv", "reports.report_packet",
            "reports.export_json", "evidence.download_evidence"))
    with generated.AuthenticatedClient(base_url=live_url, token=token,
                                       raise_on_unexpected_status=True) as client:
        report = report_pdf.sync(credential_id, client=client)
        rows = report_csv.sync(credential_id, client=client)
        packet = report_packet.sync(credential_id, client=client)
        proof = download_evidence.sync(uploaded.json["id"], client=client)
        everything = export_json.sync(client=client)
    assert report.payload.read().startswith(b"%PDF-")
    assert "Forklift safety" in [row["Title"] for row in csv.DictReader(io.StringIO(rows))]
    with zipfile.ZipFile(packet.payload) as archive:
        assert {"report.pdf", "activities.csv", "manifest.json"} <= set(archive.namelist())
        assert archive.testzip() is None
    assert proof.payload.read() == pdf_bytes()
    # The export arrives as the model generated from the shipped JSON Schema.
    assert everything.format_version == FORMAT_VERSION
    assert [c.ruleset for c in everything.credentials] == ["mssc-cpt"]
    assert [a.title for a in everything.activities] == ["Forklift safety"]


def test_a_download_is_labelled_octet_stream_when_asked_for_that(api, credential_id):
    url = f"/credentials/{credential_id}/report.pdf"
    assert api.get(url).mimetype == "application/pdf"
    asked = api.get(url, headers={"Accept": "application/octet-stream"})
    assert asked.status_code == 200 and asked.mimetype == "application/octet-stream"
    assert asked.data.startswith(b"%PDF-") and "Accept" in asked.headers["Vary"]


def test_a_generated_client_logs_an_activity_once_and_meets_a_gone_one(generated, live_url,
                                                                       token, credential_id):
    """Version 2 through the generated code: an activity logged with its model, answered with
    what it counts toward the credential; a version 1 address answers 410 with its link."""
    models = importlib.import_module(f"{PACKAGE}.models")
    create_activity, get_activity_v1 = (importlib.import_module(f"{PACKAGE}.api.{module}")
                                        for module in ("activities.create_activity", GONE_GET))
    with generated.AuthenticatedClient(base_url=live_url, token=token,
                                       raise_on_unexpected_status=True) as client:
        made = create_activity.sync(client=client, body=models.ActivityInV2(
            kind="training", title="Lean basics", completed_on=date(2024, 5, 1), quantity="8"))
        gone = get_activity_v1.sync_detailed(made.id, client=client)
    [count] = made.counts
    assert (count.credential_id, count.category, count.counted) == (
        credential_id, "CE-TRAINING", "8.00")
    assert gone.status_code == 410 and gone.parsed.status == 410
    assert gone.headers["Link"] == f'</api/v2/activities/{made.id}>; rel="successor-version"'
