"""How long the PDF report takes for 500 activities, and how much memory the audit packet of
a cycle with 100 MB of evidence needs while it streams (SQLite in a temporary folder).

Run: .venv/bin/python bench/report_bench.py [--activities 500] [--evidence-mb 100]
"""

import argparse
import hashlib
import os
import statistics
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlmodel import Session, select

from tracker import create_app, migrate
from tracker.auth.services import register_user
from tracker.credentials.services import add_credential
from tracker.models import Activity, Evidence, HeldCredential, User
from tracker.reports.documents import build_report, render_pdf
from tracker.reports.packet import packet_chunks
from tracker.rules.catalog import load_catalog

TODAY = date(2026, 11, 24)
FILE_MB = 10


def seed(app, activities: int, evidence_mb: int) -> None:
    with app.app_context(), Session(app.extensions["recert_engine"]) as session:
        user = register_user(session, "bench@example.com", "Bench User", "correct horse battery")
        credential = add_credential(session, user, load_catalog().get("mssc-cpt"),
                                    date(2022, 3, 15), "CPT-1",
                                    dict.fromkeys(("safety", "quality", "production",
                                                   "maintenance")))
        for n in range(activities):
            session.add(Activity(
                user_id=user.id, held_credential_id=credential.id, category="CE-TRAINING",
                title=f"Training course number {n}", provider="Acme Training",
                quantity=Decimal("1.5"), completed_on=date(2022, 4, 1) + timedelta(days=n * 3),
            ))
        session.commit()
        first = session.exec(select(Activity).order_by(Activity.id)).first()
        for n in range(evidence_mb // FILE_MB):
            data = os.urandom(FILE_MB * 1024 * 1024)  # random: the ZIP cannot shrink it
            session.add(Evidence(activity_id=first.id, filename=f"scan-{n}.pdf",
                                 content_type="application/pdf", size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), data=data))
            session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=500)
    parser.add_argument("--evidence-mb", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("RECERT_INSTANCE_PATH", str(Path(folder) / "instance"))
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "x",
                          "TODAY": TODAY})
        migrate.upgrade(app)
        seed(app, args.activities, args.evidence_mb)
        with app.test_request_context(), Session(app.extensions["recert_engine"]) as session:
            user = session.exec(select(User)).one()
            credential = session.exec(select(HeldCredential)).one()
            report = build_report(session, user, credential, TODAY)
            render_pdf(report)  # warm-up: fonts and styles load once per process
            timings = []
            for _ in range(args.runs):
                start = time.perf_counter()
                pdf = render_pdf(report)
                timings.append(time.perf_counter() - start)
            print(f"PDF of {args.activities} activities: median {statistics.median(timings):.2f} s"
                  f" over {args.runs} runs ({len(pdf) // 1024} KB)")

            tracemalloc.start()
            size = sum(len(chunk) for chunk in packet_chunks(session, report))
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"Audit packet with {args.evidence_mb} MB of evidence in {FILE_MB} MB files: "
                  f"{size / 2**20:.0f} MB written, peak Python memory {peak / 2**20:.1f} MB")
        app.extensions["recert_engine"].dispose()


if __name__ == "__main__":
    main()
