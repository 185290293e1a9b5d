"""Time the pages a person opens most, for a user with N activities, beside the framework floor.

The floor is a bare Flask page rendering the base template with no database work, served by
the same app in the same run; each page's median is also given as a ratio to it.
Run: .venv/bin/python bench/pages_bench.py [--activities 5000] [--runs 15]
PostgreSQL is measured too when RECERT_TEST_POSTGRES_URL is set
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test); it uses its own schema, dropped after.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from flask import render_template_string
from sqlalchemy import create_engine, text
from sqlmodel import Session

from tracker import create_app, schema
from tracker.auth.services import register_user
from tracker.credentials.services import add_credential
from tracker.models import Activity, Evidence
from tracker.rules.catalog import load_catalog

FLOOR_PAGE = '{% extends "base.html" %}{% block title %}Floor{% endblock %}'
SEED = 2026
TODAY = date(2026, 11, 24)
EMAIL, PASSWORD = "bench@example.com", "correct horse battery"
STEPS = {"CE-TRAINING": Decimal("0.25"), "CE-NONCREDIT": Decimal("0.25"),
         "CE-CREDIT": Decimal("0.5"), "IC": Decimal(1), "X": Decimal("0.25")}
WORDS = ["Forklift", "safety", "Lockout", "Quality", "Lean", "Welding", "SPC", "Hydraulics"]


def seed(app, count: int) -> int:
    """One user, one CPT credential and `count` activities; returns the credential's id."""
    rng = random.Random(SEED)
    first_day, days = date(2021, 1, 1), (date(2027, 12, 31) - date(2021, 1, 1)).days
    with app.app_context(), Session(app.extensions["recert_engine"]) as session:
        user = register_user(session, EMAIL, "Bench User", PASSWORD)
        modules = dict.fromkeys(("safety", "quality", "production", "maintenance"))
        credential = add_credential(session, user, load_catalog().get("mssc-cpt"),
                                    date(2022, 3, 15), "", modules)
        rows = []
        for n in range(count):
            day = first_day + timedelta(days=rng.randrange(days))
            fields = {"user_id": user.id, "held_credential_id": credential.id,
                      "title": f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} {n}",
                      "provider": rng.choice(["Acme Training", "Valley College", "Plant HR"])}
            if n % 200 == 0:  # a few employment periods, some still open
                activity = Activity(category="E", started_on=day - timedelta(days=400),
                                    completed_on=None if n % 400 == 0 else day,
                                    fraction=rng.choice([Decimal("1.0"), Decimal("0.5")]),
                                    **fields)
            else:
                category = rng.choice(list(STEPS))
                activity = Activity(category=category, completed_on=day,
                                    quantity=STEPS[category] * rng.randrange(1, 17), **fields)
            if rng.random() < 0.2:
                data = rng.randbytes(300)
                activity.evidence = [Evidence(
                    filename=f"proof-{n}.pdf", content_type="application/pdf", size=len(data),
                    sha256=hashlib.sha256(data).hexdigest(), data=data)]
            rows.append(activity)
        session.add_all(rows)
        session.commit()
        return credential.id


def median_ms(client, path: str, runs: int) -> tuple[float, float, str]:
    """(median, p90) in milliseconds of `runs` requests after a warm-up, and the last page."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    p90 = statistics.quantiles(timings, n=10)[-1] if runs > 1 else timings[0]
    return statistics.median(timings), p90, response.text


def measure(url: str, count: int, runs: int) -> None:
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TODAY": TODAY})
    app.add_url_rule("/floor", "floor", lambda: render_template_string(FLOOR_PAGE))
    schema.upgrade(app)
    credential_id = seed(app, count)
    floor, _p90, _page = median_ms(app.test_client(), "/floor", runs)  # anonymous: no queries
    print(f"  {'framework floor (base template, no database)':52} median {floor:7.1f} ms")
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/auth/login").text).group(1)
    login = client.post("/auth/login", data={"csrf_token": token, "email": EMAIL,
                                             "password": PASSWORD})
    assert login.status_code == 302, "login failed"
    activities = f"/credentials/{credential_id}/activities"
    for path in ("/", f"/credentials/{credential_id}", activities,
                 f"{activities}?sort=points&page=3", f"{activities}?q=safety"):
        median, p90, _page = median_ms(client, path, runs)
        print(f"  {path:52} median {median:7.1f} ms  p90 {p90:7.1f} ms"
              f"  {median / floor:6.1f}x the floor")
    app.extensions["recert_engine"].dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"pages_bench: {args.activities} activities (seed {SEED}, ~1 in 5 with a file, "
          f"1 in 200 employment), {args.runs} timed runs after 1 warm-up, today {TODAY}, "
          "Flask test client (no network)")

    with tempfile.TemporaryDirectory() as folder:
        # Keep the app from writing into the checkout's instance folder.
        os.environ.setdefault("RECERT_INSTANCE_PATH", str(Path(folder) / "instance"))
        print("SQLite (temp file)")
        measure(f"sqlite:///{Path(folder) / 'bench.db'}", args.activities, args.runs)
        postgres = os.environ.get("RECERT_TEST_POSTGRES_URL")
        if postgres:
            measure_postgres(postgres, args.activities, args.runs)
        else:
            print("PostgreSQL: skipped (set RECERT_TEST_POSTGRES_URL)")


def measure_postgres(postgres: str, count: int, runs: int) -> None:
    name = f"recert_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        separator = "&" if "?" in postgres else "?"
        print(f"PostgreSQL (schema {name}, dropped at the end)")
        measure(f"{postgres}{separator}options=-csearch_path%3D{name}", count, runs)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
