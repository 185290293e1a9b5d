"""How long importing a CSV of 4,500 activities takes: the preview page, then the confirm
that writes them all in one transaction, each through the app as a browser would post them.

SQLite in a temporary folder, and PostgreSQL too when RECERT_TEST_POSTGRES_URL is set (in a
schema of its own, dropped afterwards). The goal is under 3 s for each step.

With the activities already logged, at most the 5,000 a person keeps
(tracker.activities.validation.MAX_ACTIVITIES): the app refuses more.

Run: .venv/bin/python bench/import_bench.py [--rows 4500] [--existing 500]
"""

import argparse
import io
import os
import re
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from suite_seed import postgres_schema

from tests.helpers import AuthActions, add_cpt, csrf_token, insert_activities
from tracker import create_app, migrate
from tracker.activities.validation import MAX_ACTIVITIES
from tracker.models import Activity

TODAY = date(2026, 11, 24)
GOAL_SECONDS = 3.0


def csv_of(rows: int) -> bytes:
    lines = ["Date completed,Category,Title,Provider,Quantity,Notes"]
    first = date(2022, 4, 1)
    for n in range(rows):
        day = first + timedelta(days=n % 1600)
        lines.append(f"{day.isoformat()},CE-TRAINING,Imported course {n},Acme Training,"
                     f"{1 + (n % 8) * 0.25},Row {n}")
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()


@contextmanager
def database(kind: str):
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    with postgres_schema(os.environ["RECERT_TEST_POSTGRES_URL"]) as url:
        yield url


def run(kind: str, rows: int, existing: int) -> None:
    with database(kind) as url:
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TODAY": TODAY,
                          "WTF_CSRF_ENABLED": True, "MAIL_MODE": "off",
                          # One import a run, but the emailed links' budget needs the limiter.
                          "WRITE_RATE_LIMIT": "", "UPLOAD_RATE_LIMIT": ""})
        migrate.upgrade(app)
        client = app.test_client()
        AuthActions(client).register(email="bench@example.com", name="Bench")
        credential = add_cpt(client)
        insert_activities(app, credential, existing)
        data = csv_of(rows)
        url = f"/credentials/{credential}/import"
        token = csrf_token(client.get(url).text)

        started = time.perf_counter()
        page = client.post(f"{url}/preview", content_type="multipart/form-data",
                           data={"csrf_token": token,
                                 "file": (io.BytesIO(data), "activities.csv")})
        preview_seconds = time.perf_counter() - started
        assert page.status_code == 200, page.status_code
        signed = re.search(r'name="upload" type="hidden" value="([^"]+)"', page.text)
        assert signed, "the preview did not offer to confirm"

        form = {"csrf_token": csrf_token(page.text), "upload": signed.group(1)}
        started = time.perf_counter()  # reading the preview page is the browser's time
        done = client.post(f"{url}/confirm", data=form)
        commit_seconds = time.perf_counter() - started
        assert done.status_code == 302, done.status_code
        with app.app_context():
            from tracker.db import get_session

            count = get_session().exec(select(func.count()).select_from(Activity)).one()[0]
        assert count == rows + existing, count
        app.extensions["recert_engine"].dispose()
    verdict = lambda s: "ok" if s < GOAL_SECONDS else "TOO SLOW"  # noqa: E731
    print(f"{kind:10} {rows:,} rows ({len(data) / 1e6:.1f} MB, {existing} already logged; "
          f"signed field {len(signed.group(1)) / 1e6:.1f} MB): "
          f"preview {preview_seconds:.2f} s ({verdict(preview_seconds)}), "
          f"confirm + commit {commit_seconds:.2f} s ({verdict(commit_seconds)})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=4_500)
    parser.add_argument("--existing", type=int, default=500)
    args = parser.parse_args()
    if args.rows + args.existing > MAX_ACTIVITIES:
        parser.error(f"{args.rows:,} rows and {args.existing:,} logged would pass the "
                     f"{MAX_ACTIVITIES:,} a credential holds, and the app would refuse them")
    kinds = ["sqlite"] + (["postgresql"] if os.environ.get("RECERT_TEST_POSTGRES_URL") else [])
    for kind in kinds:
        run(kind, args.rows, args.existing)


if __name__ == "__main__":
    main()
