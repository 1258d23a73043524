"""The UserCentriCities scoring method, reproduced exactly (pure Python, no Django).

This is the method of the public UserCentriCities Benchmarking Dashboard (Lisbon Council, 2022-2023);
see ``ucc-method.md``. Cities moving their data here expect the same percentages and ranks.

* Every indicator is answered Yes, No or NA. Only Yes scores (1 point); No and NA score 0 but still
  count in the denominator.
* Sub-pillar value = yes / number of indicators of the sub-pillar, rounded to 2 decimals.
* Overall value = arithmetic mean of the (already rounded) sub-pillar values, rounded to 3 decimals.
  Every sub-pillar weighs the same, whatever its number of indicators.
* Displayed percentage = overall value x 100, rounded to a whole number.
* All rounding is half away from zero (0.125 -> 0.13), never banker's rounding, and everything is
  computed with :class:`~decimal.Decimal`: binary floats turn 0.505 into 0.50499... and show 50 %
  instead of 51 %.
* Ranking: sort by overall value, descending; authorities whose *displayed percentages* are equal share
  a rank and the next rank skips (competition ranking 1, 1, 3).
* Pillar average = total Yes in the pillar across all authorities / total questions in the pillar across
  all authorities, rounded to 2 decimals.
* Colour band of a value v: v <= 0.33 low, v <= 0.66 medium, else high.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from enum import StrEnum
from operator import itemgetter
from typing import Generic, TypeVar

__all__ = [
    "Answer",
    "Band",
    "RankedEntry",
    "Score",
    "SubPillarScore",
    "band",
    "displayed_percent",
    "overall_value",
    "pillar_average",
    "rank_entries",
    "round_half_away",
    "score_answers",
    "score_points",
    "subpillar_value",
]

K = TypeVar("K", bound=Hashable)

# Plenty of precision for the divisions; every result is quantized explicitly afterwards.
_CONTEXT = Context(prec=34, rounding=ROUND_HALF_UP)
_LOW_MAX = Decimal("0.33")
_MEDIUM_MAX = Decimal("0.66")
_HUNDRED = Decimal(100)
_ONE = Decimal(1)


class Answer(StrEnum):
    """The answer to one indicator. Only YES scores."""

    YES = "yes"
    NO = "no"
    NA = "na"


class Band(StrEnum):
    """Colour band of a value: low (red), medium (orange), high (green)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


def round_half_away(value: Decimal, *, places: int) -> Decimal:
    """Round ``value`` to ``places`` decimals, ties away from zero (0.125 -> 0.13, -0.125 -> -0.13).

    ``decimal.ROUND_HALF_UP`` is "ties away from zero" for negative numbers too.
    """
    _require_decimal(value, "value")
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _require_decimal(value: object, name: str) -> None:
    if not isinstance(value, Decimal):
        raise TypeError(f"{name} must be a Decimal (never a float), got {type(value).__name__}")


def _check_count(*, yes: int, total: int, what: str) -> None:
    for label, number in (("yes", yes), ("total", total)):
        if isinstance(number, bool) or not isinstance(number, int):
            raise TypeError(f"{what}: {label} must be an int, got {type(number).__name__}")
    if total <= 0:
        raise ValueError(f"{what}: the number of questions must be positive, got {total}")
    if not 0 <= yes <= total:
        raise ValueError(f"{what}: yes must be between 0 and {total}, got {yes}")


def subpillar_value(*, yes: int, total: int) -> Decimal:
    """yes / total rounded half away from zero to 2 decimals: ``subpillar_value(yes=1, total=3)`` -> 0.33."""
    _check_count(yes=yes, total=total, what="sub-pillar")
    return round_half_away(_CONTEXT.divide(Decimal(yes), Decimal(total)), places=2)


def overall_value(*, subpillar_values: Sequence[Decimal]) -> Decimal:
    """Mean of the already-rounded sub-pillar values, rounded half away from zero to 3 decimals."""
    if not subpillar_values:
        raise ValueError("overall value: at least one sub-pillar value is needed")
    for index, value in enumerate(subpillar_values):
        _require_decimal(value, f"sub-pillar value #{index + 1}")
    total = sum(subpillar_values, Decimal(0))
    return round_half_away(_CONTEXT.divide(total, Decimal(len(subpillar_values))), places=3)


def displayed_percent(*, overall: Decimal) -> int:
    """The whole percentage shown for an overall value: 0.505 -> 51."""
    _require_decimal(overall, "overall")
    return _percent(overall)


def _percent(overall: Decimal) -> int:
    return int((overall * _HUNDRED).quantize(_ONE, rounding=ROUND_HALF_UP))


def band(*, value: Decimal) -> Band:
    """v <= 0.33 low, v <= 0.66 medium, else high."""
    _require_decimal(value, "value")
    if value <= _LOW_MAX:
        return Band.LOW
    if value <= _MEDIUM_MAX:
        return Band.MEDIUM
    return Band.HIGH


def pillar_average(*, yes_total: int, question_total: int) -> Decimal:
    """Total Yes in a pillar / total questions in it (across all authorities), rounded to 2 decimals."""
    _check_count(yes=yes_total, total=question_total, what="pillar average")
    return round_half_away(_CONTEXT.divide(Decimal(yes_total), Decimal(question_total)), places=2)


@dataclass(frozen=True, slots=True)
class SubPillarScore:
    key: str
    yes: int
    total: int
    value: Decimal
    band: Band


@dataclass(frozen=True, slots=True)
class Score:
    subpillars: tuple[SubPillarScore, ...]
    overall: Decimal
    percent: int
    band: Band


def score_points(*, points: Mapping[str, tuple[int, int]]) -> Score:
    """Score one authority from its (yes, total) points per sub-pillar key, in framework order."""
    subpillars = []
    for key, (yes, total) in points.items():
        try:
            value = subpillar_value(yes=yes, total=total)
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"sub-pillar {key}: {exc}") from exc
        subpillars.append(SubPillarScore(key=key, yes=yes, total=total, value=value, band=band(value=value)))
    overall = overall_value(subpillar_values=[s.value for s in subpillars])
    return Score(
        subpillars=tuple(subpillars),
        overall=overall,
        percent=displayed_percent(overall=overall),
        band=band(value=overall),
    )


def score_answers(*, answers_by_subpillar: Mapping[str, Sequence[Answer | str]]) -> Score:
    """Score one authority from its answers (one per indicator) per sub-pillar key, in framework order.

    Answers may be :class:`Answer` members or strings such as ``"Yes"`` (case-insensitive).
    """
    points: dict[str, tuple[int, int]] = {}
    for key, answers in answers_by_subpillar.items():
        try:
            parsed = [Answer(str(answer).strip().lower()) for answer in answers]
        except ValueError as exc:
            raise ValueError(f"sub-pillar {key}: answers must be yes, no or na ({exc})") from exc
        points[key] = (sum(1 for answer in parsed if answer is Answer.YES), len(parsed))
    return score_points(points=points)


@dataclass(frozen=True, slots=True)
class RankedEntry(Generic[K]):
    key: K
    overall: Decimal
    percent: int
    rank: int


def rank_entries(*, overall_by_key: Mapping[K, Decimal]) -> list[RankedEntry[K]]:
    """Rank by overall value, descending, with competition ranking (1, 1, 3) on equal displayed percent.

    The sort is stable: entries with equal overall values keep the input order, so pass the keys sorted
    by name. Entries share a rank when their *displayed percentages* are equal (0.514 and 0.505 both show
    51 %), even when their overall values differ.
    """
    for key, value in overall_by_key.items():
        _require_decimal(value, f"overall value of {key!r}")
    ordered = sorted(overall_by_key.items(), key=itemgetter(1), reverse=True)
    ranked: list[RankedEntry[K]] = []
    percent_by_value: dict[Decimal, int] = {}  # scores repeat a lot; quantize each value once
    previous_percent: int | None = None
    rank = 0
    for position, (key, overall) in enumerate(ordered, start=1):
        percent = percent_by_value.get(overall)
        if percent is None:
            percent = percent_by_value[overall] = _percent(overall)
        if percent != previous_percent:
            rank = position
            previous_percent = percent
        ranked.append(RankedEntry(key=key, overall=overall, percent=percent, rank=rank))
    return ranked
