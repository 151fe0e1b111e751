"""Balanced truncation of the ends' exponentials over a horizon: fewer, the same kernels."""

from __future__ import annotations

import numpy as np
import pytest

from chaindrag.boundary import transparent_ends
from chaindrag.boundary._reduce import L1_BUDGET, gramian_factor, reduced_rule
from chaindrag.boundary.compress import _coupling
from chaindrag.boundary.kernel import dtbc_kernel_at
from chaindrag.solvers._common import propagator_stencils

OMEGA_FAST, D = 10.0, 60


def _kernels(z, alpha, beta, m):
    """Re sum_p alpha[j, p] beta[i, p] z_p^m at lags m >= 0, term by term (no reduction code)."""
    out = np.zeros((alpha.shape[0], beta.shape[0], m.size))
    for p in range(z.size):
        out += np.real(np.multiply.outer(np.outer(alpha[:, p], beta[:, p]), z[p] ** m))
    return out


@pytest.fixture(scope="module")
def ends(tmp_path_factory):
    store = tmp_path_factory.mktemp("dtbc")
    return {h: (transparent_ends(OMEGA_FAST, D, cache_dir=store, horizon=h, reduce=False),
                transparent_ends(OMEGA_FAST, D, cache_dir=store, horizon=h))
            for h in (1 << 16, 1 << 19)}


@pytest.mark.parametrize("n", [1, 2, 3, 7, 100])
def test_the_gramian_factor_sums_the_lagged_outer_products(n):
    rng = np.random.default_rng(1)
    z = 0.97 * np.exp(1j * rng.uniform(0, np.pi, 5))
    cols = rng.normal(size=(5, 3)) + 1j * rng.normal(size=(5, 3))
    factor = gramian_factor(z, cols, n)
    direct = np.zeros((10, 10))
    for m in range(n):
        v = (z**m)[:, None] * cols
        real = np.concatenate([v.real, v.imag])
        direct += real @ real.T
    assert np.abs(factor @ factor.T - direct).max() <= 1e-13 * np.abs(direct).max()


def test_exponentials_written_twice_reduce_to_the_minimal_system_with_its_poles():
    # six exponentials, each split into two with the same z: twelve states too many
    rng = np.random.default_rng(7)
    z = rng.uniform(0.5, 0.99, 6) * np.exp(1j * rng.uniform(0.1, 3.0, 6))
    alpha = rng.normal(size=(3, 6)) + 1j * rng.normal(size=(3, 6))
    beta = np.vstack([np.ones(6), rng.normal(size=(2, 6)) + 1j * rng.normal(size=(2, 6))])
    split = (np.concatenate([z, z]), np.concatenate([0.3 * alpha, 0.7 * alpha], axis=1),
             np.concatenate([beta, beta], axis=1))
    m = np.arange(4096)
    peak = np.abs(_kernels(z, alpha, beta, m)).max()
    z_r, alpha_r, beta_r, states, l1 = reduced_rule(*split, m.size, peak, 1e-13)
    assert states == 12 and z_r.size == 6 and np.allclose(beta_r[0], 1.0)
    assert np.allclose(np.sort_complex(z_r), np.sort_complex(z), rtol=0, atol=1e-12)
    diff = _kernels(z_r, alpha_r, beta_r, m) - _kernels(z, alpha, beta, m)
    assert np.abs(diff).max() <= 1e-13 * peak and l1 <= 1e-11


@pytest.mark.parametrize("horizon", [1 << 16, 1 << 19])
def test_reduced_ends_are_the_band_integral_kernels_up_to_their_horizon(ends, horizon):
    rule, short = ends[horizon]
    assert short.n_exponentials < rule.n_exponentials / 1.5  # 52 and 64 against 120
    assert np.all(np.abs(short.z) < 1.0) and np.allclose(short.beta[0], 1.0)
    c = propagator_stencils(OMEGA_FAST, 1.0 / (D * OMEGA_FAST))[0][:4]
    lags = np.unique(np.concatenate([np.arange(short.k0, 4096),
                                     np.geomspace(4096, horizon, 40).astype(np.int64)]))
    exact = dtbc_kernel_at(c, lags)
    peak = np.abs(exact[0, 0]).max()
    for e in (rule, short):
        err = _coupling(c, _kernels(e.z, e.alpha, e.beta, lags - e.k0) - exact).max() / peak
        assert err <= 1e-12  # measured 5.9e-14 (the rule), 7.0e-14 (52), 6.7e-14 (64)


def test_the_reduced_kernels_deviate_from_the_rule_little_summed_over_every_lag(ends):
    # a ghost's error is the deviation summed over the lags times the layer's displacement
    rule, short = ends[1 << 16]
    m = np.arange(short.horizon - short.k0 + 1)
    total = np.zeros((3, 3))
    for part in np.array_split(m, 8):
        total += np.abs(_kernels(short.z, short.alpha, short.beta, part)
                        - _kernels(rule.z, rule.alpha, rule.beta, part)).sum(axis=-1)
    peak = np.abs(rule.direct[0, 0]).max()
    assert total.max() / peak <= L1_BUDGET  # measured 1.4e-10
    assert total.max() / peak == pytest.approx(short.attrs["reduction_l1"], rel=0.5)


def test_ends_asked_unreduced_keep_the_rule_under_their_own_name(ends, tmp_path):
    rule, short = ends[1 << 16]
    again = transparent_ends(OMEGA_FAST, D, cache_dir=tmp_path, horizon=1 << 16, reduce=False)
    assert np.array_equal(again.z, rule.z) and rule.attrs["hankel_states"] is None
    assert [p.name for p in tmp_path.glob("dtbc_*_h65536_rule.npz")]
    assert short.attrs["n_exponentials_rule"] == rule.n_exponentials
    assert "balanced truncation" in short.attrs["method"]
