"""Eight reports of the largest cycle asked for at once do not starve other visitors: a process
makes at most HEAVY_AT_ONCE heavy files at a time and tells the others to try again, so a
login page from another client answers while the reports are still being made, instead of
waiting for a thread to come free (tracker.reports.downloads; bench/report_bench.py times
it)."""

import threading
import time
import urllib.request

from sqlmodel import select

from tests.helpers import CPT_MODULES, insert_activities
from tests.live_server import Browser, gunicorn, server_environment
from tracker import create_app, migrate
from tracker.activities.validation import MAX_ACTIVITIES
from tracker.db import get_session
from tracker.models import HeldCredential
from tracker.reports.downloads import HEAVY_AT_ONCE

AT_ONCE = 8


def test_eight_largest_reports_at_once_leave_the_login_page_answering(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "migrate"})
    migrate.upgrade(app)
    env = server_environment(database_url, tmp_path / "instance", RECERT_WORKERS="1")
    with gunicorn(env, tmp_path / "logs") as server:
        pat = Browser()
        assert pat.register(server.url, "pat@example.com").status == 302
        assert pat.submit(f"{server.url}/credentials/new/mssc-cpt",
                          {"certified_on": "2022-03-15", **CPT_MODULES}).status == 302
        with app.app_context():
            credential_id = get_session().exec(select(HeldCredential.id)).one()
        insert_activities(app, credential_id, MAX_ACTIVITIES, with_files_every=50)
        url = f"{server.url}/credentials/{credential_id}/report.pdf"
        answers: list[tuple[int, bytes, float]] = []
        waits: list[str] = []

        def download() -> None:
            answer = pat.get(url)
            answers.append((answer.status, answer.body[:5], time.monotonic()))
            if answer.status == 503:
                waits.append(answer.headers["Retry-After"])

        threads = [threading.Thread(target=download) for _ in range(AT_ONCE)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)  # the reports are being made
        with urllib.request.urlopen(f"{server.url}/auth/login", timeout=30) as login:  # noqa: S310
            login_status = login.status
        login_answered = time.monotonic()
        for thread in threads:
            thread.join()

    assert login_status == 200
    made = [(body, finished) for status, body, finished in answers if status == 200]
    assert len(made) >= HEAVY_AT_ONCE and all(body == b"%PDF-" for body, _ in made)
    assert {status for status, _, _ in answers} == {200, 503}
    assert set(waits) == {"60"}  # the busy answer says when to try again
    # Without the limit every thread was making a report, and the login page waited until
    # one was done (5 s and more).
    assert all(finished > login_answered for _, finished in made)
