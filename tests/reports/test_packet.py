"""The audit packet as other programs read it: streaming ZIP readers, and names in any language."""

import csv
import io
import json
import zipfile
from datetime import date

import pytest
from stream_unzip import stream_unzip

from tests.examples import example_a
from tests.helpers import AuthActions, add_cpt, image_bytes, log_activity, pdf_bytes


@pytest.fixture
def person(client):
    AuthActions(client).register()
    return client


def download(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200
    data = response.data
    response.close()  # a streamed download holds its request until closed, as servers do
    return data


def test_a_streaming_reader_reads_every_entry_of_the_packet(app, person):
    # Upload handlers (Java's ZipInputStream, stream-unzip) read a ZIP front to back and must
    # know where each entry ends from what comes before its end.
    cpt = example_a(app, person, with_proof=True)
    data = download(person, f"/credentials/{cpt}/packet.zip")
    archive = zipfile.ZipFile(io.BytesIO(data))
    streamed = {name.decode(): b"".join(chunks)
                for name, _size, chunks in stream_unzip(iter([data]))}
    assert list(streamed) == archive.namelist()
    for name, content in streamed.items():
        assert content == archive.read(name), name


def test_names_in_any_language_are_spelt_out_and_kept(app, person):
    app.config["TODAY"] = date(2026, 11, 24)
    cpt = add_cpt(person, "2022-03-15")
    title = "Lockout/tagout: Sécurité — 安全 training"
    files = [("Sécurité — 安全.pdf", pdf_bytes()), ("site; gate.png", image_bytes())]
    log_activity(person, cpt, title=title, completed_on="2024-05-01", files=files)
    # The same day and title again (saved past the form's warning): its file must not take
    # the first one's place.
    log_activity(person, cpt, title=title, completed_on="2024-05-01",
                 files=[("again.pdf", pdf_bytes())], save_anyway="y")

    archive = zipfile.ZipFile(io.BytesIO(download(person, f"/credentials/{cpt}/packet.zip")))
    stem = "evidence/2024-05-01-lockout-tagout-securite-anquan-training"
    first, gate, again = f"{stem}-1.pdf", f"{stem}-2.png", f"{stem}-3.pdf"
    assert sorted(n for n in archive.namelist() if n.startswith("evidence/")) == [
        first, gate, again]
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert manifest[first]["name"] == "Sécurité — 安全.pdf"
    assert manifest[gate]["name"] == "site; gate.png"
    assert manifest[again]["name"] == "again.pdf"

    # The CSV names each row's files by their paths, in the packet and downloaded alone.
    for text in (archive.read("activities.csv").decode(),
                 download(person, f"/credentials/{cpt}/activities.csv").decode()):
        rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
        assert sorted(row["Proof files"].split("; ") for row in rows) == [
            [first, gate], [again]]
