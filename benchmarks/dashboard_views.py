"""Context builders for the dashboard page's routes (ranking, profile, methodology) and the downloads.

The DashboardPage routes call these; they only read through benchmarks.selectors.
"""

import io
import json
from dataclasses import replace
from decimal import Decimal
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.caching import cached_fragment

from . import dashboard, exports, peer_groups, peers, scoring, selectors
from .models import Authority, Edition, Submission

# The worked example of the published method (12 sub-pillars of the 2023 framework, 1.1 ... 3.3).
WORKED_EXAMPLE = dict(
    zip(
        ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "3.1", "3.2", "3.3"],
        [(3, 4), (2, 6), (1, 3), (5, 5), (2, 5), (1, 4), (3, 3), (1, 2), (0, 3), (2, 2), (1, 2), (0, 2)],
        strict=True,
    )
)

BAND_LABELS = {"low": gettext_lazy("low"), "medium": gettext_lazy("medium"), "high": gettext_lazy("high")}


def _editions_tabs(page, edition: Edition, *, route: str = "") -> list[dict]:
    base = page.url + route
    return [
        {"edition": e, "url": f"{base}?{urlencode({'edition': e.revision})}", "current": e.pk == edition.pk}
        for e in selectors.editions_of(framework_key=page.framework_key)
    ]


def ranking_context(request, *, page, edition: Edition) -> dict:
    """The ranking section is rendered once per edition data version and table state, then cached."""
    subpillars = selectors.subpillars_of(edition)
    state = dashboard.read_state(
        request.GET, subpillar_keys=[sp.key for sp in subpillars], kinds=list(Authority.Kind.values)
    )
    version = selectors.edition_data_version(edition=edition)

    def render() -> str:
        summary = selectors.ranking_summary(edition=edition, version=version)
        context = _ranking_section_context(
            page=page, edition=edition, subpillars=subpillars, state=state, summary=summary
        )
        return render_to_string("benchmarks/includes/ranking_section.html", context, request=None)

    html = cached_fragment("ranking", (page.pk, page.url, edition.pk, version, state), render)
    return {"edition": edition, "edition_tabs": _editions_tabs(page, edition), "ranking_section": html}


RANKING_PAGE_SIZE = 50


def _ranking_section_context(
    *, page, edition: Edition, subpillars, state: dashboard.TableState, summary: selectors.RankingSummary
) -> dict:
    def fetch(state: dashboard.TableState) -> selectors.RankingPage:
        return selectors.ranking_page(
            edition=edition,
            country=state.country,
            kind=state.kind,
            population=state.population,
            sort=state.sort,
            descending=state.descending,
            offset=(state.page - 1) * RANKING_PAGE_SIZE,
            limit=RANKING_PAGE_SIZE,
            summary=summary,
        )

    result = fetch(state)
    if not result.rows and result.count:
        # A page past the end (a stale shared link): show the last page instead.
        state = replace(state, page=-(-result.count // RANKING_PAGE_SIZE))
        result = fetch(state)

    def href(query: dict) -> str:
        return "?" + urlencode({"edition": edition.revision, **query})

    columns = [("rank", _("Rank")), ("authority", _("Authority"))]
    columns += [(sp.key, f"{sp.key} {sp.name}") for sp in subpillars]
    columns += [("percent", _("Score"))]
    headers = [
        {"key": key, "label": label, "href": href(state.sort_query(key)), "aria_sort": state.aria_sort(key)}
        for key, label in columns
    ]
    for row in result.rows:
        row.cells_html = _ranking_cells_html(page=page, edition=edition, row=row)
    pages = max(1, -(-result.count // RANKING_PAGE_SIZE))
    first = (state.page - 1) * RANKING_PAGE_SIZE + 1
    return {
        "page": page,
        "edition": edition,
        "pillar_averages": summary.pillar_averages,
        "subpillars": subpillars,
        "rows": result.rows,
        "matching_rows": result.count,
        "total_rows": result.total,
        "first_row": first,
        "last_row": first + len(result.rows) - 1,
        "previous_href": href(state.query(page=str(state.page - 1))) if state.page > 1 else "",
        "next_href": href(state.query(page=str(state.page + 1))) if state.page < pages else "",
        "page_number": state.page,
        "page_count": pages,
        "state": state,
        "headers": headers,
        "countries": result.countries,
        "kinds": Authority.Kind.choices,
        "population_bands": [(key, label) for key, label, *_ in selectors.POPULATION_BANDS],
        "band_labels": BAND_LABELS,
        "downloads": _download_links(page, edition),
        "licence": exports.LICENCE,
        "licence_url": exports.LICENCE_URL,
        "attribution": exports.ATTRIBUTION,
    }


def _ranking_cells_html(*, page, edition: Edition, row) -> str:
    """The sub-pillar cells of one ranking row. Built here rather than in a template loop: a page has
    hundreds of them and Django's template engine made them most of the page's rendering time."""
    profile = f"{page.url}authority/{row.authority.slug}/?{urlencode({'edition': edition.revision})}"
    return format_html_join(
        "",
        '<td class="num"><a class="band band--{}" href="{}#{}">{}/{} <span class="band__label">{}</span>'
        '<span class="visually-hidden">, {}</span></a></td>',
        (
            (
                cell.band,
                profile,
                cell.subpillar.anchor,
                cell.yes,
                cell.total,
                BAND_LABELS[cell.band],
                cell.subpillar.name,
            )
            for cell in row.cells
        ),
    )


def _download_links(page, edition: Edition) -> list[dict]:
    def url(dataset: str, fmt: str) -> str:
        return reverse(
            "open_data_download",
            kwargs={
                "framework": edition.framework.key,
                "revision": edition.revision,
                "dataset": dataset,
                "fmt": fmt,
            },
        )

    return [
        {"label": _("Ranking (CSV)"), "url": url("ranking", "csv")},
        {"label": _("Ranking (JSON)"), "url": url("ranking", "json")},
        {"label": _("All published answers (CSV)"), "url": url("answers", "csv")},
        {"label": _("All published answers (JSON)"), "url": url("answers", "json")},
    ]


def read_peer_choice(params) -> tuple[str, int]:
    """The peer group the visitor chose: mode (context or scores) and k (1-15, default 5)."""
    mode = params.get("peers", "context")
    k = params.get("k", "")
    k = int(k) if k.isdigit() else peer_groups.K_DEFAULT
    return (mode if mode in peer_groups.MODES else "context"), min(
        max(k, peer_groups.K_MIN), peer_groups.K_MAX
    )


def profile_context(request, *, page, authority: Authority, edition: Edition) -> dict:
    """The profile's body is rendered once per change of the framework's results, then cached."""
    version = selectors.framework_data_version(framework=edition.framework)
    mode, k = read_peer_choice(request.GET)

    def render() -> str:
        context = _profile_body_context(page=page, authority=authority, edition=edition, mode=mode, k=k)
        return render_to_string("benchmarks/includes/profile_body.html", context, request=None)

    html = cached_fragment("profile", (page.pk, page.url, authority.pk, edition.pk, version, mode, k), render)
    return {
        "authority": authority,
        "edition": edition,
        "edition_tabs": _editions_tabs(page, edition, route=f"authority/{authority.slug}/"),
        "dashboard_url": f"{page.url}?{urlencode({'edition': edition.revision})}",
        "profile_body": html,
    }


def _profile_body_context(*, page, authority: Authority, edition: Edition, mode: str, k: int) -> dict:
    submission = selectors.published_submission(authority=authority, edition=edition)
    context = {
        "authority": authority,
        "edition": edition,
        "submission": submission,
        "trend": selectors.trend(authority=authority, framework=edition.framework),
        "band_labels": BAND_LABELS,
    }
    if submission is None:
        return context
    subpillars = selectors.profile_subpillars(submission=submission)
    published_count = Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED).count()
    group = peer_groups.peer_group(edition=edition, authority=authority, mode=mode, k=k)
    peer_average = selectors.subpillar_averages(
        edition=edition, authority_ids=[p.authority_id for p in group]
    )
    context.update(
        {
            "peers": group,
            "peer_mode": mode,
            "peer_k": k,
            "peer_k_choices": range(peer_groups.K_MIN, peer_groups.K_MAX + 1),
            "peer_compare_query": urlencode(
                [("edition", edition.revision), ("a", authority.slug)] + [("a", p.slug) for p in group[:7]]
            ),
            "subpillars": subpillars,
            "chart": [_chart_row(item, peer_average) for item in subpillars if item.result is not None],
            "band": scoring.band(value=submission.overall).value,
            "published_count": published_count,
            "work_items": selectors.what_to_work_on(submission=submission),
            "background": [
                (Submission._meta.get_field(name).verbose_name, getattr(submission, name))
                for name in Submission.BACKGROUND_FIELDS
            ],
        }
    )
    return context


def _percent(value: Decimal | None) -> int | None:
    return None if value is None else scoring.displayed_percent(overall=value)


def _chart_row(item: selectors.SubPillarProfile, peer_average: dict) -> dict:
    return {
        "subpillar": item.subpillar,
        "yes": item.result.yes,
        "total": item.result.total,
        "percent": _percent(item.result.value),
        "average": _percent(item.average),
        "peer_average": _percent(peer_average.get(item.subpillar.pk)),
        "band": item.result.band,
    }


def methodology_context(request, *, page, edition: Edition) -> dict:
    pillars = []
    for pillar in edition.pillars.order_by("sort_order", "key").prefetch_related("subpillars__indicators"):
        subpillars = sorted(pillar.subpillars.all(), key=lambda sp: (sp.sort_order, sp.key))
        pillars.append(
            {
                "pillar": pillar,
                "subpillars": [
                    {
                        "subpillar": sp,
                        "indicators": sorted(sp.indicators.all(), key=lambda i: (i.sort_order, i.code)),
                    }
                    for sp in subpillars
                ],
            }
        )
    example = scoring.score_points(points=WORKED_EXAMPLE)
    return {
        "edition": edition,
        "edition_tabs": _editions_tabs(page, edition, route="methodology/"),
        "pillars": pillars,
        "subpillar_count": edition.subpillars.count(),
        "indicator_count": edition.indicators.count(),
        "example": example,
        "peer_variables": [
            {"label": peer_groups.VARIABLE_LABELS[v.key], "weight": v.weight, "categorical": v.categorical}
            for v in peers.CONTEXT_VARIABLES
        ],
        "category_mismatch": peers.CATEGORY_MISMATCH,
        "min_shared_weight_percent": round(peers.MIN_SHARED_WEIGHT * 100),
        "k_min": peer_groups.K_MIN,
        "k_max": peer_groups.K_MAX,
        "k_default": peer_groups.K_DEFAULT,
        # What binary floating point would show for the same example (the reason for decimals).
        "example_float_percent": round(
            round(sum(round(y / n, 2) for y, n in WORKED_EXAMPLE.values()) / len(WORKED_EXAMPLE), 3) * 100
        ),
    }


@require_GET
def download(request, *, framework: str, revision: str, dataset: str, fmt: str) -> HttpResponse:
    """Bulk download of an edition's ranking or published answers, as CSV or JSON (CORS open)."""
    edition = selectors.edition_get(framework_key=framework, revision=revision)
    if edition is None or dataset not in ("ranking", "answers") or fmt not in ("csv", "json"):
        raise Http404(_("No such download."))
    filename = f"usercentricities-{edition.framework.key}-{edition.revision}-{dataset}.{fmt}"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = exports.write_ranking_csv if dataset == "ranking" else exports.write_answers_csv
        writer(edition=edition, out=buffer)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        data = (
            exports.ranking_json(edition=edition)
            if dataset == "ranking"
            else exports.answers_json(edition=edition)
        )
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=1), content_type="application/json"
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
