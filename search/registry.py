"""The registry of searchable result types.

The search layer knows nothing about the portal's content types: each type joins the search by
registering a `ResultType` (see `search/adapters.py` for the built-in ones, or call `register()` from an
app's `AppConfig.ready`). A result type says which model it searches, which objects a person may see,
how to read its facet values in the database, its date, its URL and the public text its snippets come
from. Types whose model does not exist are simply never registered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

# Facets shown on the search page, in this order. "type" is the result-type tab.
FACETS: dict[str, Any] = {
    "tag": _("Tag"),
    "country": _("Country"),
    "subpillar": _("Sub-pillar"),
    "principle": _("Principle"),
    "year": _("Year"),
}

# Taxonomies a query is expanded against (see search/expansion.py): facet key -> kind of term.
TAXONOMY_FACETS = ("tag", "subpillar", "principle")


class FacetField:
    """A facet read from an ORM lookup (`"tags__name"`, `"authorities__country"`, `"year_launched"`)."""

    def __init__(self, lookup: str):
        self.lookup = lookup

    def q(self, values: list[str]) -> Q:
        return Q(**{f"{self.lookup}__in": values})

    def counts(self, queryset: QuerySet) -> dict[str, int]:
        """Objects per value, in one GROUP BY query (objects without a value make a group left out here:
        excluding them in SQL costs an anti-join over the whole relation)."""
        rows = queryset.values(self.lookup).annotate(n=Count("pk", distinct=True)).order_by()
        return {str(row[self.lookup]): row["n"] for row in rows if row[self.lookup] not in ("", None)}

    def pairs(self, queryset: QuerySet):
        """(key, value) of every object of the queryset and each of its values (as `counts` groups them:
        no empty value), for search/type_index.py."""
        for pk, value in queryset.order_by().values_list("pk", self.lookup):
            if value not in ("", None):
                yield pk, str(value)


class ChoiceListFacet(FacetField):
    """A facet over a JSON list of codes (Tallinn principles): a conditional COUNT per code, in one query."""

    def __init__(self, lookup: str, codes: Callable[[], list[str]]):
        super().__init__(lookup)
        self.codes = codes

    def _has(self, code: str) -> Q:
        if connection.vendor == "postgresql":
            # jsonb containment: the list holds the code (no text rendering of every row per code).
            return Q(**{f"{self.lookup}__contains": [code]})
        # The JSON text contains the quoted code.
        return Q(**{f"{self.lookup}__icontains": f'"{code}"'})

    def q(self, values: list[str]) -> Q:
        condition = Q(pk__in=[])
        for value in values:
            condition |= self._has(value)
        return condition

    def counts(self, queryset: QuerySet) -> dict[str, int]:
        codes = list(self.codes())
        if not codes:
            return {}
        totals = queryset.order_by().aggregate(
            **{f"c{i}": Count("pk", filter=self._has(code)) for i, code in enumerate(codes)}
        )
        return {code: totals[f"c{i}"] for i, code in enumerate(codes) if totals[f"c{i}"]}

    def pairs(self, queryset: QuerySet):
        codes = set(self.codes())
        for pk, listed in queryset.order_by().values_list("pk", self.lookup):
            for code in listed if isinstance(listed, list) else ():
                if code in codes:
                    yield pk, code


@dataclass(frozen=True)
class ResultType:
    """How one kind of content takes part in the site-wide search.

    - `key`: stable identifier used in URLs (`?type=practice`).
    - `label`: the tab's name.
    - `model`: the Django model (must be `index.Indexed` for full-text search).
    - `visible`: `visible(user) -> QuerySet` of what this person may see (live, public, not private...).
    - `facets`: facet key -> ORM lookup of its value, e.g. {"tag": "tags__name", "year": "year_launched"},
      or a FacetField (ChoiceListFacet for JSON lists). Counts and filters are database queries.
    - `date_field`: ORM lookup of the date used for "newest first" (None: never ordered by date).
    - `url`: `url(obj, request) -> str`.
    - `text`: `text(obj) -> str`, the public text snippets are cut from (never members-only fields).
    - `title_field`: the model field holding the title (exact title matches rank first).
    - `boost`: multiplies this type's full-text score (authorities' names are short and specific).
    - `facet_labels`: facet key -> `label(value) -> str` for values that are codes.
    - `specific`: load the specific page class (Wagtail pages).
    - `order`: position of the tab.
    - `text_fields`: for models that are not `index.Indexed`, the fields a query's words are looked up in.
    - `index_generation`: `index_generation() -> str`, a token that changes whenever what `visible`, the
      facets, the titles or the dates read changes. A type that has one is searched in memory
      (search/type_index.py), its index read again once per token; `visible(user)` must then be the
      same for every user.
    """

    key: str
    label: Any
    model: type[Model]
    visible: Callable[[Any], QuerySet]
    url: Callable[[Any, Any], str]
    text: Callable[[Any], str]
    facets: dict[str, FacetField | str] = field(default_factory=dict)
    date_field: str | None = None
    title_field: str = "title"
    boost: float = 1.0
    facet_labels: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    order: int = 100
    text_fields: tuple[str, ...] = ()  # for a model outside the search index: fields matched word by word
    index_generation: Callable[[], str] | None = None

    def __post_init__(self):
        fields = {key: FacetField(f) if isinstance(f, str) else f for key, f in self.facets.items()}
        object.__setattr__(self, "facets", fields)

    def taxonomy_q(self, terms: dict[str, list[str]]) -> Q | None:
        """Objects assigned to any of the taxonomy terms a query named (tags, sub-pillars, principles)."""
        condition = None
        for facet in TAXONOMY_FACETS:
            facet_field = self.facets.get(facet)
            names = terms.get(facet)
            if not facet_field or not names:
                continue
            clause = facet_field.q(names)
            condition = clause if condition is None else condition | clause
        return condition


_registry: dict[str, ResultType] = {}


def register(result_type: ResultType) -> ResultType:
    """Add (or replace) a result type. Call it from an AppConfig.ready or from search/adapters.py."""
    _registry[result_type.key] = result_type
    return result_type


def unregister(key: str) -> None:
    _registry.pop(key, None)


def result_types() -> list[ResultType]:
    """Every registered type, in tab order."""
    return sorted(_registry.values(), key=lambda rt: (rt.order, rt.key))


def get(key: str) -> ResultType | None:
    return _registry.get(key)


def for_model(model: type[Model]) -> ResultType | None:
    for result_type in _registry.values():
        if result_type.model is model:
            return result_type
    return None
