#!/usr/bin/env python
"""Measure the scoring, the rescoring and the peer search at EU scale (100,000 authorities) on this machine.

    .venv/bin/python scripts/bench/benchmark_scale.py [--n 100000] [--exact-all] [--skip-db]

(a) In memory: scores and ranks N synthetic authorities x 41 indicators (the 2023 framework: 12
    sub-pillars) with benchmarks.bulk_scoring, checks the values against benchmarks.scoring (Decimal) on a
    random sample of 2,000 rows (every row with --exact-all) and the ranks of all rows against
    scoring.rank_entries, and times the naive per-row Decimal loop (on 10,000 rows, extrapolated, unless
    --exact-all runs it on all rows).
(b) From PostgreSQL: creates a temporary database ucc_scale_<pid>, migrates it, loads N authorities, N
    published submissions and N x 41 answers with COPY, then times benchmarks.rescoring.edition_rescore_all
    three times: on fresh data (no stored results, every row inserted), again with every result stored
    and nothing changed (nothing written), and after 1,000 submissions changed one answer each (only
    their rows written, the usual case); --repeat rounds of these three (default 3; the results are
    deleted before each fresh run), reported as median and range, with the CPU time of this process and
    of its PostgreSQL backend (the machine is shared: CPU time is what the load stretches least). Checks
    the stored scores against (a)'s in-memory computation.
    The database is always dropped at the end, also on error. The PostgreSQL server is --postgres (default
    postgres://postgres@127.0.0.1:5432/postgres, or $BENCH_POSTGRES_URL).
(c) Peers: the k nearest authorities (k = 5 and 15) of one authority among N with their explanations via
    benchmarks.peers: model build time, then the median of 50 nearest() queries.
(d) A table of all figures with their targets.

Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import traceback
from decimal import Decimal
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from benchmarks import bulk_scoring, peers, scoring  # noqa: E402  (pure modules, no Django)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cpu_meter import Meter, backend_pid  # noqa: E402

TOTALS_2023 = [4, 6, 3, 5, 5, 4, 3, 2, 3, 2, 2, 2]  # indicators per sub-pillar, 41 in all
SUBPILLAR_OF_INDICATOR = np.repeat(np.arange(len(TOTALS_2023)), TOTALS_2023)
DB_NAME_PREFIX = "ucc_scale_"
RESULT_MARK = "BENCH_RESULT "


def synthetic_answers(n: int, seed: int) -> np.ndarray:
    """(n, 41) answer codes 0 = No, 1 = Yes, 2 = NA; each authority has its own propensity to answer Yes."""
    rng = np.random.default_rng(seed)
    propensity = rng.beta(2.0, 2.0, size=(n, 1))
    draw = rng.random((n, SUBPILLAR_OF_INDICATOR.size))
    codes = np.where(draw < propensity, 1, 0)
    codes[rng.random(codes.shape) < 0.05] = 2
    return codes


def bulk_score(codes: np.ndarray) -> bulk_scoring.BulkScores:
    return bulk_scoring.score_answers(
        answers=codes == 1, subpillar_of_indicator=SUBPILLAR_OF_INDICATOR, subpillar_count=len(TOTALS_2023)
    )


def decimal_score(row: np.ndarray) -> scoring.Score:
    labels = ("no", "yes", "na")
    answers: dict[str, list[str]] = {}
    for code, subpillar in zip(row.tolist(), SUBPILLAR_OF_INDICATOR.tolist(), strict=True):
        answers.setdefault(f"sp{subpillar}", []).append(labels[code])
    return scoring.score_answers(answers_by_subpillar=answers)


# -- (a) ------------------------------------------------------------------------------------------------


def part_a(n: int, *, seed: int, exact_all: bool) -> dict:
    codes = synthetic_answers(n, seed)
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        result = bulk_score(codes)
        timings.append(time.perf_counter() - started)
    bulk_seconds = statistics.median(timings)

    rng = np.random.default_rng(seed + 1)
    rows = np.arange(n) if exact_all else rng.choice(n, size=min(2000, n), replace=False)
    mismatches = 0
    for i in rows.tolist():
        score = decimal_score(codes[i])
        values = [int(s.value * 100) for s in score.subpillars]
        if (
            values != result.subpillar_hundredths[i].tolist()
            or int(score.overall * 1000) != int(result.overall_thousandths[i])
            or score.percent != int(result.percent[i])
        ):
            mismatches += 1
    ranked = scoring.rank_entries(
        overall_by_key={
            i: Decimal(int(t)).scaleb(-3) for i, t in enumerate(result.overall_thousandths.tolist())
        }
    )
    rank_mismatches = sum(1 for entry in ranked if entry.rank != int(result.rank[entry.key]))

    naive_rows = n if exact_all else min(n, 10_000)
    started = time.perf_counter()
    overall = {i: decimal_score(codes[i]).overall for i in range(naive_rows)}
    scoring.rank_entries(overall_by_key=overall)
    naive_seconds = time.perf_counter() - started
    return {
        "n": n,
        "bulk_seconds": bulk_seconds,
        "checked_rows": int(rows.size),
        "mismatches": mismatches,
        "rank_mismatches": rank_mismatches,
        "naive_rows": naive_rows,
        "naive_seconds": naive_seconds,
        "naive_seconds_for_n": naive_seconds * n / naive_rows,
    }


# -- (b) ------------------------------------------------------------------------------------------------


def part_b(n: int, *, seed: int, postgres_url: str, repeat: int) -> dict:
    """Create the database, run the child process in it, drop it (always)."""
    import psycopg

    name = f"{DB_NAME_PREFIX}{os.getpid()}"
    admin = psycopg.connect(postgres_url, autocommit=True)
    try:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
        base, _slash, _old = postgres_url.rpartition("/")
        env = {
            **os.environ,
            "DATABASE_URL": f"{base}/{name}",
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "portal.settings.dev"),
            "DATABASE_CONN_MAX_AGE": "0",
        }
        child = subprocess.run(
            [sys.executable, __file__, "--db-child", "--n", str(n), "--seed", str(seed)]
            + ["--repeat", str(repeat)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for line in child.stdout.splitlines():
            if line.startswith(RESULT_MARK):
                return json.loads(line[len(RESULT_MARK) :])
            print(line)
        return {"error": f"the database part exited with status {child.returncode} and no result"}
    except Exception as exc:  # robust: report and go on with the other parts
        traceback.print_exc()
        return {"error": f"{type(exc).__name__}: {exc}"}
    finally:
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            print(f"- dropped database {name}", flush=True)
        except Exception as exc:
            print(f"!! could not drop database {name}: {exc}", flush=True)
        admin.close()


def db_child(n: int, *, seed: int, repeat: int) -> None:
    """Runs inside `DATABASE_URL` (the temporary database): migrate, load, rescore, check."""
    figures: dict = {}
    try:
        figures = _db_child(n, seed=seed, repeat=repeat)
    except Exception as exc:
        traceback.print_exc()
        figures = {"error": f"{type(exc).__name__}: {exc}"}
    print(RESULT_MARK + json.dumps(figures), flush=True)


def _copy_text(cursor, table: str, columns: str, lines) -> None:
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        buffer = []
        size = 0
        for line in lines:
            buffer.append(line)
            size += len(line)
            if size > 8 << 20:
                copy.write("".join(buffer))
                buffer, size = [], 0
        if buffer:
            copy.write("".join(buffer))


def _db_child(n: int, *, seed: int, repeat: int) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from benchmarks.models import Answer, Authority, Edition, Indicator, Submission, SubPillarResult
    from benchmarks.rescoring import edition_rescore_all

    figures: dict = {"n": n}
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    figures["migrate_seconds"] = time.perf_counter() - started
    print(f"- migrated in {figures['migrate_seconds']:.1f} s", flush=True)

    edition = Edition.objects.get(framework__key="ucc", revision="2023")
    indicators = list(
        Indicator.objects.filter(edition=edition)
        .order_by("subpillar__sort_order", "subpillar__key", "sort_order", "code")
        .values_list("pk", "subpillar_id")
    )
    subpillar_order = list(dict.fromkeys(subpillar for _pk, subpillar in indicators))
    counts = np.bincount([subpillar_order.index(subpillar) for _pk, subpillar in indicators]).tolist()
    if counts != TOTALS_2023:
        raise RuntimeError(f"the 2023 edition has {counts} indicators per sub-pillar, expected {TOTALS_2023}")
    indicator_ids = [pk for pk, _order in indicators]
    codes = synthetic_answers(n, seed)
    labels = ("no", "yes", "na")

    started = time.perf_counter()
    now = "2025-01-01 00:00:00+00"
    authority_table, submission_table = Authority._meta.db_table, Submission._meta.db_table
    answer_table, result_table = Answer._meta.db_table, SubPillarResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {authority_table}")
        first_authority = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {submission_table}")
        first_submission = cursor.fetchone()[0] + 1
        _copy_text(
            cursor,
            authority_table,
            "id, name, slug, country, kind, population, website, email_domain",
            (
                f"{first_authority + i}\tAuthority {i:06d}\tauthority-{i:06d}\tEU\tcity\t{10_000 + i}\t\t\n"
                for i in range(n)
            ),
        )
        _copy_text(
            cursor,
            submission_table,
            "id, authority_id, edition_id, version, status, source, created_at, updated_at, published_at, "
            "review_comment",
            (
                f"{first_submission + i}\t{first_authority + i}\t{edition.pk}\t1\tpublished\timport_answers\t"
                f"{now}\t{now}\t{now}\t\n"
                for i in range(n)
            ),
        )
        figures["load_submissions_seconds"] = time.perf_counter() - started
        suffixes = [f"\t{pk}\t" for pk in indicator_ids]
        answer_lines = (
            f"{first_submission + i}{suffix}{labels[code]}\t\t\t\n"
            for i, row in enumerate(codes.tolist())
            for suffix, code in zip(suffixes, row, strict=True)
        )
        _copy_text(
            cursor,
            answer_table,
            "submission_id, indicator_id, value, evidence_text, evidence_url, review_comment",
            answer_lines,
        )
        for table in (authority_table, submission_table):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )
    figures["load_seconds"] = time.perf_counter() - started
    print(f"- loaded {n} submissions and {codes.size} answers with COPY in {figures['load_seconds']:.1f} s")
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in (authority_table, submission_table, answer_table):
            cursor.execute(f"VACUUM ANALYZE {table}")
    figures["vacuum_seconds"] = time.perf_counter() - started

    runs = []
    for repetition, label in [(r, label) for r in range(repeat) for label in ("fresh", "stored", "changed")]:
        if label == "fresh" and repetition:
            # back to no stored results (as after the load), then the same first-ever rescoring again
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {result_table}")
                cursor.execute(f"UPDATE {submission_table} SET overall = NULL, percent = NULL, rank = NULL")
                for table in (result_table, submission_table):
                    cursor.execute(f"VACUUM ANALYZE {table}")
        if label == "changed":
            # 1,000 submissions answer one indicator differently (No <-> Yes, NA -> Yes)
            rng = np.random.default_rng(seed + 1 + repetition)
            rows = rng.choice(n, size=min(n, 1_000), replace=False)
            columns = rng.integers(0, len(indicator_ids), size=rows.size)
            codes[rows, columns] = np.where(codes[rows, columns] == 1, 0, 1)
            changes = [
                (first_submission + int(i), indicator_ids[int(j)], labels[int(codes[i, j])])
                for i, j in zip(rows, columns, strict=True)
            ]
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {answer_table} SET value = %s WHERE submission_id = %s AND indicator_id = %s",
                    [(value, submission, indicator) for submission, indicator, value in changes],
                )
        with Meter(backend_pid(connection)) as meter:
            report = edition_rescore_all(edition=edition)
        measure = meter.result
        runs.append(
            {
                "label": label,
                "seconds": measure.wall,
                "python_cpu": measure.python_cpu,
                "postgres_cpu": measure.postgres_cpu,
                "phases": report.seconds,
                "summary": report.summary(),
            }
        )
        print(
            f"- rescore ({label}, run {repetition + 1}): {measure.describe()}; load average "
            f"{os.getloadavg()[0]:.1f}: {report.summary()}",
            flush=True,
        )
        if label == "fresh":
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM ANALYZE {result_table}")
                cursor.execute(f"VACUUM ANALYZE {submission_table}")
    figures["rescore_runs"] = runs

    # the stored values against the in-memory computation of (a)
    expected = bulk_score(codes)
    stored = list(
        Submission.objects.filter(edition=edition, status="published")
        .order_by("pk")
        .values_list("pk", "overall", "percent", "rank")
    )
    index = np.array([pk - first_submission for pk, *_rest in stored])
    overall = np.array([int(o.scaleb(3)) for _pk, o, _p, _r in stored])
    percent = np.array([p for _pk, _o, p, _r in stored])
    rank = np.array([r for _pk, _o, _p, r in stored])
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT submission_id, SUM((value * 100)::int) FROM {result_table} GROUP BY submission_id "
            "ORDER BY submission_id"
        )
        hundredths_sum = np.array([total for _id, total in cursor.fetchall()])
    figures["stored_mismatches"] = int(
        (overall != expected.overall_thousandths[index]).sum()
        + (percent != expected.percent[index]).sum()
        + (rank != expected.rank[index]).sum()
        + (hundredths_sum != expected.subpillar_hundredths.sum(axis=1)[index]).sum()
    )
    figures["stored_checked"] = len(stored)
    return figures


# -- (c) ------------------------------------------------------------------------------------------------


def part_c(n: int, *, seed: int) -> dict:
    rng = np.random.default_rng(seed + 2)
    population = np.exp(rng.normal(10.5, 1.3, n))
    raw = np.column_stack(
        [
            np.log(population),
            rng.integers(0, 2, n).astype(float),  # kind
            rng.lognormal(7.5, 0.5, n),  # budget per inhabitant
            rng.lognormal(2.0, 0.7, n),  # ICT specialists per 1,000 employees
            rng.integers(0, 5, n).astype(float),  # country group
        ]
    )
    for column, share in ((2, 0.15), (3, 0.3)):  # budget and ICT often unknown
        raw[rng.random(n) < share, column] = np.nan
    started = time.perf_counter()
    model = peers.build_model(raw=raw, variables=peers.CONTEXT_VARIABLES)
    build_seconds = time.perf_counter() - started
    figures = {"n": n, "build_seconds": build_seconds}
    targets = rng.integers(0, n, 50).tolist()
    for k in (5, 15):
        peers.nearest(model=model, target=targets[0], k=k)  # warm-up
        timings = []
        for target in targets:
            started = time.perf_counter()
            found = peers.nearest(model=model, target=target, k=k)
            timings.append(time.perf_counter() - started)
            assert len(found) == k and all(p.contributions for p in found)
        figures[f"k{k}_median_seconds"] = statistics.median(timings)
        figures[f"k{k}_max_seconds"] = max(timings)
    return figures


# -- (d) ------------------------------------------------------------------------------------------------


def table(a: dict | None, b: dict | None, c: dict | None) -> None:
    rows: list[tuple[str, str, str]] = []

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.1f} ms"

    if a:
        rows += [
            (f"(a) bulk scoring + ranking, {a['n']:,} x 41", ms(a["bulk_seconds"]), "< 250 ms"),
            (
                f"(a) check vs Decimal method ({a['checked_rows']:,} rows, ranks of all)",
                f"{a['mismatches']} / {a['rank_mismatches']} mismatches",
                "0 / 0",
            ),
            (
                f"(a) naive Decimal loop, {a['naive_rows']:,} rows",
                f"{a['naive_seconds']:.2f} s",
                "(comparison)",
            ),
        ]
        if a["naive_rows"] != a["n"]:
            rows.append(
                (
                    f"(a) naive Decimal loop, {a['n']:,} (extrapolated)",
                    f"{a['naive_seconds_for_n']:.1f} s",
                    "",
                )
            )
    if b:
        if "error" in b:
            rows.append(("(b) rescoring from PostgreSQL", "ERROR: " + b["error"][:200], "< 15 s"))
        else:
            rows.append(
                (f"(b) load {b['n']:,} submissions + answers (COPY)", f"{b['load_seconds']:.1f} s", "")
            )
            for label in ("fresh", "stored", "changed"):
                runs = [run for run in b["rescore_runs"] if run["label"] == label]
                if not runs:
                    continue
                walls = [run["seconds"] for run in runs]
                cpu = statistics.median(run["python_cpu"] + (run["postgres_cpu"] or 0) for run in runs)
                phases = " ".join(
                    f"{name} {statistics.median(run['phases'][name] for run in runs):.1f}"
                    for name in runs[0]["phases"]
                )
                backend = "" if runs[0]["postgres_cpu"] is None else " + PostgreSQL"
                rows.append(
                    (
                        f"(b) edition_rescore_all, {label}: median (range) of {len(runs)} ({phases})",
                        f"{statistics.median(walls):.2f} s ({min(walls):.1f}-{max(walls):.1f})",
                        "< 15 s",
                    )
                )
                rows.append((f"(b)   CPU time, Python{backend}, median", f"{cpu:.2f} s", ""))
            rows.append(
                (
                    f"(b) stored vs in-memory ({b['stored_checked']:,} submissions)",
                    f"{b['stored_mismatches']} mismatches",
                    "0",
                )
            )
    if c:
        rows += [
            (f"(c) peer model build, {c['n']:,} authorities", ms(c["build_seconds"]), "(once)"),
            ("(c) nearest k=5 with explanations, median of 50", ms(c["k5_median_seconds"]), "< 20 ms"),
            ("(c) nearest k=15 with explanations, median of 50", ms(c["k15_median_seconds"]), "< 20 ms"),
        ]
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    print()
    print(f"{'figure':<{width}}  {'measured':>{value_width}}  target")
    print("-" * (width + value_width + 12))
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:>{value_width}}  {target}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=100_000, help="Number of authorities (default 100000).")
    parser.add_argument("--seed", type=int, default=2023)
    parser.add_argument(
        "--exact-all", action="store_true", help="Check every row against the Decimal method."
    )
    parser.add_argument("--skip-db", action="store_true", help="Skip the PostgreSQL part (b).")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="Rescoring rounds (fresh, stored, changed) in (b), reported as median and range (default 3).",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="A PostgreSQL URL whose user may create databases.",
    )
    parser.add_argument("--db-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.db_child:
        db_child(args.n, seed=args.seed, repeat=args.repeat)
        return
    print(f"Benchmark at scale: N = {args.n:,} authorities, {os.cpu_count()} CPUs", flush=True)
    print("- (a) in-memory scoring ...", flush=True)
    a = part_a(args.n, seed=args.seed, exact_all=args.exact_all)
    b = None
    if not args.skip_db:
        print("- (b) rescoring from PostgreSQL ...", flush=True)
        b = part_b(args.n, seed=args.seed, postgres_url=args.postgres, repeat=args.repeat)
    print("- (c) peers ...", flush=True)
    c = part_c(args.n, seed=args.seed)
    table(a, b, c)


if __name__ == "__main__":
    main()
