#!/usr/bin/env python
"""Measure the site-wide search and its suggestions with 10,000 practice cases and 2,000 other pages.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/search \
        .venv/bin/python scripts/bench/benchmark_search.py [--cases 10000] [--pages 2000] [--requests 40]

On the database named by DATABASE_URL (a SQLite file when unset), inside one transaction that is rolled
back at the end (nothing is left behind): migrates, bulk-inserts N synthetic practice cases (tags,
authorities in 10 countries, sub-pillars, principles, years) and M standard pages under the site's home
page, builds the search index with Wagtail's own indexer (the same as `manage.py update_index`), then
requests /search/ and /search/suggest/ in-process (Django test client, no network) and prints, per kind
of request, the median, 95th percentile and maximum wall-clock time, the median CPU time of this process
(the database server's is not in it), and the number of queries and their time (one more request, recorded);
then p50/p95 over all search and all suggestion requests, with the load average before and after. The
search page is rendered whole (template included).

On PostgreSQL the tables are ANALYZEd and the search index's GIN pending lists merged after indexing
(what autovacuum does on a production database; see `settle_postgres`); `--as-inserted` measures the
freshly inserted state instead. Before measuring, the process freezes its start-up objects as every
server process does (portal/startup.py). The first search builds the practice cases' in-memory index
(search/type_index.py), as the first search after a change to the library does: it is the "max" of the
first kind measured. Use a freshly created database for every figure you compare: the rolled-back rows
of earlier runs stay in the tables as dead rows until a VACUUM and slow every run after.

Prints figures only; nothing here asserts a time. The machine may be shared: run it twice.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

WORDS = (
    "digital service residents city region portal permit parking school childcare housing benefit tax "
    "waste library health care senior mobility bus ticket payment identity login chatbot appointment "
    "feedback survey design prototype journey accessibility language data sharing interoperability "
    "platform open source procurement training skills team budget online form registration moving "
    "business licence complaint redress satisfaction adoption burden environment energy green smart"
).split()
TAG_NAMES = [
    "co-creation", "chatbots", "open data", "digital identity", "once only", "user research",
    "accessibility", "mobility", "proactive services", "life events", "personas", "service design",
    "payments", "appointments", "plain language", "feedback",
]  # fmt: skip
COUNTRIES = ["FI", "BE", "IT", "ES", "PL", "DE", "FR", "SE", "PT", "UA"]

SEARCHES = [
    ("one common word", "/search/?q=digital"),
    ("two words", "/search/?q=parking+permit"),
    ("a tag name (taxonomy)", "/search/?q=co-creation"),
    ("an authority name", "/search/?q=Authority+17"),
    ("two facets", "/search/?q=digital&country=FI&tag=chatbots"),
    ("type tab and facet", "/search/?q=service&type=practice&principle=privacy"),
    ("newest first, page 3", "/search/?q=residents&order=date&page=3"),
    ("no results (spelling hints)", "/search/?q=parkign+permti"),
]
SUGGESTIONS = ["di", "dig", "park", "co-cr", "auth", "resid", "chatb", "zz"]


@dataclass
class Timing:
    """Figures of one kind of request: wall-clock and this process's CPU per request (ms), queries."""

    walls: list[float]
    cpus: list[float]
    queries: int
    query_ms: float

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def p95(self) -> float:
        return percentile(self.walls, 0.95)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (the value below which `fraction` of the requests fall)."""
    ordered = sorted(values)
    return ordered[max(0, int(round(fraction * len(ordered))) - 1)]


def timed(client, url: str, repeats: int) -> Timing:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu_start = time.perf_counter(), time.process_time()
        response = client.get(url, HTTP_HOST="localhost")
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu_start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    # Queries are counted on one more request (recording them costs a little time of its own).
    with CaptureQueriesContext(connection) as queries:
        client.get(url, HTTP_HOST="localhost")
    query_ms = sum(float(q["time"]) for q in queries.captured_queries) * 1000
    return Timing(walls, cpus, len(queries), query_ms)


def loadavg() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."


class Rollback(Exception):
    pass


def build(*, cases: int, pages: int, rng: random.Random) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from taggit.models import Tag
    from wagtail.models import Locale, Page

    from benchmarks.models import Authority, SubPillar
    from portal.demo import ensure_home_page
    from portal.models import StandardPage
    from portal.principles import Principle
    from practices.models import PracticeCasePage, PracticeCaseTag, PracticeIndexPage

    home = ensure_home_page()
    locale = Locale.get_default()
    library = PracticeIndexPage.objects.first()
    if library is None:
        library = home.add_child(instance=PracticeIndexPage(title="Good practices", slug="practices"))
    authorities = [
        Authority(name=f"Authority {i}", slug=f"authority-{i}", country=COUNTRIES[i % len(COUNTRIES)])
        for i in range(200)
    ]
    Authority.objects.bulk_create(authorities)
    authorities = list(Authority.objects.filter(slug__startswith="authority-"))
    tags = [
        Tag.objects.get_or_create(name=name, defaults={"slug": name.replace(" ", "-")})[0]
        for name in TAG_NAMES
    ]
    subpillars = list(SubPillar.objects.filter(edition__revision="2023"))
    principles = list(Principle.values)

    def add_children(parent, model, count, fields):
        """Pages written in bulk: the tree rows, then the model's own table, as Wagtail would."""
        ct = ContentType.objects.get_for_model(model)
        start = parent.numchild
        now = timezone.now()
        base_rows = []
        for i in range(count):
            number = start + i + 1
            slug = f"{model._meta.model_name}-{number}"
            title = fields["title"](i)
            base_rows.append(
                Page(
                    path=parent.path + _step(number),
                    depth=parent.depth + 1,
                    numchild=0,
                    title=title,
                    draft_title=title,
                    slug=slug,
                    url_path=f"{parent.url_path}{slug}/",
                    content_type=ct,
                    live=True,
                    locale=locale,
                    first_published_at=now - timezone.timedelta(days=rng.randint(0, 3650)),
                    last_published_at=now,
                )
            )
        created = Page.objects.bulk_create(base_rows, batch_size=1000)
        if created[0].pk is None:  # SQLite before RETURNING: read the keys back
            by_path = dict(Page.objects.filter(path__in=[p.path for p in created]).values_list("path", "pk"))
            for page in created:
                page.pk = page.id = by_path[page.path]
        Page.objects.filter(pk=parent.pk).update(numchild=start + count)
        parent.numchild = start + count
        children = []
        for i, page in enumerate(created):
            child = model(page_ptr_id=page.pk, **{k: v(i) for k, v in fields.items() if k != "title"})
            children.append(child)
        local_fields = [f for f in model._meta.local_concrete_fields]
        for offset in range(0, len(children), 1000):
            model.objects._insert(children[offset : offset + 1000], fields=local_fields)
        return [page.pk for page in created]

    case_ids = add_children(
        library,
        PracticeCasePage,
        cases,
        {
            "title": lambda i: f"{sentence(rng, rng.randint(2, 5))[:-1]} in Authority {i % 200}",
            "summary": lambda i: sentence(rng, 25),
            "description": lambda i: "<p>" + sentence(rng, 60) + "</p>",
            "user_centricity": lambda i: "<p>" + sentence(rng, 30) + "</p>",
            "impact": lambda i: "<p>" + sentence(rng, 30) + "</p>",
            "service_area": lambda i: "general",
            "life_event": lambda i: "",
            "status": lambda i: "live",
            "year_launched": lambda i: rng.randint(2012, 2025),
            "principles": lambda i: rng.sample(principles, rng.randint(0, 3)),
            "resources": lambda i: "[]",
            "contact_name": lambda i: "",
            "contact_role": lambda i: "",
            "contact_email": lambda i: "",
            "contact_phone": lambda i: "",
        },
    )
    PracticeCaseTag.objects.bulk_create(
        [PracticeCaseTag(content_object_id=pk, tag=tag) for pk in case_ids for tag in rng.sample(tags, 2)],
        batch_size=5000,
    )
    Through = PracticeCasePage.authorities.through
    Through.objects.bulk_create(
        [Through(practicecasepage_id=pk, authority=authorities[i % 200]) for i, pk in enumerate(case_ids)],
        batch_size=5000,
    )
    Through = PracticeCasePage.sub_pillars.through
    Through.objects.bulk_create(
        [
            Through(practicecasepage_id=pk, subpillar=sp)
            for pk in case_ids
            for sp in rng.sample(subpillars, 2)
        ],
        batch_size=5000,
    )
    add_children(
        home,
        StandardPage,
        pages,
        {
            "title": lambda i: sentence(rng, rng.randint(2, 6))[:-1],
            "introduction": lambda i: sentence(rng, 30),
            "body": lambda i: "[]",
        },
    )


def _step(number: int) -> str:
    """Treebeard's materialised-path step (4 characters, base 36)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while number:
        number, digit = divmod(number, 36)
        out = alphabet[digit] + out
    return out.rjust(4, "0")


def settle_postgres() -> None:
    """Put the database in the state a production database is in between edits, as far as the open
    transaction allows: statistics (ANALYZE) and the GIN indexes' pending lists merged into the indexes
    (gin_clean_pending_list, which autovacuum and autoanalyze do). Entries just inserted into a GIN index
    (fastupdate, on by default) wait in a pending list that every search reads whole: after building the
    index in this transaction the planner reads the whole index table instead (64 ms for a common word
    against 12 ms once merged). Dead rows left by the indexer stay (VACUUM cannot run in a transaction):
    the figures remain a little pessimistic. --as-inserted skips both."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT gin_clean_pending_list(c.oid) FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
            "JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_class t ON t.oid = i.indrelid "
            "WHERE a.amname = 'gin' AND t.relname = %s",
            ["wagtailsearch_indexentry"],
        )


def profile(client, urls: list[str]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in urls:
        client.get(url, HTTP_HOST="localhost")
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            client.get(url, HTTP_HOST="localhost")
            elapsed = (time.perf_counter() - start) * 1000
        total = sum(float(q["time"]) for q in queries.captured_queries) * 1000
        print(f"{url}: {elapsed:.1f} ms, {len(queries)} queries taking {total:.1f} ms")
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            print(f"  {float(query['time']) * 1000:7.1f} ms  {query['sql'][:400]}")


TARGETS = {"search": 150, "suggest": 50}


def measure(client, repeats: int) -> None:
    """Time every request of SEARCHES and SUGGESTIONS; print each, then both kinds over all requests."""
    print(f"\nload average before the requests: {loadavg()}")
    columns = ("median", "p95", "max", "cpu", "queries", "sql ms")
    print(f"{'request':42} " + " ".join(f"{name:>8}" for name in columns))
    print(f"(wall ms unless said; cpu: median of this process; {repeats} requests each)")
    kinds: dict[str, list[Timing]] = {"search": [], "suggest": []}
    requests = [("search", label, url) for label, url in SEARCHES] + [
        ("suggest", repr(prefix), f"/search/suggest/?q={prefix}") for prefix in SUGGESTIONS
    ]
    for kind, label, url in requests:
        timing = timed(client, url, repeats)
        kinds[kind].append(timing)
        print(
            f"{kind}: {label:<{40 - len(kind)}} {timing.median:8.1f} {timing.p95:8.1f} "
            f"{max(timing.walls):8.1f} {timing.cpu:8.1f} {timing.queries:8d} {timing.query_ms:8.1f}"
        )
    print(f"load average after the requests: {loadavg()}\n")
    for kind, timings in kinds.items():
        walls = [wall for timing in timings for wall in timing.walls]
        cpus = [cpu for timing in timings for cpu in timing.cpus]
        queries = sorted(timing.queries for timing in timings)
        print(
            f"{kind:8} all requests: p50 {percentile(walls, 0.5):.1f}, p95 {percentile(walls, 0.95):.1f} ms"
            f" (cpu p50 {percentile(cpus, 0.5):.1f}, p95 {percentile(cpus, 0.95):.1f});"
            f" queries {queries[0]}-{queries[-1]}"
        )
        worst = max(timing.p95 for timing in timings)
        print(f"worst {kind} p95: {worst:.1f} ms (target < {TARGETS[kind]} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=2_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--profile", action="store_true", help="list the slowest SQL of a search and a suggestion"
    )
    parser.add_argument(
        "--as-inserted",
        action="store_true",
        help="PostgreSQL: measure right after inserting, without ANALYZE and merging the GIN pending lists",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test import Client
    from wagtail.models import Page

    from benchmarks.models import Authority
    from portal.startup import prepare_process
    from search.backends import backend_kind

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']}), search: {backend_kind()}")
    rng = random.Random(args.seed)
    try:
        with transaction.atomic():
            start = time.perf_counter()
            build(cases=args.cases, pages=args.pages, rng=rng)
            print(f"built {args.cases} cases and {args.pages} pages in {time.perf_counter() - start:.1f} s")
            start = time.perf_counter()
            call_command("update_index", verbosity=0)
            if connection.vendor == "postgresql" and not args.as_inserted:
                settle_postgres()
            print(f"indexed in {time.perf_counter() - start:.1f} s")
            print(f"pages: {Page.objects.count()}, authorities: {Authority.objects.count()}")

            prepare_process()  # as each server process does when it starts (portal/asgi.py, wsgi.py)
            client = Client()
            cache.clear()
            if args.profile:
                profile(client, ["/search/?q=digital&country=FI", "/search/suggest/?q=dig"])
            measure(client, args.requests)
            raise Rollback
    except Rollback:
        print("rolled back: the database is as it was")


if __name__ == "__main__":
    main()
