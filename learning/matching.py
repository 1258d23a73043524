"""Ranking bench-learning candidates (pure, no Django): who to learn from, and why, in figures.

Inputs per candidate authority: its context distance to the requester (benchmarks.peers, standardised
context variables), its score-profile distance (the same method on sub-pillar values), and the two
values on the subject (a sub-pillar value 0-1, or the overall result when the subject is a free topic).

- "similar": context and score profile close to ours. Rank by the mean of the two distances (only the
  one that is known when the other is missing); nearest first.
- "complementary": strong where we are weak, preferring a similar context. Only candidates ahead of us
  on the subject qualify; rank by the gap minus CONTEXT_PENALTY x context distance (a candidate 0.3
  ahead in a very different context can rank below one 0.2 ahead in a similar one); largest first.
Ties keep the input order (the caller passes authorities by name), so the ranking is deterministic.
"""

import math
from dataclasses import dataclass

SIMILAR = "similar"
COMPLEMENTARY = "complementary"
MODES = (SIMILAR, COMPLEMENTARY)
CONTEXT_PENALTY = 0.1  # value points (0-1 scale) one unit of context distance costs
MIN_GAP = 0.01  # "ahead" means at least one point on the 0-1 scale


@dataclass(frozen=True)
class Candidate:
    authority_id: int
    context_distance: float | None  # None or inf: not comparable
    profile_distance: float | None
    own_value: float | None  # the requester's value on the subject
    their_value: float | None  # the candidate's value on the subject


@dataclass(frozen=True)
class Ranked:
    authority_id: int
    score: float  # smaller is better in "similar", larger is better in "complementary"
    gap: float | None  # their value minus ours on the subject


def _known(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def rank_candidates(*, candidates: list[Candidate], mode: str, limit: int = 10) -> list[Ranked]:
    if mode not in MODES:
        raise ValueError(f"mode must be one of {MODES}")
    if limit < 1:
        raise ValueError("limit must be at least 1")
    ranked: list[tuple[float, int, Ranked]] = []
    for position, candidate in enumerate(candidates):
        gap = (
            candidate.their_value - candidate.own_value
            if _known(candidate.their_value) and _known(candidate.own_value)
            else None
        )
        if mode == SIMILAR:
            distances = [d for d in (candidate.context_distance, candidate.profile_distance) if _known(d)]
            if not distances:
                continue
            score = sum(distances) / len(distances)
            ranked.append((score, position, Ranked(candidate.authority_id, round(score, 4), gap)))
        else:
            if gap is None or gap < MIN_GAP:
                continue
            context = candidate.context_distance if _known(candidate.context_distance) else 3.0
            score = gap - CONTEXT_PENALTY * context
            ranked.append((-score, position, Ranked(candidate.authority_id, round(score, 4), gap)))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in ranked[:limit]]
