"""Reads of the benchmarks app: ranking, pillar averages, profiles. Pages and exports call these.

Scores are stored when a submission is published (see services.submission_publish); nothing here
recomputes them except the pillar averages, which are sums over stored sub-pillar results.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, FilteredRelation, Max, Q, Sum
from django.db.models.functions import Coalesce

from . import scoring
from .models import Answer, Authority, Edition, Framework, Pillar, Submission, SubPillar, SubPillarResult

POPULATION_BANDS = (
    ("lt100k", "Under 100,000", 0, 100_000),
    ("100k-500k", "100,000 – 500,000", 100_000, 500_000),
    ("500k-1m", "500,000 – 1 million", 500_000, 1_000_000),
    ("1m+", "Over 1 million", 1_000_000, None),
)


def population_band(population: int | None) -> str | None:
    if population is None:
        return None
    for key, _label, low, high in POPULATION_BANDS:
        if population >= low and (high is None or population < high):
            return key
    return None


def editions_of(*, framework_key: str = "ucc") -> list[Edition]:
    """Editions of a framework, newest first."""
    return list(Edition.objects.filter(framework__key=framework_key).order_by("-revision"))


def edition_get(*, framework_key: str, revision: str) -> Edition | None:
    return (
        Edition.objects.filter(framework__key=framework_key, revision=revision)
        .select_related("framework")
        .first()
    )


def default_edition(*, framework_key: str = "ucc") -> Edition | None:
    """The newest edition that has published results, else the newest edition."""
    editions = Edition.objects.filter(framework__key=framework_key).order_by("-revision")
    return (
        editions.filter(submissions__status=Submission.Status.PUBLISHED).distinct().first()
        or editions.first()
    )


def edition_data_version(*, edition: Edition) -> str:
    """Changes whenever a submission, an authority or the framework texts of the edition change: part of
    the cache key of rendered fragments that show the edition's results."""
    return _data_version(Submission.objects.filter(edition=edition), f"e{edition.pk}")


def framework_data_version(*, framework: Framework) -> str:
    """The same for fragments that show several editions of a framework (an authority's trend)."""
    return _data_version(Submission.objects.filter(edition__framework=framework), f"f{framework.pk}")


def _data_version(submissions, scope: str) -> str:
    latest = submissions.aggregate(latest=Max("updated_at"), n=Count("id"))
    return f"{scope}:{latest['latest']}:{latest['n']}:{cache_generation()}"


def cache_generation() -> int:
    """A counter bumped when authorities or framework texts are edited (see benchmarks/signals.py)."""
    return cache.get_or_set(GENERATION_KEY, 1, None)


def bump_cache_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, 2, None)


GENERATION_KEY = "benchmarks:generation"


def subpillars_of(edition: Edition) -> list[SubPillar]:
    return list(edition.subpillars.select_related("pillar").order_by("sort_order", "key"))


@dataclass
class RankingCell:
    subpillar: SubPillar
    yes: int
    total: int
    value: Decimal
    band: str


@dataclass
class RankingRow:
    rank: int
    authority: Authority
    overall: Decimal
    percent: int
    band: str
    cells: list[RankingCell]
    submission_id: int
    population_band: str | None = None


def ranking(*, edition: Edition) -> list[RankingRow]:
    """The whole published ranking of an edition, in rank order (for exports)."""
    submissions = _published(edition).order_by("rank", "-overall", "authority__name")
    return _rows(edition, list(submissions))


def _published(edition: Edition):
    return Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED).select_related(
        "authority"
    )


def _rows(edition: Edition, submissions: list[Submission]) -> list[RankingRow]:
    """Ranking rows of these submissions, with their sub-pillar results (one query for all of them)."""
    subpillars = subpillars_of(edition)
    results: dict[int, dict[int, SubPillarResult]] = defaultdict(dict)
    for result in SubPillarResult.objects.filter(submission__in=[s.pk for s in submissions]):
        results[result.submission_id][result.subpillar_id] = result
    rows = []
    for submission in submissions:
        by_subpillar = results[submission.pk]
        cells = [
            RankingCell(subpillar=sp, yes=r.yes, total=r.total, value=r.value, band=r.band)
            for sp in subpillars
            if (r := by_subpillar.get(sp.pk)) is not None
        ]
        rows.append(
            RankingRow(
                rank=submission.rank,
                authority=submission.authority,
                overall=submission.overall,
                percent=submission.percent,
                band=scoring.band(value=submission.overall).value,
                cells=cells,
                submission_id=submission.pk,
                population_band=population_band(submission.population or submission.authority.population),
            )
        )
    return rows


@dataclass
class RankingPage:
    rows: list[RankingRow]
    count: int  # rows matching the filters
    total: int  # all published rows of the edition
    countries: list[str]


@dataclass(frozen=True)
class RankingSummary:
    """What the ranking shows besides its rows, the same for every filter, sort and page: read once per data
    version (see edition_data_version) and cached."""

    total: int  # published rows of the edition
    countries: list[str]
    pillar_averages: list["PillarAverage"]


def ranking_summary(*, edition: Edition, version: str) -> RankingSummary:
    """The edition's published count, its countries and its pillar averages, cached under `version`."""

    def read() -> RankingSummary:
        published = Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED)
        countries = published.values_list("authority__country", flat=True).distinct().order_by()
        return RankingSummary(
            total=published.count(),
            countries=sorted(c for c in countries if c),
            pillar_averages=pillar_averages(edition=edition),
        )

    key = "benchmarks:ranking-summary:" + hashlib.sha1(f"{edition.pk}|{version}".encode()).hexdigest()
    return cache.get_or_set(key, read, SUMMARY_TIMEOUT)


SUMMARY_TIMEOUT = 60 * 60


def ranking_page(
    *,
    edition: Edition,
    country: str = "",
    kind: str = "",
    population: str = "",
    sort: str = "rank",
    descending: bool = False,
    offset: int = 0,
    limit: int = 50,
    summary: RankingSummary | None = None,
) -> RankingPage:
    """One page of the ranking, filtered and sorted in the database: only the page's rows are loaded, so
    it stays fast with every local authority of Europe. `summary` (ranking_summary) saves reading the
    edition's count and countries again."""
    published = _published(edition)
    selected = published
    filtered = bool(country or kind or population)
    if country:
        selected = selected.filter(authority__country=country)
    if kind:
        selected = selected.filter(authority__kind=kind)
    if population:
        low, high = next((lo, hi) for key, _label, lo, hi in POPULATION_BANDS if key == population)
        selected = selected.annotate(effective_population=Coalesce("population", "authority__population"))
        selected = selected.filter(effective_population__gte=low)
        if high is not None:
            selected = selected.filter(effective_population__lt=high)
    sign = "-" if descending else ""
    if sort == "rank":
        order = [f"{sign}rank", "-overall" if not descending else "overall", "authority__name"]
    elif sort == "authority":
        order = [f"{sign}authority__name"]
    elif sort == "percent":
        order = [f"{sign}overall", "authority__name"]
    else:
        # A join with the sub-pillar's result row (at most one: unique per submission and sub-pillar), not a
        # subquery per submission: PostgreSQL hashes the sub-pillar's results once.
        subpillar = SubPillar.objects.filter(edition=edition, key=sort).values_list("pk", flat=True)
        subpillar_id = next(iter(subpillar), None)  # unique per edition
        selected = selected.annotate(
            sort_result=FilteredRelation("results", condition=Q(results__subpillar_id=subpillar_id))
        ).annotate(sort_value=F("sort_result__value"))
        order = [
            F("sort_value").desc(nulls_last=True) if descending else F("sort_value").asc(nulls_first=True),
            "authority__name",
        ]
    page = list(selected.order_by(*order)[offset : offset + limit])
    if summary is None:
        countries = published.values_list("authority__country", flat=True).distinct().order_by()
        total, countries = published.count(), sorted(c for c in countries if c)
    else:
        total, countries = summary.total, summary.countries
    count = selected.count() if filtered else total
    return RankingPage(rows=_rows(edition, page), count=count, total=total, countries=countries)


@dataclass
class PillarAverage:
    pillar: Pillar
    yes: int
    total: int
    value: Decimal | None
    band: str | None


def pillar_averages(*, edition: Edition) -> list[PillarAverage]:
    """Total Yes in each pillar across all published authorities / total questions, 2 decimals."""
    sums = {
        row["subpillar__pillar_id"]: row
        for row in SubPillarResult.objects.filter(
            submission__edition=edition, submission__status=Submission.Status.PUBLISHED
        )
        .values("subpillar__pillar_id")
        .annotate(yes=Sum("yes"), total=Sum("total"))
    }
    averages = []
    for pillar in edition.pillars.order_by("sort_order", "key"):
        row = sums.get(pillar.pk)
        if row and row["total"]:
            value = scoring.pillar_average(yes_total=row["yes"], question_total=row["total"])
            averages.append(
                PillarAverage(pillar, row["yes"], row["total"], value, scoring.band(value=value).value)
            )
        else:
            averages.append(PillarAverage(pillar, 0, 0, None, None))
    return averages


def subpillar_averages(*, edition: Edition, authority_ids: list[int] | None = None) -> dict[int, Decimal]:
    """Mean sub-pillar value over all published authorities (or only these), by sub-pillar id (2 decimals)."""
    averages = {}
    results = SubPillarResult.objects.filter(
        submission__edition=edition, submission__status=Submission.Status.PUBLISHED
    )
    if authority_ids is not None:
        results = results.filter(submission__authority_id__in=authority_ids)
    for row in results.values("subpillar_id").annotate(total=Sum("value"), n=Count("id")):
        averages[row["subpillar_id"]] = scoring.round_half_away(Decimal(row["total"]) / row["n"], places=2)
    return averages


def published_submission(*, authority: Authority, edition: Edition) -> Submission | None:
    return (
        Submission.objects.filter(authority=authority, edition=edition, status=Submission.Status.PUBLISHED)
        .select_related("edition", "authority")
        .first()
    )


@dataclass
class TrendPoint:
    edition: Edition
    percent: int
    rank: int
    authorities: int


def trend(*, authority: Authority, framework: Framework) -> list[TrendPoint]:
    """The authority's published percentage and rank in every edition of the framework, oldest first."""
    counts = dict(
        Submission.objects.filter(edition__framework=framework, status=Submission.Status.PUBLISHED)
        .values_list("edition_id")
        .annotate(n=Count("id"))
    )
    return [
        TrendPoint(edition=s.edition, percent=s.percent, rank=s.rank, authorities=counts.get(s.edition_id, 0))
        for s in Submission.objects.filter(
            authority=authority, edition__framework=framework, status=Submission.Status.PUBLISHED
        )
        .select_related("edition")
        .order_by("edition__revision")
    ]


@dataclass
class WorkItem:
    """An indicator the authority answered No (or left unanswered) that most peers answer Yes."""

    indicator_code: str
    question: str
    subpillar: SubPillar
    peers_yes: int
    peers: int

    @property
    def share(self) -> int:
        return (
            scoring.displayed_percent(overall=Decimal(self.peers_yes) / Decimal(self.peers))
            if self.peers
            else 0
        )


def what_to_work_on(*, submission: Submission, limit: int = 8) -> list[WorkItem]:
    """Indicators answered No/NA here that more than half of the other published authorities answer Yes."""
    own = {
        a.indicator_id: a
        for a in submission.answers.select_related("indicator", "indicator__subpillar")
        if a.value != Answer.Value.YES
    }
    if not own:
        return []
    peers = Submission.objects.filter(
        edition_id=submission.edition_id, status=Submission.Status.PUBLISHED
    ).exclude(pk=submission.pk)
    stats = (
        Answer.objects.filter(submission__in=peers, indicator_id__in=own.keys())
        .values("indicator_id")
        .annotate(yes=Count("id", filter=Q(value=Answer.Value.YES)), n=Count("id"))
    )
    items = [
        WorkItem(
            indicator_code=own[row["indicator_id"]].indicator.code,
            question=own[row["indicator_id"]].indicator.question,
            subpillar=own[row["indicator_id"]].indicator.subpillar,
            peers_yes=row["yes"],
            peers=row["n"],
        )
        for row in stats
        if row["n"] and row["yes"] * 2 > row["n"]
    ]
    items.sort(
        key=lambda item: (-item.peers_yes / item.peers, item.subpillar.sort_order, item.indicator_code)
    )
    return items[:limit]


@dataclass
class SubPillarProfile:
    subpillar: SubPillar
    result: SubPillarResult | None
    average: Decimal | None
    answers: list[Answer] = field(default_factory=list)


def profile_subpillars(*, submission: Submission) -> list[SubPillarProfile]:
    """Each sub-pillar of the edition with this submission's result, the all-authority average and answers."""
    edition = submission.edition
    results = {r.subpillar_id: r for r in submission.results.all()}
    averages = subpillar_averages(edition=edition)
    answers: dict[int, list[Answer]] = defaultdict(list)
    for answer in submission.answers.select_related("indicator").order_by("indicator__sort_order"):
        answers[answer.indicator.subpillar_id].append(answer)
    return [
        SubPillarProfile(
            subpillar=sp, result=results.get(sp.pk), average=averages.get(sp.pk), answers=answers[sp.pk]
        )
        for sp in subpillars_of(edition)
    ]
