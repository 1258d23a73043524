"""Glue to Wagtail's search backends: full-text matches as database querysets.

Wagtail's database backends (SQLite FTS5, PostgreSQL full text) build an ordinary Django queryset for a
search. We take that queryset, unsliced and annotated with the backend's score, so that the search
layer can use it as a subquery: facet counts and filters stay aggregate queries in the database and
only one page of results is ever loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import FloatField, Q, QuerySet, Value
from wagtail.search.backends import get_search_backend

SCORE = "_search_score"


@dataclass(frozen=True)
class FullText:
    """Objects of `queryset` matching the query, with SCORE annotated; `higher_is_better` says how to sort."""

    queryset: QuerySet
    higher_is_better: bool


def backend_kind(backend=None) -> str:
    """ "postgres", "sqlite", "elasticsearch" or "other" (Wagtail's fallback database backend)."""
    backend = backend or get_search_backend()
    module = type(backend).__module__
    if "elasticsearch" in module or "opensearch" in module:
        return "elasticsearch"
    if "postgres" in module:
        return "postgres"
    if "sqlite" in module:
        return "sqlite"
    return "other"


def words_match(queryset: QuerySet, query: str, fields: tuple[str, ...]) -> FullText:
    """For models outside the search index: every word of the query in one of `fields` (no ranking)."""
    condition = Q()
    for word in query.split():
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": word})
        condition &= any_field
    return FullText(
        queryset.filter(condition).annotate(**{SCORE: Value(1.0, output_field=FloatField())}),
        higher_is_better=True,
    )


def fulltext(queryset: QuerySet, query: str, *, operator: str = "and", text_fields=()) -> FullText:
    """The objects of `queryset` whose indexed text matches `query` (every word, stemmed)."""
    from wagtail.search.index import Indexed

    if not issubclass(queryset.model, Indexed):
        return words_match(queryset, query, tuple(text_fields))
    backend = get_search_backend()
    kind = backend_kind(backend)
    results = backend.search(query, queryset, operator=operator)
    compiler = results.query_compiler
    if kind == "postgres":
        matched = compiler.search(
            compiler.get_config(backend), None, None, score_field=SCORE, backend=backend
        )
        return FullText(matched, higher_is_better=True)
    if kind == "sqlite":
        matched = compiler.search(compiler.get_config(backend), None, None, score_field=SCORE)
        return FullText(matched, higher_is_better=False)
    # Fallback backends (MySQL, plain LIKE, a search server used without its dedicated path): keys only.
    pks = [obj.pk for obj in results]
    return FullText(
        queryset.filter(pk__in=pks).annotate(**{SCORE: Value(1.0, output_field=FloatField())}),
        higher_is_better=True,
    )
