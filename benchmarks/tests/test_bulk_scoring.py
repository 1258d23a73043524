"""The vectorised scoring agrees with the Decimal statement of the method on every row."""

from decimal import Decimal

import numpy as np
import pytest

from benchmarks import bulk_scoring, scoring

TOTALS_2023 = [4, 6, 3, 5, 5, 4, 3, 2, 3, 2, 2, 2]
WORKED_YES = [3, 2, 1, 5, 2, 1, 3, 1, 0, 2, 1, 0]


def test_worked_example_is_51_percent():
    result = bulk_scoring.score_points(yes=np.array([WORKED_YES]), totals=TOTALS_2023)
    assert result.subpillar_hundredths[0].tolist() == [75, 33, 33, 100, 40, 25, 100, 50, 0, 100, 50, 0]
    assert result.overall_thousandths[0] == 505
    assert result.percent[0] == 51


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_row_matches_the_decimal_method(seed):
    rng = np.random.default_rng(seed)
    totals = np.array(TOTALS_2023)
    yes = rng.integers(0, totals + 1, size=(3000, totals.size))
    result = bulk_scoring.score_points(yes=yes, totals=totals)
    overall = {}
    for i, row in enumerate(yes):
        score = scoring.score_points(
            points={str(k): (int(y), int(n)) for k, (y, n) in enumerate(zip(row, totals, strict=True))}
        )
        assert [int(s.value * 100) for s in score.subpillars] == result.subpillar_hundredths[i].tolist()
        assert score.overall == Decimal(int(result.overall_thousandths[i])) / 1000
        assert score.percent == result.percent[i]
        overall[i] = score.overall
    expected = scoring.rank_entries(overall_by_key=overall)
    assert [entry.key for entry in expected] == result.order.tolist()
    assert all(result.rank[entry.key] == entry.rank for entry in expected)


def test_answers_are_grouped_by_subpillar():
    index = np.repeat(np.arange(len(TOTALS_2023)), TOTALS_2023)
    answers = np.zeros((2, index.size), dtype=bool)
    start = 0
    for y, n in zip(WORKED_YES, TOTALS_2023, strict=True):
        answers[0, start : start + y] = True
        start += n
    answers[1, :] = True
    result = bulk_scoring.score_answers(answers=answers, subpillar_of_indicator=index, subpillar_count=12)
    assert result.percent.tolist() == [51, 100]
    assert result.rank.tolist() == [2, 1]


def test_ties_share_a_rank_and_the_next_skips():
    # 0.505 and 0.508 both show 51 %; 0.500 shows 50 %.
    result = bulk_scoring.rank_by(
        thousandths=np.array([505, 508, 500, 900]), percent=np.array([51, 51, 50, 90])
    )
    order, rank = result
    assert order.tolist() == [3, 1, 0, 2]
    assert rank.tolist() == [2, 2, 4, 1]


def test_invalid_points_are_refused():
    with pytest.raises(ValueError):
        bulk_scoring.score_points(yes=np.array([[7]]), totals=[6])
    with pytest.raises(ValueError):
        bulk_scoring.score_points(yes=np.array([[0]]), totals=[0])
