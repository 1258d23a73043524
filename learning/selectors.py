"""Reads of the learning app: brief lists, the toolkit's filters and facets, and the inputs of the
bench-learning recommendations. Pages, feeds and views call these."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from benchmarks import peer_groups
from benchmarks import selectors as benchmark_selectors
from benchmarks.models import Answer, Authority, Edition, Indicator, Submission, SubPillarResult
from portal.principles import Principle

from . import recommendation_text, recommendations
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
    """The live practice cases the brief discusses, by title (also in previews, where the relation is held in
    memory)."""
    from practices.models import PracticeCasePage

    ids = [case.pk for case in brief.related_cases.all()]
    return list(PracticeCasePage.objects.filter(pk__in=ids).live().public().order_by("title")) if ids else []


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


# --- Bench-learning recommendations -------------------------------------------------------------------

CANDIDATES_PER_AREA = 200  # the best-scoring authorities considered per sub-pillar (plus every near peer)
CASES_SHOWN = 3


@dataclass
class LeaderView:
    leader: recommendations.Leader
    slug: str
    reason: str
    cases: list = field(default_factory=list)


@dataclass
class AreaRecommendation:
    """One weak sub-pillar with who to learn from, their cases, the toolkit entries and the reasons."""

    recommendation: recommendations.Recommendation
    summary: str
    leaders: list[LeaderView]
    gaps: list[tuple[recommendations.Gap, str]]
    toolkit: list[ToolkitEntryPage]

    @property
    def key(self) -> str:
        return self.recommendation.area.key

    @property
    def anchor(self) -> str:
        return "learn-" + self.key.replace(".", "-")


@dataclass
class AuthorityRecommendations:
    authority: Authority
    edition: Edition
    areas: list[AreaRecommendation]


def _published_submission(*, authority: Authority, edition: Edition) -> Submission | None:
    return benchmark_selectors.published_submission(authority=authority, edition=edition)


def _peer_ranks(*, edition: Edition, authority: Authority) -> dict[int, tuple[int, str]]:
    """authority id -> (rank among the nearest peers in context, 0 = nearest; the explanation)."""
    try:
        group = peer_groups.peer_group(
            edition=edition, authority=authority, mode="context", k=peer_groups.K_MAX
        )
    except peer_groups.NotPublished:
        return {}
    return {peer.authority_id: (rank, peer.explanation) for rank, peer in enumerate(group)}


def _area_score(row: dict) -> recommendations.AreaScore:
    return recommendations.AreaScore(
        key=row["subpillar__key"], yes=row["yes"], total=row["total"], value=row["value"]
    )


def _practice_cases():
    """The practice library's live cases, or None when the practices app has no case pages."""
    try:
        from practices.selectors import live_cases
    except ImportError:  # pragma: no cover - the practices app always ships its selectors
        return None
    return live_cases()


def authority_recommendations(
    *,
    authority: Authority,
    edition: Edition | None = None,
    framework_key: str = "ucc",
    addressed: bool = True,
) -> AuthorityRecommendations | None:
    """For the authority's three weakest sub-pillars in the edition (the latest with published results by
    default): who does best there, preferring similar authorities, their practice cases on it, the toolkit
    entries for it and the reasons in words and figures. None when the authority has no published result.
    `addressed`: the reasons speak to the representative ("You answer No..."), else name the authority."""
    edition = edition or benchmark_selectors.default_edition(framework_key=framework_key)
    if edition is None:
        return None
    submission = _published_submission(authority=authority, edition=edition)
    if submission is None:
        return None
    subpillars = benchmark_selectors.subpillars_of(edition)
    own_rows = submission.results.values("subpillar__key", "yes", "total", "value")
    own = {row["subpillar__key"]: _area_score(row) for row in own_rows}
    areas = [recommendations.Area(key=sp.key, name=sp.name, sort_order=sp.sort_order) for sp in subpillars]
    weak = recommendations.weakest(own=own, areas=areas)
    if not weak:
        return AuthorityRecommendations(authority=authority, edition=edition, areas=[])
    weak_keys = [a.key for a in weak]
    peers = _peer_ranks(edition=edition, authority=authority)

    # Candidates: per weak sub-pillar, the best-scoring authorities above ours, plus every near peer.
    published = SubPillarResult.objects.filter(
        submission__edition=edition, submission__status=Submission.Status.PUBLISHED
    ).exclude(submission__authority=authority)
    fields_ = ("submission__authority_id", "submission__authority__name", "submission_id", "subpillar__key")
    rows = []
    for key in weak_keys:
        better = published.filter(subpillar__key=key, value__gt=own[key].value)
        rows += list(
            better.order_by("-value").values(*fields_, "yes", "total", "value")[:CANDIDATES_PER_AREA]
        )
        rows += list(
            better.filter(submission__authority_id__in=list(peers)).values(*fields_, "yes", "total", "value")
        )
    scores: dict[int, dict[str, recommendations.AreaScore]] = defaultdict(dict)
    names, submissions = {}, {}
    for row in rows:
        authority_id = row["submission__authority_id"]
        scores[authority_id][row["subpillar__key"]] = _area_score(row)
        names[authority_id] = row["submission__authority__name"]
        submissions[authority_id] = row["submission_id"]

    cases = _practice_cases()
    case_counts: dict[tuple[int, str], int] = {}
    if cases is not None and scores:
        for row in (
            cases.filter(
                sub_pillars__edition__framework_id=edition.framework_id,
                sub_pillars__key__in=weak_keys,
                authorities__in=list(scores),
            )
            .order_by()
            .values("authorities", "sub_pillars__key")
            .annotate(n=Count("pk", distinct=True))
        ):
            case_counts[(row["authorities"], row["sub_pillars__key"])] = row["n"]

    others = [
        recommendations.Other(
            authority_id=authority_id,
            name=names[authority_id],
            scores=area_scores,
            peer_rank=peers.get(authority_id, (None, ""))[0],
            similarity=peers.get(authority_id, (None, ""))[1],
        )
        for authority_id, area_scores in scores.items()
    ]
    indicators = defaultdict(list)
    for code, question, key in (
        Indicator.objects.filter(edition=edition, subpillar__key__in=weak_keys)
        .order_by("sort_order", "code")
        .values_list("code", "question", "subpillar__key")
    ):
        indicators[key].append((code, question))
    weak = [
        recommendations.Area(
            key=a.key, name=a.name, sort_order=a.sort_order, indicators=tuple(indicators[a.key])
        )
        for a in weak
    ]
    found = recommendations.recommend(own=own, areas=weak, others=others, case_counts=case_counts)

    leader_ids = {ld.authority_id for rec in found for ld in rec.leaders}
    answer_rows = Answer.objects.filter(
        submission_id__in=[submission.pk] + [submissions[i] for i in leader_ids],
        indicator__subpillar__key__in=weak_keys,
    ).values_list("submission_id", "indicator__code", "value")
    by_submission: dict[int, dict[str, str]] = defaultdict(dict)
    for submission_id, code, value in answer_rows:
        by_submission[submission_id][code] = value
    leader_answers = {i: by_submission[submissions[i]] for i in leader_ids}
    found = [
        recommendations.with_gaps(
            rec, own_answers=by_submission[submission.pk], leader_answers=leader_answers
        )
        for rec in found
    ]
    return AuthorityRecommendations(
        authority=authority,
        edition=edition,
        areas=_area_views(
            found,
            edition=edition,
            cases=cases,
            leader_ids=leader_ids,
            subject="" if addressed else authority.name,
        ),
    )


def _area_views(
    found, *, edition: Edition, cases, leader_ids: set[int], subject: str
) -> list[AreaRecommendation]:
    keys = [rec.area.key for rec in found]
    slugs = dict(Authority.objects.filter(pk__in=leader_ids).values_list("pk", "slug"))
    case_lists: dict[tuple[int, str], list] = defaultdict(list)
    if cases is not None and leader_ids:
        listed = (
            cases.filter(
                sub_pillars__edition__framework_id=edition.framework_id,
                sub_pillars__key__in=keys,
                authorities__in=leader_ids,
            )
            .distinct()
            .order_by("-first_published_at", "-pk")
            .prefetch_related("authorities", "sub_pillars")
        )
        for case in listed:
            case_keys = {sp.key for sp in case.sub_pillars.all()} & set(keys)
            for author in case.authorities.all():
                for key in case_keys:
                    if author.pk in leader_ids and len(case_lists[(author.pk, key)]) < CASES_SHOWN:
                        case_lists[(author.pk, key)].append(case)
    toolkit: dict[str, list[ToolkitEntryPage]] = defaultdict(list)
    for entry in (
        toolkit_live()
        .filter(subpillars__edition__framework_id=edition.framework_id, subpillars__key__in=keys)
        .distinct()
        .order_by("title")
        .prefetch_related("subpillars")
    ):
        for key in {sp.key for sp in entry.subpillars.all()} & set(keys):
            toolkit[key].append(entry)
    return [
        AreaRecommendation(
            recommendation=rec,
            summary=recommendation_text.area_summary(rec, subject=subject),
            leaders=[
                LeaderView(
                    leader=ld,
                    slug=slugs.get(ld.authority_id, ""),
                    reason=recommendation_text.leader_reason(ld, subject=subject),
                    cases=case_lists[(ld.authority_id, rec.area.key)],
                )
                for ld in rec.leaders
            ],
            gaps=[(gap, recommendation_text.gap_reason(gap, subject=subject)) for gap in rec.gaps],
            toolkit=toolkit[rec.area.key],
        )
        for rec in found
    ]


def represented_authorities(*, user) -> list[Authority]:
    if not user.is_authenticated:
        return []
    return list(user.represented_authorities.order_by("name"))
