#!/usr/bin/env python
"""Measure the open data API's ranking endpoint with many published authorities.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python scripts/bench/benchmark_api.py \
        [--authorities 10000] [--requests 30]

On the database named by DATABASE_URL (a SQLite file when unset), inside one transaction that is rolled
back at the end (nothing is left behind): migrates, bulk-inserts N synthetic authorities with published
2023 submissions and their sub-pillar results (scores precomputed with benchmarks.bulk_scoring, the
exact method on integer arrays), stores the ranks with services.edition_rerank, then requests
/api/v1/editions/ucc/2023/ranking in-process (Django test client, no network) and prints the time per
request: first page, a deep page, a filtered page, plus the peer group endpoint (cold, then cached).
Then the dashboard page (HTML) in several sorts and filters, three times each, cold (cache emptied) and
with only the edition's ranking summary cached (count, countries, pillar averages: what a new sort or
page finds after the first view of the data), as median and range. Every figure also gives the CPU time
of this process plus its PostgreSQL backend (when PostgreSQL runs here): the machine is shared and
wall-clock times stretch with its load.

Prints figures only; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")


class Rollback(Exception):
    pass


def timed(client, url: str, repeats: int, pid: int | None = None) -> tuple[float, float, int, str]:
    """Median and p95 wall-clock ms of `repeats` requests, the response size and the median CPU ms."""
    from cpu_meter import Meter

    times, cpu = [], []
    for _ in range(repeats):
        with Meter(pid) as meter:
            response = client.get(url)
        times.append(meter.result.wall * 1000)
        cpu.append(meter.result.cpu * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    ordered = sorted(times)
    p95 = ordered[max(0, int(0.95 * len(ordered)) - 1)]
    return statistics.median(times), p95, len(response.content), f"{statistics.median(cpu):.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--authorities", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="list the SQL of one ranking request")
    args = parser.parse_args()

    import django

    django.setup()
    import numpy as np
    from cpu_meter import Meter, backend_pid
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.utils import timezone

    from benchmarks import bulk_scoring, selectors, services
    from benchmarks.models import Authority, Edition, Submission, SubPillarResult
    from benchmarks.scoring import band

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    n = args.authorities
    rng = np.random.default_rng(2024)
    try:
        with transaction.atomic():
            edition = Edition.objects.get(framework__key="ucc", revision="2023")
            subpillars = list(edition.subpillars.order_by("sort_order", "key"))
            totals = np.array([sp.indicators.count() for sp in subpillars])
            yes = rng.integers(0, totals + 1, size=(n, totals.size))
            scores = bulk_scoring.score_points(yes=yes, totals=totals)

            start = time.perf_counter()
            countries = ["FI", "BE", "IT", "ES", "PL", "DE", "FR", "SE", "PT", "UA"]
            authorities = Authority.objects.bulk_create(
                Authority(
                    name=f"Bench town {i:06d}",
                    slug=f"bench-town-{i:06d}",
                    country=countries[i % len(countries)],
                    kind="region" if i % 20 == 0 else "city",
                    population=int(rng.integers(5_000, 2_000_000)),
                )
                for i in range(n)
            )
            now = timezone.now()
            submissions = Submission.objects.bulk_create(
                (
                    Submission(
                        authority=authority,
                        edition=edition,
                        version=1,
                        status=Submission.Status.PUBLISHED,
                        source=Submission.Source.IMPORT_POINTS,
                        published_at=now,
                        overall=Decimal(int(scores.overall_thousandths[i])) / 1000,
                        percent=int(scores.percent[i]),
                        annual_budget_eur=int(rng.integers(10_000_000, 5_000_000_000)),
                        employees=int(rng.integers(100, 50_000)),
                        ict_specialists_in_house_fte=Decimal(int(rng.integers(0, 500))),
                    )
                    for i, authority in enumerate(authorities)
                ),
                batch_size=2000,
            )
            SubPillarResult.objects.bulk_create(
                (
                    SubPillarResult(
                        submission=submission,
                        subpillar=sp,
                        yes=int(yes[i, j]),
                        total=int(totals[j]),
                        value=Decimal(int(scores.subpillar_hundredths[i, j])) / 100,
                        band=band(value=Decimal(int(scores.subpillar_hundredths[i, j])) / 100).value,
                    )
                    for i, submission in enumerate(submissions)
                    for j, sp in enumerate(subpillars)
                ),
                batch_size=5000,
            )
            print(
                f"inserted {n:,} authorities, submissions and {n * len(subpillars):,} sub-pillar results "
                f"in {time.perf_counter() - start:.1f} s"
            )
            start = time.perf_counter()
            services.edition_rerank(edition=edition)
            print(f"services.edition_rerank: {time.perf_counter() - start:.2f} s")
            if connection.vendor == "postgresql":  # what autovacuum would do after such an import
                with connection.cursor() as cursor:
                    cursor.execute(
                        "ANALYZE benchmarks_authority, benchmarks_submission, benchmarks_subpillarresult"
                    )
            published = Submission.objects.filter(edition=edition, status="published").count()
            print(f"published authorities in the edition: {published:,}")

            client = Client(HTTP_HOST="localhost")
            base = "/api/v1/editions/ucc/2023"
            target = authorities[n // 2].slug
            pid = backend_pid(connection)
            print(
                "\nCPU ms: this process and its PostgreSQL backend (when readable); the machine is shared, "
                "wall-clock times stretch with its load"
            )
            print(f"\n{'request':<62} {'median ms':>10} {'p95 ms':>8} {'bytes':>8} {'CPU ms':>7}")
            for label, url in [
                ("ranking, first page (limit 50)", f"{base}/ranking"),
                ("ranking, limit 500", f"{base}/ranking?limit=500"),
                ("ranking, deep page (offset 9,000)", f"{base}/ranking?offset=9000"),
                ("ranking, country=PL", f"{base}/ranking?country=PL"),
                ("ranking, kind=region, offset 100", f"{base}/ranking?kind=region&offset=100"),
                ("score of one authority", f"{base}/scores/{target}"),
                ("answers, first page", f"{base}/answers"),
                ("authorities, q=town 0", "/api/v1/authorities?q=town%2000"),
            ]:
                median, p95, size, cpu = timed(client, url, args.requests, pid)
                print(f"{label:<62} {median:>10.1f} {p95:>8.1f} {size:>8,} {cpu:>7}")
            if args.profile:
                from django.test.utils import CaptureQueriesContext

                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    client.get(f"{base}/ranking")
                    total = (time.perf_counter() - start) * 1000
                print(f"\none ranking request: {total:.1f} ms, {len(queries)} queries:")
                for query in queries.captured_queries:
                    print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
            dashboard = _dashboard_url()
            print(
                f"\n{'dashboard page (HTML), ' + str(published) + ' authorities':<50} "
                f"{'median ms (range), 3 runs':>26} {'CPU ms':>7}"
            )
            for label, query in [
                ("first page", "?edition=2023"),
                ("page 100", "?edition=2023&page=100"),
                ("sorted by sub-pillar 2.1", "?edition=2023&sort=2.1"),
                ("sorted by sub-pillar 3.2 ascending, page 7", "?edition=2023&sort=3.2&dir=asc&page=7"),
                ("country=PL, page 3", "?edition=2023&country=PL&page=3"),
            ]:
                for cold, state in ((True, "cold: empty cache"), (False, "ranking summary cached")):
                    walls, cpus = [], []
                    for _ in range(3):
                        cache.clear()
                        if not cold:  # what a new sort or page finds once the data's summary is cached
                            version = selectors.edition_data_version(edition=edition)
                            selectors.ranking_summary(edition=edition, version=version)
                        with Meter(pid) as meter:
                            response = client.get(dashboard + query)
                        assert response.status_code == 200, response.status_code
                        walls.append(meter.result.wall * 1000)
                        cpus.append(meter.result.cpu * 1000)
                    figure = f"{statistics.median(walls):.0f} ({min(walls):.0f}-{max(walls):.0f})"
                    print(
                        f"  {label + ', ' + state:<48} {figure:>26} {statistics.median(cpus):>7.0f}"
                        f"  ({len(response.content):,} bytes)"
                    )
            median, p95, size, cpu = timed(client, dashboard + "?edition=2023", args.requests, pid)
            print(f"  {'first page, served again (cache)':<48} {median:>26.1f} {cpu:>7}  p95 {p95:.1f}")
            for mode in ("context", "scores"):
                url = f"{base}/peers/{target}?mode={mode}&k=5"
                cache.clear()
                with Meter(pid) as meter:
                    client.get(url)
                cold = meter.result
                median, p95, size, cpu = timed(client, url, args.requests, pid)
                print(
                    f"{'peers ' + mode + ', cold (builds the model)':<62} {cold.wall * 1000:>10.1f} "
                    f"{'':>8} {'':>8} {cold.cpu * 1000:>7.0f}"
                )
                label = f"peers {mode}, cached model"
                print(f"{label:<62} {median:>10.1f} {p95:>8.1f} {size:>8,} {cpu:>7}")
            raise Rollback
    except Rollback:
        print("\nrolled back: the database is as before")


def _dashboard_url() -> str:
    """The URL of a dashboard page, creating a minimal site with one when the database has none."""
    from benchmarks.factories import DashboardPageFactory
    from benchmarks.models import DashboardPage
    from portal.demo import ensure_home_page

    page = DashboardPage.objects.live().first()
    if page is None:
        page = DashboardPageFactory(parent=ensure_home_page(), slug="dashboard", title="Benchmark dashboard")
    return page.url


if __name__ == "__main__":
    main()
