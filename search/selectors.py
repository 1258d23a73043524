"""Reads of the site-wide search: results with facets, autocomplete suggestions, spelling hints.

On the database backends the full-text match of every type is read once from Wagtail's search index
(search/index_query.py), then each type's visible matches (full text OR taxonomy) once as keys: type
counts and filters work on those keys, each facet is one GROUP BY over them, and only the page of
results on screen is loaded. A type with an in-memory index (the practice cases, the bulk of the
site: search/type_index.py) answers all of that from bitsets instead, without a query. Ranking puts,
in this order: exact title matches (an authority's name first), titles containing every word of the
query, content assigned to a tag, sub-pillar or principle the query names, then the backend's
full-text score (titles weigh more than bodies).
"""

from __future__ import annotations

import heapq
import uuid
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.cache import cache
from django.db.models import Case, Q, Value, When
from django.utils.safestring import SafeString, mark_safe

from . import elastic, index_query, registry, type_index
from .backends import backend_kind, fulltext
from .expansion import SpellingVocabulary, compact, expand, suggest_spelling, words
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


_prepared_spelling: dict[str, SpellingVocabulary] = {}  # this process's, by the shared entry's token


def spelling_vocabulary() -> SpellingVocabulary:
    """Titles, authority names and taxonomy names the spelling hints draw on, prepared.

    The names are cached (shared) under a token; each process prepares them once per token (folding
    12,000 titles costs far more than the hints themselves) and keeps only the latest.
    """
    token = cache.get("search:spelling")
    if token is not None and token in _prepared_spelling:
        return _prepared_spelling[token]
    names = cache.get(f"search:spelling:{token}") if token is not None else None
    if names is None:
        found: set[str] = set()
        for rt in registry.result_types():
            found.update(rt.visible(None).values_list(rt.title_field, flat=True)[:20000])
        for terms in taxonomy_vocabulary().values():
            found.update(terms)
        names = sorted(found)
        token = uuid.uuid4().hex
        cache.set_many(
            {"search:spelling": token, f"search:spelling:{token}": names}, VOCABULARY_CACHE_SECONDS
        )
    vocabulary = SpellingVocabulary.of(names)
    _prepared_spelling.clear()
    _prepared_spelling[token] = vocabulary
    return vocabulary


# --- matching and counting -----------------------------------------------------------------------------


def index_matches(query: str, types: list[registry.ResultType]) -> index_query.IndexMatches | None:
    """The full-text matches of every indexed type, read from the search index in one query."""
    from wagtail.search.index import Indexed

    models = [rt.model for rt in types if issubclass(rt.model, Indexed)]
    return index_query.match(query, models)


class _TypeSearch:
    """The visible matches of one result type for one query.

    Their keys (with date and taxonomy flag) are read once, in one query; filters narrow them with one
    query per facet value chosen, type counts are the lengths of the key lists, and each facet is one
    GROUP BY over the key array. The full-text match itself is never run again.
    """

    def __init__(
        self,
        rt: registry.ResultType,
        *,
        query: str,
        terms: dict[str, list[str]],
        user,
        index: index_query.IndexMatches | None,
    ):
        self.rt = rt
        self.query = query
        self.base = rt.visible(user)
        self.taxonomy_q = rt.taxonomy_q(terms)
        self._filter_keys: dict[tuple[str, str], set] = {}
        self.index = index if index is not None and rt.model in index.matches else None
        manager = rt.model._default_manager
        if self.index is not None:
            matched_keys = self.index.matches[rt.model]
            text_q = index_query.KeyIn("pk", matched_keys) if matched_keys else None
        else:
            # A model outside the index (words looked up in its fields), or a backend the index reader
            # does not know: Wagtail's own search of this model, as a subquery (every match scores 1).
            matched = fulltext(manager.all(), query, text_fields=rt.text_fields)
            text_q = Q(pk__in=matched.queryset.values("pk"))
        condition = text_q
        assigned = None
        if self.taxonomy_q is not None:
            assigned = Q(pk__in=manager.filter(self.taxonomy_q).values("pk"))
            condition = assigned if condition is None else condition | assigned
        self.keys: dict[Any, None] = {}  # the matches' keys (a dict: ordered, quick to look up)
        self.assigned: set = set()
        if condition is None:
            return
        queryset = self.base.filter(condition).order_by()
        flag = Case(When(assigned, then=Value(True)), default=Value(False)) if assigned else Value(False)
        queryset = queryset.annotate(_assigned=flag)
        for pk, is_assigned in queryset.values_list("pk", "_assigned"):
            self.keys[pk] = None
            if is_assigned:
                self.assigned.add(pk)

    def supports(self, filters: Mapping[str, str]) -> bool:
        return all(facet in self.rt.facets for facet in filters)

    def _keys_with(self, facet: str, value: str) -> set:
        """The matches having this facet value (one query, remembered)."""
        if (facet, value) not in self._filter_keys:
            queryset = self.rt.model._default_manager.filter(
                index_query.KeyIn("pk", self.keys), self.rt.facets[facet].q([value])
            )
            self._filter_keys[(facet, value)] = set(queryset.order_by().values_list("pk", flat=True))
        return self._filter_keys[(facet, value)]

    def filtered(self, filters: Mapping[str, str], *, except_facet: str | None = None) -> list:
        """Keys of the matches with the filters applied (all but `except_facet`)."""
        keys = list(self.keys)
        for facet, value in filters.items():
            if facet != except_facet and keys:
                with_value = self._keys_with(facet, value)
                keys = [pk for pk in keys if pk in with_value]
        return keys

    def count(self, filters: Mapping[str, str]) -> int:
        return len(self.filtered(filters)) if self.supports(filters) else 0

    def facet_counts(self, facet: str, filters: Mapping[str, str]) -> dict[str, int]:
        others = {k: v for k, v in filters.items() if k != facet}
        if not self.supports(others):
            return {}
        keys = self.filtered(filters, except_facet=facet)
        if not keys:
            return {}
        return self.rt.facets[facet].counts(
            self.rt.model._default_manager.filter(index_query.KeyIn("pk", keys))
        )

    def scores(self, keys: list) -> dict[Any, float]:
        """Scores of these matches, higher is better, this type's boost applied (0 for a match found
        by its taxonomy only)."""
        if self.index is None:
            return dict.fromkeys(keys, self.rt.boost)
        sign = 1.0 if self.index.higher_is_better else -1.0
        found = self.index.scores(self.rt.model, keys)
        return {pk: sign * found.get(pk, 0.0) * self.rt.boost for pk in keys}

    def newest(self, filters: Mapping[str, str], *, limit: int) -> list[_Candidate]:
        """The newest `limit` matches with the filters applied, ordered in the database."""
        rt = self.rt
        keys = sorted(self.filtered(filters), reverse=True)
        if not rt.date_field:
            return [_Candidate(rt, pk) for pk in reversed(keys[-limit:])]
        if not keys:
            return []
        newest = (
            rt.model._default_manager.filter(index_query.KeyIn("pk", keys))
            .order_by(f"-{rt.date_field}", "-pk")
            .values_list("pk", rt.date_field)[:limit]
        )
        return [_Candidate(rt, pk, date=when) for pk, when in newest]

    def tiers(self, filters: Mapping[str, str]) -> dict[int, list]:
        """The matches with the filters applied, by tier (3: exact title, 2: title holding every word of
        the query, 1: filed under a term the query names, 0: the rest), newest key first in each."""
        rt = self.rt
        keys = sorted(self.filtered(filters), reverse=True)  # ties: newest key first, as Wagtail orders
        tier_of: dict[Any, int] = {pk: 1 for pk in keys if pk in self.assigned}
        title_q = Q()
        for word in words(self.query):
            title_q &= Q(**{f"{rt.title_field}__icontains": word})
        if title_q and keys:
            # Titles are matched on the whole table and kept for these keys here: with the keys in the
            # query, PostgreSQL misjudges the title condition and probes the key array row by row.
            titled = rt.model._default_manager.filter(title_q).order_by().values_list("pk", rt.title_field)
            query_compact = compact(self.query)
            query_words = set(words(self.query))
            wanted = set(keys)
            for pk, title in titled:
                if pk not in wanted:
                    continue
                if compact(title) == query_compact:
                    tier_of[pk] = 3
                elif query_words <= set(words(title)):
                    tier_of[pk] = 2
        by_tier: dict[int, list] = defaultdict(list)
        for pk in keys:
            by_tier[tier_of.get(pk, 0)].append(pk)
        return by_tier


class _IndexedTypeSearch(_TypeSearch):
    """The visible matches of a result type that has an in-memory index (search/type_index.py): the
    same answers as _TypeSearch, from bitsets instead of queries (none but the index read and scores)."""

    def __init__(
        self,
        rt: registry.ResultType,
        *,
        query: str,
        terms: dict[str, list[str]],
        index: index_query.IndexMatches | None,
        memory: type_index.TypeIndex,
    ):
        self.rt = rt
        self.query = query
        self.memory = memory
        self.index = index if index is not None and rt.model in index.matches else None
        if self.index is not None:
            text_bits = memory.bits_of_keys(self.index.matches[rt.model])
        else:
            matched = fulltext(rt.model._default_manager.all(), query, text_fields=rt.text_fields)
            text_bits = memory.bits_of_keys(matched.queryset.order_by().values_list("pk", flat=True))
        # Assigned to a taxonomy term the query names: the facet values ResultType.taxonomy_q filters on.
        self.assigned_bits = 0
        for facet in registry.TAXONOMY_FACETS:
            if facet in rt.facets and terms.get(facet):
                self.assigned_bits |= memory.union(facet, terms[facet])
        self.bits = text_bits | self.assigned_bits

    def filtered_bits(self, filters: Mapping[str, str], *, except_facet: str | None = None) -> int:
        bits = self.bits
        for facet, value in filters.items():
            if facet != except_facet and bits:
                bits &= self.memory.postings.get(facet, {}).get(str(value), 0)
        return bits

    def filtered(self, filters: Mapping[str, str], *, except_facet: str | None = None) -> list:
        return self.memory.keys_of(self.filtered_bits(filters, except_facet=except_facet))

    def count(self, filters: Mapping[str, str]) -> int:
        return self.filtered_bits(filters).bit_count() if self.supports(filters) else 0

    def facet_counts(self, facet: str, filters: Mapping[str, str]) -> dict[str, int]:
        others = {k: v for k, v in filters.items() if k != facet}
        if not self.supports(others):
            return {}
        bits = self.filtered_bits(filters, except_facet=facet)
        if not bits:
            return {}
        counts = {}
        for value, having in self.memory.postings.get(facet, {}).items():
            n = (bits & having).bit_count()
            if n:
                counts[value] = n
        return counts

    def newest(self, filters: Mapping[str, str], *, limit: int) -> list[_Candidate]:
        bits = self.filtered_bits(filters)
        if not self.rt.date_field:
            return [_Candidate(self.rt, pk) for pk in reversed(self.memory.keys_of(bits)[-limit:])]
        return [_Candidate(self.rt, pk, date=when) for pk, when in self.memory.newest_of(bits, limit)]

    def tiers(self, filters: Mapping[str, str]) -> dict[int, list]:
        bits = self.filtered_bits(filters)
        exact, holding = self.memory.titled(self.query)
        tier_bits = {3: bits & exact}
        tier_bits[2] = bits & holding & ~tier_bits[3]
        tier_bits[1] = bits & self.assigned_bits & ~(tier_bits[3] | tier_bits[2])
        tier_bits[0] = bits & ~(tier_bits[3] | tier_bits[2] | tier_bits[1])
        # Ties: newest key first, as Wagtail orders.
        return {tier: self.memory.keys_of(b)[::-1] for tier, b in tier_bits.items() if b}


def type_search(
    rt: registry.ResultType, *, query: str, terms: dict[str, list[str]], user, index
) -> _TypeSearch:
    """The search of one result type: in memory when it has an index, in the database otherwise."""
    memory = type_index.type_index(rt)
    if memory is not None:
        return _IndexedTypeSearch(rt, query=query, terms=terms, index=index, memory=memory)
    return _TypeSearch(rt, query=query, terms=terms, user=user, index=index)


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
            self._count = min(sum(s.count(self.filters) for s in self.searches), MAX_RESULTS_DEPTH)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def ranked(self, stop: int) -> list[_Candidate]:
        """The first `stop` matches in display order (keys only; objects are loaded for the slice
        shown). Relevance reads the scores of the tiers that can reach those places, no more: a word
        that most of the site holds in its titles never has the rest of its matches ranked."""
        searches = [search for search in self.searches if search.supports(self.filters)]
        if self.order == "date":
            merged = [c for search in searches for c in search.newest(self.filters, limit=stop)]
            return heapq.nlargest(stop, merged, key=lambda c: c.sort_key())
        tiered = [(search, search.tiers(self.filters)) for search in searches]
        per_tier: Counter = Counter()
        for _search, by_tier in tiered:
            for tier, keys in by_tier.items():
                per_tier[tier] += len(keys)
        reached = boundary = 0
        for tier in sorted(per_tier, reverse=True):
            reached, boundary = reached + per_tier[tier], tier
            if reached >= stop:
                break
        merged: list[_Candidate] = []
        for search, by_tier in tiered:
            shown = {tier: keys for tier, keys in by_tier.items() if tier >= boundary}
            scores = search.scores([pk for keys in shown.values() for pk in keys])
            for tier, keys in shown.items():
                merged.extend(_Candidate(search.rt, pk, tier=tier, score=scores[pk]) for pk in keys)
        return heapq.nlargest(stop, merged, key=lambda c: (c.tier, c.score))

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, min(index.stop or MAX_RESULTS_DEPTH, MAX_RESULTS_DEPTH)
        return load_hits(
            self.ranked(stop)[start:stop],
            query=self.searches[0].query if self.searches else "",
            request=self.request,
        )


def value_at(obj, lookup: str):
    """The value of an object at a lookup such as "room__title"."""
    value = obj
    for part in lookup.split("__"):
        value = getattr(value, part)
    return value


def title_of(rt: registry.ResultType, obj) -> str:
    """The title of an object, following a lookup such as "room__title"."""
    return str(value_at(obj, rt.title_field))


def indexed_types() -> list[registry.ResultType]:
    """Types in the search backend's index (the others are matched in the database only)."""
    from wagtail.search.index import Indexed

    return [rt for rt in registry.result_types() if issubclass(rt.model, Indexed)]


def load_hits(candidates: list[_Candidate], *, query: str, request=None) -> list[Hit]:
    """The objects of these candidates, one query per type, in the candidates' order."""
    from modelsearch.utils import get_descendant_models

    by_type: dict[str, list[Any]] = defaultdict(list)
    for candidate in candidates:
        by_type[candidate.result_type.key].append(candidate.pk)
    objects: dict[tuple[str, Any], Any] = {}
    for key, pks in by_type.items():
        rt = registry.get(key)
        queryset = rt.model._default_manager.filter(pk__in=pks)
        if hasattr(queryset, "specific") and len(get_descendant_models(rt.model)) > 1:
            queryset = queryset.specific()  # "Pages" of many kinds: their own fields make the snippet
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
                date=candidate.date or (value_at(obj, rt.date_field) if rt.date_field else None),
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
    result_types = registry.result_types()
    index = index_matches(query, result_types)
    searches = [type_search(rt, query=query, terms=terms, user=user, index=index) for rt in result_types]
    types = [
        TypeCount(
            search_.rt.key,
            str(search_.rt.label),
            search_.count(filters),
            selected is not None and selected.key == search_.rt.key,
        )
        for search_ in searches
    ]
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

    query = query.strip()
    if len(compact(query)) < 2:
        return []
    folded = " ".join(words(query))
    if backend_kind() == "elasticsearch":
        suggestions = _autocomplete_elasticsearch(query=query, limit=limit, request=request)
    else:
        scored: list[tuple[tuple, Suggestion]] = []
        for rt, objects in _suggested_objects(query, user=user, limit=limit):
            for position, obj in enumerate(objects):
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
    topics = sorted(set(topics), key=lambda name: (name.casefold(), name))  # "Co-creation" and "co-creation"
    for name in topics[: max(2, limit - len(suggestions))]:
        suggestions.append(Suggestion(name, f"{search_url}?{urlencode({'q': name})}", gettext("Topic")))
    return suggestions[: limit + 2]


def _suggested_objects(query: str, *, user, limit: int):
    """The best `limit` visible objects of each indexed type whose suggestion text starts a word with the
    query's last word (and holds the others), best first: one index query for every type, then one
    query per type that has any, reading only those objects."""
    from wagtail.search.backends import get_search_backend

    types = indexed_types()
    # A few more than shown per content type, as some may be drafts or private.
    index = index_query.match(query, [rt.model for rt in types], autocomplete=True, per_type_limit=limit * 2)
    if index is None:
        backend = get_search_backend()
        for rt in types:
            yield rt, list(backend.autocomplete(query, rt.visible(user))[:limit])
        return
    for rt in types:
        scores = index.matches.get(rt.model)
        if not scores:
            continue
        objects = list(rt.visible(user).filter(index_query.KeyIn("pk", scores)))
        # Wagtail's order: best score first, then the newest key.
        objects.sort(key=lambda obj: obj.pk, reverse=True)
        objects.sort(key=lambda obj: scores[obj.pk], reverse=index.higher_is_better)
        yield rt, objects[:limit]


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
