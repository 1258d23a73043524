"""Peer groups on numbers worked by hand."""

import math

import numpy as np
import pytest

from benchmarks import peers

NAN = float("nan")
VARIABLES = (
    peers.Variable("size", 1.0),
    peers.Variable("kind", 1.0, categorical=True),
    peers.Variable("budget", 1.0),
)


def model(rows):
    return peers.build_model(raw=np.array(rows, dtype=float), variables=VARIABLES)


def test_standardisation_is_a_z_score():
    m = model([[1, 0, 10], [2, 0, 10], [3, 1, 10]])
    assert m.values[:, 0].tolist() == pytest.approx([-1.2247449, 0.0, 1.2247449])
    assert m.values[:, 2].tolist() == [0.0, 0.0, 0.0]  # no spread
    assert m.values[:, 1].tolist() == [0, 0, 1]  # categories keep their codes


def test_distance_and_order_by_hand():
    m = model([[0, 0, 0], [1, 0, 0], [0, 1, 0], [3, 0, 3]])
    z = m.values
    result = peers.nearest(model=m, target=0, k=3)
    assert [p.index for p in result] == [1, 2, 3]
    expected_1 = math.sqrt(((z[1, 0] - z[0, 0]) ** 2 + 0 + 0) / 3)
    assert result[0].distance == pytest.approx(expected_1)
    assert result[1].distance == pytest.approx(math.sqrt(peers.CATEGORY_MISMATCH / 3))


def test_explanations_name_what_is_close_and_what_differs_most():
    m = model([[100, 0, 50], [101, 0, 60], [300, 1, 50], [500, 1, 40]])
    [peer] = peers.nearest(model=m, target=0, k=1)
    assert peer.index == 1
    assert peer.similar[:2] == ("kind", "size")
    assert peer.different == ("budget",)
    assert peer.missing == ()


def test_missing_values_are_left_out_and_reported():
    m = model([[0, 0, 0], [0, 0, NAN], [0, 1, 5]])
    result = peers.nearest(model=m, target=0, k=2)
    assert result[0].index == 1 and result[0].distance == 0.0
    assert result[0].missing == ("budget",)
    # Too little in common: an authority that only shares "kind" is not compared.
    m = model([[0, 0, 0], [NAN, 0, NAN], [1, 0, 1]])
    assert [p.index for p in peers.nearest(model=m, target=0, k=5)] == [2]


def test_k_larger_than_candidates_and_never_itself():
    m = model([[0, 0, 0], [1, 1, 1]])
    result = peers.nearest(model=m, target=1, k=15)
    assert [p.index for p in result] == [0]
    with pytest.raises(ValueError):
        peers.nearest(model=m, target=0, k=0)


def test_candidates_restrict_the_search():
    m = model([[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0]])
    assert [p.index for p in peers.nearest(model=m, target=0, k=2, candidates=np.array([2, 3]))] == [2, 3]
