import math

import pytest

from learning.matching import COMPLEMENTARY, SIMILAR, Candidate, rank_candidates


def c(aid, context=None, profile=None, own=None, their=None):
    return Candidate(aid, context, profile, own, their)


def test_similar_ranks_by_mean_distance_and_skips_incomparable():
    ranked = rank_candidates(
        candidates=[c(1, 1.0, 1.0), c(2, 0.2, 0.4), c(3, None, 0.5), c(4, math.inf, None)], mode=SIMILAR
    )
    assert [r.authority_id for r in ranked] == [2, 3, 1]
    assert ranked[0].score == pytest.approx(0.3)


def test_complementary_keeps_only_stronger_and_prefers_similar_context():
    ranked = rank_candidates(
        candidates=[
            c(1, context=3.0, own=0.4, their=1.0),  # +0.6 - 0.3 = 0.3
            c(2, context=0.2, own=0.4, their=0.9),  # +0.5 - 0.02 = 0.48
            c(3, context=0.1, own=0.4, their=0.4),  # not ahead
            c(4, context=0.1, own=0.4, their=None),  # unknown
        ],
        mode=COMPLEMENTARY,
    )
    assert [r.authority_id for r in ranked] == [2, 1]
    assert ranked[0].gap == pytest.approx(0.5)


def test_ties_keep_input_order_and_limit_applies():
    ranked = rank_candidates(candidates=[c(i, 1.0, 1.0) for i in range(5)], mode=SIMILAR, limit=3)
    assert [r.authority_id for r in ranked] == [0, 1, 2]


def test_bad_mode_and_limit():
    with pytest.raises(ValueError):
        rank_candidates(candidates=[], mode="nearest")
    with pytest.raises(ValueError):
        rank_candidates(candidates=[], mode=SIMILAR, limit=0)
