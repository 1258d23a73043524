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
from functools import cached_property
from typing import Any

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from . import elastic, registry
from .backends import SCORE, backend_kind, fulltext
from .expansion import compact, expand, suggest_spelling, words
from .highlight import highlight, snippet

MATCHED_KEYS_LIMIT = 20000  # above this many matches of one type, counts use a subquery instead of keys
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
        self.fulltext = fulltext(rt.model._default_manager.all(), query, text_fields=rt.text_fields)
        matches = Q(pk__in=self.fulltext.queryset.values("pk"))
        self.taxonomy_q = rt.taxonomy_q(terms)
        if self.taxonomy_q is not None:
            matches |= Q(pk__in=rt.model._default_manager.filter(self.taxonomy_q).values("pk"))
        self.matched = self.base.filter(matches)

    def supports(self, filters: Mapping[str, str]) -> bool:
        return all(facet in self.rt.facets for facet in filters)

    @cached_property
    def matched_keys(self) -> QuerySet:
        """The matches' keys, fetched once (one full-text query) and reused by every count and facet, so
        the database does not run the full-text match again in each aggregate. Very large match sets
        stay a subquery."""
        keys = list(self.matched.order_by().values_list("pk", flat=True)[: MATCHED_KEYS_LIMIT + 1])
        if len(keys) > MATCHED_KEYS_LIMIT:
            return self.matched
        return self.rt.model._default_manager.filter(pk__in=keys)

    def filtered(self, filters: Mapping[str, str], *, except_facet: str | None = None) -> QuerySet:
        queryset = self.matched_keys
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


def title_of(rt: registry.ResultType, obj) -> str:
    """The title of an object, following a lookup such as "room__title"."""
    value = obj
    for part in rt.title_field.split("__"):
        value = getattr(value, part)
    return str(value)


def indexed_types() -> list[registry.ResultType]:
    """Types in the search backend's index (the others are matched in the database only)."""
    from wagtail.search.index import Indexed

    return [rt for rt in registry.result_types() if issubclass(rt.model, Indexed)]


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
        title = title_of(rt, obj)
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


def _add_counts(
    counts_by_facet, labels, facet: str, rt: registry.ResultType, counts: Mapping[str, int]
) -> None:
    """Add one type's counts for a facet to the totals, with the values' labels."""
    totals = counts_by_facet.setdefault(facet, defaultdict(int))
    names = labels.setdefault(facet, {})
    label_of = rt.facet_labels.get(facet)
    for value, n in counts.items():
        totals[value] += n
        names[value] = str(label_of(value)) if label_of else value


def _facets(counts_by_facet, labels, filters: Mapping[str, str]) -> list[Facet]:
    """The facets in display order, each value with its count; a selected value always shows."""
    facets = []
    for facet, label in registry.FACETS.items():
        counts = dict(counts_by_facet.get(facet, {}))
        names = labels.get(facet, {})
        if facet in filters and filters[facet] not in counts:
            counts[filters[facet]] = 0
            names[filters[facet]] = filters[facet]
        if not counts:
            continue
        if facet == "year":
            ordered = sorted(counts.items(), key=lambda item: item[0], reverse=True)
        else:
            ordered = sorted(counts.items(), key=lambda item: (-item[1], names[item[0]].casefold()))
        values = [FacetValue(value, names[value], n, filters.get(facet) == value) for value, n in ordered]
        facets.append(Facet(facet, str(label), values, filters.get(facet)))
    return facets


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
    if backend_kind() == "elasticsearch":
        return _search_elasticsearch(
            query=query, terms=terms, filters=filters, selected=selected, order=order, request=request
        )
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

    counts_by_facet: dict[str, dict[str, int]] = {}
    labels: dict[str, dict[str, str]] = {}
    for facet in registry.FACETS:
        for search_ in in_scope:
            if facet in search_.rt.facets:
                _add_counts(counts_by_facet, labels, facet, search_.rt, search_.facet_counts(facet, filters))
    facets = _facets(counts_by_facet, labels, filters)
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
    folded = " ".join(words(query))
    if backend_kind() == "elasticsearch":
        suggestions = _autocomplete_elasticsearch(query=query, limit=limit, request=request)
    else:
        backend = get_search_backend()
        scored: list[tuple[tuple, Suggestion]] = []
        for rt in indexed_types():
            for position, obj in enumerate(backend.autocomplete(query, rt.visible(user))[:limit]):
                title = title_of(rt, obj)
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


# --- Elasticsearch -------------------------------------------------------------------------------------


def _elasticsearch_context():
    """The backend, the indices of the registered types and the restricted page paths."""
    from wagtail.models import PageViewRestriction
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    types = indexed_types()
    indices = sorted({backend.get_index_for_model(rt.model).name for rt in types})
    restricted = list(PageViewRestriction.objects.values_list("page__path", flat=True))
    return backend, types, indices, restricted


class ElasticsearchResults:
    """Sliceable results of the Elasticsearch path (a request per slice), objects loaded from the database."""

    def __init__(self, *, backend, count: int, build, types, query: str, request=None):
        self.backend, self._count, self.build, self.types = backend, count, build, types
        self.query, self.request = query, request

    def count(self) -> int:
        return min(self._count, MAX_RESULTS_DEPTH)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, min(index.stop or MAX_RESULTS_DEPTH, MAX_RESULTS_DEPTH)
        search = self.build(offset=start, size=max(0, stop - start), aggregations=False)
        response = self.backend.es.search(index=search._index, body=search.to_dict())
        candidates = [
            _Candidate(rt, pk, score=score) for rt, pk, score in elastic.parse_hits(response, self.types)
        ]
        return load_hits(candidates, query=self.query, request=self.request)


def _search_elasticsearch(*, query, terms, filters, selected, order, request) -> SearchOutcome:
    backend, types, indices, restricted = _elasticsearch_context()

    def build(**kwargs):
        return elastic.build_search(
            query=query,
            types=types,
            indices=indices,
            terms=terms,
            filters=filters,
            selected=selected.key if selected else None,
            order=order,
            restricted_paths=restricted,
            **kwargs,
        )

    first = build(offset=0, size=0)
    response = backend.es.search(index=indices, body=first.to_dict())
    type_counts, facet_counts = elastic.parse_aggregations(response, types)
    type_list = [
        TypeCount(
            rt.key, str(rt.label), type_counts.get(rt.key, 0), selected is not None and selected.key == rt.key
        )
        for rt in types
    ]
    counts_by_facet: dict[str, dict[str, int]] = {}
    labels: dict[str, dict[str, str]] = {}
    scope = [rt for rt in types if selected is None or rt.key == selected.key]
    for facet, counts in facet_counts.items():
        label_type = next((rt for rt in scope if facet in rt.facets), None)
        if label_type is not None:
            _add_counts(counts_by_facet, labels, facet, label_type, counts)
    return SearchOutcome(
        query=query,
        results=ElasticsearchResults(
            backend=backend,
            count=response["hits"]["total"]["value"],
            build=build,
            types=types,
            query=query,
            request=request,
        ),
        types=type_list,
        facets=_facets(counts_by_facet, labels, filters),
        terms=terms,
        selected_type=selected.key if selected else None,
        filters=filters,
        order=order,
    )


def _autocomplete_elasticsearch(*, query: str, limit: int, request) -> list[Suggestion]:
    backend, types, indices, restricted = _elasticsearch_context()
    search = elastic.build_autocomplete(
        query=query, types=types, indices=indices, size=limit, restricted_paths=restricted
    )
    response = backend.es.search(index=indices, body=search.to_dict())
    hits = load_hits([_Candidate(rt, pk) for rt, pk, _score in elastic.parse_hits(response, types)], query="")
    return [Suggestion(str(hit.title), hit.url, str(hit.result_type.label)) for hit in hits]
