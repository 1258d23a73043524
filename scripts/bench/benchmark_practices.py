#!/usr/bin/env python
"""Measure the practice library with many cases: full-text query, facets with counts, deep pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/practices .venv/bin/python \
        scripts/bench/benchmark_practices.py [--cases 10000] [--requests 20]

On the database named by DATABASE_URL (a SQLite file when unset), inside one transaction that is rolled
back at the end (nothing is left behind): migrates, builds a minimal site with a practice library, bulk
inserts N synthetic live practice cases (tree paths computed, no per-page save) with 1-3 of 200
authorities, 1-3 sub-pillars, 1-4 principles and 2-5 of 150 tags each, indexes them for full text with
the configured Wagtail search backend, then requests the library in-process (Django test client, the
whole view and template rendering, no network) and prints median and 95th percentile per URL.

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="list the SQL of one two-facet request")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    rng = random.Random(2026)
    try:
        with transaction.atomic():
            library, tags = build(args.cases, rng)
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
            print(f"\n{'request':<58} {'median ms':>10} {'p95 ms':>8} {'bytes':>9}")
            for label, url in urls:
                times = []
                for _ in range(args.requests):
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - start) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                ordered = sorted(times)
                p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
                print(
                    f"{label:<58} {statistics.median(times):>10.1f} {p95:>8.1f} {len(response.content):>9,}"
                )
            if args.profile:
                from django.test.utils import CaptureQueriesContext

                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    client.get(f"{library.url}?tag={popular}&country=ES")
                    total = (time.perf_counter() - start) * 1000
                print(f"\none two-facet request: {total:.1f} ms, {len(queries)} queries:")
                for query in queries.captured_queries:
                    print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:110]}")
            raise Rollback
    except Rollback:
        print("\nrolled back: the database is as before")


if __name__ == "__main__":
    main()
