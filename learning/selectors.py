"""Reads of the learning app: brief lists, the toolkit's filters and facets, and the inputs of the
bench-learning recommendations. Pages, feeds and views call these."""

from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.principles import Principle

from .models import PolicyBriefIndexPage, PolicyBriefPage, ToolkitEntryPage, ToolkitIndexPage

# --- Policy briefs ------------------------------------------------------------------------------------


def briefs_live(*, index: PolicyBriefIndexPage) -> QuerySet[PolicyBriefPage]:
    return PolicyBriefPage.objects.live().public().child_of(index)


def brief_years(*, index: PolicyBriefIndexPage) -> list[int]:
    """The years that have at least one live brief, newest first."""
    return sorted({d.year for d in briefs_live(index=index).values_list("date", flat=True)}, reverse=True)


def parse_year(value: str | None, *, allowed: list[int]) -> int | None:
    """The year asked for in the query string when it is one of `allowed`, else None (all years)."""
    try:
        year = int(value or "")
    except ValueError:
        return None
    return year if year in allowed else None


def brief_list(*, index: PolicyBriefIndexPage, year: int | None = None) -> QuerySet[PolicyBriefPage]:
    """Live briefs of the index, newest first, with their authors and tags loaded."""
    briefs = briefs_live(index=index)
    if year is not None:
        briefs = briefs.filter(date__year=year)
    return briefs.order_by("-date", "-pk").prefetch_related("authors", "tags")


def brief_related_cases(*, brief: PolicyBriefPage) -> list:
    """The live practice cases the brief cites (empty until the practice library has case pages)."""
    related = getattr(brief, "related_cases", None)
    if related is None:
        return []
    return list(related.live().public().order_by("title"))


# --- Toolkit ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToolkitFilters:
    """The toolkit index's filters, read from the query string. Unknown values are ignored (shown as
    "all") rather than failing: a shared link with a stale value still lists entries."""

    kind: str = ""
    category: str = ""
    subpillar: str = ""  # a sub-pillar key, e.g. "2.3" (the same area in every edition)
    principle: str = ""
    difficulty: str = ""

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> "ToolkitFilters":
        allowed = {
            "kind": set(ToolkitEntryPage.Kind.values),
            "category": set(ToolkitEntryPage.Category.values),
            "principle": set(Principle.values),
            "difficulty": set(ToolkitEntryPage.Difficulty.values),
        }
        values = {}
        for f in fields(cls):
            value = (query.get(f.name) or "").strip()
            if f.name == "subpillar":
                valid = len(value) <= 10 and all(c.isdigit() or c == "." for c in value)
            else:
                valid = value in allowed[f.name]
            values[f.name] = value if valid else ""
        return cls(**values)

    def as_query(self) -> dict[str, str]:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)}

    @property
    def active(self) -> bool:
        return bool(self.as_query())


def _toolkit_filtered(entries: QuerySet, filters: ToolkitFilters, *, skip: str = "") -> QuerySet:
    if filters.kind and skip != "kind":
        entries = entries.filter(kind=filters.kind)
    if filters.category and skip != "category":
        entries = entries.filter(category=filters.category)
    if filters.difficulty and skip != "difficulty":
        entries = entries.filter(difficulty=filters.difficulty)
    if filters.subpillar and skip != "subpillar":
        entries = entries.filter(subpillars__key=filters.subpillar)
    if filters.principle and skip != "principle":
        entries = entries.filter(principle_links__principle=filters.principle)
    return entries.distinct()


def toolkit_live(*, index: ToolkitIndexPage | None = None) -> QuerySet[ToolkitEntryPage]:
    entries = ToolkitEntryPage.objects.live().public()
    return entries.child_of(index) if index is not None else entries


def toolkit_entries(*, index: ToolkitIndexPage, filters: ToolkitFilters) -> QuerySet[ToolkitEntryPage]:
    """The index's live entries matching every filter, by title, with what the cards show loaded."""
    return (
        _toolkit_filtered(toolkit_live(index=index), filters)
        .order_by("title", "pk")
        .prefetch_related("principle_links", Prefetch("subpillars"))
    )


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int  # entries with this value among those matching the other filters
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    label: str
    all_label: str
    options: list[FacetOption]


def _subpillar_labels() -> dict[str, str]:
    """Sub-pillar keys and names of the newest edition that has them ("2.3" -> "2.3 Useability")."""
    from benchmarks.models import SubPillar

    labels: dict[str, str] = {}
    for key, name in SubPillar.objects.order_by("-edition__revision", "sort_order").values_list(
        "key", "name"
    ):
        labels.setdefault(key, f"{key} {name}")
    return labels


def toolkit_facets(*, index: ToolkitIndexPage, filters: ToolkitFilters) -> list[Facet]:
    """Each filter's options with how many entries each would give, given the other filters."""
    live = toolkit_live(index=index)

    def counts(name: str, field: str) -> dict[str, int]:
        rows = (
            _toolkit_filtered(live, filters, skip=name)
            .order_by()
            .values(field)
            .annotate(n=Count("pk", distinct=True))
        )
        return {row[field]: row["n"] for row in rows if row[field]}

    def facet(name, label, all_label, choices, field):
        found = counts(name, field)
        selected = getattr(filters, name)
        return Facet(
            name=name,
            label=label,
            all_label=all_label,
            options=[
                FacetOption(
                    value=value, label=str(text), count=found.get(value, 0), selected=value == selected
                )
                for value, text in choices
                if found.get(value) or value == selected
            ],
        )

    subpillars = _subpillar_labels()
    used_keys = counts("subpillar", "subpillars__key")
    subpillar_choices = sorted(
        ((key, subpillars.get(key, key)) for key in set(used_keys) | ({filters.subpillar} - {""})),
        key=lambda item: [int(part) if part.isdigit() else 0 for part in item[0].split(".")],
    )
    return [
        facet("kind", _("Kind"), _("All kinds"), ToolkitEntryPage.Kind.choices, "kind"),
        facet("category", _("Category"), _("All categories"), ToolkitEntryPage.Category.choices, "category"),
        facet(
            "subpillar", _("Benchmark sub-pillar"), _("All sub-pillars"), subpillar_choices, "subpillars__key"
        ),
        facet(
            "principle",
            _("Tallinn principle"),
            _("All principles"),
            Principle.choices,
            "principle_links__principle",
        ),
        facet(
            "difficulty",
            _("Difficulty"),
            _("Any difficulty"),
            ToolkitEntryPage.Difficulty.choices,
            "difficulty",
        ),
    ]
