"""Full-text matches of every indexed result type in one read of Wagtail's search index table.

Wagtail's database backends search one model at a time, joining the index table to the model's table
and ranking every match. The site-wide search needs the matches of all its types at once, to count,
facet and rank them, but only ever shows a page of them: this module runs the backend's own match (the
query compiler Wagtail builds for `backend.search()` or `backend.autocomplete()`, so stemming, prefixes,
the search configuration and the rank formula are the backend's) once, on the index table alone, and
ranks only the matches a caller asks about:

- PostgreSQL: `(title || body) @@ tsquery`, found through the GIN index that search/migrations/0001
  adds on that expression (keys only: no vector is read); `scores()` then computes the backend's
  ts_rank expression (title times its norm, plus body) for the keys asked about. Ranking costs far
  more than matching (it reads every vector), so a common word matching most of the site ranks only
  the few hundred matches that can reach the page shown. Suggestions match the `autocomplete` vector
  (GIN-indexed by Wagtail) with a prefix on the last word and keep the best few of each type.
- SQLite FTS5: the backend's MATCH on the FTS table; bm25 comes with the match (lower is better).

Any other backend gives None: the caller falls back to Wagtail's per-model search.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, FloatField, Func, IntegerField, Model, Value, Window
from django.db.models.functions import RowNumber
from wagtail.search.backends import get_search_backend

from .backends import backend_kind


@dataclass
class IndexMatches:
    """Matching keys per model asked for, each with its score once known; `higher_is_better` says how
    scores sort."""

    matches: dict[type[Model], dict[Any, float | None]]
    higher_is_better: bool
    scorer: Callable[[type[Model], list], dict[Any, float]] | None = field(default=None, repr=False)

    def scores(self, model: type[Model], keys: Iterable[Any]) -> dict[Any, float]:
        """The backend's score of these matching keys (one query for those not known yet)."""
        known = self.matches.get(model, {})
        keys = [pk for pk in keys if pk in known]
        missing = [pk for pk in keys if known[pk] is None]
        if missing and self.scorer is not None:
            known.update(self.scorer(model, missing))
        return {pk: known[pk] or 0.0 for pk in keys}


class KeyIn(Func):
    """`field IN keys`. On PostgreSQL the keys are one array parameter, `= ANY(%s)`: one literal to
    send and parse however many keys, checked through a hash table when it filters rows. (Keep it out
    of queries whose other conditions the planner misjudges into a nested loop: as the inner side's
    index condition the array is sorted again at every probe.) A plain IN list elsewhere. Usable in
    filter() and in Q()."""

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
            array_type = self.source_expressions[0].output_field.cast_db_type(connection)
            keys = self.keys
            kinds = set(map(type, keys))
            if kinds == {int} or (kinds == {str} and all(key.isascii() and key.isdigit() for key in keys)):
                keys = "{" + ",".join(map(str, keys)) + "}"  # the array's text: far quicker to adapt
            return f"{lhs} = ANY(%s::{array_type}[])", [*params, keys]
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
    """The objects of `models` whose indexed text matches `query`.

    Suggestions (`autocomplete`, with `per_type_limit`) come with their scores: the best that many of
    each content type. Search matches are keys whose scores `IndexMatches.scores()` reads when asked.
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
    found = IndexMatches({model: {} for model in models}, higher_is_better=kind == "postgres")
    if compiler is None:  # an empty query: nothing matches
        return found
    reader = _Postgres if kind == "postgres" else _SQLite
    index = reader(compiler, backend, owners, autocomplete=autocomplete)
    rows = index.rows(per_type_limit)
    if rows is None:
        return found
    # Grouped by content type; keys are converted a content type at a time.
    by_content_type: dict[int, list[tuple[Any, float | None]]] = defaultdict(list)
    for content_type_id, object_id, score in _fetch(rows):
        by_content_type[content_type_id].append((object_id, score))
    for content_type_id, keys in by_content_type.items():
        if content_type_id not in owners:
            continue
        keys = _keys_to_python(owners[content_type_id], keys)
        if per_type_limit is not None and kind == "sqlite":
            # bm25() cannot be used in a window function: the best of each content type are kept here,
            # in Wagtail's order (best score first, then the newest key).
            keys.sort(key=lambda item: item[0], reverse=True)
            keys.sort(key=lambda item: item[1])
            keys = keys[:per_type_limit]
        found.matches[owners[content_type_id]].update(keys)
    found.scorer = index.scores
    return found


def _fetch(rows) -> list[tuple]:
    """The rows of a values_list() as the driver gives them (no ORM converter call per value: a common word
    matches most of the site)."""
    with connection.cursor() as cursor:
        cursor.execute(*rows.query.sql_with_params())
        return cursor.fetchall()


def _keys_to_python(model: type[Model], rows: list[tuple[str, Any]]) -> list[tuple[Any, Any]]:
    """(object_id, score) rows with the object ids as the model's keys (the index stores them as text)."""
    object_ids = [object_id for object_id, _score in rows]
    pk = model._meta.pk
    while pk.is_relation:  # a page type's key is its link to Page
        pk = pk.target_field
    if isinstance(pk, IntegerField):  # AutoField and BigAutoField too
        pks = list(map(int, object_ids))
    else:
        pks = list(map(pk.to_python, object_ids))
    return list(zip(pks, (score for _object_id, score in rows), strict=True))


class _Postgres:
    def __init__(self, compiler, backend, owners, *, autocomplete: bool):
        from wagtail.search.models import IndexEntry

        self.owners = owners
        config = compiler.get_config(backend)
        self.tsquery = compiler.build_tsquery(compiler.query, config=config)
        if autocomplete:
            self.vector = F("autocomplete")
            vectors = [(F("autocomplete"), 1.0)]
        else:
            self.vector = F("title")._combine(F("body"), "||", False)  # the GIN index's expression
            # The same vectors as PostgresSearchQueryCompiler.get_index_vectors, read from the table.
            vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]
        self.rank = compiler._build_rank_expression(vectors, config)
        self.entries = IndexEntry.objects.order_by()

    def rows(self, per_type_limit: int | None, *, ranked: bool = False):
        """(content type, object id, score) of every match; scores only when `ranked` (all of them) or
        with `per_type_limit` (the best that many of each content type)."""
        if self.tsquery is None:
            return None
        # Only the GIN index's expression in the condition (a content type condition tempts the planner
        # into reading every entry of those types): entries of other models are left out by the caller.
        matched = self.entries.annotate(_search_vector=self.vector).filter(_search_vector=self.tsquery)
        if per_type_limit is None and ranked:
            return matched.annotate(_search_rank=self.rank).values_list(
                "content_type_id", "object_id", "_search_rank"
            )
        if per_type_limit is None:
            unranked = matched.annotate(_search_rank=Value(None, output_field=FloatField()))
            return unranked.values_list("content_type_id", "object_id", "_search_rank")
        # The best few of each content type, ranked in the database.
        row = Window(
            RowNumber(), partition_by=[F("content_type_id")], order_by=[F("_search_rank").desc(), F("pk")]
        )
        ranked = (
            matched.annotate(_search_rank=self.rank)
            .annotate(_search_row=row)
            .filter(_search_row__lte=per_type_limit)
        )
        return ranked.values_list("content_type_id", "object_id", "_search_rank")

    def scores(self, model: type[Model], keys: list) -> dict[Any, float]:
        content_types = [pk for pk, owner in self.owners.items() if owner is model]
        rows = (
            self.entries.filter(content_type_id__in=content_types)
            .filter(KeyIn("object_id", [str(pk) for pk in keys]))
            .annotate(_search_rank=self.rank)
            .values_list("object_id", "_search_rank")
        )
        to_python = model._meta.pk.to_python
        return {to_python(object_id): rank for object_id, rank in rows}


class _SQLite:
    def __init__(self, compiler, backend, owners, *, autocomplete: bool):
        from modelsearch.backends.database.sqlite.query import MatchExpression, normalize

        config = compiler.get_config(backend)
        search_query = compiler.build_search_query(normalize(compiler.query), config=config)
        self.match = (
            None
            if search_query is None
            else MatchExpression(compiler.fields or compiler.FTS_TABLE_FIELDS, search_query)
        )
        self.rank = compiler._build_rank_expression(compiler.get_index_vectors(), config)
        self.owners = owners

    def rows(self, per_type_limit: int | None):
        from wagtail.search.models import SQLiteFTSIndexEntry

        if self.match is None:
            return None
        return (
            SQLiteFTSIndexEntry.objects.filter(self.match)
            .filter(index_entry__content_type_id__in=list(self.owners))
            .order_by()
            .annotate(_search_rank=self.rank)
            .values_list("index_entry__content_type_id", "index_entry__object_id", "_search_rank")
        )

    def scores(self, model: type[Model], keys: list) -> dict[Any, float]:
        return {}  # every score came with the match


def scored(query: str, model: type[Model]) -> list[tuple[Any, float]] | None:
    """Every object of `model` (and of its subclasses) whose indexed text matches `query`, with the
    backend's score, best first; in one read of the index table, not joined to the model's tables, so the
    caller filters what may be shown (live, public, in its section). PostgreSQL only: None elsewhere.

    For a caller that must order every match (the practice library sorts all of them by relevance before
    it pages). Wagtail's own search of the same words joins the index to the page tables through a text
    cast of every key, twice as slow at 10,000 matches."""
    if backend_kind() != "postgres":
        return None
    backend = get_search_backend()
    compiler = getattr(backend.search(query, model, operator="and"), "query_compiler", None)
    owners = content_type_owners([model])
    rows = (
        _Postgres(compiler, backend, owners, autocomplete=False).rows(None, ranked=True)
        if compiler is not None
        else None
    )
    if rows is None:
        return []
    found = _keys_to_python(
        model,
        [(object_id, rank) for content_type_id, object_id, rank in _fetch(rows) if content_type_id in owners],
    )
    found.sort(key=lambda item: (-item[1], item[0]))
    return found
