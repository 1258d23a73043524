"""Reads of the practice library: the faceted search, cases by sub-pillar and tag, a case's benchmark links.

Facets follow the usual "disjunctive" rule: values of one facet are alternatives (tag A or tag B), facets
combine (and); the count beside a value is the number of cases you get by ticking it, that is the count
under every other active facet. The counts are computed in memory from the library's facet index
(practices.library_index, read from the database once per change of the library's data).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from taggit.models import Tag
from wagtail.models import Page

from benchmarks import selectors as benchmark_selectors
from benchmarks.models import Answer, Authority, Indicator, Submission, SubPillar
from portal.principles import Principle, principle_label
from search import index_query

from . import library_index
from .models import CaseStatus, PracticeCasePage

# --- Plain reads ------------------------------------------------------------------------------------------


def live_cases() -> QuerySet[PracticeCasePage]:
    """Published, public practice cases."""
    return PracticeCasePage.objects.live().public()


def cases_for_sub_pillar(
    sub_pillar: SubPillar, *, authorities: Iterable[Authority] | QuerySet[Authority] | None = None
) -> QuerySet[PracticeCasePage]:
    """Live cases addressing this sub-pillar, in any edition of its framework (matched by key, so a case
    filed under 2022's "2.3" also counts for 2023's "2.3"), optionally only those of these authorities.
    Newest first."""
    cases = live_cases().filter(
        pk__in=PracticeCasePage.sub_pillars.through.objects.filter(
            subpillar__edition__framework_id=sub_pillar.edition.framework_id, subpillar__key=sub_pillar.key
        ).values("practicecasepage_id")
    )
    if authorities is not None:
        cases = cases.filter(
            pk__in=PracticeCasePage.authorities.through.objects.filter(authority__in=authorities).values(
                "practicecasepage_id"
            )
        )
    return cases.order_by(F("first_published_at").desc(nulls_last=True), "-pk")


def principle_q(code: str) -> Q:
    """Cases whose principles list holds this code (jsonb containment on PostgreSQL, text match elsewhere:
    codes are quoted in the JSON, and no code is a part of another)."""
    if connection.vendor == "postgresql":
        return Q(principles__contains=[code])
    return Q(principles__icontains=f'"{code}"')


# --- The faceted library ----------------------------------------------------------------------------------

SORTS = {
    "relevance": _("Best match"),
    "newest": _("Newest first"),
    "year": _("Year launched, latest first"),
    "title": _("Title, A to Z"),
}
# Long facets show this many values (the most used, and every ticked one) until "Show all" is chosen.
FACET_LIMITS = {"tag": 25, "authority": 15, "country": 15}


@dataclass(frozen=True)
class LibraryFilters:
    """What a visitor asked the library for (see forms.LibraryFilterForm, which builds it from GET)."""

    query: str = ""
    tags: tuple[str, ...] = ()  # tag slugs
    principles: tuple[str, ...] = ()  # Principle codes
    sub_pillars: tuple[str, ...] = ()  # sub-pillar keys, e.g. "2.3"
    countries: tuple[str, ...] = ()  # ISO codes
    authorities: tuple[str, ...] = ()  # authority slugs
    statuses: tuple[str, ...] = ()
    years: tuple[int, ...] = ()
    sort: str = ""

    @property
    def effective_sort(self) -> str:
        if self.sort in SORTS and (self.sort != "relevance" or self.query):
            return self.sort
        return "relevance" if self.query else "newest"

    @property
    def is_filtered(self) -> bool:
        return bool(
            self.query
            or self.tags
            or self.principles
            or self.sub_pillars
            or self.countries
            or self.authorities
            or self.statuses
            or self.years
        )


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str  # the GET parameter
    label: str
    values: list[FacetValue] = field(default_factory=list)
    total: int = 0  # values in all: more than shown while the facet is capped (see FACET_LIMITS)
    expanded: bool = False  # "Show all" was chosen
    collapse_url: str = ""  # set by the view: this address without "Show all" for the facet

    @property
    def selected_count(self) -> int:
        return sum(1 for value in self.values if value.selected)

    @property
    def capped(self) -> bool:
        return self.total > len(self.values)

    @property
    def can_collapse(self) -> bool:
        return self.expanded and self.total > FACET_LIMITS.get(self.name, self.total)


@dataclass
class LibraryResult:
    cases: CaseList
    facets: list[Facet]
    sort: str


class CaseList:
    """The cases of a library search in their order, read from the database only for the slice asked for
    (Paginator asks for count() and one page). Never shows a case that is no longer live, even when the
    facet index was read before it was unpublished."""

    def __init__(self, pks: list[int], prefetch: tuple[str, ...] = ()):
        self.pks = pks
        self._prefetch = prefetch

    def prefetch_related(self, *lookups: str) -> CaseList:
        return CaseList(self.pks, self._prefetch + lookups)

    def count(self) -> int:
        return len(self.pks)

    def __len__(self) -> int:
        return len(self.pks)

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self._fetch(self.pks[key])
        return self._fetch([self.pks[key]])[0]

    def __iter__(self):
        return iter(self._fetch(self.pks))

    def _fetch(self, pks: list[int]) -> list[PracticeCasePage]:
        if not pks:
            return []
        found = {case.pk: case for case in live_cases().filter(pk__in=pks).prefetch_related(*self._prefetch)}
        return [found[pk] for pk in pks if pk in found]


def _active_values(filters: LibraryFilters) -> dict[str, tuple[str, ...]]:
    """The active facets and their ticked values (values of one facet are alternatives)."""
    active = {name: getattr(filters, attribute) for name, attribute in FACET_ATTRIBUTES.items()}
    return {name: tuple(str(value) for value in values) for name, values in active.items() if values}


def _text_ranks(library: Page | None, query: str) -> list[tuple[int, int]]:
    """(pk, rank) of the cases matching the words (on PostgreSQL also cases outside the library or not
    live: the caller keeps those of its facet index), best first (Wagtail's search backend; equal scores share
    a rank, so the library orders them newest first). Read once per generation of the library's data and
    kept in the cache: the full-text match is the costliest query of a request.

    Ranks, not scores: the backends' scores do not even agree on their direction (PostgreSQL's ts_rank
    grows with relevance, SQLite's bm25 shrinks), their own order does."""
    key = "practices:library-text:{}:{}:{}".format(
        getattr(library, "pk", 0) or 0,
        library_index.generation(),
        hashlib.sha1(query.encode()).hexdigest(),
    )
    ranks = cache.get(key)
    if ranks is None:
        # PostgreSQL: the index table alone (the caller keeps only the library's live cases).
        scored = index_query.scored(query, PracticeCasePage)
        if scored is None:
            base = live_cases()
            if library is not None:
                base = base.descendant_of(library)
            results = base.search(query, operator="and").annotate_score("_score")
            if hasattr(results, "get_queryset"):  # SQLite: one query, in relevance order
                scored = list(results.get_queryset().values_list("pk", "_score"))
            else:  # Elasticsearch
                scored = [(case.pk, -position) for position, case in enumerate(results[:10_000])]
        ranks, rank, previous = [], -1, object()
        for pk, score in scored:
            if score != previous:
                rank, previous = rank + 1, score
            ranks.append((pk, rank))
        cache.set(key, ranks, library_index.CACHE_TIMEOUT)
    return ranks


def library_search(
    *, library: Page | None, filters: LibraryFilters, expand: Iterable[str] = ()
) -> LibraryResult:
    """The library's cases for these filters, sorted, with every facet and its counts.

    Long facets show their FACET_LIMITS most used values (and every ticked one) unless named in `expand`.
    Counts come from the facet index (practices.library_index): no query per facet.
    """
    index = library_index.library_index(library)
    size = index.size
    ranks: dict[int, int] = {}
    text = index.everything
    if filters.query:
        position = index.position()
        ranks = {position[pk]: rank for pk, rank in _text_ranks(library, filters.query) if pk in position}
        text = library_index.bitset(ranks, size)
    active = {name: index.union(name, values) for name, values in _active_values(filters).items()}

    def matching(without: str | None = None) -> int:
        bits = text
        for name, facet_bits in active.items():
            if name != without:
                bits &= facet_bits
        return bits

    matched = matching()
    sort = filters.effective_sort
    if sort in ("year", "title"):
        walk = index.year_order if sort == "year" else library_index.title_order(library, index)
        found = library_index.in_order(matched, size, walk)
    else:
        found = library_index.positions(matched, size)  # newest first
        if sort == "relevance":
            found.sort(key=lambda p: (ranks[p], p))
    cases = CaseList([index.ids[p] for p in found])

    expand = set(expand)
    selected = _active_values(filters)
    facets = []
    for name in library_index.FACETS:
        base = matching(without=name)
        counts = {
            value: (bits & base).bit_count() for value, bits in index.postings[name].items() if bits & base
        }
        rows = _FACET_ROWS[name](index, counts, selected.get(name, ()))
        facets.append(_facet(name, FACET_LABELS[name], rows, selected.get(name, ()), expand=name in expand))
    return LibraryResult(cases=cases, facets=facets, sort=sort)


def _facet(
    name: str, label, rows: list[tuple[str, str, int]], selected: Iterable[str], *, expand: bool
) -> Facet:
    selected = [str(value) for value in selected]
    values = [FacetValue(str(value), str(text), count, str(value) in selected) for value, text, count in rows]
    present = {value.value for value in values}
    # A ticked value that no longer matches anything stays visible (with 0) so it can be unticked.
    values += [FacetValue(value, value, 0, True) for value in selected if value not in present]
    total = len(values)
    limit = FACET_LIMITS.get(name)
    if limit is not None and total > limit and not expand:
        # The most used values (ties in the facet's own order) and every ticked one, most used first.
        ranked = sorted(range(total), key=lambda i: (-values[i].count, i))
        keep = set(ranked[:limit]) | {i for i, value in enumerate(values) if value.selected}
        values = [values[i] for i in sorted(keep, key=lambda i: (-values[i].count, i))]
    return Facet(name=name, label=str(label), values=values, total=total, expanded=expand)


def _tag_rows(index, counts: dict[str, int], selected: tuple[str, ...]):
    names = index.labels["tag"]
    rank = {slug: i for i, slug in enumerate(index.order["tag"])}
    slugs = sorted(counts, key=lambda slug: (-counts[slug], rank[slug]))
    rows = [(slug, names[slug], counts[slug]) for slug in slugs]
    shown = set(slugs)
    missing = [slug for slug in selected if slug not in shown]
    if missing:  # ticked tags without a case here: their names (a tag on no live case is not indexed)
        unknown = [slug for slug in missing if slug not in names]
        found = dict(Tag.objects.filter(slug__in=unknown).values_list("slug", "name")) if unknown else {}
        rows += [
            (slug, names.get(slug) or found[slug], 0) for slug in missing if slug in names or slug in found
        ]
    return rows


def _principle_rows(index, counts: dict[str, int], selected: tuple[str, ...]):
    return [
        (code.value, principle_label(code.value), counts.get(code.value, 0))
        for code in Principle
        if counts.get(code.value) or code.value in selected
    ]


def _sub_pillar_rows(index, counts: dict[str, int], selected: tuple[str, ...]):
    labels = index.labels["sub_pillar"]
    return [(key, labels[key], counts[key]) for key in index.order["sub_pillar"] if key in counts]


def _country_rows(index, counts: dict[str, int], selected: tuple[str, ...]):
    rows = [(code, countries.name(code) or code, n) for code, n in counts.items()]
    return sorted(rows, key=lambda row: row[1])


def _authority_rows(index, counts: dict[str, int], selected: tuple[str, ...]):
    names = index.labels["authority"]
    return [(slug, names[slug], counts[slug]) for slug in index.order["authority"] if slug in counts]


def _status_rows(index, counts: dict[str, int], selected: tuple[str, ...]):
    return [
        (status.value, status.label, counts[status.value]) for status in CaseStatus if status.value in counts
    ]


def _year_rows(index, counts: dict[str, int], selected: tuple[str, ...]):
    return [(year, year, counts[year]) for year in sorted(counts, key=int, reverse=True)]


_FACET_ROWS = {
    "tag": _tag_rows,
    "principle": _principle_rows,
    "sub_pillar": _sub_pillar_rows,
    "country": _country_rows,
    "authority": _authority_rows,
    "status": _status_rows,
    "year": _year_rows,
}
FACET_LABELS = {
    "tag": _("Tag"),
    "principle": _("Tallinn principle"),
    "sub_pillar": _("Benchmark sub-pillar"),
    "country": _("Country"),
    "authority": _("Authority"),
    "status": _("Status"),
    "year": _("Year launched"),
}


def sub_pillar_names(keys: Iterable[str] | None = None) -> dict[str, str]:
    """The name of each sub-pillar key in the newest edition that has it."""
    names: dict[str, str] = {}
    subpillars = SubPillar.objects.order_by("key", "-edition__revision")
    if keys is not None:
        subpillars = subpillars.filter(key__in=list(keys))
    for key, name in subpillars.values_list("key", "name"):
        names.setdefault(key, name)
    return names


def without_value(filters: LibraryFilters, facet: str, value: str) -> LibraryFilters:
    """The same filters with one facet value removed (for "remove this filter" links)."""
    attribute = FACET_ATTRIBUTES[facet]
    current = getattr(filters, attribute)
    kept = tuple(item for item in current if str(item) != str(value))
    return replace(filters, **{attribute: kept})


FACET_ATTRIBUTES = {
    "tag": "tags",
    "principle": "principles",
    "sub_pillar": "sub_pillars",
    "country": "countries",
    "authority": "authorities",
    "status": "statuses",
    "year": "years",
}


# --- The case page's links to the benchmark -----------------------------------------------------------


@dataclass
class AuthorityBenchmark:
    """An authority of the case: its latest published score, and the indicators of the case's sub-pillars
    it answers Yes to (the indicators this case helps with)."""

    authority: Authority
    submission: Submission | None
    indicators: list[Indicator]


def case_benchmark(*, case: PracticeCasePage, framework_key: str = "ucc") -> list[AuthorityBenchmark]:
    """For each authority of the case, in the framework's default edition."""
    edition = benchmark_selectors.default_edition(framework_key=framework_key)
    authorities = list(case.authorities.all())
    if edition is None or not authorities:
        return [AuthorityBenchmark(authority, None, []) for authority in authorities]
    keys = list(case.sub_pillars.values_list("key", flat=True))
    submissions = {
        s.authority_id: s
        for s in Submission.objects.filter(
            edition=edition, status=Submission.Status.PUBLISHED, authority__in=authorities
        ).select_related("edition", "edition__framework")
    }
    yes: dict[int, list[Indicator]] = {}
    if keys and submissions:
        answers = (
            Answer.objects.filter(
                submission__in=submissions.values(),
                value=Answer.Value.YES,
                indicator__subpillar__key__in=keys,
            )
            .select_related("indicator", "indicator__subpillar")
            .order_by("indicator__subpillar__sort_order", "indicator__sort_order")
        )
        for answer in answers:
            yes.setdefault(answer.submission_id, []).append(answer.indicator)
    return [
        AuthorityBenchmark(
            authority=authority,
            submission=submissions.get(authority.pk),
            indicators=yes.get(submissions[authority.pk].pk, []) if authority.pk in submissions else [],
        )
        for authority in authorities
    ]


def tags_with_counts(*, prefix: str = "", limit: int = 20) -> list[tuple[str, str, int]]:
    """Tags starting with the prefix (name, slug, number of live cases), most used first."""
    tags = Tag.objects.all()
    if prefix:
        tags = tags.filter(name__istartswith=prefix)
    rows = (
        tags.annotate(
            n=Count(
                "practices_practicecasetag_items",
                filter=Q(practices_practicecasetag_items__content_object__live=True),
            )
        )
        .order_by("-n", "name")
        .values_list("name", "slug", "n")[:limit]
    )
    return list(rows)
