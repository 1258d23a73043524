"""Reads of the practice library: the faceted search, cases by sub-pillar and tag, a case's benchmark links.

Facets follow the usual "disjunctive" rule: values of one facet are alternatives (tag A or tag B), facets
combine (and); the count beside a value is the number of cases you get by ticking it, that is the count
under every other active facet. Every count is one aggregate query in the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from taggit.models import Tag
from wagtail.models import Page

from benchmarks import selectors as benchmark_selectors
from benchmarks.models import Answer, Authority, Indicator, Submission, SubPillar
from portal.principles import Principle, principle_label

from .models import CaseStatus, PracticeCasePage, PracticeCaseTag

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
MAX_TAG_VALUES = 25


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

    @property
    def selected_count(self) -> int:
        return sum(1 for value in self.values if value.selected)


@dataclass
class LibraryResult:
    cases: QuerySet[PracticeCasePage]
    facets: list[Facet]
    sort: str


_THROUGH_AUTHORITY = PracticeCasePage.authorities.through
_THROUGH_SUBPILLAR = PracticeCasePage.sub_pillars.through


def _facet_filters(filters: LibraryFilters) -> dict[str, Q]:
    """One Q per active facet; the rows of the through tables are read as subqueries (no duplicates)."""
    qs: dict[str, Q] = {}
    if filters.tags:
        qs["tag"] = Q(
            pk__in=PracticeCaseTag.objects.filter(tag__slug__in=filters.tags).values("content_object_id")
        )
    if filters.principles:
        any_principle = Q()
        for code in filters.principles:
            any_principle |= principle_q(code)
        qs["principle"] = any_principle
    if filters.sub_pillars:
        qs["sub_pillar"] = Q(
            pk__in=_THROUGH_SUBPILLAR.objects.filter(subpillar__key__in=filters.sub_pillars).values(
                "practicecasepage_id"
            )
        )
    if filters.countries:
        qs["country"] = Q(
            pk__in=_THROUGH_AUTHORITY.objects.filter(authority__country__in=filters.countries).values(
                "practicecasepage_id"
            )
        )
    if filters.authorities:
        qs["authority"] = Q(
            pk__in=_THROUGH_AUTHORITY.objects.filter(authority__slug__in=filters.authorities).values(
                "practicecasepage_id"
            )
        )
    if filters.statuses:
        qs["status"] = Q(status__in=filters.statuses)
    if filters.years:
        qs["year"] = Q(year_launched__in=filters.years)
    return qs


def _apply(queryset: QuerySet, facet_qs: dict[str, Q], *, without: str | None = None) -> QuerySet:
    for name, q in facet_qs.items():
        if name != without:
            queryset = queryset.filter(q)
    return queryset


def _text_matches(base: QuerySet[PracticeCasePage], query: str) -> QuerySet[PracticeCasePage]:
    """The cases matching the words, as a queryset annotated with `_score` (Wagtail's search backend).

    The database backends (PostgreSQL full text, SQLite FTS5) give a lazy queryset the facets can
    aggregate over; another backend (Elasticsearch) gives the matching ids, read once.
    """
    results = base.search(query, operator="and").annotate_score("_score")
    if hasattr(results, "get_queryset"):
        return results.get_queryset()
    ids = [case.pk for case in results[:10_000]]
    order = {pk: position for position, pk in enumerate(ids)}
    from django.db.models import Case, IntegerField, Value, When

    score = Case(
        *[When(pk=pk, then=Value(-position)) for pk, position in order.items()],
        default=Value(-len(ids)),
        output_field=IntegerField(),
    )
    return base.filter(pk__in=ids).annotate(_score=score)


def library_search(*, library: Page | None, filters: LibraryFilters) -> LibraryResult:
    """The library's cases for these filters, sorted, with every facet and its counts."""
    base = live_cases()
    if library is not None:
        base = base.descendant_of(library)
    matched = _text_matches(base, filters.query) if filters.query else base
    facet_qs = _facet_filters(filters)

    sort = filters.effective_sort
    newest = F("first_published_at").desc(nulls_last=True)
    ordering = {
        "relevance": ("-_score", newest, "-pk"),
        "newest": (newest, "-pk"),
        "year": ("-year_launched", newest, "-pk"),
        "title": ("title", "pk"),
    }[sort]
    cases = _apply(matched, facet_qs).order_by(*ordering)

    # The text match is read once as ids: inside the facets' IN subqueries PostgreSQL's planner would
    # re-run the full-text join for every row (seconds at 10,000 cases).
    facet_base = (
        base.filter(pk__in=list(matched.order_by().values_list("pk", flat=True))) if filters.query else base
    )

    def ids_without(name: str):
        return _apply(facet_base, facet_qs, without=name).order_by().values("pk")

    facets = [
        _tag_facet(ids_without("tag"), filters.tags),
        _principle_facet(_apply(facet_base, facet_qs, without="principle"), filters.principles),
        _sub_pillar_facet(ids_without("sub_pillar"), filters.sub_pillars),
        _country_facet(ids_without("country"), filters.countries),
        _authority_facet(ids_without("authority"), filters.authorities),
        _status_facet(_apply(facet_base, facet_qs, without="status"), filters.statuses),
        _year_facet(_apply(facet_base, facet_qs, without="year"), filters.years),
    ]
    return LibraryResult(cases=cases, facets=facets, sort=sort)


def _facet(name: str, label, rows: Iterable[tuple[str, str, int]], selected: Iterable[str]) -> Facet:
    selected = [str(value) for value in selected]
    values = [FacetValue(str(value), str(text), count, str(value) in selected) for value, text, count in rows]
    present = {value.value for value in values}
    # A ticked value that no longer matches anything stays visible (with 0) so it can be unticked.
    values += [FacetValue(value, value, 0, True) for value in selected if value not in present]
    return Facet(name=name, label=str(label), values=values)


def _tag_facet(ids, selected: tuple[str, ...]) -> Facet:
    counts = (
        PracticeCaseTag.objects.filter(content_object_id__in=ids)
        .values("tag__slug", "tag__name")
        .annotate(n=Count("id"))
        .order_by("-n", "tag__name")
    )
    rows = [(row["tag__slug"], row["tag__name"], row["n"]) for row in counts[:MAX_TAG_VALUES]]
    shown = {row[0] for row in rows}
    missing = [slug for slug in selected if slug not in shown]
    if missing:
        extra = {
            row["tag__slug"]: row
            for row in PracticeCaseTag.objects.filter(content_object_id__in=ids, tag__slug__in=missing)
            .values("tag__slug", "tag__name")
            .annotate(n=Count("id"))
        }
        names = dict(Tag.objects.filter(slug__in=missing).values_list("slug", "name"))
        rows += [
            (slug, names.get(slug, slug), extra[slug]["n"] if slug in extra else 0)
            for slug in missing
            if slug in names
        ]
    return _facet("tag", _("Tag"), rows, selected)


def _principle_facet(cases: QuerySet, selected: tuple[str, ...]) -> Facet:
    counts = cases.aggregate(
        **{f"p{i}": Count("pk", filter=principle_q(code)) for i, code in enumerate(Principle)}
    )
    rows = [
        (code.value, principle_label(code.value), counts[f"p{i}"])
        for i, code in enumerate(Principle)
        if counts[f"p{i}"] or code.value in selected
    ]
    return _facet("principle", _("Tallinn principle"), rows, selected)


def sub_pillar_names(keys: Iterable[str] | None = None) -> dict[str, str]:
    """The name of each sub-pillar key in the newest edition that has it."""
    names: dict[str, str] = {}
    subpillars = SubPillar.objects.order_by("key", "-edition__revision")
    if keys is not None:
        subpillars = subpillars.filter(key__in=list(keys))
    for key, name in subpillars.values_list("key", "name"):
        names.setdefault(key, name)
    return names


def _sub_pillar_facet(ids, selected: tuple[str, ...]) -> Facet:
    counts = list(
        _THROUGH_SUBPILLAR.objects.filter(practicecasepage_id__in=ids)
        .values("subpillar__key")
        .annotate(n=Count("practicecasepage_id", distinct=True))
    )
    names = sub_pillar_names(row["subpillar__key"] for row in counts)
    rows = sorted(
        (
            (
                row["subpillar__key"],
                f"{row['subpillar__key']} {names.get(row['subpillar__key'], '')}",
                row["n"],
            )
            for row in counts
        ),
        key=lambda row: [int(part) if part.isdigit() else part for part in row[0].split(".")],
    )
    return _facet("sub_pillar", _("Benchmark sub-pillar"), rows, selected)


def _country_facet(ids, selected: tuple[str, ...]) -> Facet:
    counts = (
        _THROUGH_AUTHORITY.objects.filter(practicecasepage_id__in=ids)
        .exclude(authority__country="")
        .values("authority__country")
        .annotate(n=Count("practicecasepage_id", distinct=True))
    )
    rows = sorted(
        (
            (
                row["authority__country"],
                countries.name(row["authority__country"]) or row["authority__country"],
                row["n"],
            )
            for row in counts
        ),
        key=lambda row: row[1],
    )
    return _facet("country", _("Country"), rows, selected)


def _authority_facet(ids, selected: tuple[str, ...]) -> Facet:
    counts = (
        _THROUGH_AUTHORITY.objects.filter(practicecasepage_id__in=ids)
        .values("authority__slug", "authority__name")
        .annotate(n=Count("practicecasepage_id", distinct=True))
        .order_by("authority__name")
    )
    rows = [(row["authority__slug"], row["authority__name"], row["n"]) for row in counts]
    return _facet("authority", _("Authority"), rows, selected)


def _status_facet(cases: QuerySet, selected: tuple[str, ...]) -> Facet:
    counts = dict(cases.order_by().values_list("status").annotate(n=Count("pk")))
    rows = [
        (status.value, status.label, counts[status.value]) for status in CaseStatus if status.value in counts
    ]
    return _facet("status", _("Status"), rows, selected)


def _year_facet(cases: QuerySet, selected: tuple[int, ...]) -> Facet:
    counts = cases.order_by().values_list("year_launched").annotate(n=Count("pk")).order_by("-year_launched")
    rows = [(str(year), str(year), n) for year, n in counts]
    return _facet("year", _("Year launched"), rows, selected)


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
