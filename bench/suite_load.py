"""The suite's load generator: many clients against one page, first in a closed loop to find
the throughput, then paced at a share of it for the latency at a load the machine sustains."""

from __future__ import annotations

import http.client
import threading
import time
from collections import Counter

from suite_http import TIMEOUT, Browser, Server, median, percentile
from suite_seed import Person


def load_request(port: int, path: str, cookie: str) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def run_clients(clients: int, work) -> tuple[list[float], Counter, float]:
    """Run `work(latencies, errors)` in `clients` threads; returns what they gathered and the
    seconds from start to the last answer."""
    latencies: list[float] = []
    errors: Counter = Counter()
    lock = threading.Lock()

    def client() -> None:
        mine, failed = [], Counter()
        work(mine, failed)
        with lock:
            latencies.extend(mine)
            errors.update(failed)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def one(port: int, path: str, cookie: str, since: float, latencies: list, errors: Counter
        ) -> None:
    try:
        status = load_request(port, path, cookie)
    except OSError as error:
        errors[type(error).__name__] += 1
        return
    if status == 200:
        latencies.append((time.perf_counter() - since) * 1000)
    else:
        errors[f"HTTP {status}"] += 1


def closed_loop(port: int, path: str, cookie: str, clients: int, seconds: float) -> dict:
    """Each client sends its next request as soon as the last one is answered."""
    deadline = time.perf_counter() + seconds

    def work(latencies: list, errors: Counter) -> None:
        while time.perf_counter() < deadline:
            one(port, path, cookie, time.perf_counter(), latencies, errors)

    latencies, errors, elapsed = run_clients(clients, work)
    return summary("closed loop", clients, elapsed, latencies, errors)


def paced(port: int, path: str, cookie: str, clients: int, seconds: float, rate: float
          ) -> dict:
    """Requests due at a fixed rate, shared by `clients` threads; each latency counts from
    when the request was due, so time spent waiting for a free client counts too."""
    total, start = max(1, int(rate * seconds)), time.perf_counter() + 0.1
    give_up = start + 3 * seconds  # stop sending if the server falls far behind
    issued = iter(range(total))
    lock = threading.Lock()
    skipped = Counter()

    def work(latencies: list, errors: Counter) -> None:
        while True:
            with lock:
                number = next(issued, None)
            if number is None:
                return
            due = start + number / rate
            if time.perf_counter() > give_up:
                skipped["not sent (server too far behind)"] += 1
                continue
            time.sleep(max(0.0, due - time.perf_counter()))
            one(port, path, cookie, due, latencies, errors)

    latencies, errors, elapsed = run_clients(clients, work)
    result = summary("paced", clients, elapsed - 0.1, latencies, errors + skipped)
    result["target_rps"] = round(rate, 2)
    return result


def summary(kind: str, clients: int, seconds: float, latencies: list[float], errors: Counter
            ) -> dict:
    return {"kind": kind, "clients": clients, "seconds": round(seconds, 1),
            "requests": len(latencies) + sum(errors.values()), "ok": len(latencies),
            "rps": round(len(latencies) / seconds, 2),
            "p50_ms": round(median(latencies), 1) if latencies else None,
            "p99_ms": round(percentile(latencies, 0.99), 1) if latencies else None,
            "max_ms": round(max(latencies), 1) if latencies else None,
            "errors": sum(errors.values()), "error_kinds": dict(errors)}


def print_load(result: dict) -> None:
    target = f" (due at {result['target_rps']}/s)" if "target_rps" in result else ""
    print(f"  {result['kind']}{target}: {result['clients']} clients, {result['seconds']} s, "
          f"{result['ok']} answered, {result['rps']} requests/s, p50 {result['p50_ms']} ms, "
          f"p99 {result['p99_ms']} ms, max {result['max_ms']} ms, "
          f"errors {result['errors']} {result['error_kinds'] or ''}", flush=True)


def load_run(server: Server, person: Person, args) -> dict:
    port, browser = server.port, Browser(server.port)
    browser.log_in(person.email)
    path, cookie = f"/credentials/{person.credential_id}", browser.cookie_header()
    # Warm every worker (templates compile, the catalog loads once per process).
    closed_loop(port, path, cookie, 2 * args.workers, 3)
    closed = closed_loop(port, path, cookie, args.clients, args.load_seconds)
    print_load(closed)
    steady = None
    if closed["rps"] > 0:
        steady = paced(port, path, cookie, args.clients, args.load_seconds,
                       args.paced_share * closed["rps"])
        print_load(steady)
    if closed["errors"] or not steady or steady["errors"]:
        print(f"  gunicorn's log ends:\n{server.log_tail()}")
    return {"path": path, "activities": person.activities, "workers": args.workers,
            "worker_class": args.worker_class, "threads": args.threads,
            "closed_loop": closed, "paced": steady,
            "paced_share_of_closed_loop_rps": args.paced_share}
