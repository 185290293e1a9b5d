"""The suite's database: an empty one (a SQLite file, or a PostgreSQL schema of its own) and
the people seeded into it, with a fixed random seed and a pinned date."""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlmodel import Session

from tests.helpers import PASSWORD
from tracker import create_app, migrate
from tracker.auth.services import register_user
from tracker.credentials.services import add_credential
from tracker.models import Activity, Evidence
from tracker.rules.catalog import load_catalog

SEED = 2026
TODAY = date(2026, 11, 24)
CERTIFIED_ON = date(2022, 3, 15)  # the current CPT cycle runs 2022-03-15 to 2027-03-15
# Kinds of activity CPT counts (one in each of its quantity categories), with their steps.
STEPS = {"training": Decimal("0.25"), "college-noncredit": Decimal("0.25"),
         "college-credit": Decimal("0.5"), "certification": Decimal(1),
         "volunteering": Decimal("0.25")}
WORDS = ["Forklift", "safety", "Lockout", "Quality", "Lean", "Welding", "SPC", "Hydraulics"]


@dataclass
class Person:
    email: str
    activities: int
    credential_id: int = 0


def seed(url: str, people: list[Person]) -> None:
    """Each person gets one CPT credential (certified 2022-03-15) and their activities, all in
    the current cycle: about 1 in 5 with a small file, 1 in 200 an employment period."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "TODAY": TODAY})
    migrate.upgrade(app)
    rng = random.Random(SEED)
    days = (TODAY - CERTIFIED_ON).days
    ruleset = load_catalog().get("mssc-cpt")
    modules = dict.fromkeys(("safety", "quality", "production", "maintenance"))
    with app.app_context(), Session(app.extensions["recert_engine"]) as session:
        for person in people:
            user = register_user(session, person.email, "Bench User", PASSWORD,
                                 may_log_in_unverified=True)
            credential = add_credential(session, user, ruleset, CERTIFIED_ON, "", modules)
            person.credential_id = credential.id
            rows = []
            for n in range(person.activities):
                day = CERTIFIED_ON + timedelta(days=rng.randrange(days))
                fields = {"user_id": user.id,
                          "title": f"{rng.choice(WORDS)} {rng.choice(WORDS).lower()} {n}",
                          "provider": rng.choice(["Acme Training", "Valley College",
                                                  "Plant HR"])}
                if n % 200 == 199:  # a few employment periods, some still open
                    rows.append(Activity(
                        kind="job", started_on=day - timedelta(days=400),
                        completed_on=None if n % 400 == 399 else day,
                        fraction=rng.choice([Decimal("1.0"), Decimal("0.5")]), **fields))
                    continue
                kind = rng.choice(list(STEPS))
                activity = Activity(kind=kind, completed_on=day,
                                    quantity=STEPS[kind] * rng.randrange(1, 17), **fields)
                if rng.random() < 0.2:
                    data = rng.randbytes(300)
                    activity.evidence = [Evidence(
                        filename=f"proof-{n}.pdf", content_type="application/pdf",
                        size=len(data), sha256=hashlib.sha256(data).hexdigest(), data=data)]
                rows.append(activity)
            session.add_all(rows)
            session.commit()
    app.extensions["recert_engine"].dispose()


@contextmanager
def postgres_schema(postgres: str) -> Iterator[str]:
    """The URL of a new, empty schema in the PostgreSQL database at `postgres`, dropped with
    all it holds at the end (import_bench.py uses it too)."""
    name = f"recert_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        separator = "&" if "?" in postgres else "?"
        yield f"{postgres}{separator}options=-csearch_path%3D{name}"
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@contextmanager
def database(postgres: str | None, folder: Path) -> Iterator[tuple[str, str]]:
    """(kind, URL) of an empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if not postgres:
        yield "sqlite", f"sqlite:///{folder / 'bench.db'}"
        return
    with postgres_schema(postgres) as url:
        yield "postgresql", url
