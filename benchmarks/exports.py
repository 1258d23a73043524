"""Open data: the ranking and all published answers of an edition as CSV and JSON.

The ranking CSV starts with the columns `rank,authority,percent` (what `export_ranking` promises), then
country, kind, overall value and one `yes/n` column per sub-pillar named like the original dashboard's
open data (`1.1 - Skills`). The answers CSV starts with the four columns of the import command's answers
format (`authority,indicator,value,evidence`); its further columns (evidence_url, subpillar, version) are for
reuse and must be dropped before importing it back.
"""

import csv
from typing import TextIO

from . import selectors
from .models import Answer, Edition, Submission

LICENCE = "CC BY 4.0"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
ATTRIBUTION = (
    "UserCentriCities benchmark, answers given by the authorities and validated by the portal's editors"
)


def ranking_header(*, edition: Edition) -> list[str]:
    return ["rank", "authority", "percent", "country", "kind", "overall"] + [
        f"{sp.key} - {sp.name}" for sp in selectors.subpillars_of(edition)
    ]


def write_ranking_csv(*, edition: Edition, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ranking_header(edition=edition))
    for row in selectors.ranking(edition=edition):
        writer.writerow(
            [
                row.rank,
                row.authority.name,
                row.percent,
                row.authority.country,
                row.authority.kind,
                f"{row.overall:.3f}",
            ]
            + [f"{cell.yes}/{cell.total}" for cell in row.cells]
        )


def _meta(edition: Edition) -> dict:
    return {
        "framework": edition.framework.key,
        "edition": edition.revision,
        "title": edition.title,
        "licence": LICENCE,
        "licence_url": LICENCE_URL,
        "attribution": ATTRIBUTION,
    }


def ranking_json(*, edition: Edition) -> dict:
    return {
        **_meta(edition),
        "pillar_averages": [
            {
                "pillar": a.pillar.key,
                "name": a.pillar.name,
                "value": str(a.value) if a.value is not None else None,
            }
            for a in selectors.pillar_averages(edition=edition)
        ],
        "ranking": [
            {
                "rank": row.rank,
                "authority": row.authority.name,
                "slug": row.authority.slug,
                "country": row.authority.country,
                "kind": row.authority.kind,
                "overall": f"{row.overall:.3f}",
                "percent": row.percent,
                "subpillars": [
                    {
                        "key": c.subpillar.key,
                        "yes": c.yes,
                        "total": c.total,
                        "value": f"{c.value:.2f}",
                        "band": c.band,
                    }
                    for c in row.cells
                ],
            }
            for row in selectors.ranking(edition=edition)
        ],
    }


ANSWERS_HEADER = ["authority", "indicator", "value", "evidence", "evidence_url", "subpillar", "version"]


def _published_answers(edition: Edition):
    return (
        Answer.objects.filter(submission__edition=edition, submission__status=Submission.Status.PUBLISHED)
        .select_related("submission__authority", "indicator__subpillar")
        .order_by("submission__authority__name", "indicator__subpillar__sort_order", "indicator__sort_order")
    )


def write_answers_csv(*, edition: Edition, out: TextIO) -> None:
    """All published answers; the first four columns are the import command's answers format."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ANSWERS_HEADER)
    labels = {Answer.Value.YES: "Yes", Answer.Value.NO: "No", Answer.Value.NA: "NA"}
    for answer in _published_answers(edition):
        writer.writerow(
            [
                answer.submission.authority.name,
                answer.indicator.code,
                labels[answer.value],
                answer.evidence_text,
                answer.evidence_url,
                answer.indicator.subpillar.key,
                answer.submission.version,
            ]
        )


def answers_json(*, edition: Edition) -> dict:
    return {
        **_meta(edition),
        "answers": [
            {
                "authority": a.submission.authority.name,
                "indicator": a.indicator.code,
                "subpillar": a.indicator.subpillar.key,
                "value": a.value,
                "evidence": a.evidence_text,
                "evidence_url": a.evidence_url,
            }
            for a in _published_answers(edition)
        ],
    }
