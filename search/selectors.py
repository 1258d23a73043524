"""Reads of the site-wide search: results with facets, autocomplete suggestions, spelling hints.

Every count is an aggregate query in the database over the matches (full text OR taxonomy); only the
page of results on screen is loaded. Ranking puts, in this order: exact title matches (an authority's
name first), titles containing every word of the query, content assigned to a tag, sub-pillar or
principle the query names, then the backend's full-text score (titles weigh more than bodies).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from . import registry
from .backends import SCORE, fulltext
from .expansion import compact, expand, suggest_spelling, words
from .highlight import highlight, snippet

MAX_RESULTS_DEPTH = 1000  # deepest result reachable by paging (relevance needs the top N of each type)
ORDERS = ("relevance", "date")
VOCABULARY_CACHE_SECONDS = 300


@dataclass(frozen=True)
class Hit:
    """One result on the page."""

    result_type: registry.ResultType
    obj: Any
    title: SafeString
    url: str
    snippet: SafeString
    date: Any
    facets: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    values: list[FacetValue]
    selected: str | None


@dataclass(frozen=True)
class TypeCount:
    key: str
    label: str
    count: int
    selected: bool


@dataclass
class _Candidate:
    result_type: registry.ResultType
    pk: Any
    tier: int = 0
    score: float = 0.0
    date: Any = None

    def sort_key(self):
        when = self.date
        if isinstance(when, datetime):
            when = when.timestamp()
        elif isinstance(when, date):
            when = datetime(when.year, when.month, when.day).timestamp()
        return (self.tier, self.score, when or 0)


# --- vocabularies ---------------------------------------------------------------------------------------


def taxonomy_vocabulary() -> dict[str, list[str]]:
    """Names a query can be expanded to: tags in use, sub-pillar names, principle names (cached)."""
    vocabulary = cache.get("search:taxonomy")
    if vocabulary is None:
        vocabulary = _taxonomy_vocabulary()
        cache.set("search:taxonomy", vocabulary, VOCABULARY_CACHE_SECONDS)
    return vocabulary


def _taxonomy_vocabulary() -> dict[str, list[str]]:
    from .adapters import get_model

    vocabulary: dict[str, list[str]] = {}
    Tag = get_model("taggit.Tag")
    if Tag is not None:
        vocabulary["tag"] = sorted(set(Tag.objects.values_list("name", flat=True)))
    SubPillar = get_model("benchmarks.SubPillar")
    if SubPillar is not None:
        vocabulary["subpillar"] = sorted(set(SubPillar.objects.values_list("name", flat=True)))
    principles = principle_choices()
    if principles:
        vocabulary["principle"] = sorted(principles.values())
    return vocabulary


def principle_choices() -> dict[str, str]:
    """Tallinn principles (code -> name) when portal/principles.py exists."""
    try:
        from portal.principles import Principle
    except ImportError:
        return {}
    return {str(value): str(label) for value, label in Principle.choices}


def expand_query(query: str) -> dict[str, list[str]]:
    """Taxonomy values a query names; principles are matched on names and filtered on their codes."""
    principles = principle_choices()
    terms = expand(query, taxonomy_vocabulary())
    if "principle" in terms:
        by_name = {name: value for value, name in principles.items()}
        terms["principle"] = [by_name[name] for name in terms["principle"]]
    return terms


def spelling_vocabulary() -> list[str]:
    """Titles, authority names and taxonomy names the spelling hints draw on (cached)."""
    vocabulary = cache.get("search:spelling")
    if vocabulary is None:
        names: set[str] = set()
        for rt in registry.result_types():
            names.update(rt.visible(None).values_list(rt.title_field, flat=True)[:20000])
        for terms in taxonomy_vocabulary().values():
            names.update(terms)
        vocabulary = sorted(names)
        cache.set("search:spelling", vocabulary, VOCABULARY_CACHE_SECONDS)
    return vocabulary


# --- matching and counting -----------------------------------------------------------------------------


def _facet_filter(rt: registry.ResultType, facet: str, value: str) -> Q | None:
    facet_field = rt.facets.get(facet)
    if facet_field is None:
        return None
    # A subquery keeps many-to-many filters from repeating rows.
    return Q(pk__in=rt.model._default_manager.filter(facet_field.q([value])).values("pk"))


class _TypeSearch:
    """The matches of one result type for one query, as querysets (nothing is loaded until asked)."""

    def __init__(self, rt: registry.ResultType, *, query: str, terms: dict[str, list[str]], user):
        self.rt = rt
        self.query = query
        self.base = rt.visible(user)
        # Full text runs on every object of the model (the backend can only filter on indexed fields);
        # visibility applies on top as an ordinary database filter.
        self.fulltext = fulltext(rt.model._default_manager.all(), query)
        matches = Q(pk__in=self.fulltext.queryset.values("pk"))
        self.taxonomy_q = rt.taxonomy_q(terms)
        if self.taxonomy_q is not None:
            matches |= Q(pk__in=rt.model._default_manager.filter(self.taxonomy_q).values("pk"))
        self.matched = self.base.filter(matches)

    def supports(self, filters: Mapping[str, str]) -> bool:
        return all(facet in self.rt.facets for facet in filters)

    def filtered(self, filters: Mapping[str, str], *, except_facet: str | None = None) -> QuerySet:
        queryset = self.matched
        for facet, value in filters.items():
            if facet != except_facet:
                queryset = queryset.filter(_facet_filter(self.rt, facet, value))
        return queryset

    def facet_counts(self, facet: str, filters: Mapping[str, str]) -> dict[str, int]:
        others = {k: v for k, v in filters.items() if k != facet}
        if not self.supports(others):
            return {}
        pks = self.filtered(filters, except_facet=facet).values("pk")
        return self.rt.facets[facet].counts(self.rt.model._default_manager.filter(pk__in=pks))

    def candidates(self, filters: Mapping[str, str], *, order: str, limit: int) -> list[_Candidate]:
        """The best `limit` matches of this type, with their tier and score (keys only)."""
        rt = self.rt
        matched = self.filtered(filters)
        found: dict[Any, _Candidate] = {}
        date_field = rt.date_field
        if order == "date" and date_field:
            for pk, when in matched.order_by(f"-{date_field}", "-pk").values_list("pk", date_field)[:limit]:
                found[pk] = _Candidate(rt, pk, date=when)
            return list(found.values())
        if order == "date":
            return [_Candidate(rt, pk) for pk in matched.order_by("pk").values_list("pk", flat=True)[:limit]]

        sign = 1.0 if self.fulltext.higher_is_better else -1.0
        ranked = self.fulltext.queryset.filter(pk__in=self.base.values("pk"))
        for facet, value in filters.items():
            ranked = ranked.filter(_facet_filter(rt, facet, value))
        for pk, score in ranked.values_list("pk", SCORE)[:limit]:
            found[pk] = _Candidate(rt, pk, score=sign * (score or 0.0) * rt.boost)
        # Titles naming the query, and content assigned to a term it names, may rank above the full-text
        # top: fetch them too (they are few, or capped by the limit).
        title_lookup = rt.title_field
        title_q = Q()
        for word in words(self.query):
            title_q &= Q(**{f"{title_lookup}__icontains": word})
        if title_q:
            for pk in matched.filter(title_q).values_list("pk", flat=True)[:limit]:
                found.setdefault(pk, _Candidate(rt, pk))
        if self.taxonomy_q is not None:
            assigned = set(
                matched.filter(pk__in=rt.model._default_manager.filter(self.taxonomy_q).values("pk"))
                .order_by()
                .values_list("pk", flat=True)[: limit * 4]
            )
            for pk in assigned:
                found.setdefault(pk, _Candidate(rt, pk)).tier = 1
        titles = dict(matched.filter(pk__in=list(found)).values_list("pk", title_lookup))
        query_compact = compact(self.query)
        query_words = set(words(self.query))
        for pk, candidate in found.items():
            title = titles.get(pk, "")
            if compact(title) == query_compact:
                candidate.tier = 3
            elif query_words and query_words <= set(words(title)):
                candidate.tier = max(candidate.tier, 2)
        if date_field:
            dates = dict(matched.filter(pk__in=list(found)).values_list("pk", date_field))
            for pk, candidate in found.items():
                candidate.date = dates.get(pk)
        return list(found.values())


class SearchResults:
    """A lazy, sliceable sequence of hits (for Django's Paginator) with its total count."""

    def __init__(
        self, searches: list[_TypeSearch], filters: Mapping[str, str], *, order: str, request=None, count=None
    ):
        self.searches = searches
        self.filters = filters
        self.order = order
        self.request = request
        self._count: int | None = None if count is None else min(count, MAX_RESULTS_DEPTH)

    def count(self) -> int:
        """Matches reachable by paging (the search page says how many there are in all)."""
        if self._count is None:
            self._count = min(
                sum(s.filtered(self.filters).count() for s in self.searches if s.supports(self.filters)),
                MAX_RESULTS_DEPTH,
            )
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, min(index.stop or MAX_RESULTS_DEPTH, MAX_RESULTS_DEPTH)
        merged: list[_Candidate] = []
        for search in self.searches:
            if search.supports(self.filters):
                merged.extend(search.candidates(self.filters, order=self.order, limit=stop))
        merged.sort(key=lambda c: c.sort_key(), reverse=True)
        return load_hits(
            merged[start:stop], query=self.searches[0].query if self.searches else "", request=self.request
        )


def load_hits(candidates: list[_Candidate], *, query: str, request=None) -> list[Hit]:
    """The objects of these candidates, one query per type, in the candidates' order."""
    by_type: dict[str, list[Any]] = defaultdict(list)
    for candidate in candidates:
        by_type[candidate.result_type.key].append(candidate.pk)
    objects: dict[tuple[str, Any], Any] = {}
    for key, pks in by_type.items():
        rt = registry.get(key)
        queryset = rt.model._default_manager.filter(pk__in=pks)
        if hasattr(queryset, "specific"):
            queryset = queryset.specific()
        for obj in queryset:
            objects[(key, obj.pk)] = obj
    hits = []
    for candidate in candidates:
        rt = candidate.result_type
        obj = objects.get((rt.key, candidate.pk))
        if obj is None:
            continue
        title = str(getattr(obj, rt.title_field))
        hits.append(
            Hit(
                result_type=rt,
                obj=obj,
                title=mark_safe(highlight(title, query)),  # noqa: S308 - escaped by highlight()
                url=rt.url(obj, request),
                snippet=mark_safe(snippet(rt.text(obj), query)),  # noqa: S308 - escaped by snippet()
                date=candidate.date,
            )
        )
    return hits


@dataclass
class SearchOutcome:
    query: str
    results: SearchResults | list
    types: list[TypeCount]
    facets: list[Facet]
    terms: dict[str, list[str]]
    selected_type: str | None
    filters: dict[str, str]
    order: str

    @property
    def total(self) -> int:
        """Matches of every type with the filters applied (the "All" tab)."""
        return sum(t.count for t in self.types)

    @property
    def selected_count(self) -> int:
        if self.selected_type is None:
            return self.total
        return next((t.count for t in self.types if t.key == self.selected_type), 0)


def search(
    *,
    query: str,
    user=None,
    type_key: str | None = None,
    filters: Mapping[str, str] | None = None,
    order: str = "relevance",
    request=None,
) -> SearchOutcome:
    """Everything the search page shows for a query: lazy results, type tabs and facets with counts."""
    filters = {k: v for k, v in (filters or {}).items() if k in registry.FACETS and v}
    order = order if order in ORDERS else "relevance"
    selected = registry.get(type_key) if type_key else None
    terms = expand_query(query)
    searches = [_TypeSearch(rt, query=query, terms=terms, user=user) for rt in registry.result_types()]

    types = []
    for search_ in searches:
        count = search_.filtered(filters).count() if search_.supports(filters) else 0
        types.append(
            TypeCount(
                search_.rt.key,
                str(search_.rt.label),
                count,
                selected is not None and selected.key == search_.rt.key,
            )
        )
    in_scope = [s for s in searches if selected is None or s.rt.key == selected.key]

    facets = []
    for facet, label in registry.FACETS.items():
        counts: dict[str, int] = defaultdict(int)
        labels: dict[str, str] = {}
        for search_ in in_scope:
            if facet not in search_.rt.facets:
                continue
            for value, n in search_.facet_counts(facet, filters).items():
                counts[value] += n
                label_of = search_.rt.facet_labels.get(facet)
                labels[value] = str(label_of(value)) if label_of else value
        if facet in filters and filters[facet] not in counts:
            counts[filters[facet]] = 0
            labels[filters[facet]] = filters[facet]
        if not counts:
            continue
        ordered = sorted(counts.items(), key=lambda item: (-item[1], labels[item[0]].casefold()))
        if facet == "year":
            ordered = sorted(counts.items(), key=lambda item: item[0], reverse=True)
        facets.append(
            Facet(
                facet,
                str(label),
                [FacetValue(value, labels[value], n, filters.get(facet) == value) for value, n in ordered],
                filters.get(facet),
            )
        )
    return SearchOutcome(
        query=query,
        results=SearchResults(
            in_scope,
            filters,
            order=order,
            request=request,
            count=sum(t.count for t in types if selected is None or t.key == selected.key),
        ),
        types=types,
        facets=facets,
        terms=terms,
        selected_type=selected.key if selected else None,
        filters=filters,
        order=order,
    )


# --- autocomplete and hints ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    label: str
    url: str
    kind: str  # the result type's label, or "Topic"


def autocomplete(*, query: str, user=None, limit: int = 8, request=None) -> list[Suggestion]:
    """Titles starting with the words typed (authorities first on equal footing), then matching topics."""
    from django.urls import reverse
    from django.utils.http import urlencode
    from django.utils.translation import gettext
    from wagtail.search.backends import get_search_backend

    query = query.strip()
    if len(compact(query)) < 2:
        return []
    backend = get_search_backend()
    folded = " ".join(words(query))
    scored: list[tuple[tuple, Suggestion]] = []
    for rt in registry.result_types():
        for position, obj in enumerate(backend.autocomplete(query, rt.visible(user))[:limit]):
            title = str(getattr(obj, rt.title_field))
            starts = " ".join(words(title)).startswith(folded)
            key = (0 if starts else 1, -rt.boost, position, rt.order)
            scored.append((key, Suggestion(title, rt.url(obj, request), str(rt.label))))
    scored.sort(key=lambda item: item[0])
    suggestions = [suggestion for _key, suggestion in scored[:limit]]
    topics = []
    for names in taxonomy_vocabulary().values():
        for name in names:
            if " ".join(words(name)).startswith(folded) or compact(name).startswith(compact(query)):
                topics.append(name)
    search_url = reverse("search")
    for name in sorted(set(topics), key=str.casefold)[: max(2, limit - len(suggestions))]:
        suggestions.append(Suggestion(name, f"{search_url}?{urlencode({'q': name})}", gettext("Topic")))
    return suggestions[: limit + 2]


def spelling_hints(query: str) -> list[str]:
    """Queries close to one that found nothing, from the site's titles, names and taxonomy."""
    return suggest_spelling(query, spelling_vocabulary())
