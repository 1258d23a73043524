#!/usr/bin/env python
"""Measure the practice library with many cases: full-text query, facets with counts, deep pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/practices .venv/bin/python \
        scripts/bench/benchmark_practices.py [--cases 10000] [--requests 20]

On the database named by DATABASE_URL (a SQLite file when unset), inside one transaction that is rolled
back at the end (nothing is left behind): migrates, builds a minimal site with a practice library, bulk
inserts N synthetic live practice cases (tree paths computed, no per-page save) with 1-3 of 200
authorities, 1-3 sub-pillars, 1-4 principles and 2-5 of 150 tags each, indexes them for full text with
the configured Wagtail search backend, then requests the library in-process (Django test client, the
whole view and template rendering, no network; the process prepared as a server's is, portal/startup.py)
and prints, per URL, the median and 95th percentile:

- cold: the cache emptied before every request (and this process's copy of the library's facet index
  dropped), so the request reads the facet index and the full-text match from the database: what the
  first visitor after a publish, a tag change or a restart gets;
- warm: the same request again with the cache filled by the previous one;

with the CPU time of this process and of its PostgreSQL backend (median, when /proc shows it), the number
of SQL queries of one cold and one warm request, and the page's size. The load average is printed at the
start and the end: wall-clock figures stretch with the machine's load, CPU figures much less.

Prints figures only; nothing here asserts a time. The machine is shared: expect noise.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

WORDS = (
    "parking permit waste collection school enrolment childcare benefits housing renovation energy library "
    "sports booking health appointment elderly care digital identity wallet payment taxes business licence "
    "participation budget feedback complaint accessibility usability chatbot multilingual open data portal "
    "mobility transport bicycle tram residents newcomers migrants students families volunteers neighbourhood "
    "pothole streetlight noise tree garden market culture museum theatre festival ticket app dashboard"
).split()
SERVICES = (
    "parking app",
    "waste calendar",
    "school enrolment",
    "benefits check",
    "permit portal",
    "health booking",
    "repair cafés",
    "library card",
    "tax account",
    "youth centre",
    "senior line",
    "bike sharing",
    "complaints desk",
    "budget vote",
    "open data portal",
    "energy coach",
    "moving guide",
    "job matching",
)


class Rollback(Exception):
    pass


def build(n: int, rng: random.Random):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.utils import timezone
    from taggit.models import Tag
    from treebeard.mp_tree import MP_Node
    from wagtail.models import Page, Site

    from benchmarks.models import Authority, SubPillar
    from portal.demo import ensure_home_page
    from portal.principles import Principle
    from practices.factories import PracticeIndexPageFactory
    from practices.models import CaseStatus, LifeEvent, PracticeCasePage, PracticeCaseTag, ServiceArea

    home = ensure_home_page()
    library = PracticeIndexPageFactory(parent=home, slug=f"bench-practices-{rng.randrange(10**6)}")
    countries = ["FI", "BE", "IT", "ES", "PL", "DE", "FR", "SE", "PT", "UA", "NL", "EE", "LV", "SI", "GB"]
    authorities = Authority.objects.bulk_create(
        Authority(
            name=f"Bench city {i:03d}", slug=f"bench-city-{i:03d}", country=countries[i % len(countries)]
        )
        for i in range(200)
    )
    tags = Tag.objects.bulk_create(
        Tag(name=f"bench topic {i:03d}", slug=f"bench-topic-{i:03d}") for i in range(150)
    )
    subpillars = list(SubPillar.objects.filter(edition__framework__key="ucc", edition__revision="2023"))
    content_type = ContentType.objects.get_for_model(PracticeCasePage)
    now = timezone.now()
    pages = []
    for i in range(n):
        title = f"{rng.choice(SERVICES).capitalize()} {i:05d}"
        published = now - timedelta(hours=i)
        pages.append(
            Page(
                title=title,
                draft_title=title,
                slug=f"case-{i:05d}",
                content_type=content_type,
                path=library.path + MP_Node._int2str(i + 1).rjust(library.steplen, "0"),
                depth=library.depth + 1,
                numchild=0,
                url_path=f"{library.url_path}case-{i:05d}/",
                live=True,
                locale_id=library.locale_id,
                first_published_at=published,
                last_published_at=published,
            )
        )
    start = time.perf_counter()
    pages = Page.objects.bulk_create(pages, batch_size=2000)
    fields = PracticeCasePage._meta.local_concrete_fields
    cases = []
    for page in pages:
        words = " ".join(rng.choices(WORDS, k=25))
        case = PracticeCasePage(
            page_ptr_id=page.pk,
            summary=f"{page.title}: {words}.",
            user_centricity=f"<p>{' '.join(rng.choices(WORDS, k=30))}.</p>",
            impact=f"<p>Waiting times fell by {rng.randint(5, 80)}%.</p>",
            service_area=rng.choice(ServiceArea.values),
            life_event=rng.choice(LifeEvent.values),
            status=rng.choice(CaseStatus.values),
            year_launched=rng.randint(2010, 2025),
            principles=rng.sample(Principle.values, k=rng.randint(1, 4)),
        )
        case.pk = page.pk
        cases.append(case)
    for offset in range(0, len(cases), 1000):
        PracticeCasePage._base_manager._insert(cases[offset : offset + 1000], fields=fields)
    library.numchild = n
    library.save(update_fields=["numchild"])
    through_a = PracticeCasePage.authorities.through
    through_s = PracticeCasePage.sub_pillars.through
    through_a.objects.bulk_create(
        (
            through_a(practicecasepage_id=page.pk, authority_id=authority.pk)
            for page in pages
            for authority in rng.sample(authorities, k=rng.choice((1, 1, 1, 2, 3)))
        ),
        batch_size=5000,
    )
    through_s.objects.bulk_create(
        (
            through_s(practicecasepage_id=page.pk, subpillar_id=sp.pk)
            for page in pages
            for sp in rng.sample(subpillars, k=rng.randint(1, 3))
        ),
        batch_size=5000,
    )
    weights = [1 / (rank + 1) for rank in range(len(tags))]  # a few popular tags, a long tail
    PracticeCaseTag.objects.bulk_create(
        (
            PracticeCaseTag(content_object_id=page.pk, tag_id=tag.pk)
            for page in pages
            for tag in {t.pk: t for t in rng.choices(tags, weights=weights, k=rng.randint(2, 5))}.values()
        ),
        batch_size=5000,
    )
    print(
        f"inserted {n:,} live cases with authorities, sub-pillars and tags "
        f"in {time.perf_counter() - start:.1f} s"
    )

    start = time.perf_counter()
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    index = backend.get_index_for_model(PracticeCasePage)
    queryset = PracticeCasePage.objects.filter(pk__in=[page.pk for page in pages]).prefetch_related(
        "tagged_items__tag", "authorities"
    )
    for offset in range(0, n, 1000):
        index.add_items(PracticeCasePage, list(queryset.order_by("pk")[offset : offset + 1000]))
    print(f"full-text index of {n:,} cases ({type(backend).__module__}): {time.perf_counter() - start:.1f} s")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    Site.objects.filter(is_default_site=True).update(root_page=home)
    return library, tags


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def _load() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def _empty_caches() -> None:
    """The cache emptied, and this process's copy of the library's facet index dropped (when there is one)."""
    from django.core.cache import cache

    cache.clear()
    try:
        from practices.library_index import forget_local
    except ImportError:  # before the facet index
        return
    forget_local()


def _profile(client, connection, label: str, url: str) -> None:
    import cProfile
    import pstats

    from django.test.utils import CaptureQueriesContext

    _empty_caches()
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        client.get(url)
        total = (time.perf_counter() - start) * 1000
    print(f"\n{label}, cold: {total:.1f} ms, {len(queries)} queries")
    print("  ms as Django saw it, ms of EXPLAIN ANALYZE in the server (PostgreSQL), SQL:")
    slowest = (0.0, "")
    for query in queries.captured_queries:
        explained = ""
        if connection.vendor == "postgresql" and query["sql"].lstrip().upper().startswith("SELECT"):
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                plan = cursor.fetchone()[0]
                plan = plan[0] if isinstance(plan, list) else plan
                explained = f"{plan['Execution Time']:7.1f}"
                slowest = max(slowest, (plan["Execution Time"], query["sql"]))
        print(f"  {float(query['time']) * 1000:7.1f} {explained:>7}  {query['sql'][:100]}")
    if slowest[1]:
        print("  the slowest one's plan:")
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest[1])
            for (line,) in cursor.fetchall():
                print("    " + line)
    for mode in ("cold", "warm"):
        if mode == "cold":
            _empty_caches()
        profiler = cProfile.Profile()
        profiler.enable()
        client.get(url)
        profiler.disable()
        print(f"\n{label}, {mode}: the functions with the most cumulative time")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="list the SQL of a cold two-facet and a cold query request (with EXPLAIN ANALYZE's times on "
        "PostgreSQL) and the functions that take the most time",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from cpu_meter import Meter, backend_pid, process_cpu
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.startup import prepare_process

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    rng = random.Random(2026)
    try:
        with transaction.atomic():
            library, tags = build(args.cases, rng)
            prepare_process()  # as each server process does when it starts (portal/asgi.py)
            client = Client(HTTP_HOST="localhost")
            client.get(library.url)  # warm the template and URL caches
            popular, other = tags[0].slug, tags[7].slug
            last_page = (args.cases + 11) // 12
            urls = [
                ("no filter, first page", library.url),
                ("query 'parking'", f"{library.url}?q=parking"),
                ("query 'school enrolment' + status=live", f"{library.url}?q=school+enrolment&status=live"),
                (f"two facets: tag={popular} + country=ES", f"{library.url}?tag={popular}&country=ES"),
                (
                    "four facets: tag, principle, sub-pillar 2.1, year 2020",
                    f"{library.url}?tag={other}&principle=privacy&sub_pillar=2.1&year=2020",
                ),
                ("query + two facets", f"{library.url}?q=residents&tag={popular}&country=IT"),
                (f"deep page ({last_page - 10} of {last_page})", f"{library.url}?page={last_page - 10}"),
                ("sorted by title, page 200", f"{library.url}?sort=title&page=200"),
                (f"tag page /tag/{popular}/", f"{library.url}tag/{popular}/"),
            ]
            pid = backend_pid(connection)
            print(f"\nload average at the start: {_load()}")
            print(
                f"{args.requests} requests of each kind; ms; CPU = this process + its PostgreSQL backend "
                f"({'readable' if process_cpu(pid) is not None else 'backend not readable: Python only'})"
            )
            header = (
                f"{'request':<56} {'cold med':>8} {'p95':>7} {'CPU':>6} {'warm med':>8} {'p95':>7} "
                f"{'CPU':>6} {'queries c/w':>11} {'bytes':>9}"
            )
            print(header)
            worst = {"cold": 0.0, "warm": 0.0}
            for label, url in urls:
                figures = {}
                for mode in ("cold", "warm"):
                    walls, cpus = [], []
                    client.get(url)  # the warm runs start from a filled cache
                    for _ in range(args.requests):
                        if mode == "cold":
                            _empty_caches()
                        with Meter(pid) as meter:
                            response = client.get(url)
                        assert response.status_code == 200, (url, response.status_code)
                        walls.append(meter.result.wall * 1000)
                        cpus.append(meter.result.cpu * 1000)
                    figures[mode] = (statistics.median(walls), _p95(walls), statistics.median(cpus))
                    worst[mode] = max(worst[mode], figures[mode][0])
                counts = []
                for mode in ("cold", "warm"):
                    if mode == "cold":
                        _empty_caches()
                    with CaptureQueriesContext(connection) as queries:
                        client.get(url)
                    counts.append(len(queries))
                cold, warm = figures["cold"], figures["warm"]
                print(
                    f"{label:<56} {cold[0]:>8.1f} {cold[1]:>7.1f} {cold[2]:>6.0f} {warm[0]:>8.1f} "
                    f"{warm[1]:>7.1f} {warm[2]:>6.0f} {f'{counts[0]}/{counts[1]}':>11} "
                    f"{len(response.content):>9,}"
                )
            print(f"\nslowest median: cold {worst['cold']:.1f} ms, warm {worst['warm']:.1f} ms (target: 200)")
            print(f"load average at the end: {_load()}")
            if args.profile:
                for label, url in (urls[3], urls[1]):
                    _profile(client, connection, label, url)
            raise Rollback
    except Rollback:
        print("\nrolled back: the database is as before")


if __name__ == "__main__":
    main()
