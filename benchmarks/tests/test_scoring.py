"""Tests of the published UserCentriCities scoring method (benchmarks.scoring)."""

import random
from decimal import Decimal

import pytest

from benchmarks.scoring import (
    Answer,
    Band,
    Score,
    band,
    displayed_percent,
    overall_value,
    pillar_average,
    rank_entries,
    round_half_away,
    score_answers,
    score_points,
    subpillar_value,
)

D = Decimal

# The worked example of ucc-method.md: sub-pillar points 1.1 ... 3.3 of the 2023 framework.
WORKED_POINTS = {
    "1.1": (3, 4),
    "1.2": (2, 6),
    "1.3": (1, 3),
    "2.1": (5, 5),
    "2.2": (2, 5),
    "2.3": (1, 4),
    "2.4": (3, 3),
    "2.5": (1, 2),
    "2.6": (0, 3),
    "3.1": (2, 2),
    "3.2": (1, 2),
    "3.3": (0, 2),
}
WORKED_VALUES = ["0.75", "0.33", "0.33", "1", "0.40", "0.25", "1", "0.50", "0", "1", "0.50", "0"]


def test_worked_example_subpillar_values():
    values = [subpillar_value(yes=yes, total=total) for yes, total in WORKED_POINTS.values()]
    assert values == [D(v) for v in WORKED_VALUES]
    assert all(isinstance(v, Decimal) for v in values)


def test_worked_example_overall_and_percent():
    score = score_points(points=WORKED_POINTS)
    assert isinstance(score, Score)
    assert [s.key for s in score.subpillars] == list(WORKED_POINTS)
    assert [s.value for s in score.subpillars] == [D(v) for v in WORKED_VALUES]
    assert score.overall == D("0.505")
    assert str(score.overall) == "0.505"
    assert score.percent == 51
    assert score.band is Band.MEDIUM
    assert score.subpillars[0].yes == 3 and score.subpillars[0].total == 4
    assert score.subpillars[0].band is Band.HIGH
    assert score.subpillars[1].band is Band.LOW


def test_worked_example_float_would_show_50():
    """Documents why Decimal is needed: the float route shows 50 %, the method gives 51 %."""
    float_values = [round(yes / total, 2) for yes, total in WORKED_POINTS.values()]
    float_overall = round(sum(float_values) / len(float_values), 3)
    assert round(float_overall * 100) == 50
    assert displayed_percent(overall=overall_value(subpillar_values=[D(v) for v in WORKED_VALUES])) == 51


def test_score_answers_counts_only_yes():
    answers = {
        "1.1": [Answer.YES, Answer.YES, Answer.YES, Answer.NO],
        "1.2": ["Yes", "no", "NA", "na", " YES ", "No"],
    }
    score = score_answers(answers_by_subpillar=answers)
    assert [(s.yes, s.total) for s in score.subpillars] == [(3, 4), (2, 6)]
    assert [s.value for s in score.subpillars] == [D("0.75"), D("0.33")]
    assert score.overall == D("0.540")  # (0.75 + 0.33) / 2
    assert score.percent == 54


def test_score_answers_rejects_unknown_answer():
    with pytest.raises(ValueError, match="sub-pillar 1.1"):
        score_answers(answers_by_subpillar={"1.1": ["yes", "maybe"]})


@pytest.mark.parametrize(
    ("yes", "total", "expected"),
    [
        (1, 8, "0.13"),  # 0.125: half away from zero, banker's rounding would give 0.12
        (5, 8, "0.63"),  # 0.625: banker's rounding would give 0.62
        (3, 8, "0.38"),  # 0.375
        (7, 8, "0.88"),  # 0.875
        (1, 3, "0.33"),
        (2, 3, "0.67"),
        (0, 5, "0.00"),
        (5, 5, "1.00"),
        (1, 40, "0.03"),  # 0.025
    ],
)
def test_subpillar_value_rounds_half_away_from_zero(yes, total, expected):
    value = subpillar_value(yes=yes, total=total)
    assert value == D(expected)
    assert value.as_tuple().exponent == -2


def test_overall_rounds_half_away_to_three_decimals():
    # mean 0.0625 -> 0.063 (banker's: 0.062); mean 0.1125 -> 0.113
    assert overall_value(subpillar_values=[D("0.12"), D("0.01"), D("0.00"), D("0.12")]) == D("0.063")
    assert overall_value(subpillar_values=[D("0.10"), D("0.125")]) == D("0.113")
    # 1/3 mean is not a tie
    assert overall_value(subpillar_values=[D("1"), D("0"), D("0")]) == D("0.333")


def test_displayed_percent_half_away():
    assert displayed_percent(overall=D("0.505")) == 51
    assert displayed_percent(overall=D("0.125")) == 13  # 12.5 -> 13
    assert displayed_percent(overall=D("0.245")) == 25  # 24.5 -> 25 (banker's: 24)
    assert displayed_percent(overall=D("0.504")) == 50
    assert displayed_percent(overall=D("1.000")) == 100
    assert displayed_percent(overall=D("0")) == 0


def test_round_half_away_negative_values():
    assert round_half_away(D("-0.125"), places=2) == D("-0.13")
    assert round_half_away(D("0.125"), places=2) == D("0.13")
    assert round_half_away(D("-2.5"), places=0) == D("-3")
    assert round_half_away(D("2.5"), places=0) == D("3")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", Band.LOW),
        ("0.33", Band.LOW),
        ("0.330", Band.LOW),
        ("0.331", Band.MEDIUM),
        ("0.34", Band.MEDIUM),
        ("0.66", Band.MEDIUM),
        ("0.661", Band.HIGH),
        ("0.67", Band.HIGH),
        ("1", Band.HIGH),
    ],
)
def test_band_boundaries(value, expected):
    assert band(value=D(value)) is expected


def test_pillar_average():
    # e.g. three authorities x 13 questions in pillar 1, 20 Yes in total: 20/39 = 0.5128 -> 0.51
    assert pillar_average(yes_total=20, question_total=39) == D("0.51")
    assert pillar_average(yes_total=1, question_total=8) == D("0.13")
    assert pillar_average(yes_total=0, question_total=10) == D("0.00")
    assert pillar_average(yes_total=10, question_total=10) == D("1.00")


def test_ranking_ties_share_rank_and_skip():
    ranked = rank_entries(
        overall_by_key={"Aarhus": D("0.600"), "Bilbao": D("0.700"), "Cluj": D("0.700"), "Dublin": D("0.100")}
    )
    assert [(e.key, e.rank, e.percent) for e in ranked] == [
        ("Bilbao", 1, 70),
        ("Cluj", 1, 70),
        ("Aarhus", 3, 60),
        ("Dublin", 4, 10),
    ]


def test_ranking_equal_displayed_percent_shares_rank():
    # 0.514 and 0.505 both show 51 %: sorted by value, but same rank.
    ranked = rank_entries(overall_by_key={"Ghent": D("0.505"), "Espoo": D("0.514"), "Turin": D("0.494")})
    assert [(e.key, e.overall, e.percent, e.rank) for e in ranked] == [
        ("Espoo", D("0.514"), 51, 1),
        ("Ghent", D("0.505"), 51, 1),
        ("Turin", D("0.494"), 49, 3),
    ]


def test_ranking_is_stable_for_equal_values():
    names = ["Zagreb", "Athens", "Milan"]  # callers normally pass names sorted; order must be kept
    ranked = rank_entries(overall_by_key={name: D("0.400") for name in names})
    assert [e.key for e in ranked] == names
    assert [e.rank for e in ranked] == [1, 1, 1]


def test_ranking_empty():
    assert rank_entries(overall_by_key={}) == []


def test_ranking_100000_entries_is_consistent():
    # Speed is measured by scripts/bench/benchmark_scale.py, not asserted here.
    rng = random.Random(1)
    values = {i: D(rng.randint(0, 1000)).scaleb(-3) for i in range(100_000)}
    ranked = rank_entries(overall_by_key=values)
    assert len(ranked) == 100_000
    assert ranked[0].rank == 1
    overalls = [e.overall for e in ranked]
    assert overalls == sorted(overalls, reverse=True)
    for position, (previous, current) in enumerate(zip(ranked, ranked[1:], strict=False), start=2):
        if current.percent == previous.percent:
            assert current.rank == previous.rank
        else:
            assert current.rank == position  # competition ranking: skips after ties


@pytest.mark.parametrize(
    ("yes", "total", "message"),
    [
        (5, 4, "between 0 and 4"),
        (-1, 4, "between 0 and 4"),
        (0, 0, "must be positive"),
        (1, -2, "must be positive"),
    ],
)
def test_subpillar_value_invalid(yes, total, message):
    with pytest.raises(ValueError, match=message):
        subpillar_value(yes=yes, total=total)


def test_invalid_inputs():
    with pytest.raises(ValueError, match="at least one"):
        overall_value(subpillar_values=[])
    with pytest.raises(ValueError, match="at least one"):
        score_points(points={})
    with pytest.raises(ValueError, match="sub-pillar 1.2"):
        score_points(points={"1.1": (1, 2), "1.2": (7, 6)})
    with pytest.raises(ValueError, match="pillar average"):
        pillar_average(yes_total=3, question_total=0)
    with pytest.raises(TypeError, match="float"):
        displayed_percent(overall=0.505)
    with pytest.raises(TypeError, match="float"):
        overall_value(subpillar_values=[0.5, 0.25])
    with pytest.raises(TypeError, match="int"):
        subpillar_value(yes=1.0, total=2)
    with pytest.raises(TypeError, match="Decimal"):
        rank_entries(overall_by_key={"x": 0.5})
    with pytest.raises(TypeError):
        subpillar_value(1, 2)  # keyword-only
