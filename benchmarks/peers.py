"""Peer groups: the k authorities most similar to one authority, and why (pure NumPy, no Django).

Two modes:
- context: log population, kind, budget per inhabitant, ICT specialists per 1,000 employees and
  country group (the variables of CONTEXT_VARIABLES, with their weights);
- score profile: the sub-pillar values of an edition, each weighing the same.

Method (also on the dashboard's methodology page):
1. Each numeric variable is standardised over all authorities that have it (z-score: minus the mean,
   divided by the standard deviation; a variable with no spread counts as 0 everywhere).
2. Per variable, the squared difference of z-scores; a categorical variable (kind, country group) adds
   CATEGORY_MISMATCH when the two differ and 0 when they match.
3. Distance = sqrt(sum of weight x difference / sum of the weights of the variables both authorities
   have). Missing values are handled explicitly: a variable missing on either side is left out of that
   pair's distance (the weights are renormalised) and the explanation says so. A pair sharing less than
   MIN_SHARED_WEIGHT of the total weight is not compared at all.
4. The k smallest distances, ties by input order, are the peers.
"""

from dataclasses import dataclass, field

import numpy as np

CATEGORY_MISMATCH = 2.0  # the squared z-difference of two typical random authorities is 2
MIN_SHARED_WEIGHT = 0.5  # share of the total weight two authorities must have in common
SIMILAR_Z = 0.5  # a numeric difference below half a standard deviation counts as "similar"


@dataclass(frozen=True)
class Variable:
    key: str
    weight: float
    categorical: bool = False


CONTEXT_VARIABLES: tuple[Variable, ...] = (
    Variable("log_population", 1.0),
    Variable("kind", 1.0, categorical=True),
    Variable("budget_per_inhabitant", 0.75),
    Variable("ict_per_1000_employees", 0.75),
    Variable("country_group", 0.5, categorical=True),
)


@dataclass(frozen=True)
class Contribution:
    variable: str
    difference: float  # squared z-difference or CATEGORY_MISMATCH / 0
    weighted: float
    missing: bool = False


@dataclass(frozen=True)
class Peer:
    index: int
    distance: float
    similar: tuple[str, ...]  # variables that bring the two close, closest first
    different: tuple[str, ...]  # variables that set them apart, most different first
    missing: tuple[str, ...]  # variables left out because one side lacks them
    contributions: tuple[Contribution, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class PeerModel:
    """Standardised data of all authorities, built once per data version and queried many times."""

    variables: tuple[Variable, ...]
    values: np.ndarray  # (n, v) standardised numeric values or category codes; NaN = missing
    weights: np.ndarray  # (v,)
    categorical: np.ndarray  # (v,) bool


def build_model(*, raw: np.ndarray, variables: tuple[Variable, ...]) -> PeerModel:
    """`raw` is (authorities, variables) floats, NaN where unknown; categorical columns hold codes."""
    raw = np.asarray(raw, dtype=np.float64)
    if raw.ndim != 2 or raw.shape[1] != len(variables):
        raise ValueError(f"expected an (n, {len(variables)}) array, got {raw.shape}")
    values = raw.copy()
    for j, variable in enumerate(variables):
        if variable.categorical:
            continue
        column = raw[:, j]
        known = ~np.isnan(column)
        if not known.any():
            continue
        mean = column[known].mean()
        std = column[known].std()
        values[:, j] = (column - mean) / std if std > 0 else np.where(known, 0.0, np.nan)
    weights = np.array([v.weight for v in variables], dtype=np.float64)
    categorical = np.array([v.categorical for v in variables], dtype=bool)
    return PeerModel(variables=variables, values=values, weights=weights, categorical=categorical)


def _differences(model: PeerModel, target: int) -> np.ndarray:
    """(n, v) per-variable differences between the target and every authority; NaN where missing."""
    target_row = model.values[target]
    numeric = (model.values - target_row) ** 2
    category = np.where(model.values == target_row, 0.0, CATEGORY_MISMATCH)
    category = np.where(np.isnan(model.values) | np.isnan(target_row), np.nan, category)
    return np.where(model.categorical, category, numeric)


def nearest(*, model: PeerModel, target: int, k: int, candidates: np.ndarray | None = None) -> list[Peer]:
    """The k authorities nearest to `target` (never itself), with their explanations."""
    if not 1 <= k:
        raise ValueError("k must be at least 1")
    diff = _differences(model, target)
    present = ~np.isnan(diff)
    shared_weight = (present * model.weights).sum(axis=1)
    weighted = np.where(present, diff * model.weights, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        distance = np.sqrt(weighted.sum(axis=1) / shared_weight)
    distance[shared_weight < MIN_SHARED_WEIGHT * model.weights.sum()] = np.inf
    distance[target] = np.inf
    if candidates is not None:
        mask = np.ones(distance.size, dtype=bool)
        mask[np.asarray(candidates, dtype=np.int64)] = False
        distance[mask] = np.inf
    finite = np.flatnonzero(np.isfinite(distance))
    if finite.size == 0:
        return []
    k = min(k, finite.size)
    if finite.size > k:
        part = finite[np.argpartition(distance[finite], k - 1)[:k]]
    else:
        part = finite
    chosen = part[np.lexsort((part, distance[part]))]
    return [_explain(model, int(i), float(distance[i]), diff[i], weighted[i]) for i in chosen]


def _explain(model: PeerModel, index: int, distance: float, diff: np.ndarray, weighted: np.ndarray) -> Peer:
    contributions = []
    similar, different, missing = [], [], []
    for j, variable in enumerate(model.variables):
        if np.isnan(diff[j]):
            missing.append(variable.key)
            contributions.append(Contribution(variable.key, float("nan"), 0.0, missing=True))
            continue
        contributions.append(Contribution(variable.key, float(diff[j]), float(weighted[j])))
        close = diff[j] == 0 if variable.categorical else diff[j] < SIMILAR_Z**2
        (similar if close else different).append((float(weighted[j]), j, variable.key))
    return Peer(
        index=index,
        distance=distance,
        similar=tuple(key for _w, _j, key in sorted(similar)),
        different=tuple(key for _w, _j, key in sorted(different, reverse=True)),
        missing=tuple(missing),
        contributions=tuple(contributions),
    )
