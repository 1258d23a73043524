"""Full-text matches of every indexed result type in one read of Wagtail's search index table.

Wagtail's database backends search one model at a time, joining the index table to the model's table
for every query. The site-wide search needs the matches of all its types at once, with their scores, to
count, facet and rank them: this module runs the backend's own match (the query compiler Wagtail builds
for `backend.search()` or `backend.autocomplete()`, so stemming, prefixes, the search configuration and
the rank formula are the backend's) once, on the index table alone:

- PostgreSQL: `(title || body) @@ tsquery`, found through the GIN index that search/migrations/0001
  adds on that expression, scored with the backend's ts_rank expression (title times its norm, plus
  body); suggestions match the `autocomplete` vector (GIN-indexed by Wagtail) with a prefix last word.
- SQLite FTS5: the backend's MATCH on the FTS table, scored with bm25 (lower is better).

Any other backend gives None: the caller falls back to Wagtail's per-model search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, F, Func, Model, Window
from django.db.models.functions import RowNumber
from wagtail.search.backends import get_search_backend

from .backends import backend_kind


@dataclass(frozen=True)
class IndexMatches:
    """Matching keys and their scores, per model asked for; `higher_is_better` says how scores sort."""

    scores: dict[type[Model], dict[Any, float]]
    higher_is_better: bool


class KeyIn(Func):
    """`field IN keys` as one array parameter on PostgreSQL (`= ANY(%s)`), so that thousands of keys
    cost one literal to send and parse; a plain IN list elsewhere. Usable in filter() and in Q()."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, field: str, keys: Iterable[Any]):
        super().__init__(F(field))
        self.keys = list(keys)

    def as_sql(self, compiler, connection, **extra_context):
        lhs, params = compiler.compile(self.source_expressions[0])
        if not self.keys:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.keys]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.keys))})", [*params, *self.keys]


def content_type_owners(models: Sequence[type[Model]]) -> dict[int, type[Model]]:
    """Content type id -> the most specific of `models` it belongs to (a page type's own model before
    Page itself), for every concrete descendant of those models."""
    from modelsearch.utils import get_descendants_content_types_pks

    owners: dict[int, type[Model]] = {}
    # Ancestors first, so that a more specific model in the list takes its content types over.
    for model in sorted(models, key=lambda m: len(m.__mro__)):
        for pk in get_descendants_content_types_pks(model):
            owners[pk] = model
    return owners


def match(
    query: str,
    models: Sequence[type[Model]],
    *,
    autocomplete: bool = False,
    per_type_limit: int | None = None,
) -> IndexMatches | None:
    """The objects of `models` whose indexed text matches `query`, with the backend's score.

    With `per_type_limit`, only the best that many of each content type (suggestions need a few of each).
    None when the backend is neither PostgreSQL nor SQLite FTS5.
    """
    kind = backend_kind()
    if kind not in ("postgres", "sqlite") or not models:
        return None
    backend = get_search_backend()
    run = backend.autocomplete if autocomplete else backend.search
    results = run(query, models[0], operator="and")
    compiler = getattr(results, "query_compiler", None)
    owners = content_type_owners(models)
    scores: dict[type[Model], dict[Any, float]] = {model: {} for model in models}
    if compiler is None:  # an empty query: nothing matches
        return IndexMatches(scores, higher_is_better=kind == "postgres")
    if kind == "postgres":
        rows, higher_is_better = _postgres(compiler, backend, owners, autocomplete, per_type_limit)
    else:
        rows, higher_is_better = _sqlite(compiler, backend, owners, autocomplete, per_type_limit)
    if rows is None:
        return IndexMatches(scores, higher_is_better=higher_is_better)
    by_content_type: dict[int, list[tuple[Any, float]]] = {}
    for content_type_id, object_id, score in rows:
        pk = owners[content_type_id]._meta.pk.to_python(object_id)
        by_content_type.setdefault(content_type_id, []).append((pk, score or 0.0))
    for content_type_id, found in by_content_type.items():
        if per_type_limit is not None and kind == "sqlite":
            # bm25() cannot be used in a window function: the best of each content type are kept here,
            # in Wagtail's order (best score first, then the newest key).
            found.sort(key=lambda item: item[0], reverse=True)
            found.sort(key=lambda item: item[1])
            found = found[:per_type_limit]
        scores[owners[content_type_id]].update(found)
    return IndexMatches(scores, higher_is_better=higher_is_better)


def _postgres(compiler, backend, owners, autocomplete: bool, per_type_limit):
    from wagtail.search.models import IndexEntry

    config = compiler.get_config(backend)
    tsquery = compiler.build_tsquery(compiler.query, config=config)
    if tsquery is None:
        return None, True
    if autocomplete:
        vectors = [(F("autocomplete"), 1.0)]
        vector = F("autocomplete")
    else:
        # The same vectors as PostgresSearchQueryCompiler.get_index_vectors, read from the table itself.
        vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
        vector = F("title")._combine(F("body"), "||", False)  # matches the GIN index's expression
    rank = compiler._build_rank_expression(vectors, config)
    queryset = (
        IndexEntry.objects.filter(content_type_id__in=list(owners))
        .annotate(_search_vector=vector)
        .filter(_search_vector=tsquery)
        .order_by()
    )
    queryset = queryset.annotate(_search_rank=rank)
    if per_type_limit is not None:
        # The best few of each content type, ranked in the database (suggestions need a few of each).
        row = Window(
            RowNumber(), partition_by=[F("content_type_id")], order_by=[F("_search_rank").desc(), F("pk")]
        )
        queryset = queryset.annotate(_search_row=row).filter(_search_row__lte=per_type_limit)
    return queryset.values_list("content_type_id", "object_id", "_search_rank"), True


def _sqlite(compiler, backend, owners, autocomplete: bool, per_type_limit):
    from modelsearch.backends.database.sqlite.query import MatchExpression, normalize
    from wagtail.search.models import SQLiteFTSIndexEntry

    config = compiler.get_config(backend)
    normalized = normalize(compiler.query)
    search_query = compiler.build_search_query(normalized, config=config)
    if search_query is None:
        return None, False
    columns = compiler.fields or compiler.FTS_TABLE_FIELDS
    rank = compiler._build_rank_expression(compiler.get_index_vectors(), config)
    queryset = (
        SQLiteFTSIndexEntry.objects.filter(MatchExpression(columns, search_query))
        .filter(index_entry__content_type_id__in=list(owners))
        .order_by()
    )
    rows = queryset.annotate(_search_rank=rank).values_list(
        "index_entry__content_type_id", "index_entry__object_id", "_search_rank"
    )
    return rows, False
