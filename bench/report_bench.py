"""How long the PDF report takes (500 and 5,000 activities), how much the web process's memory
moves over 100 distinct reports, and how much memory the audit packet of a cycle with 100 MB
of evidence needs while it streams (SQLite in a temporary folder).

Run: .venv/bin/python bench/report_bench.py [--activities 500] [--large 5000] [--evidence-mb 100]
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
from tracker.reports import pdf as report_pdf
from tracker.reports.documents import build_report, render_pdf
from tracker.reports.packet import packet_chunks
from tracker.rules.catalog import load_catalog

TODAY = date(2026, 11, 24)
FILE_MB = 10
# WeasyPrint, which made the PDF before Typst: the same 500-activity report with the code of
# commit ddae15f (this bench and tracker/reports/documents.py), median of 5 runs, on a quiet
# machine (6.09 s on a busy one). It is no longer installed.
WEASYPRINT_500 = 5.07
WEASYPRINT_MEASURED = "2026-12-06"
RSS_REPORTS = 100


def seed(app, email: str, activities: int, evidence_mb: int) -> None:
    with app.app_context(), Session(app.extensions["recert_engine"]) as session:
        user = register_user(session, email, "Bench User", "correct horse battery")
        add_credential(session, user, load_catalog().get("mssc-cpt"), date(2022, 3, 15),
                       "CPT-1", dict.fromkeys(("safety", "quality", "production",
                                               "maintenance")))
        for n in range(activities):
            session.add(Activity(
                user_id=user.id, kind="training",
                title=f"Training course number {n}", provider="Acme Training",
                quantity=Decimal("1.5"),
                completed_on=date(2022, 4, 1) + timedelta(days=(n * 3) % 1700),
            ))
        session.commit()
        first = session.exec(select(Activity).where(Activity.user_id == user.id)
                             .order_by(Activity.id)).first()
        for n in range(evidence_mb // FILE_MB):
            data = os.urandom(FILE_MB * 1024 * 1024)  # random: the ZIP cannot shrink it
            session.add(Evidence(activity_id=first.id, filename=f"scan-{n}.pdf",
                                 content_type="application/pdf", size=len(data),
                                 sha256=hashlib.sha256(data).hexdigest(), data=data))
            session.commit()


def report_for(session, email: str, today: date = TODAY):
    user = session.exec(select(User).where(User.email == email)).one()
    credential = session.exec(select(HeldCredential)
                              .where(HeldCredential.user_id == user.id)).one()
    return build_report(session, user, credential, today)


def timed(reports, **options) -> tuple[float, bytes]:
    """The median time to render each report once. Distinct reports: Typst keeps what it laid
    out, so rendering one report again would measure its memory, not its typesetting."""
    timings = []
    for report in reports:
        start = time.perf_counter()
        data = report_pdf.render(report, **options)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), data


def seen_on_days(session, email: str, count: int, offset: int = 0) -> list:
    """The same person's report seen on `count` different days: every figure, flag and the
    chart differ from one to the next."""
    return [report_for(session, email, TODAY - timedelta(days=9 * (offset + n)))
            for n in range(count)]


def rss_mb() -> float:
    """This process's resident memory (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=500)
    parser.add_argument("--large", type=int, default=5000)
    parser.add_argument("--evidence-mb", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("RECERT_INSTANCE_PATH", str(Path(folder) / "instance"))
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "SECRET_KEY": "x",
                          "TODAY": TODAY})
        migrate.upgrade(app)
        seed(app, "bench@example.com", args.activities, args.evidence_mb)
        seed(app, "large@example.com", args.large, 0)
        with app.test_request_context(), Session(app.extensions["recert_engine"]) as session:
            report = report_for(session, "bench@example.com")
            render_pdf(report)  # warm-up: the child process starts and loads its fonts
            reports = seen_on_days(session, "bench@example.com", 2 * args.runs, offset=1)
            # Tagged and untagged interleaved, so both meet the same machine.
            median, pdf = timed(reports[::2])
            untagged, plain = timed(reports[1::2], tagged=False)
            print(f"PDF of {args.activities} activities (Typst, tagged): median {median:.3f} s "
                  f"over {args.runs} distinct reports ({len(pdf) // 1024} KB); "
                  "target under 0.5 s")
            print(f"  WeasyPrint baseline (measured {WEASYPRINT_MEASURED} on this machine): "
                  f"{WEASYPRINT_500:.2f} s for {args.activities} activities; Typst/WeasyPrint "
                  f"{median / WEASYPRINT_500:.3f} (target at most 0.1)")
            print(f"  Without PDF tags: median {untagged:.3f} s ({len(plain) // 1024} KB); "
                  f"tags cost {(median - untagged) * 1000:+.0f} ms, "
                  f"{len(pdf) / len(plain):.1f} times the size")

            large_median, large_pdf = timed(seen_on_days(session, "large@example.com", 3))
            print(f"PDF of {args.large} activities: median {large_median:.2f} s over 3 distinct "
                  f"reports ({len(large_pdf) // 1024} KB); target under 5 s")

            before = rss_mb()
            start = time.perf_counter()
            for n in range(RSS_REPORTS):
                render_pdf(seen_on_days(session, "bench@example.com", 1, offset=n)[0])
            spent = time.perf_counter() - start
            after = rss_mb()
            print(f"Web process RSS over {RSS_REPORTS} distinct {args.activities}-activity "
                  f"reports: {before:.0f} MB before, {after:.0f} MB after "
                  f"({after - before:+.1f} MB; must stay within 50 MB); "
                  f"{spent / RSS_REPORTS:.3f} s a report, child replaced every "
                  f"{report_pdf.RENDERS_PER_PROCESS}")

            tracemalloc.start()
            size = sum(len(chunk) for chunk in packet_chunks(session, report))
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"Audit packet with {args.evidence_mb} MB of evidence in {FILE_MB} MB files: "
                  f"{size / 2**20:.0f} MB written, peak Python memory {peak / 2**20:.1f} MB")
        report_pdf.shutdown()
        app.extensions["recert_engine"].dispose()


if __name__ == "__main__":
    main()
