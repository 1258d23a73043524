"""Bench-learning recommendations: pure logic (no Django), unit-tested on numbers.

For one authority in one edition:

1. Its weakest sub-pillars: the lowest values (yes / questions), ties broken by fewer Yes answers, then by
   the framework's order. A sub-pillar already at full marks is never "weak".
2. For each, the authorities that do best there: every authority scoring strictly higher, highest value
   first; among equal values, the SIMILAR authorities most like it in context first (its nearest peers,
   benchmarks.peers), then those with practice cases on the sub-pillar to learn from, then the nearer
   peers, then more cases, then by name.
3. For each indicator of the sub-pillar the authority does not answer Yes, which of those leaders answer
   Yes, and how many practice cases they have on the sub-pillar: the gap the reason sentence names.

learning/selectors.py gathers the inputs from the database; learning/recommendation_text.py words them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

YES = "yes"
WEAKEST = 3
LEADERS = 3
SIMILAR = 5  # the nearest peers (the profile's default peer group) count as "similar"


@dataclass(frozen=True)
class AreaScore:
    """One authority's result in one sub-pillar (key like "2.3")."""

    key: str
    yes: int
    total: int
    value: Decimal


@dataclass(frozen=True)
class Area:
    """A sub-pillar of the edition and its indicators, in the framework's order."""

    key: str
    name: str
    sort_order: int
    indicators: tuple[tuple[str, str], ...] = ()  # (code, question)


@dataclass(frozen=True)
class Other:
    """Another published authority of the edition: its results, and how similar it is to ours."""

    authority_id: int
    name: str
    scores: Mapping[str, AreaScore]
    peer_rank: int | None = None  # 0 = the most similar authority; None = not among the nearest peers
    similarity: str = ""  # the peer explanation in words ("similar population (305,000 vs 265,000)...")


@dataclass(frozen=True)
class Leader:
    authority_id: int
    name: str
    score: AreaScore
    peer_rank: int | None
    similarity: str
    case_count: int


@dataclass(frozen=True)
class Gap:
    """An indicator the authority does not answer Yes, with the leaders that do."""

    code: str
    question: str
    own_answer: str  # "no" or "na"
    leaders_yes: tuple[Leader, ...]

    @property
    def case_count(self) -> int:
        return sum(leader.case_count for leader in self.leaders_yes)


@dataclass(frozen=True)
class Recommendation:
    area: Area
    own: AreaScore
    weakness_rank: int  # 1 = the weakest sub-pillar
    leaders: tuple[Leader, ...]
    gaps: tuple[Gap, ...] = field(default_factory=tuple)


def weakest(*, own: Mapping[str, AreaScore], areas: Sequence[Area], n: int = WEAKEST) -> list[Area]:
    """The n sub-pillars with the lowest values, never one at full marks."""
    candidates = [a for a in areas if a.key in own and own[a.key].total and own[a.key].value < 1]
    candidates.sort(key=lambda a: (own[a.key].value, own[a.key].yes, a.sort_order, a.key))
    return candidates[:n]


def _rank_key(other: Other, key: str, case_counts: Mapping[tuple[int, str], int]):
    cases = case_counts.get((other.authority_id, key), 0)
    similarity = other.peer_rank if other.peer_rank is not None else float("inf")
    return (-other.scores[key].value, similarity >= SIMILAR, cases == 0, similarity, -cases, other.name)


def leaders(
    *,
    key: str,
    own: AreaScore,
    others: Sequence[Other],
    case_counts: Mapping[tuple[int, str], int],
    n: int = LEADERS,
) -> list[Leader]:
    """The n authorities doing best in the sub-pillar, among those scoring strictly higher than `own`."""
    better = [o for o in others if key in o.scores and o.scores[key].value > own.value]
    better.sort(key=lambda o: _rank_key(o, key, case_counts))
    return [
        Leader(
            authority_id=o.authority_id,
            name=o.name,
            score=o.scores[key],
            peer_rank=o.peer_rank,
            similarity=o.similarity,
            case_count=case_counts.get((o.authority_id, key), 0),
        )
        for o in better[:n]
    ]


def gaps(
    *,
    area: Area,
    own_answers: Mapping[str, str],
    found_leaders: Sequence[Leader],
    leader_answers: Mapping[int, Mapping[str, str]],
) -> list[Gap]:
    """Indicators of the area not answered Yes here, each with the leaders answering Yes (in leader order).
    Gaps that some leader closes come first, the most leaders first; then the framework's order."""
    found = []
    for order, (code, question) in enumerate(area.indicators):
        answer = own_answers.get(code, "na")
        if answer == YES:
            continue
        yes = tuple(ld for ld in found_leaders if leader_answers.get(ld.authority_id, {}).get(code) == YES)
        found.append(
            (-len(yes), order, Gap(code=code, question=question, own_answer=answer, leaders_yes=yes))
        )
    found.sort(key=lambda item: item[:2])
    return [gap for _n, _order, gap in found]


def recommend(
    *,
    own: Mapping[str, AreaScore],
    areas: Sequence[Area],
    others: Sequence[Other],
    case_counts: Mapping[tuple[int, str], int],
    n: int = WEAKEST,
    per_area: int = LEADERS,
) -> list[Recommendation]:
    """The weakest areas with their leaders; gaps are filled in by `with_gaps` once answers are known."""
    return [
        Recommendation(
            area=area,
            own=own[area.key],
            weakness_rank=rank,
            leaders=tuple(
                leaders(key=area.key, own=own[area.key], others=others, case_counts=case_counts, n=per_area)
            ),
        )
        for rank, area in enumerate(weakest(own=own, areas=areas, n=n), start=1)
    ]


def with_gaps(
    recommendation: Recommendation,
    *,
    own_answers: Mapping[str, str],
    leader_answers: Mapping[int, Mapping[str, str]],
) -> Recommendation:
    return Recommendation(
        area=recommendation.area,
        own=recommendation.own,
        weakness_rank=recommendation.weakness_rank,
        leaders=recommendation.leaders,
        gaps=tuple(
            gaps(
                area=recommendation.area,
                own_answers=own_answers,
                found_leaders=recommendation.leaders,
                leader_answers=leader_answers,
            )
        ),
    )
