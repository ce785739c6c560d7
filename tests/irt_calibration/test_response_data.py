"""ResponseData: sparse construction, validation and views."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from item_bank.irt.calibration import ResponseData


def test_from_triples_keeps_only_observed_responses() -> None:
    data = ResponseData.from_triples(
        [("ann", "q1", True), ("ann", "q2", 0), ("bob", "q2", 1), ("cyd", "q3", False)]
    )
    assert data.person_ids == ("ann", "bob", "cyd")
    assert data.item_ids == ("q1", "q2", "q3")
    assert data.n_obs == 4
    n, r = data.item_counts()
    assert n.tolist() == [1, 2, 1]
    assert r.tolist() == [1, 1, 0]
    dense = data.to_dense()
    assert np.isnan(dense[1, 0])
    assert dense[1, 1] == 1.0


@pytest.mark.parametrize(("policy", "expected"), [("first", 1), ("last", 0)])
def test_duplicate_policy(policy: str, expected: int) -> None:
    data = ResponseData.from_triples(
        [("ann", "q1", 1), ("ann", "q1", 0)],
        duplicates=policy,  # type: ignore[arg-type]
    )
    assert data.response.tolist() == [expected]


def test_duplicates_are_an_error_by_default() -> None:
    with pytest.raises(ValueError, match="more than once"):
        ResponseData.from_triples([("ann", "q1", 1), ("ann", "q1", 0)])


def test_fixed_item_order_and_unknown_item() -> None:
    data = ResponseData.from_triples([("ann", "q2", 1)], item_ids=["q1", "q2"])
    assert data.item_ids == ("q1", "q2")
    assert data.item_counts()[0].tolist() == [0, 1]
    with pytest.raises(ValueError, match="unknown item"):
        ResponseData.from_triples([("ann", "zz", 1)], item_ids=["q1"])


def test_from_dense_subset_and_matrices() -> None:
    m = np.array([[1, np.nan, 0], [np.nan, 1, 1]])
    data = ResponseData.from_dense(m, item_ids=["a", "b", "c"])
    obs, cor = data.matrices()
    assert obs.toarray().tolist() == [[1, 0, 1], [0, 1, 1]]
    assert cor.toarray().tolist() == [[1, 0, 0], [0, 1, 1]]
    sub = data.subset_items(["c", "a"])
    assert sub.item_ids == ("c", "a")
    assert sub.person_ids == data.person_ids
    np.testing.assert_array_equal(sub.to_dense(), m[:, [2, 0]])


def test_invalid_responses_are_rejected() -> None:
    with pytest.raises(ValueError, match="0 or 1"):
        ResponseData(("p",), ("i",), np.array([0]), np.array([0]), np.array([2]))
    with pytest.raises(ValueError, match="out of range"):
        ResponseData(("p",), ("i",), np.array([1]), np.array([0]), np.array([1]))


@settings(max_examples=50, deadline=None, database=None)
@given(
    st.dictionaries(
        st.tuples(st.sampled_from("abcdef"), st.sampled_from(["q1", "q2", "q3", "q4"])),
        st.booleans(),
        min_size=1,
    )
)
def test_triples_round_trip(cells: dict[tuple[str, str], bool]) -> None:
    data = ResponseData.from_triples((p, i, u) for (p, i), u in cells.items())
    dense = data.to_dense()
    for (p, i), u in cells.items():
        assert dense[data.person_ids.index(p), data.item_ids.index(i)] == float(u)
    assert np.isfinite(dense).sum() == len(cells)
    y, _ = data.indicators()
    obs, cor = data.matrices()
    k = data.n_items
    np.testing.assert_array_equal(y.toarray()[:, k:], cor.toarray())
    np.testing.assert_array_equal(y.toarray()[:, :k] + y.toarray()[:, k:], obs.toarray())
