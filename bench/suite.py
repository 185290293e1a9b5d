"""Latency of the pages people open, beside the framework floor, and a load run; over HTTP.

Seeds a fresh database (SQLite in a temporary folder, or a schema of its own in PostgreSQL
with --postgres URL, dropped at the end) with three people: one with 5,000 activities, one
with 10 (for comparison) and one with 500 (for the PDF and the import preview). Serves
bench/bench_app.py (the real app plus a floor page) with gunicorn on a free loopback port,
logs in over HTTP, and times each page one request at a time against a single sync worker:
median and p99 (nearest rank, so with fewer than 100 runs it is the slowest run), and each
median as a ratio to the floor. Then starts gunicorn with 4 workers and runs a load of
50 clients against the 5,000-activity dashboard: a closed loop (each client sends its next
request when the last one answers) to find the throughput, then a paced run at a fraction of
it (requests sent on a schedule, latency counted from when each was due) for the latency at
a load the machine sustains. Writes everything to bench/results.json.

Run: .venv/bin/python bench/suite.py [--runs 100] [--load-seconds 20] [--postgres URL]
     .venv/bin/python bench/suite.py --profile   # cProfile the dashboard and the list too
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # for tests.helpers

from suite_http import BENCH_DIR, gunicorn, server_env
from suite_load import load_run
from suite_pages import latency_table
from suite_profile import profile
from suite_seed import SEED, TODAY, Person, database, seed

from tracker.activities.validation import MAX_ACTIVITIES

RESULTS = BENCH_DIR / "results.json"


def check_targets(rows: list[dict], load: dict | None, activities: int) -> list[str]:
    verdicts = []
    for row in rows:
        if not row["page"].startswith(("home", "dashboard", "activity list")):
            continue
        if "first view after a change" in row["page"]:
            if f" {activities:,} activities" in row["page"]:
                ok = row["median_ms"] <= 30
                verdicts.append(f"{row['page']}: {row['median_ms']} ms (target at most 30 ms):"
                                f" {'met' if ok else 'MISSED'}")
        elif f" {activities:,} activities" in row["page"]:
            ok = row["ratio_to_floor"] <= 2
            verdicts.append(f"{row['page']}: {row['ratio_to_floor']}x the floor "
                            f"(target at most 2x): {'met' if ok else 'MISSED'}")
    firsts = {row["page"].split(", ")[0]: [] for row in rows}
    for row in rows:
        if "first view after a change" in row["page"]:
            size = int(row["page"].split(", ")[1].split()[0].replace(",", ""))
            firsts[row["page"].split(", ")[0]].append((size, row["median_ms"]))
    for page, points in firsts.items():
        if len(points) >= 2:
            (small, small_ms), (large, large_ms) = sorted(points)[-2:]
            growth = (large_ms / small_ms) / (large / small)
            verdicts.append(f"{page}, first view after a change, {small:,} to {large:,}: "
                            f"{growth:.2f} of linear growth (target at most 1): "
                            f"{'met' if growth <= 1 else 'MISSED'}")
    if load:
        for key in ("closed_loop", "paced"):
            if not load[key]:
                verdicts.append(f"load, {key}: not run (nothing was answered): MISSED")
                continue
            errors = load[key]["errors"]
            verdicts.append(f"load, {load[key]['kind']}: {errors} errors (target 0): "
                            f"{'met' if errors == 0 else 'MISSED'}")
    if load and load["paced"]:
        p99 = load["paced"]["p99_ms"]
        verdicts.append(f"load, paced at {load['paced']['target_rps']}/s: p99 {p99} ms "
                        f"(target under 200 ms): "
                        f"{'met' if p99 is not None and p99 < 200 else 'MISSED'}")
    return verdicts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--activities", type=int, default=5000, help="the load run's person")
    parser.add_argument("--sizes", default="1000,5000,20000",
                        help="people whose home, dashboard and list are timed, warm and as "
                             "first seen after a change")
    parser.add_argument("--change-runs", type=int, default=15,
                        help="timed first views after a change per page")
    parser.add_argument("--small", type=int, default=10, help="the comparison person's")
    parser.add_argument("--report-activities", type=int, default=500)
    parser.add_argument("--import-rows", type=int, default=4_500,
                        help="into the report's person: with theirs, at most the cap a "
                             f"credential holds ({MAX_ACTIVITIES:,})")
    parser.add_argument("--runs", type=int, default=100, help="timed requests per page")
    parser.add_argument("--heavy-runs", type=int, default=10, help="for the PDF and import")
    parser.add_argument("--postgres", metavar="URL",
                        help="e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--workers", type=int, default=4, help="for the load run")
    parser.add_argument("--worker-class", default="sync", help="for the load run")
    parser.add_argument("--threads", type=int, default=1,
                        help="per worker, for the load run with --worker-class gthread")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--load-seconds", type=float, default=20)
    parser.add_argument("--paced-share", type=float, default=0.5,
                        help="the paced run's rate, as a share of the closed loop's")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile the dashboard and the list in process")
    parser.add_argument("--profile-runs", type=int, default=10)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()

    sizes = [int(n) for n in args.sizes.split(",") if n]
    if args.import_rows + args.report_activities > MAX_ACTIVITIES:
        parser.error(f"--import-rows {args.import_rows:,} into a person with "
                     f"{args.report_activities:,} activities would pass the "
                     f"{MAX_ACTIVITIES:,} a credential holds, and the app would refuse it")
    above_cap = [n for n in sizes if n > MAX_ACTIVITIES]
    people = {f"size-{n}": Person(f"size-{n}@example.com", n) for n in sizes}
    people |= {"big": people.get(f"size-{args.activities}")
               or Person("big@example.com", args.activities),
              "small": Person("small@example.com", args.small),
              "report": Person("report@example.com", args.report_activities)}
    load_at_start = [round(n, 2) for n in os.getloadavg()]  # others' work skews the figures
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        with database(args.postgres, folder) as (kind, url):
            started = time.perf_counter()
            seed(url, list({id(p): p for p in people.values()}.values()))
            print(f"suite: {kind}, seeded {' + '.join(f'{n:,}' for n in sizes)} + "
                  f"{args.small} + {args.report_activities} activities in "
                  f"{time.perf_counter() - started:.0f} s "
                  f"(seed {SEED}, today {TODAY}); {os.cpu_count()} CPUs, Python "
                  f"{platform.python_version()}, load average {load_at_start[0]}", flush=True)
            if above_cap:
                print(f"suite: {', '.join(f'{n:,}' for n in above_cap)} activities is above "
                      f"the {MAX_ACTIVITIES:,} a credential can reach through the app; seeded "
                      f"directly into the database to measure how the pages grow", flush=True)
            env = server_env(folder, url)
            print("\nLatency, one request at a time, gunicorn with 1 sync worker (ms):")
            print(f"  {'page':58} {'median':>9} {'p99':>9} {'vs floor':>9} {'runs':>5}")
            with gunicorn(env, folder, 1, "sync") as server:
                rows = latency_table(server.port, people, args.runs, args.heavy_runs,
                                     args.import_rows, url, args.change_runs)
                latency_rss = server.worker_rss_mb()
            print(f"  worker memory after these requests: {latency_rss} MB")
            load = None
            if not args.no_load:
                print(f"\nLoad on the {args.activities:,}-activity dashboard, gunicorn "
                      f"--workers {args.workers} --worker-class {args.worker_class}"
                      f"{f' --threads {args.threads}' if args.threads > 1 else ''}:")
                with gunicorn(env, folder, args.workers, args.worker_class,
                              args.threads) as server:
                    load = load_run(server, people["big"], args)
                    load["worker_rss_mb"] = server.worker_rss_mb()
                print(f"  worker memory after the load: {load['worker_rss_mb']} MB")
            if args.profile:
                profile(url, people["big"], args.profile_runs, top=25)
    verdicts = check_targets(rows, load, args.activities)
    print("\nTargets:")
    for verdict in verdicts:
        print(f"  {verdict}")
    results = {"when": datetime.now(UTC).isoformat(timespec="seconds"), "database": kind,
               "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                           "platform": platform.platform(),
                           "load_average_at_start": load_at_start,
                           "load_average_at_end": [round(n, 2) for n in os.getloadavg()]},
               "seed": SEED, "today": TODAY.isoformat(),
               "latency": {"server": "gunicorn, 1 sync worker", "client": "one at a time, "
                           "a new loopback connection per request", "pages": rows,
                           "worker_rss_mb_after": latency_rss},
               "load": load, "targets": verdicts}
    args.output.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nWritten to {args.output}")


if __name__ == "__main__":
    main()
