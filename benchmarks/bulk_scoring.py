"""The published scoring method for many authorities at once, exact, with NumPy integer arithmetic.

benchmarks.scoring states the method with Decimal, one authority at a time. At EU scale (100,000
authorities) the same rules run here on integer arrays: every rounding half away from zero of a
non-negative fraction a/b to an integer is floor((2a + b) / 2b), so no float ever enters.

- sub-pillar value in hundredths: round(100 * yes / n)            = (200 yes + n) // 2n
- overall value in thousandths:   round(10 * sum(hundredths) / m) = (20 S + m) // 2m  (m sub-pillars)
- displayed percent:              round(thousandths / 10)         = (2 t + 10) // 20
- rank: sorted by overall value descending; equal percentages share the rank of the first of them.

tests/test_bulk_scoring.py checks every row against benchmarks.scoring.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class BulkScores:
    subpillar_hundredths: np.ndarray  # (authorities, sub-pillars), int64
    overall_thousandths: np.ndarray  # (authorities,), int64
    percent: np.ndarray  # (authorities,), int64
    rank: np.ndarray  # (authorities,), int64, 1 = best
    order: np.ndarray  # indices of authorities in rank order


def _round_ratio(numerator: np.ndarray, denominator) -> np.ndarray:
    """round(numerator / denominator) half away from zero, for non-negative integers."""
    return (2 * numerator + denominator) // (2 * denominator)


def score_points(*, yes: np.ndarray, totals: np.ndarray) -> BulkScores:
    """`yes` is (authorities, sub-pillars) Yes counts; `totals` the number of indicators per sub-pillar,
    either (sub-pillars,) for one edition or (authorities, sub-pillars) for per-authority denominators."""
    yes = np.asarray(yes, dtype=np.int64)
    totals = np.broadcast_to(np.asarray(totals, dtype=np.int64), yes.shape)
    if (totals <= 0).any() or (yes < 0).any() or (yes > totals).any():
        raise ValueError("every sub-pillar needs 0 <= yes <= n and n > 0")
    hundredths = _round_ratio(100 * yes, totals)
    m = yes.shape[1]
    thousandths = _round_ratio(10 * hundredths.sum(axis=1), m)
    percent = _round_ratio(thousandths, 10)
    order, rank = rank_by(thousandths=thousandths, percent=percent)
    return BulkScores(hundredths, thousandths, percent, rank, order)


def score_answers(
    *, answers: np.ndarray, subpillar_of_indicator: np.ndarray, subpillar_count: int
) -> BulkScores:
    """`answers` is (authorities, indicators) booleans (True = Yes); `subpillar_of_indicator` gives the
    sub-pillar index (0..subpillar_count-1) of each indicator column."""
    answers = np.asarray(answers, dtype=bool)
    index = np.asarray(subpillar_of_indicator, dtype=np.int64)
    one_hot = np.zeros((index.size, subpillar_count), dtype=np.int64)
    one_hot[np.arange(index.size), index] = 1
    yes = answers.astype(np.int64) @ one_hot
    return score_points(yes=yes, totals=one_hot.sum(axis=0))


def rank_by(*, thousandths: np.ndarray, percent: np.ndarray, tiebreak: np.ndarray | None = None):
    """Competition ranking on displayed percent, in order of overall value (then `tiebreak`, then input
    order). Returns (order, rank) where rank[i] is the rank of authority i."""
    n = thousandths.size
    keys = [np.arange(n)] if tiebreak is None else [np.arange(n), tiebreak]
    order = np.lexsort((*keys, -thousandths))
    sorted_percent = percent[order]
    starts = np.ones(n, dtype=bool)
    starts[1:] = sorted_percent[1:] != sorted_percent[:-1]
    first_position = np.maximum.accumulate(np.where(starts, np.arange(n), 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = first_position + 1
    return order, rank
