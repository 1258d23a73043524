"""Data of the benchmark widgets: a comparison of authorities, an excerpt of the ranking, an authority's
profile. The compare page, the embeddable pages under /embed/ and the StreamField blocks render them with
the templates in templates/benchmarks/widgets/.

Every function reads live figures through benchmarks.selectors and returns a plain dict for a template.
"""

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import scoring, selectors
from .models import Answer, Authority, DashboardPage, Edition, Submission

MAX_COMPARED = 8
MAX_TOP = 50

BAND_LABELS = {"low": gettext_lazy("low"), "medium": gettext_lazy("medium"), "high": gettext_lazy("high")}


def dashboard_page(*, framework_key: str) -> DashboardPage | None:
    """The live dashboard page of a framework (where the full views live), if any."""
    return DashboardPage.objects.live().filter(framework_key=framework_key).order_by("path").first()


def dashboard_url(*, framework_key: str, request=None, absolute: bool = False) -> str | None:
    """The dashboard's URL: absolute for embeds (they are shown on other sites), else relative to the site.
    The absolute one is built on the request's host: the embed is served by the portal itself."""
    page = dashboard_page(framework_key=framework_key)
    if page is None:
        return None
    url = page.get_url(request)
    if absolute and request is not None:
        return request.build_absolute_uri(url)
    return page.get_full_url(request) if absolute else url


def _percent(value: Decimal | None) -> int | None:
    return None if value is None else scoring.displayed_percent(overall=value)


@dataclass
class Column:
    """One compared authority: its published result in the edition."""

    authority: Authority
    submission: Submission
    band: str
    points_only: bool
    profile_url: str | None


def compare_query(*, edition: Edition, slugs: list[str]) -> str:
    """The query string of a comparison (shareable: the URL holds the selection)."""
    return urlencode([("edition", edition.revision)] + [("a", slug) for slug in slugs])


def comparison_widget(
    edition: Edition,
    authorities: list[Authority],
    *,
    base_url: str | None = None,
    widget_id: str = "comparison",
) -> dict:
    """Side by side: each sub-pillar's yes/n, percentage and band per authority, then each indicator's
    answer per authority. A value that differs from the first authority's is flagged (`diff`).

    Authorities without a published result in the edition are left out (listed in `missing`).
    """
    if base_url is None:
        base_url = dashboard_url(framework_key=edition.framework.key)
    published_count = Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED).count()
    columns: list[Column] = []
    profiles = []
    missing = []
    for authority in authorities[:MAX_COMPARED]:
        submission = selectors.published_submission(authority=authority, edition=edition)
        if submission is None:
            missing.append(authority)
            continue
        profile = selectors.profile_subpillars(submission=submission)
        columns.append(
            Column(
                authority=authority,
                submission=submission,
                band=scoring.band(value=submission.overall).value,
                points_only=submission.source == Submission.Source.IMPORT_POINTS
                or not any(item.answers for item in profile),
                profile_url=(
                    f"{base_url}authority/{authority.slug}/?{urlencode({'edition': edition.revision})}"
                    if base_url
                    else None
                ),
            )
        )
        profiles.append({item.subpillar.pk: item for item in profile})

    subpillars = selectors.subpillars_of(edition)
    rows, details = [], []
    for sp in subpillars:
        cells = []
        for column, by_subpillar in zip(columns, profiles, strict=True):
            result = by_subpillar[sp.pk].result if sp.pk in by_subpillar else None
            cells.append(
                {
                    "authority": column.authority,
                    "yes": result.yes if result else None,
                    "total": result.total if result else None,
                    "percent": _percent(result.value) if result else None,
                    "band": result.band if result else None,
                }
            )
        first = cells[0] if cells else None
        for index, cell in enumerate(cells):
            cell["diff"] = bool(
                index
                and first["yes"] is not None
                and cell["yes"] is not None
                and (cell["yes"], cell["total"]) != (first["yes"], first["total"])
            )
        rows.append({"subpillar": sp, "cells": cells})
        details.append({"subpillar": sp, "indicators": _indicator_rows(sp, columns, profiles)})

    overall = []
    for index, column in enumerate(columns):
        overall.append(
            {
                "authority": column.authority,
                "percent": column.submission.percent,
                "rank": column.submission.rank,
                "band": column.band,
                "diff": bool(index and column.submission.percent != columns[0].submission.percent),
            }
        )
    slugs = [column.authority.slug for column in columns]
    return {
        "kind": "comparison",
        "id": widget_id,
        "edition": edition,
        "columns": columns,
        "first": columns[0] if columns else None,
        "overall": overall,
        "rows": rows,
        "details": details,
        "missing": missing,
        "published_count": published_count,
        "band_labels": BAND_LABELS,
        "full_url": f"{base_url}compare/?{compare_query(edition=edition, slugs=slugs)}" if base_url else None,
        "title": _("Comparison of %(names)s, %(revision)s")
        % {"names": ", ".join(c.authority.name for c in columns), "revision": edition.revision},
    }


def _indicator_rows(sp, columns: list[Column], profiles: list[dict]) -> list[dict]:
    """Each indicator of the sub-pillar with every authority's answer (None: imported as points only)."""
    answers_by_column = []
    for by_subpillar in profiles:
        item = by_subpillar.get(sp.pk)
        answers_by_column.append({a.indicator_id: a for a in item.answers} if item else {})
    indicators = sorted(sp.indicators.all(), key=lambda i: (i.sort_order, i.code))
    rows = []
    for indicator in indicators:
        cells = []
        for answers in answers_by_column:
            answer = answers.get(indicator.pk)
            cells.append({"value": answer.value if answer else None})
        first = cells[0]["value"] if cells else None
        for index, cell in enumerate(cells):
            cell["label"] = _answer_label(cell["value"])
            cell["diff"] = bool(
                index and first is not None and cell["value"] is not None and cell["value"] != first
            )
        rows.append({"indicator": indicator, "cells": cells})
    return rows


def _answer_label(value: str | None) -> str:
    if value is None:
        return "—"
    return {Answer.Value.YES: _("Yes"), Answer.Value.NO: _("No"), Answer.Value.NA: _("NA")}.get(value, value)


def ranking_excerpt_widget(
    edition: Edition, top: int = 10, *, base_url: str | None = None, widget_id: str = "ranking"
) -> dict:
    """The first `top` rows of the edition's published ranking (ties share a rank)."""
    top = max(1, min(int(top), MAX_TOP))
    if base_url is None:
        base_url = dashboard_url(framework_key=edition.framework.key)
    all_rows = selectors.ranking(edition=edition)
    query = urlencode({"edition": edition.revision})
    rows = [
        {
            "rank": row.rank,
            "authority": row.authority,
            "percent": row.percent,
            "band": row.band,
            "profile_url": f"{base_url}authority/{row.authority.slug}/?{query}" if base_url else None,
        }
        for row in all_rows[:top]
    ]
    return {
        "kind": "ranking",
        "id": widget_id,
        "edition": edition,
        "top": top,
        "rows": rows,
        "total": len(all_rows),
        "band_labels": BAND_LABELS,
        "full_url": f"{base_url}?{query}" if base_url else None,
        "title": _("Top %(top)s of the UserCentriCities ranking, %(revision)s")
        % {"top": len(rows), "revision": edition.revision},
    }


def profile_widget(
    edition: Edition, authority: Authority, *, base_url: str | None = None, widget_id: str = "profile"
) -> dict:
    """An authority's score, rank and sub-pillar values (with the all-authority average) in an edition."""
    if base_url is None:
        base_url = dashboard_url(framework_key=edition.framework.key)
    submission = selectors.published_submission(authority=authority, edition=edition)
    query = urlencode({"edition": edition.revision})
    context = {
        "kind": "profile",
        "id": widget_id,
        "edition": edition,
        "authority": authority,
        "submission": submission,
        "band_labels": BAND_LABELS,
        "full_url": f"{base_url}authority/{authority.slug}/?{query}" if base_url else None,
        "title": _("%(name)s in the UserCentriCities benchmark, %(revision)s")
        % {"name": authority.name, "revision": edition.revision},
    }
    if submission is None:
        return context
    rows = [
        {
            "subpillar": item.subpillar,
            "yes": item.result.yes,
            "total": item.result.total,
            "percent": _percent(item.result.value),
            "average": _percent(item.average),
            "band": item.result.band,
        }
        for item in selectors.profile_subpillars(submission=submission)
        if item.result is not None
    ]
    context.update(
        {
            "band": scoring.band(value=submission.overall).value,
            "published_count": Submission.objects.filter(
                edition=edition, status=Submission.Status.PUBLISHED
            ).count(),
            "rows": rows,
        }
    )
    return context


def embed_height(widget: dict) -> int:
    """A height (px) for the embed <iframe> that shows the widget without an inner scroll bar on a wide
    screen (narrow screens scroll inside the frame)."""
    if widget["kind"] == "comparison":
        return 320 + len(widget["rows"]) * (48 + 34 * len(widget["columns"]))
    if widget["kind"] == "ranking":
        return 260 + 80 * len(widget["rows"])
    return 360 + 110 * len(widget.get("rows", []))
