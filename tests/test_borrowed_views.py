"""Borrowed views (chaindrag._borrow): the owner's memory, shape and strides, no ownership.

The step loops borrow every array a helper inlined into them binds, so that numba does not
count references to it at every step; the loops' results are the solvers' tests. Here: a
borrowed view is the array itself for reading and writing, whatever its layout.
"""

from __future__ import annotations

import numpy as np
import pytest
from numba import njit
from numba.core.errors import TypingError

from chaindrag._borrow import borrowed


@njit(inline="always")
def _add_one(a):
    for i in range(a.shape[0]):
        a[i] += 1.0


@njit
def _bump_through_borrowed(a, n):
    view = borrowed(a)
    for _ in range(n):  # an inlined helper binding the view at every iteration
        _add_one(view)
    return view.shape[0], view.strides[0]


@njit
def _sum3(a):
    v = borrowed(a)
    total = 0.0
    for i in range(v.shape[0]):
        for j in range(v.shape[1]):
            for k in range(v.shape[2]):
                total += v[i, j, k] * (1 + i + 10 * j + 100 * k)
    return total


@pytest.mark.parametrize("step", [1, 3])
def test_writes_through_a_borrowed_view_land_in_the_owner(step):
    owner = np.arange(30.0)
    a = owner[::step]
    size, stride = _bump_through_borrowed(a, 5)
    assert (size, stride) == (a.size, a.strides[0])
    expected = np.arange(30.0)
    expected[::step] += 5.0
    np.testing.assert_array_equal(owner, expected)


def test_a_borrowed_3d_array_reads_every_element_where_numpy_does():
    a = np.random.default_rng(0).standard_normal((3, 4, 5))
    i, j, k = np.indices(a.shape)
    assert _sum3(a) == pytest.approx(np.sum(a * (1 + i + 10 * j + 100 * k)), rel=1e-14)


def test_borrowing_something_other_than_an_array_is_a_typing_error():
    @njit
    def bad(x):
        return borrowed(x)

    with pytest.raises(TypingError, match="borrowed: an array is required"):
        bad(1.0)
