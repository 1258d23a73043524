"""Peer groups of an edition's published authorities: the Django side of benchmarks.peers.

`peer_group(edition=..., authority=..., mode=..., k=...)` builds the inputs of the pure module from the
edition's published submissions, asks it for the nearest authorities and explains each match in words
and figures. Pages and the JSON API both call it.

Two modes (benchmarks.peers has the method):
- "context": log10 population (the submission's figure, else the authority's), kind (city 0, region 1),
  budget per inhabitant (annual budget / population), ICT specialists per 1,000 employees
  ((in-house + subcontracted FTE) / employees x 1,000) and country group (COUNTRY_GROUPS);
- "scores": the stored sub-pillar values (SubPillarResult.value), each of weight 1.

The standardised model is built once per (edition, mode, data version) and kept in the Django cache, so
it is rebuilt when a submission of the edition is published or corrected, not on every request.
"""

import hashlib
import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import peers, selectors
from .models import Authority, Edition, Submission, SubPillarResult

MODES = ("context", "scores")
K_MIN, K_MAX = 1, 15
K_DEFAULT = 5
CACHE_TIMEOUT = 24 * 60 * 60  # the key changes with the data; this only bounds stale entries

# ISO 3166-1 alpha-2 codes of the European countries by group (UN geoscheme regions, with the EU's
# Eastern Partnership as its own group). Any other code is "other"; an empty country is unknown.
COUNTRY_GROUPS: dict[str, str] = {
    **dict.fromkeys(("DK", "FI", "IS", "NO", "SE", "FO", "GL", "AX"), "nordic"),
    **dict.fromkeys(("AT", "BE", "CH", "DE", "FR", "IE", "LI", "LU", "MC", "NL", "GB", "UK"), "western"),
    **dict.fromkeys(
        (
            "AD",
            "CY",
            "ES",
            "GR",
            "EL",
            "IT",
            "MT",
            "PT",
            "SM",
            "VA",
            "AL",
            "BA",
            "ME",
            "MK",
            "RS",
            "XK",
            "TR",
        ),
        "southern",
    ),
    **dict.fromkeys(("BG", "CZ", "EE", "HR", "HU", "LT", "LV", "PL", "RO", "SI", "SK"), "central_eastern"),
    **dict.fromkeys(("AM", "AZ", "BY", "GE", "MD", "UA"), "eastern_partnership"),
}
COUNTRY_GROUP_NAMES = ("nordic", "western", "southern", "central_eastern", "eastern_partnership", "other")
KIND_CODES = {Authority.Kind.CITY: 0.0, Authority.Kind.REGION: 1.0}


def country_group(country: str) -> str | None:
    """The group of an ISO country code, "other" for a code outside the groups, None when unknown."""
    country = (country or "").strip().upper()
    if not country:
        return None
    return COUNTRY_GROUPS.get(country, "other")


@dataclass(frozen=True)
class PeerResult:
    authority_id: int
    slug: str
    name: str
    country: str
    kind: str
    percent: int | None
    distance: float  # rounded to 3 decimals
    similar: tuple[str, ...]
    different: tuple[str, ...]
    missing: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class _Built:
    """A cached peer model with what the explanations need: who each row is and its plain figures."""

    model: peers.PeerModel
    submission_ids: tuple[int, ...]
    authority_ids: tuple[int, ...]
    figures: np.ndarray  # (n, v) unstandardised figures (population, not its log), NaN = missing
    labels: tuple[str, ...]  # sub-pillar keys in "scores" mode, empty in "context" mode


class NotPublished(LookupError):
    """The authority has no published result in the edition."""


def peer_group(
    *, edition: Edition, authority: Authority, mode: str = "context", k: int = 5
) -> list[PeerResult]:
    """The k published authorities of the edition nearest to `authority`, nearest first, explained."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if not K_MIN <= k <= K_MAX:
        raise ValueError(f"k must be between {K_MIN} and {K_MAX}")
    built = peer_model(edition=edition, mode=mode)
    try:
        target = built.authority_ids.index(authority.pk)
    except ValueError:
        raise NotPublished(authority.slug) from None
    found = peers.nearest(model=built.model, target=target, k=k)
    ids = [built.authority_ids[p.index] for p in found]
    submission_ids = [built.submission_ids[p.index] for p in found]
    people = {
        row["pk"]: row
        for row in Authority.objects.filter(pk__in=ids).values("pk", "slug", "name", "country", "kind")
    }
    percents = dict(Submission.objects.filter(pk__in=submission_ids).values_list("pk", "percent"))
    results = []
    for peer, authority_id, submission_id in zip(found, ids, submission_ids, strict=True):
        row = people[authority_id]
        results.append(
            PeerResult(
                authority_id=authority_id,
                slug=row["slug"],
                name=row["name"],
                country=row["country"],
                kind=row["kind"],
                percent=percents.get(submission_id),
                distance=round(peer.distance, 3),
                similar=peer.similar,
                different=peer.different,
                missing=peer.missing,
                explanation=explain(built=built, target=target, peer=peer),
            )
        )
    return results


def peer_model(*, edition: Edition, mode: str) -> _Built:
    """The model of the edition's published data, from the cache when the data has not changed."""
    version = hashlib.sha256(selectors.edition_data_version(edition=edition).encode()).hexdigest()[:20]
    key = f"benchmarks:peers:{mode}:{version}"
    built = cache.get(key)
    if built is None:
        built = _build_context(edition) if mode == "context" else _build_scores(edition)
        cache.set(key, built, CACHE_TIMEOUT)
    return built


def _build_context(edition: Edition) -> _Built:
    rows = list(
        Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED)
        .order_by("authority__name", "pk")
        .values_list(
            "pk",
            "authority_id",
            "population",
            "authority__population",
            "authority__kind",
            "authority__country",
            "annual_budget_eur",
            "employees",
            "ict_specialists_in_house_fte",
            "ict_specialists_subcontracted_fte",
        )
    )
    nan = math.nan
    raw = np.full((len(rows), len(peers.CONTEXT_VARIABLES)), nan)
    figures = np.full_like(raw, nan)
    groups = {name: float(i) for i, name in enumerate(COUNTRY_GROUP_NAMES)}
    for i, (
        _pk,
        _aid,
        population,
        authority_population,
        kind,
        country,
        budget,
        employees,
        ict_in,
        ict_out,
    ) in enumerate(rows):
        population = population or authority_population
        if population:
            raw[i, 0], figures[i, 0] = math.log10(population), population
        raw[i, 1] = figures[i, 1] = KIND_CODES.get(kind, nan)
        if budget is not None and population:
            raw[i, 2] = figures[i, 2] = budget / population
        if employees and (ict_in is not None or ict_out is not None):
            ict = float((ict_in or Decimal(0)) + (ict_out or Decimal(0)))
            raw[i, 3] = figures[i, 3] = ict / employees * 1000
        group = country_group(country)
        raw[i, 4] = figures[i, 4] = groups[group] if group else nan
    return _Built(
        model=peers.build_model(raw=raw, variables=peers.CONTEXT_VARIABLES),
        submission_ids=tuple(r[0] for r in rows),
        authority_ids=tuple(r[1] for r in rows),
        figures=figures,
        labels=(),
    )


def _build_scores(edition: Edition) -> _Built:
    subpillars = list(edition.subpillars.order_by("sort_order", "key").values_list("pk", "key", "name"))
    column = {pk: j for j, (pk, _key, _name) in enumerate(subpillars)}
    rows = list(
        Submission.objects.filter(edition=edition, status=Submission.Status.PUBLISHED)
        .order_by("authority__name", "pk")
        .values_list("pk", "authority_id")
    )
    position = {pk: i for i, (pk, _aid) in enumerate(rows)}
    raw = np.full((len(rows), len(subpillars)), math.nan)
    for submission_id, subpillar_id, value in SubPillarResult.objects.filter(
        submission__edition=edition, submission__status=Submission.Status.PUBLISHED
    ).values_list("submission_id", "subpillar_id", "value"):
        raw[position[submission_id], column[subpillar_id]] = float(value)
    variables = tuple(peers.Variable(f"subpillar_{key}", 1.0) for _pk, key, _name in subpillars)
    return _Built(
        model=peers.build_model(raw=raw, variables=variables),
        submission_ids=tuple(r[0] for r in rows),
        authority_ids=tuple(r[1] for r in rows),
        figures=raw,
        labels=tuple(f"{key} {name}" for _pk, key, name in subpillars),
    )


# Explanations ---------------------------------------------------------------------------------------


VARIABLE_LABELS = {
    "log_population": gettext_lazy("population"),
    "kind": gettext_lazy("kind"),
    "budget_per_inhabitant": gettext_lazy("budget per inhabitant"),
    "ict_per_1000_employees": gettext_lazy("ICT specialists per 1,000 employees"),
    "country_group": gettext_lazy("country group"),
}


def _label(variable: str, built: _Built, j: int) -> str:
    if variable in VARIABLE_LABELS:
        return str(VARIABLE_LABELS[variable])
    return _("sub-pillar %(name)s") % {"name": built.labels[j]} if built.labels else variable


def _figure(variable: str, value: float) -> str:
    if variable == "log_population":
        return number_format(round(value), force_grouping=True)
    if variable == "kind":
        return str(Authority.Kind.REGION.label if value == 1 else Authority.Kind.CITY.label).lower()
    if variable == "budget_per_inhabitant":
        return _("EUR %(amount)s") % {"amount": number_format(round(value), force_grouping=True)}
    if variable == "ict_per_1000_employees":
        return number_format(value, decimal_pos=1, force_grouping=True)
    if variable == "country_group":
        return COUNTRY_GROUP_NAMES[int(value)].replace("_", " ")
    return number_format(value, decimal_pos=2)


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def explain(*, built: _Built, target: int, peer: peers.Peer) -> str:
    """One sentence: what the two have in common, what sets them apart most, what could not be compared.

    For example "similar population (305,000 vs 265,000) and kind; budget per inhabitant differs most
    (EUR 3,100 vs EUR 4,200)": the target's figure comes first.
    """
    index = {v.key: j for j, v in enumerate(built.model.variables)}

    def figures(key: str) -> str:
        j = index[key]
        return _("%(own)s vs %(peer)s") % {
            "own": _figure(key, built.figures[target, j]),
            "peer": _figure(key, built.figures[peer.index, j]),
        }

    def described(key: str, *, with_figures: bool) -> str:
        label = _label(key, built, index[key])
        return f"{label} ({figures(key)})" if with_figures else label

    parts = []
    if peer.similar:
        # Numeric variables with their figures, closest first, then the categories that match ("and kind").
        categorical = {v.key for v in built.model.variables if v.categorical}
        keys = [k for k in peer.similar if k not in categorical][:3] + [
            k for k in peer.similar if k in categorical
        ]
        similar = [described(key, with_figures=key not in categorical) for key in keys]
        parts.append(_("similar %(variables)s") % {"variables": _join(similar)})
    if peer.different:
        parts.append(
            _("%(variable)s differs most") % {"variable": described(peer.different[0], with_figures=False)}
            + f" ({figures(peer.different[0])})"
        )
        if len(peer.different) > 1:
            others = [described(key, with_figures=True) for key in peer.different[1:3]]
            parts.append(_("then %(variables)s") % {"variables": _join(others)})
    if peer.missing:
        missing = [_label(key, built, index[key]) for key in peer.missing]
        parts.append(_("not compared for lack of figures: %(variables)s") % {"variables": _join(missing)})
    return "; ".join(parts)
