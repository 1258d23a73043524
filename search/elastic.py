"""The Elasticsearch path (ELASTICSEARCH_URL set): the search page and suggestions as elasticsearch.dsl.

Wagtail's Elasticsearch backend keeps the index (documents on publish and unpublish, `update_index`);
this module builds, from the same result-type registry as the database path:

- `build_search()`: one query over the type's indices with the full-text match (multi_match with the
  index's language analyser, see ELASTICSEARCH_ANALYZER in settings), boosts for exact titles and
  authority names, taxonomy expansion as `terms` clauses, visibility as filters (live pages, no
  restricted subtree), facet filters as a `post_filter`, and the type tabs and facets as aggregations
  (each facet counted with the other filters applied, like the database path);
- `build_autocomplete()`: prefix matching on the `_edgengrams` field with title/name phrase-prefix boosts.

Field names follow Wagtail's mapping (`<app>_<model>__<field>_filter` for fields of page subclasses).
`ensure_facet_fields()` adds the FilterFields a result type's facets need to its model's search_fields,
so the aggregations have keyword fields to count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from elasticsearch.dsl import A, Q, Search
from modelsearch.index import FilterField, RelatedFields
from wagtail.models import Page

from . import registry

FACET_SIZE = 50


def content_type_name(model) -> str:
    """Wagtail's `_django_content_type` value for a model, e.g. "practices.PracticeCasePage"."""
    return f"{model._meta.app_label}.{model.__name__}"


def _column(model, name: str, *, related: bool = False) -> str:
    """Wagtail's column name for a FilterField (or a relation) of `model`, prefixed when on a subclass."""
    from modelsearch.backends.elasticsearch9 import Elasticsearch9Mapping

    field = RelatedFields(name, []) if related else FilterField(name)
    return Elasticsearch9Mapping(model).get_field_column_name(field)


def split_lookup(lookup: str) -> tuple[list[str], str | None]:
    """("authorities__country") -> (["authorities", "country"], None); "date__year" -> (["date"], "year")."""
    parts = lookup.split("__")
    if parts[-1] == "year":
        return parts[:-1], "year"
    return parts, None


def field_name(model, lookup: str) -> str:
    """The field of Wagtail's Elasticsearch mapping holding the value at `lookup` (as a FilterField)."""
    parts, _transform = split_lookup(lookup)
    if len(parts) == 1:
        return _column(model, parts[0])
    outer, inner = parts[0], parts[1]
    return _column(model, outer, related=True) + "." + inner + "_filter"


def ensure_facet_fields(model, lookups: Iterable[str]) -> None:
    """Add to `model.search_fields` the FilterFields its facets need (merged into existing RelatedFields)."""
    fields = list(model.search_fields)
    changed = False
    for lookup in lookups:
        parts, _transform = split_lookup(lookup)
        if len(parts) == 1:
            if not any(isinstance(f, FilterField) and f.field_name == parts[0] for f in fields):
                fields.append(FilterField(parts[0]))
                changed = True
            continue
        outer, inner = parts[0], parts[1]
        related = next((f for f in fields if isinstance(f, RelatedFields) and f.field_name == outer), None)
        inner_fields = list(related.fields) if related else []
        if any(isinstance(f, FilterField) and f.field_name == inner for f in inner_fields):
            continue
        merged = RelatedFields(outer, inner_fields + [FilterField(inner)])
        fields = [merged if f is related else f for f in fields] if related else fields + [merged]
        changed = True
    if changed:
        model.search_fields = fields


def type_clause(rt: registry.ResultType, *, other_page_types: Iterable[str] = ()) -> Q:
    """Documents of this result type that anyone may see (live pages; every other page type excluded from
    the generic "page" type)."""
    clause = Q("match", _django_content_type=content_type_name(rt.model))
    if issubclass(rt.model, Page):
        clause &= Q("term", live_filter=True)
        others = [name for name in other_page_types if name != content_type_name(rt.model)]
        if rt.model is Page and others:
            clause &= ~Q("terms", _django_content_type=others)
    return clause


def _facet_value_clause(rt: registry.ResultType, facet: str, value: str) -> Q:
    lookup = rt.facets[facet].lookup
    field = field_name(rt.model, lookup)
    if split_lookup(lookup)[1] == "year":
        return Q(
            "range",
            _expand__to_dot=False,
            **{field: {"gte": f"{value}-01-01", "lt": f"{int(value) + 1}-01-01"}},
        )
    return Q("term", _expand__to_dot=False, **{field: value})


def _filters_clause(
    types, filters: Mapping[str, str], *, except_facet: str | None = None, other_page_types=()
):
    """Documents passing every facet filter (a type without a filtered facet drops out, as in the DB)."""
    clauses = []
    for rt in types:
        clause = type_clause(rt, other_page_types=other_page_types)
        applicable = True
        for facet, value in filters.items():
            if facet == except_facet:
                continue
            if facet not in rt.facets:
                applicable = False
                break
            clause &= _facet_value_clause(rt, facet, value)
        if applicable:
            clauses.append(clause)
    return Q("bool", should=clauses, minimum_should_match=1) if clauses else Q("match_none")


def _text_query(query: str, types, terms: Mapping[str, list[str]]) -> Q:
    should = [
        Q("multi_match", query=query, fields=["title^3", "name^3", "_all_text"], operator="and"),
        Q("match_phrase", title={"query": query, "boost": 10}),
        Q("match_phrase", name={"query": query, "boost": 20}),  # an authority's name finds its profile
    ]
    for rt in types:
        for facet in registry.TAXONOMY_FACETS:
            if facet in rt.facets and terms.get(facet):
                should.append(
                    Q(
                        "terms",
                        _expand__to_dot=False,
                        **{field_name(rt.model, rt.facets[facet].lookup): terms[facet], "boost": 5},
                    )
                )
    return Q("bool", should=should, minimum_should_match=1)


def _visibility(types, restricted_paths: Iterable[str], other_page_types) -> tuple[Q, list[Q]]:
    visible = Q(
        "bool",
        should=[type_clause(rt, other_page_types=other_page_types) for rt in types],
        minimum_should_match=1,
    )
    hidden = [Q("prefix", path_filter=path) for path in restricted_paths]
    return visible, hidden


def page_type_names(types) -> list[str]:
    return [
        content_type_name(rt.model) for rt in types if issubclass(rt.model, Page) and rt.model is not Page
    ]


def build_search(
    *,
    query: str,
    types: list[registry.ResultType],
    indices: list[str],
    terms: Mapping[str, list[str]] | None = None,
    filters: Mapping[str, str] | None = None,
    selected: str | None = None,
    order: str = "relevance",
    offset: int = 0,
    size: int = 10,
    restricted_paths: Iterable[str] = (),
    aggregations: bool = True,
) -> Search:
    """The search page's query with its type and facet aggregations."""
    terms, filters = terms or {}, dict(filters or {})
    others = page_type_names(types)
    visible, hidden = _visibility(types, restricted_paths, others)
    search = Search(index=indices).query(
        Q("bool", filter=[visible], must=[_text_query(query, types, terms)], must_not=hidden)
    )
    scope = [rt for rt in types if selected is None or rt.key == selected]
    search = search.post_filter(_filters_clause(scope, filters, other_page_types=others))
    if aggregations:
        type_filters = {rt.key: _filters_clause([rt], filters, other_page_types=others) for rt in types}
        search.aggs.bucket("types", A("filters", filters=type_filters))
        for facet in registry.FACETS:
            for rt in scope:
                if facet not in rt.facets or isinstance(rt.facets[facet], registry.ChoiceListFacet):
                    continue
                lookup = rt.facets[facet].lookup
                field = field_name(rt.model, lookup)
                counted = _filters_clause([rt], filters, except_facet=facet, other_page_types=others)
                if split_lookup(lookup)[1] == "year":
                    inner = A(
                        "date_histogram",
                        field=field,
                        calendar_interval="year",
                        format="yyyy",
                        min_doc_count=1,
                    )
                else:
                    inner = A("terms", field=field, size=FACET_SIZE)
                search.aggs.bucket(f"{facet}__{rt.key}", A("filter", filter=counted)).bucket("values", inner)
            for rt in scope:
                facet_field = rt.facets.get(facet)
                if isinstance(facet_field, registry.ChoiceListFacet):
                    field = field_name(rt.model, facet_field.lookup)
                    counted = _filters_clause([rt], filters, except_facet=facet, other_page_types=others)
                    search.aggs.bucket(f"{facet}__{rt.key}", A("filter", filter=counted)).bucket(
                        "values", A("terms", field=field, size=FACET_SIZE)
                    )
    if order == "date":
        search = search.sort(
            {"first_published_at_filter": {"order": "desc", "missing": "_last", "unmapped_type": "date"}},
            "_score",
        )
    return search.extra(from_=offset, size=size, track_total_hits=True).source(["pk", "_django_content_type"])


def build_autocomplete(
    *, query: str, types: list[registry.ResultType], indices: list[str], size: int = 8, restricted_paths=()
) -> Search:
    """Suggestions: every typed word as a prefix (edge n-grams), titles and names starting so first."""
    visible, hidden = _visibility(types, restricted_paths, page_type_names(types))
    match = Q("match", _edgengrams={"query": query, "operator": "and"})
    boosts = [
        Q("match_phrase_prefix", title={"query": query, "boost": 5}),
        Q("match_phrase_prefix", name={"query": query, "boost": 10}),
    ]
    return (
        Search(index=indices)
        .query(Q("bool", filter=[visible], must=[match], should=boosts, must_not=hidden))
        .extra(size=size)
        .source(["pk", "_django_content_type"])
    )


def result_type_of(content_types: list[str], types: list[registry.ResultType]) -> registry.ResultType | None:
    """The result type of a document from its `_django_content_type` list (most specific first)."""
    by_name = {content_type_name(rt.model): rt for rt in types}
    for name in content_types:
        if name in by_name:
            return by_name[name]
    return None


def parse_hits(response: Mapping[str, Any], types) -> list[tuple[registry.ResultType, int, float]]:
    out = []
    for hit in response["hits"]["hits"]:
        source = hit.get("_source", {})
        rt = result_type_of(source.get("_django_content_type", []), types)
        if rt is not None:
            out.append((rt, int(source["pk"]), hit.get("_score") or 0.0))
    return out


def parse_aggregations(
    response: Mapping[str, Any], types
) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """(count per type key, {facet: {value: count}}) from the aggregations of `build_search`."""
    aggs = response.get("aggregations", {})
    type_counts = {
        key: bucket["doc_count"] for key, bucket in aggs.get("types", {}).get("buckets", {}).items()
    }
    facets: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for name, agg in aggs.items():
        if "__" not in name:
            continue
        facet = name.split("__", 1)[0]
        for bucket in agg["values"]["buckets"]:
            key = bucket.get("key_as_string", bucket["key"])
            if bucket["doc_count"]:
                facets[facet][str(key)] += bucket["doc_count"]
    return type_counts, {facet: dict(values) for facet, values in facets.items()}
