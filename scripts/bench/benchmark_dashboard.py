#!/usr/bin/env python
"""Measure the benchmark dashboard as deployed: the production server, the scoring and the import.

    .venv/bin/python scripts/bench/benchmark_dashboard.py [--requests 200] [--rescores 50] [--imports 5]

1. Builds a database: a fresh SQLite file in a temporary directory, or the database named by DATABASE_URL
   (then nothing is dropped: migrate and load_demo are idempotent). Migrates and loads the demo.
2. Starts the production server with the project's serve command (scripts/serve: collectstatic, uvicorn
   with WEB_CONCURRENCY=2 workers) on a free port, waits until it answers, then requests
   /dashboard/?edition=2023 sequentially on one keep-alive connection and reports the time to first
   byte measured by the client, the Server-Timing header when the server sends one, and requests/s.
   The server is stopped afterwards.
3. In-process, on the same database: re-scores one published submission (services.submission_score then
   services.edition_rerank) and imports a 26-authority answers file built from the demo's published
   answers (benchmarks.importing, dry run: everything runs, then rolls back).

Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import io
import math
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = (
    str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable
)
DASHBOARD = "/dashboard/?edition=2023"


def p95(values: list[float]) -> float:
    """Nearest-rank 95th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(step: str, args: list[str], env: dict[str, str]) -> float:
    print(f"- {step} ...", flush=True)
    started = time.perf_counter()
    subprocess.run(args, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 180) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} before answering")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


SERVER_TIMING_DUR = re.compile(r"dur=([0-9.]+)")


def measure_http(port: int, n: int, warmup: int = 5) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    ttfb, total, server, statuses, sizes = [], [], [], {}, []
    wall_start = 0.0
    for i in range(warmup + n):
        if i == warmup:
            wall_start = time.perf_counter()
        started = time.perf_counter()
        conn.request("GET", DASHBOARD, headers={"Host": "127.0.0.1"})
        response = conn.getresponse()  # returns once the status line and headers are read
        first_byte = time.perf_counter()
        body = response.read()
        done = time.perf_counter()
        if response.getheader("Connection", "").lower() == "close":
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        if i < warmup:
            continue
        ttfb.append((first_byte - started) * 1000)
        total.append((done - started) * 1000)
        statuses[response.status] = statuses.get(response.status, 0) + 1
        sizes.append(len(body))
        timing = response.getheader("Server-Timing")
        if timing:
            durations = [float(d) for d in SERVER_TIMING_DUR.findall(timing)]
            if durations:
                server.append(max(durations))
    wall = time.perf_counter() - wall_start
    conn.close()
    return {
        "ttfb": ttfb,
        "total": total,
        "server": server,
        "statuses": statuses,
        "bytes": statistics.median(sizes) if sizes else 0,
        "rps": n / wall if wall else 0.0,
    }


def stop(process: subprocess.Popen) -> None:
    """Stop the server we started: its own process group (scripts/serve execs uvicorn, which forks)."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def measure_in_process(env: dict[str, str], rescores: int, imports: int) -> dict:
    """Production settings (DEBUG off, as served), the same database as the server."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from benchmarks import exports, importing, selectors, services
    from benchmarks.models import Submission

    edition = selectors.edition_get(framework_key="ucc", revision="2023")
    submission = (
        Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED)
        .order_by("rank", "authority__name")
        .first()
    )
    if submission is None:
        raise RuntimeError("no published 2023 submission: did load_demo run?")
    rescore = []
    for _ in range(rescores):
        started = time.perf_counter()
        with transaction.atomic(), CaptureQueriesContext(connection) as rescore_queries:
            services.submission_score(submission=submission)
            services.edition_rerank(edition=edition)
        rescore.append((time.perf_counter() - started) * 1000)

    # A 26-authority answers file made of the published answers (every indicator, with evidence).
    published = io.StringIO()
    exports.write_answers_csv(edition=edition, out=published)
    answers = io.StringIO()
    writer = csv.writer(answers, lineterminator="\n")
    writer.writerow(["authority", "indicator", "value", "evidence"])
    rows = 0
    for row in csv.DictReader(io.StringIO(published.getvalue())):
        writer.writerow(
            [row["authority"], row["indicator"], row["value"], row["evidence_url"] or row["evidence"]]
        )
        rows += 1
    data = answers.getvalue().encode("utf-8")
    import_times = []
    for _ in range(imports):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as import_queries:
            report = importing.benchmark_import(
                edition=edition, data=data, filename="bench.csv", dry_run=True
            )
        import_times.append((time.perf_counter() - started) * 1000)
    return {
        "rescore": rescore,
        "rescore_queries": len(rescore_queries),
        "import": import_times,
        "import_rows": rows,
        "import_authorities": len(report.submissions),
        "import_queries": len(import_queries),
        "vendor": connection.vendor,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="dashboard requests (default 200)")
    parser.add_argument("--rescores", type=int, default=50, help="re-scoring runs (default 50)")
    parser.add_argument("--imports", type=int, default=5, help="import runs (default 5)")
    parser.add_argument("--workers", type=int, default=2, help="WEB_CONCURRENCY (default 2)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ucc-bench-"))
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{tmp / 'bench.sqlite3'}"
    port = free_port()
    base_env = {**os.environ, "DATABASE_URL": database_url, "MEDIA_ROOT": str(tmp / "media")}
    setup_env = {**base_env, "DJANGO_SETTINGS_MODULE": "portal.settings.dev"}
    server_env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "portal.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "WEB_CONCURRENCY": str(args.workers),
        "STATIC_ROOT": str(tmp / "static"),
        "SERVE_MIGRATE": "0",  # migrated just before
        "PY": PYTHON,
    }
    figures: dict[str, float] = {}
    process = None
    try:
        figures["migrate"] = run("migrate", [PYTHON, "manage.py", "migrate", "--noinput", "-v0"], setup_env)
        figures["load_demo"] = run("load_demo", [PYTHON, "manage.py", "load_demo"], setup_env)
        print(f"- scripts/serve on 127.0.0.1:{port} with {args.workers} workers ...", flush=True)
        log = open(tmp / "server.log", "wb")
        started = time.perf_counter()
        process = subprocess.Popen(
            [str(ROOT / "scripts" / "serve")],
            cwd=ROOT,
            env=server_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until_up(port, process)
        figures["server_start"] = time.perf_counter() - started
        print(f"- {args.requests} sequential requests of {DASHBOARD} ...", flush=True)
        http_figures = measure_http(port, args.requests)
    except Exception:
        if (tmp / "server.log").exists():
            sys.stderr.write((tmp / "server.log").read_text(errors="replace")[-3000:])
        raise
    finally:
        if process is not None:
            stop(process)
    print("- re-scoring and import, in-process ...", flush=True)
    local = measure_in_process(
        {
            key: server_env[key]
            for key in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "STATIC_ROOT")
        },
        args.rescores,
        args.imports,
    )

    server_timing = (
        f"{statistics.median(http_figures['server']):.1f} ms / {p95(http_figures['server']):.1f} ms"
        if http_figures["server"]
        else "not sent"
    )
    database = "SQLite file" if database_url.startswith("sqlite") else local["vendor"]
    print()
    python = sys.version.split()[0]
    print(f"UserCentriCities dashboard benchmark ({database}, {os.cpu_count()} cores, Python {python})")
    print(
        f"setup: migrate {figures['migrate']:.1f} s, load_demo {figures['load_demo']:.1f} s, "
        f"scripts/serve up in {figures['server_start']:.1f} s"
    )
    statuses = ", ".join(f"{code} x{count}" for code, count in sorted(http_figures["statuses"].items()))
    rows = [
        ("measure", "median", "p95", "notes"),
        (
            f"GET {DASHBOARD}: time to first byte",
            f"{statistics.median(http_figures['ttfb']):.1f} ms",
            f"{p95(http_figures['ttfb']):.1f} ms",
            f"{args.requests} sequential requests, {statuses}, {http_figures['bytes'] / 1024:.0f} KB",
        ),
        (
            "  whole response",
            f"{statistics.median(http_figures['total']):.1f} ms",
            f"{p95(http_figures['total']):.1f} ms",
            f"{http_figures['rps']:.1f} requests/s (one client)",
        ),
        (
            "  Server-Timing header (max dur)",
            server_timing.split(" / ")[0],
            server_timing.split(" / ")[-1],
            "",
        ),
        (
            "re-score one submission + rerank",
            f"{statistics.median(local['rescore']):.1f} ms",
            f"{p95(local['rescore']):.1f} ms",
            f"{args.rescores} runs, in-process, committed, {local['rescore_queries']} queries each",
        ),
        (
            "import 26-authority answers file",
            f"{statistics.median(local['import']):.0f} ms",
            f"{max(local['import']):.0f} ms (max)",
            f"{args.imports} dry runs, {local['import_authorities']} authorities, "
            f"{local['import_rows']} rows, {local['import_queries']} queries",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for index, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    if args.keep:
        print(f"kept {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
