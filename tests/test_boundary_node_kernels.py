"""The ends' exponentials eight at a time (chaindrag.boundary._nodes) are the plain formula.

Every node p of an end holds a complex state h_p; a step reads the ghosts
g_j = Re sum_p alpha_jp h_p and advances h_p <- z_p h_p + s_p, s_p = sum_i beta_ip rho_i
(beta_0 = 1). The vector kernels take whole blocks of eight nodes and leave the rest to a
scalar loop; here both against numpy's complex arithmetic, for node counts on and off
multiples of eight and tables on and off cache lines.
"""

from __future__ import annotations

import numpy as np
import pytest

from chaindrag._simd import aligned_zeros
from chaindrag.boundary._dtbc import _history1, _history3, node_table


def _random_ends(n, rng, aligned):
    ar, ai, br, bi = (rng.standard_normal((3, n)) for _ in range(4))
    z = 0.99 * np.exp(2j * np.pi * rng.random(n)) * rng.random(n)
    tab = node_table(ar, ai, br, bi, z.real.copy(), z.imag.copy())
    if not aligned:  # the same table starting 8 bytes past a cache line
        buf = aligned_zeros((tab.size + 1,))
        tab = buf[1:].reshape(tab.shape)
        tab[...] = node_table(ar, ai, br, bi, z.real.copy(), z.imag.copy())
    h = rng.standard_normal((2, n)) + 1j * rng.standard_normal((2, n))
    return ar + 1j * ai, np.vstack([np.ones(n), br[1:] + 1j * bi[1:]]), z, tab, h


def _reference(alpha, beta, z, h, layer):
    """(ghosts, new states) of one end from numpy's complex arithmetic."""
    return (alpha @ h).real, z * h + layer @ beta


@pytest.mark.parametrize("aligned", [True, False])
@pytest.mark.parametrize("n", [5, 8, 13, 24, 152, 155])
def test_both_ends_ghosts_and_states_are_the_complex_formula(n, aligned):
    rng = np.random.default_rng(n)
    alpha, beta, z, tab, h = _random_ends(n, rng, aligned)
    a, c = rng.standard_normal(3), rng.standard_normal(3)
    hre, him = aligned_zeros((2, n)), aligned_zeros((2, n))
    hre[...], him[...] = h.real, h.imag
    sums = _history3(tab, hre, him, *a, *c)
    for e, layer in enumerate((a, c)):
        ghosts, new = _reference(alpha, beta, z, h[e], layer)
        np.testing.assert_allclose(sums[3 * e:3 * e + 3], ghosts, rtol=1e-13,
                                   atol=1e-13 * np.abs(alpha).sum() * np.abs(h).max())
        np.testing.assert_allclose(hre[e] + 1j * him[e], new, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("e", [0, 1])
@pytest.mark.parametrize("n", [7, 16, 152])
def test_one_end_ghosts_and_states_are_the_complex_formula_and_leave_the_other(n, e):
    rng = np.random.default_rng(10 * n + e)
    alpha, beta, z, tab, h = _random_ends(n, rng, True)
    a = rng.standard_normal(3)
    hre, him = aligned_zeros((2, n)), aligned_zeros((2, n))
    hre[...], him[...] = h.real, h.imag
    ghosts, new = _reference(alpha, beta, z, h[e], a)
    sums = _history1(tab, hre, him, e, *a)
    np.testing.assert_allclose(sums, ghosts, rtol=1e-13,
                               atol=1e-13 * np.abs(alpha).sum() * np.abs(h).max())
    np.testing.assert_allclose(hre[e] + 1j * him[e], new, rtol=1e-13, atol=1e-14)
    assert np.array_equal(hre[1 - e] + 1j * him[1 - e], h[1 - e])


def test_a_table_not_in_c_order_is_refused_when_compiled():
    from numba.core.errors import TypingError

    columns = np.asfortranarray(np.zeros((12, 8)))  # the vector loads need rows in memory
    with pytest.raises(TypingError, match="tab must be a contiguous 2-d float64 array"):
        _history3(columns, np.zeros((2, 8)), np.zeros((2, 8)), 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
