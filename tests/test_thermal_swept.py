"""The realization's free motion as the solvers' step advances it (chaindrag.thermal.swept).

The reference is the ring itself, stepped with the two-step map rho(b+1) = 2 C rho(b) -
rho(b-1) in plain numpy (periodic shifts), from the realization's state at steps 0 and -1:
what the chain solver does on its segment. SweptMotion must give the same numbers from
its closed form (a non-uniform FFT over the modes, or one inverse FFT of the ring) at any
site and step, without stepping.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from chaindrag.params import ParameterError
from chaindrag.solvers._common import propagator_stencils
from chaindrag.thermal import ThermalChain
from chaindrag.thermal.swept import SweptMotion, swept_frequencies

DELTA = 1.0 / 600.0
N_STEPS = 12_000


def _stepped_ring(chain: ThermalChain, c: np.ndarray, sites: np.ndarray) -> np.ndarray:
    """rho of ``sites`` at steps 0 .. N_STEPS - 1, the ring stepped in numpy."""
    n = chain.n_modes
    start = chain.displacement(np.arange(n), [0.0, -DELTA])
    cur, prev = start[0].copy(), start[1].copy()
    out = np.empty((N_STEPS, sites.size))
    for b in range(N_STEPS):
        out[b] = cur[sites % n]
        c_cur = c[0] * cur
        for j in range(1, c.size):
            c_cur += c[j] * (np.roll(cur, j) + np.roll(cur, -j))
        prev, cur = cur, 2.0 * c_cur - prev
    return out


@pytest.mark.parametrize("n_modes", [1500, 1501])
def test_swept_motion_is_the_ring_stepped_by_the_solvers_map(n_modes):
    chain = ThermalChain(1.0, statistics="classical", seed=3, n_modes=n_modes)
    c = propagator_stencils(chain.omega_fast, DELTA)[0]
    sites = np.array([0, 1, 2, 700, -5, n_modes + 3])
    stepped = _stepped_ring(chain, c, sites)
    scale = np.abs(stepped).max()
    # the stepping's own rounding: ~eps a step, turned into a phase error by 1/sin(theta)
    # at the band bottom (theta = 2 pi delta), at most linearly in the steps (measured:
    # 1/12 of this)
    tol = N_STEPS * np.finfo(float).eps / math.sin(2 * math.pi * DELTA) * scale
    swept = SweptMotion(chain, c, DELTA)
    whole = swept.at_sites(sites, 0, N_STEPS).T
    assert np.abs(whole - stepped).max() <= tol
    part = swept.at_sites(sites, 9_001, 777).T  # any block, odd length
    assert np.abs(part - stepped[9_001:9_778]).max() <= tol
    for b in (0, 1, 5_000, N_STEPS - 1):
        assert np.abs(swept.on_ring(b)[sites % n_modes] - stepped[b]).max() <= tol
    # it starts from the realization's own two states (to the NUFFT's precision) ...
    start = swept.at_sites(sites, -1, 2).T
    exact = chain.displacement(sites, [-DELTA, 0.0])
    assert np.abs(start - exact).max() <= 1e-12 * scale
    # ... and the exact dispersion, which the map misses by ~1e-13 rad a step, is further
    # from the stepped ring than the tolerance: the test sees the difference
    later = chain.displacement(sites, [(N_STEPS - 1) * DELTA])[0]
    drift = np.abs(later - stepped[-1]).max()
    assert tol < drift < 2e-14 / math.sin(2 * math.pi * DELTA) * N_STEPS * scale


def test_swept_frequencies_are_the_maps_own_and_near_the_exact_band():
    chain = ThermalChain(1.0, n_modes=64)
    c = propagator_stencils(chain.omega_fast, DELTA)[0]
    theta = swept_frequencies(c, 64)
    q = 2 * math.pi * np.arange(33) / 64
    exact = 2 * math.pi * DELTA * np.sqrt(1 + (chain.omega_fast**2 - 1) * np.sin(q / 2) ** 2)
    assert np.abs(theta - exact).max() < 1e-12
    # one step of mode q: 2 cos(theta) is the map's symbol 2 C_q
    symbol = c[0] + 2 * sum(c[j] * np.cos(j * q) for j in range(1, c.size))
    np.testing.assert_allclose(np.cos(theta), symbol, rtol=0, atol=1e-16)


def test_swept_motion_refuses_an_unsized_chain_and_an_empty_block():
    c = propagator_stencils(10.0, DELTA)[0]
    with pytest.raises(ParameterError, match="n_modes"):
        SweptMotion(ThermalChain(1.0), c, DELTA)
    with pytest.raises(ParameterError, match="n_steps"):
        SweptMotion(ThermalChain(1.0, n_modes=64), c, DELTA).at_sites([0], 0, 0)
