"""An account's own export always imports back (issue 15, finding 11): the account import
reads its file as a stream under its own limit (MAX_IMPORT_BYTES, sized in tracker.config
from the largest account Recert is sized for), far above the 10 MB every other upload keeps;
a file over that limit is refused on the page, in plain words, and nothing is written."""

import io

import pytest
from sqlalchemy import update
from sqlmodel import func, select

from tests.helpers import AuthActions, csrf_token, insert_activities, submit
from tests.imports.helpers import activity_count, upload_export
from tracker.config import ConfigError, from_environment
from tracker.db import get_session
from tracker.models import Activity, HeldCredential, User, utcnow

MB = 1024 * 1024
TOO_BIG = "the most Recert takes. Nothing was imported."


def credentials_of(app, email: str) -> list[int]:
    with app.app_context():
        session = get_session()
        user = session.exec(select(User).where(User.email == email)).one()
        return list(session.exec(select(HeldCredential.id)
                                 .where(HeldCredential.user_id == user.id)))


def newcomer_of(app):
    client = app.test_client()
    AuthActions(client).register(email="sam@example.com", name="Sam")
    return client


def post_file(client, data: bytes):
    return submit(client, "/account/import", {"file": (io.BytesIO(data), "recert-export.json")},
                  content_type="multipart/form-data")


@pytest.fixture
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("reading the file does not depend on the database: checked on SQLite")


def test_an_export_of_15_000_activities_over_10_mb_imports_back(sqlite_only, app, user_client,
                                                                cpt):
    # As many as a person may keep (5,000), and 10,000 more in the trash.
    insert_activities(app, cpt, 15_000)
    with app.app_context():
        session = get_session()
        first = session.exec(select(func.min(Activity.id))).one()
        session.execute(update(Activity).where(Activity.id >= first + 5_000)
                        .values(deleted_at=utcnow()))
        session.commit()
    download = user_client.get("/account/export.json")
    assert download.status_code == 200
    exported = download.data  # as the person downloads it
    assert len(exported) > app.config["MAX_UPLOAD_BYTES"] == 10 * MB
    assert len(exported) < app.config["MAX_IMPORT_BYTES"]
    newcomer = newcomer_of(app)
    response = post_file(newcomer, exported)
    assert response.status_code == 302, response.text
    [imported] = credentials_of(app, "sam@example.com")
    assert activity_count(app, imported) == activity_count(app, cpt) == 15_000
    page = newcomer.get(response.headers["Location"])
    assert "Imported 1 credential and 15000 activities." in page.text, page.text


def test_a_file_over_the_import_limit_is_refused_plainly_and_nothing_is_written(app,
                                                                               user_client,
                                                                               cpt):
    app.config["MAX_IMPORT_BYTES"] = 1 * MB
    insert_activities(app, cpt, 3)
    exported = user_client.get("/account/export.json").data
    newcomer = newcomer_of(app)
    just_over = exported + b" " * (1 * MB + 1 - len(exported))  # still a whole JSON document
    for data in (just_over, exported + b" " * (3 * MB)):  # read to its limit; past the body's
        page = post_file(newcomer, data)
        assert page.status_code in (200, 413)
        assert "<h1>Import a full export</h1>" in page.text
        assert f"The file is larger than 1 MB, {TOO_BIG}" in page.text
        assert "Ask the person who runs Recert to raise the limit." in page.text
    assert credentials_of(app, "sam@example.com") == []
    assert activity_count(app) == 3  # Pat's alone
    assert post_file(newcomer, just_over[:1 * MB]).status_code == 302  # at the limit: taken
    assert activity_count(app) == 6


def test_the_import_limit_lets_no_one_else_send_more(app, user_client, cpt):
    client = user_client
    # The other pages of imports, and the import page logged out, keep the limit of every
    # other request, and its page in the site's layout.
    app.config["MAX_CONTENT_LENGTH"] = 1 * MB
    page = client.get(f"/credentials/{cpt}/import")
    big = {"csrf_token": csrf_token(page.text),
           "file": (io.BytesIO(b" " * (2 * MB)), "activities.csv")}
    response = client.post(f"/credentials/{cpt}/import/preview", data=big,
                           content_type="multipart/form-data")
    assert response.status_code == 413 and "File too large" in response.text
    AuthActions(client).logout()
    page = client.get("/auth/login")
    big = {"csrf_token": csrf_token(page.text),
           "file": (io.BytesIO(b" " * (2 * MB)), "recert-export.json")}
    response = client.post("/account/import", data=big, content_type="multipart/form-data")
    assert response.status_code == 413 and "File too large" in response.text
    assert "Import a full export" not in response.text


def test_an_export_below_the_upload_limit_still_imports(app, user_client, cpt):
    insert_activities(app, cpt, 3)
    document = user_client.get("/account/export.json").json
    assert upload_export(newcomer_of(app), document).status_code == 302
    with app.app_context():
        assert get_session().exec(select(func.count()).select_from(HeldCredential)).one() == 2


def test_the_import_limit_is_its_own_setting(monkeypatch, tmp_path):
    monkeypatch.delenv("RECERT_MAX_UPLOAD_MB", raising=False)
    monkeypatch.delenv("RECERT_MAX_IMPORT_MB", raising=False)
    assert from_environment(tmp_path)["MAX_IMPORT_BYTES"] == 50 * MB  # 25,000 activities
    monkeypatch.setenv("RECERT_MAX_IMPORT_MB", "200")
    assert from_environment(tmp_path)["MAX_IMPORT_BYTES"] == 200 * MB
    monkeypatch.setenv("RECERT_MAX_UPLOAD_MB", "300")  # never below an upload's limit
    assert from_environment(tmp_path)["MAX_IMPORT_BYTES"] == 300 * MB
    monkeypatch.setenv("RECERT_MAX_IMPORT_MB", "lots")
    with pytest.raises(ConfigError, match="RECERT_MAX_IMPORT_MB"):
        from_environment(tmp_path)
