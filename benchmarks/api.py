"""The read-only open data API: frameworks, authorities, published scores, answers and peer groups.

Served at /api/v1/ (portal/urls.py) with its OpenAPI description at /api/v1/openapi.json and
its reference page at /api/v1/docs/ (benchmarks/api_reference.py). Every list is paginated with
`limit` (default 50, at most 500) and `offset`, answers {"count", "next", "previous", "results"}, and
is read with a database-side LIMIT.
"""

from collections import defaultdict
from typing import Literal

from django.db.models import Count
from django.http import HttpRequest
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError

from . import api_schemas as s
from . import exports, peer_groups, scoring, selectors
from .models import (
    Answer,
    Authority,
    Edition,
    Framework,
    Indicator,
    Pillar,
    Submission,
    SubPillar,
    SubPillarResult,
)

DEFAULT_LIMIT, MAX_LIMIT = 50, 500
MAX_OFFSET = 10_000_000  # beyond any table here; keeps the SQL integer in range on every database

LICENCE = {"name": exports.LICENCE, "url": exports.LICENCE_URL, "attribution": exports.ATTRIBUTION}

DESCRIPTION = f"""
Open data of the UserCentriCities benchmark: the frameworks and their editions, the authorities, and
the published results (ranking, scores per sub-pillar, answers with evidence, peer groups).

**Licence.** The data is published under [{exports.LICENCE}]({exports.LICENCE_URL}). Attribute it as
"{exports.ATTRIBUTION}". Every response carries a top-level `licence` object with the licence name, its
URL and this attribution.

**Reading.** Read-only: GET only, no authentication, CORS open to every origin (no credentials).
Lists take `limit` (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}) and `offset` and answer `count`,
`next`, `previous` (URLs, null at the ends) and `results`. Scores are those stored when a submission
was published: `overall` is a decimal string ("0.505"), `percent` the whole percentage shown on the
dashboard (51), and equal percentages share a rank. Unknown frameworks, editions or authorities answer
404 with `{{"detail": "..."}}`; invalid parameters answer 422.
"""

api = NinjaAPI(
    title="UserCentriCities open data API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="benchmark_api",
    docs_url=None,  # Swagger UI fails WCAG 2.2 AA: benchmarks/api_reference.py serves /api/v1/docs/ instead
)

NOT_FOUND = {404: s.Error}


def _page(request: HttpRequest, *, count: int, limit: int, offset: int, results: list, **extra) -> dict:
    def url(new_offset: int) -> str:
        query = request.GET.copy()
        query["limit"] = str(limit)
        query["offset"] = str(new_offset)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return {
        "licence": LICENCE,
        **extra,
        "count": count,
        "next": url(offset + limit) if offset + limit < count else None,
        "previous": url(max(offset - limit, 0)) if offset > 0 else None,
        "results": results,
    }


Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
Offset = Query(0, ge=0, le=MAX_OFFSET, description="Number of results to skip.")
SLUG = r"^[-a-zA-Z0-9_]+$"
FrameworkKey = Path(..., pattern=SLUG, max_length=50, description="A framework's key, e.g. ucc")
Revision = Path(..., pattern=SLUG, max_length=20, description="An edition's revision, e.g. 2023")
Slug = Path(..., pattern=SLUG, max_length=200, description="An authority's slug, e.g. espoo")


def _edition(framework: str, revision: str) -> Edition:
    edition = selectors.edition_get(framework_key=framework, revision=revision)
    if edition is None:
        if not Framework.objects.filter(key=framework).exists():
            raise HttpError(404, f'No framework "{framework}".')
        raise HttpError(404, f'No edition "{revision}" of framework "{framework}".')
    return edition


def _authority(slug: str) -> Authority:
    authority = Authority.objects.filter(slug=slug).only("pk", "slug", "name").first()
    if authority is None:
        raise HttpError(404, f'No authority "{slug}".')
    return authority


# Frameworks -----------------------------------------------------------------------------------------


@api.get("/frameworks", response=s.FrameworkPage, tags=["frameworks"])
def frameworks(request, limit: int = Limit, offset: int = Offset):
    """Benchmark frameworks with their editions, newest edition first."""
    queryset = Framework.objects.order_by("name", "key")
    page = list(queryset.values("pk", "key", "name", "description")[offset : offset + limit])
    framework_ids = [f["pk"] for f in page]
    editions = list(
        Edition.objects.filter(framework_id__in=framework_ids)
        .order_by("-revision")
        .values("pk", "framework_id", "revision", "title", "is_open")
    )
    edition_ids = [e["pk"] for e in editions]

    def counts(queryset) -> dict[int, int]:
        return dict(
            queryset.filter(edition_id__in=edition_ids).values_list("edition_id").annotate(n=Count("id"))
        )

    pillars = counts(Pillar.objects)
    subpillars = counts(SubPillar.objects)
    indicators = counts(Indicator.objects)
    published = counts(Submission.objects.filter(status=Submission.Status.PUBLISHED))
    by_framework = defaultdict(list)
    for e in editions:
        by_framework[e["framework_id"]].append(
            {
                "revision": e["revision"],
                "title": e["title"],
                "is_open": e["is_open"],
                "pillars": pillars.get(e["pk"], 0),
                "subpillars": subpillars.get(e["pk"], 0),
                "indicators": indicators.get(e["pk"], 0),
                "published": published.get(e["pk"], 0),
            }
        )
    results = [{**f, "editions": by_framework[f["pk"]]} for f in page]
    return _page(request, count=queryset.count(), limit=limit, offset=offset, results=results)


@api.get(
    "/frameworks/{key}/editions/{revision}", response={200: s.EditionOut, **NOT_FOUND}, tags=["frameworks"]
)
def edition_structure(request, key: str = FrameworkKey, revision: str = Revision):
    """The structure of an edition: pillars > sub-pillars > indicators (code, question, guidance)."""
    edition = _edition(key, revision)
    indicators = defaultdict(list)
    for row in (
        Indicator.objects.filter(edition=edition)
        .order_by("sort_order", "code")
        .values("subpillar_id", "code", "question", "guidance", "evidence_required")
    ):
        indicators[row.pop("subpillar_id")].append(row)
    subpillars = defaultdict(list)
    for row in (
        SubPillar.objects.filter(edition=edition)
        .order_by("sort_order", "key")
        .values("pk", "pillar_id", "key", "name", "description")
    ):
        subpillars[row["pillar_id"]].append(
            {
                "key": row["key"],
                "name": row["name"],
                "description": row["description"],
                "indicators": indicators[row["pk"]],
            }
        )
    pillars = [
        {**row, "subpillars": subpillars[row.pop("pk")]}
        for row in edition.pillars.order_by("sort_order", "key").values("pk", "key", "name", "description")
    ]
    return {
        "licence": LICENCE,
        "framework": edition.framework.key,
        "revision": edition.revision,
        "title": edition.title,
        "is_open": edition.is_open,
        "pillars": pillars,
    }


# Authorities ----------------------------------------------------------------------------------------

AUTHORITY_FIELDS = ("slug", "name", "country", "kind", "population", "website")


@api.get("/authorities", response=s.AuthorityPage, tags=["authorities"])
def authorities(
    request,
    country: str | None = Query(None, description="ISO 3166-1 alpha-2 code, e.g. FI", max_length=2),
    kind: Literal["city", "region"] | None = None,
    q: str | None = Query(None, description="Part of the name", max_length=100),
    limit: int = Limit,
    offset: int = Offset,
):
    """Authorities in name order, filtered by country, kind and part of the name."""
    queryset = Authority.objects.order_by("name")
    if country:
        queryset = queryset.filter(country=country.upper())
    if kind:
        queryset = queryset.filter(kind=kind)
    if q:
        queryset = queryset.filter(name__icontains=q)
    results = list(queryset.values(*AUTHORITY_FIELDS)[offset : offset + limit])
    return _page(request, count=queryset.count(), limit=limit, offset=offset, results=results)


@api.get("/authorities/{slug}", response={200: s.AuthorityDetail, **NOT_FOUND}, tags=["authorities"])
def authority_detail(request, slug: str = Slug):
    """One authority."""
    row = Authority.objects.filter(slug=slug).values(*AUTHORITY_FIELDS).first()
    if row is None:
        raise HttpError(404, f'No authority "{slug}".')
    return {"licence": LICENCE, **row}


# Published results ----------------------------------------------------------------------------------

SUBMISSION_FIELDS = (
    "pk",
    "rank",
    "overall",
    "percent",
    "version",
    "authority__slug",
    "authority__name",
    "authority__country",
    "authority__kind",
)


def _rows(edition: Edition, submissions: list[dict]) -> list[dict]:
    """Ranking rows of these submissions, with their sub-pillar results (read for these only)."""
    keys = {
        pk: (position, key)
        for position, (pk, key) in enumerate(
            SubPillar.objects.filter(edition=edition).order_by("sort_order", "key").values_list("pk", "key")
        )
    }
    cells = defaultdict(list)
    for r in SubPillarResult.objects.filter(submission_id__in=[row["pk"] for row in submissions]).values_list(
        "submission_id", "subpillar_id", "yes", "total", "value", "band"
    ):
        cells[r[0]].append(r[1:])

    def subpillars(submission_id: int) -> list[dict]:
        ordered = sorted(cells[submission_id], key=lambda cell: keys[cell[0]][0])
        return [
            {"key": keys[sp][1], "yes": yes, "total": total, "value": f"{value:.2f}", "band": band}
            for sp, yes, total, value, band in ordered
        ]

    return [
        {
            "rank": row["rank"],
            "authority": row["authority__slug"],
            "name": row["authority__name"],
            "country": row["authority__country"],
            "kind": row["authority__kind"],
            "overall": f"{row['overall']:.3f}",
            "percent": row["percent"],
            "band": scoring.band(value=row["overall"]).value,
            "subpillars": subpillars(row["pk"]),
        }
        for row in submissions
    ]


def _published(edition: Edition):
    return Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED)


@api.get(
    "/editions/{framework}/{revision}/ranking", response={200: s.RankingPage, **NOT_FOUND}, tags=["results"]
)
def ranking(
    request,
    framework: str = FrameworkKey,
    revision: str = Revision,
    country: str | None = Query(None, description="ISO 3166-1 alpha-2 code, e.g. FI", max_length=2),
    kind: Literal["city", "region"] | None = None,
    limit: int = Limit,
    offset: int = Offset,
):
    """The published ranking in rank order. Filters narrow the list and keep each authority's overall rank."""
    edition = _edition(framework, revision)
    queryset = _published(edition)
    if country:
        queryset = queryset.filter(authority__country=country.upper())
    if kind:
        queryset = queryset.filter(authority__kind=kind)
    page = list(
        queryset.order_by("rank", "-overall", "authority__name").values(*SUBMISSION_FIELDS)[
            offset : offset + limit
        ]
    )
    return _page(
        request,
        count=queryset.count(),
        limit=limit,
        offset=offset,
        results=_rows(edition, page),
        framework=edition.framework.key,
        edition=edition.revision,
    )


@api.get(
    "/editions/{framework}/{revision}/scores/{authority_slug}",
    response={200: s.ScoreOut, **NOT_FOUND},
    tags=["results"],
)
def score(request, framework: str = FrameworkKey, revision: str = Revision, authority_slug: str = Slug):
    """One authority's published score with its sub-pillars."""
    edition = _edition(framework, revision)
    authority = _authority(authority_slug)
    row = _published(edition).filter(authority=authority).values(*SUBMISSION_FIELDS).first()
    if row is None:
        raise HttpError(404, f'"{authority_slug}" has no published result in edition {revision}.')
    return {
        "licence": LICENCE,
        "framework": edition.framework.key,
        "edition": edition.revision,
        "authorities": _published(edition).count(),
        "version": row["version"],
        **_rows(edition, [row])[0],
    }


@api.get(
    "/editions/{framework}/{revision}/answers", response={200: s.AnswerPage, **NOT_FOUND}, tags=["results"]
)
def answers(
    request,
    framework: str = FrameworkKey,
    revision: str = Revision,
    authority: str | None = Query(None, description="An authority's slug"),
    limit: int = Limit,
    offset: int = Offset,
):
    """Published answers with their evidence, by authority name then indicator order."""
    edition = _edition(framework, revision)
    queryset = Answer.objects.filter(
        submission__edition=edition, submission__status=Submission.Status.PUBLISHED
    )
    if authority:
        queryset = queryset.filter(submission__authority=_authority(authority))
    rows = queryset.order_by(
        "submission__authority__name", "indicator__subpillar__sort_order", "indicator__sort_order", "pk"
    ).values(
        "submission__authority__slug",
        "indicator__code",
        "indicator__subpillar__key",
        "value",
        "evidence_text",
        "evidence_url",
    )[offset : offset + limit]
    results = [
        {
            "authority": r["submission__authority__slug"],
            "indicator": r["indicator__code"],
            "subpillar": r["indicator__subpillar__key"],
            "value": r["value"],
            "evidence": r["evidence_text"],
            "evidence_url": r["evidence_url"],
        }
        for r in rows
    ]
    return _page(
        request,
        count=queryset.count(),
        limit=limit,
        offset=offset,
        results=results,
        framework=edition.framework.key,
        edition=edition.revision,
    )


@api.get(
    "/editions/{framework}/{revision}/peers/{authority_slug}",
    response={200: s.PeerGroupOut, **NOT_FOUND},
    tags=["results"],
)
def peer_group(
    request,
    framework: str = FrameworkKey,
    revision: str = Revision,
    authority_slug: str = Slug,
    mode: Literal["context", "scores"] = Query(
        "context",
        description="context: size, kind, budget, ICT staff, country group; scores: sub-pillar values",
    ),
    k: int = Query(5, ge=peer_groups.K_MIN, le=peer_groups.K_MAX, description="Number of peers"),
):
    """The k published authorities most similar to this one, with why, in words and figures."""
    edition = _edition(framework, revision)
    authority = _authority(authority_slug)
    try:
        found = peer_groups.peer_group(edition=edition, authority=authority, mode=mode, k=k)
    except peer_groups.NotPublished:
        raise HttpError(404, f'"{authority_slug}" has no published result in edition {revision}.') from None
    return {
        "licence": LICENCE,
        "framework": edition.framework.key,
        "edition": edition.revision,
        "authority": authority.slug,
        "mode": mode,
        "k": k,
        "results": [
            {
                "authority": p.slug,
                "name": p.name,
                "country": p.country,
                "kind": p.kind,
                "percent": p.percent,
                "distance": p.distance,
                "similar": list(p.similar),
                "different": list(p.different),
                "missing": list(p.missing),
                "explanation": p.explanation,
            }
            for p in found
        ],
    }
