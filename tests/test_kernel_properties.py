"""Randomized properties of the kernel Gamma_n(tau) (Eq. 15), its stores and the kernel solver.

Every expected value comes from a calculation that does not use chaindrag.kernel:

* scipy ``quad`` of Eq. (15) in the paper's variable theta (pieces shorter than one
  oscillation);
* a Bessel series derived here from Eq. (15): with u = pi tau (omega_fast + 1) and
  v = pi tau (omega_fast - 1), 2 pi tau omega_q = sqrt(u^2 + v^2 - 2 u v cos q), so
  Gegenbauer's addition theorem sin(w)/w = sum_k (2k+1) j_k(u) j_k(v) P_k(cos q) and the
  Fourier coefficients of P_k(cos q) (products a_m a_(k-m), a_m = binom(2m, m)/4^m) give

      Gamma_n(tau) = 2 pi tau sum_{k >= n, k - n even} (2k+1) j_k(u) j_k(v) a_{(k-n)/2} a_{(k+n)/2}.

  Every term is bounded (sum_k (2k+1) j_k(u)^2 = 1, a_m <= 1), so it has no cancellation,
  and since |j_k(v)| <= v^k / (2k+1)!! it bounds Gamma_n outside the sound cone n > v;
* the power series of the chain's equation of motion rho'' = -(2 pi)^2 D rho, rho'(0) =
  2 pi e_0 (D the dynamical matrix), summed term by term for small tau;
* first-order perturbation theory in K = (omega_fast^2 - 1)/4 (the flat-band limit).

The stores hold Gamma_n(l delta) of Eq. (15) itself, sampled at the lags (module docstring
of chaindrag.kernel.store), not an O(delta^2) approximation of it: one step of the chain's
free motion is an exact linear map (docs/solvers.md), so the discrete propagator with step
delta reproduces Eq. (15) at every lag for every delta; the tests check that, not a delta^2
convergence. The kernel solver and the chain solver run the same discrete dynamics, which
docs/solvers.md and the README put at 1e-12 relative in sigma; that is the tolerance here.
All draws come from seeded numpy Generators.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import jv

import chaindrag
from chaindrag import simulate
from chaindrag.kernel import gamma, open_store, precompute
from chaindrag.params import ParameterError, SimulationError, StoreError
from chaindrag.solvers._common import propagator_stencils

TWO_PI = 2.0 * math.pi


# ------------------------------------------------------------------ independent references
def gamma_quad(n: int, tau: float, omega_fast: float) -> float:
    """Eq. (15) as printed: (2/pi) int_0^{pi/2} dtheta cos(2 n theta) sin(2 pi tau w)/w.

    The integrand runs through tau (omega_fast - 1) + n/2 cycles; each piece holds about
    half of one.
    """
    def integrand(theta):
        w = math.sqrt(1.0 + (omega_fast**2 - 1.0) * math.sin(theta) ** 2)
        return math.cos(2.0 * n * theta) * math.sin(TWO_PI * tau * w) / w

    pieces = int(2 * (tau * (omega_fast - 1.0) + n / 2.0)) + 8
    edges = np.linspace(0.0, math.pi / 2.0, pieces + 1)
    return 2.0 / math.pi * math.fsum(
        quad(integrand, a, b, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
        for a, b in zip(edges[:-1], edges[1:]))


def _sph_jn(k: np.ndarray, x: float) -> np.ndarray:
    if x == 0.0:
        return (k == 0).astype(float)
    return math.sqrt(math.pi / (2.0 * x)) * jv(k + 0.5, x)


def gamma_bessel(ns, tau: float, omega_fast: float) -> np.ndarray:
    """Eq. (15) by the Gegenbauer (spherical Bessel) series of the module docstring."""
    ns = np.atleast_1d(np.asarray(ns, dtype=np.int64))
    u = math.pi * tau * (omega_fast + 1.0)
    v = math.pi * tau * (omega_fast - 1.0)
    # j_k(u) falls off super-exponentially once k exceeds u by a few u^(1/3)
    k_top = int(ns.max() + u + 12.0 * u ** (1.0 / 3.0) + 60)
    k = np.arange(k_top + 1)
    weight = (2 * k + 1) * _sph_jn(k, u) * _sph_jn(k, v)
    a = np.concatenate([[1.0], np.cumprod((2.0 * k[1:] - 1.0) / (2.0 * k[1:]))])
    out = np.empty(ns.shape)
    for i, n in enumerate(ns):
        kk = np.arange(n, k_top + 1, 2)
        out[i] = math.fsum(weight[kk] * a[(kk - n) // 2] * a[(kk + n) // 2])
    return TWO_PI * tau * out


def gamma_power_series(n_max: int, tau: float, omega_fast: float, terms: int = 60):
    """rho_n(tau) for n = -n_max..n_max of rho'' = -(2 pi)^2 D rho, rho(0) = 0, rho'(0) = 2 pi e_0.

    D rho_g = rho_g + K (2 rho_g - rho_{g-1} - rho_{g+1}); rho(tau) = sum_k (-1)^k
    (2 pi tau)^(2k+1)/(2k+1)! D^k e_0. Accurate while 2 pi tau omega_fast is a few (the
    terms are bounded by (2 pi tau omega_fast)^(2k+1)/(2k+1)!, no cancellation).
    """
    k_spring = (omega_fast**2 - 1.0) / 4.0
    half = n_max + terms + 2
    vec = np.zeros(2 * half + 1)
    vec[half] = 1.0
    out = np.zeros_like(vec)
    x = TWO_PI * tau
    coef = x
    for k in range(terms):
        out += coef * vec
        vec = (1.0 + 2.0 * k_spring) * vec - k_spring * (np.roll(vec, 1) + np.roll(vec, -1))
        coef *= -x * x / ((2 * k + 2) * (2 * k + 3))
    return out[half - n_max:half + n_max + 1]


def _draw_omega_fast(rng) -> float:
    return float(rng.uniform(1.5, 30.0))


# ------------------------------------------------------------------ Gamma_n(tau) values
def test_kernel_equals_quadrature_of_eq15_at_random_sites_times_and_bands():
    rng = np.random.default_rng(20260101)
    worst = 0.0
    for _ in range(30):
        n, tau, wf = int(rng.integers(0, 501)), float(rng.uniform(0.0, 50.0)), \
            _draw_omega_fast(rng)
        worst = max(worst, abs(float(gamma(n, tau, wf)) - gamma_quad(n, tau, wf)))
    # gamma's documented error (< 1e-14, rounding only); measured 8.8e-16
    assert worst < 1e-14


def test_kernel_equals_the_bessel_series_of_eq15_at_random_sites_times_and_bands():
    rng = np.random.default_rng(20260102)
    worst = 0.0
    for _ in range(40):
        tau, wf = float(rng.uniform(0.0, 50.0)), _draw_omega_fast(rng)
        ns = rng.integers(0, 501, size=6)
        worst = max(worst, np.abs(gamma(ns, tau, wf) - gamma_bessel(ns, tau, wf)).max())
    # the series' own error (scipy's jv at orders up to ~5000): measured <= 3.5e-14 over
    # 2000 draws, where gamma and quad agree to 1e-15
    assert worst < 1e-13


def test_kernel_at_short_times_is_the_power_series_of_the_chain_equations_of_motion():
    rng = np.random.default_rng(20260103)
    for _ in range(15):
        wf = _draw_omega_fast(rng)
        tau = float(rng.uniform(0.0, 3.0)) / (TWO_PI * wf)
        series = gamma_power_series(12, tau, wf)
        # a kick at 0 moves n and -n alike: Gamma_{-n} = Gamma_n
        np.testing.assert_allclose(series[:12], series[:-13:-1], rtol=1e-13, atol=0)
        # both sides' rounding on values <= 1/omega_fast: measured 2e-17
        np.testing.assert_allclose(gamma(np.arange(13), tau, wf), series[12:], rtol=0,
                                   atol=1e-15)


@pytest.mark.parametrize("n", [0, 1, 2])
def test_a_kick_reaches_site_n_through_n_springs_as_tau_to_the_2n_plus_1(n):
    """Gamma_n(tau) = K^n (2 pi tau)^(2n+1)/(2n+1)! [1 - (2 pi tau)^2 A/(2(2n+3)) + O(tau^4)].

    K = (omega_fast^2 - 1)/4 and A = (omega_fast^2 + 1)/2, from the two lowest powers of the
    equation-of-motion series. The next power's coefficient, (2 pi tau)^4 [(n+2)(n+1) A^2/2
    + (n+2) B^2/4] / ((2n+2)(2n+3)(2n+4)(2n+5)) with B = 2K, is below s^4/100, s = 2 pi tau
    omega_fast, for omega_fast >= 1.5.
    """
    rng = np.random.default_rng(20260104 + n)
    for _ in range(10):
        wf = _draw_omega_fast(rng)
        s = float(rng.uniform(0.02, 0.2))
        tau = s / (TWO_PI * wf)
        k_spring, a = (wf**2 - 1.0) / 4.0, (wf**2 + 1.0) / 2.0
        lead = k_spring**n * (TWO_PI * tau) ** (2 * n + 1) / math.factorial(2 * n + 1)
        ratio = float(gamma(n, tau, wf)) / lead
        correction = (TWO_PI * tau) ** 2 * a / (2.0 * (2 * n + 3))
        # gamma's absolute rounding (~1e-17) is the other term
        assert abs(ratio - (1.0 - correction)) < s**4 / 100.0 + 1e-16 / lead
        assert correction > 10.0 * s**4 / 100.0  # the correction itself is resolved


def _outside_cone_bound(n_max: int, tau: float, omega_fast: float) -> np.ndarray:
    """|Gamma_n| <= 2 pi tau sqrt(sum_{k >= n} (2k+1) (v^k/(2k+1)!!)^2), from the series."""
    v = math.pi * tau * (omega_fast - 1.0)
    k = np.arange(max(n_max, int(3.0 * v)) + 400)  # the terms beyond are negligible
    log_term = np.log(2 * k + 1) + 2.0 * (k * math.log(max(v, 1e-300))
                                          - np.cumsum(np.log(2.0 * k + 1.0)))
    tail = np.logaddexp.accumulate(log_term[::-1])[::-1]  # log sum_{k' >= k}
    return TWO_PI * tau * np.exp(0.5 * tail[:n_max + 1])


def test_outside_the_sound_cone_the_kernel_is_super_exponentially_small():
    rng = np.random.default_rng(20260105)
    for _ in range(12):
        wf, tau = _draw_omega_fast(rng), float(rng.uniform(0.05, 8.0))
        ns = np.arange(501)
        g = np.abs(gamma(ns, tau, wf))
        bound = _outside_cone_bound(500, tau, wf)
        # the rigorous bound, plus gamma's rounding floor (~1e-17 of the peak)
        assert np.all(g <= bound * (1.0 + 1e-12) + 1e-15)
        front = tau * math.pi * (wf - 1.0)
        # v = front: for k >= e v + 40, (v^k/(2k+1)!!)^2 < (e v/2k)^(2k) < 4^-k, so the bound
        # is far below rounding there and gamma must be at its rounding floor
        far = ns > math.e * front + 40.0
        assert np.all(bound[far] < 1e-20) and np.all(g[far] < 1e-15)
        assert g[ns <= front + 1].max() > 1e-4  # and a real disturbance inside the cone


def test_flat_band_limit_is_a_single_oscillator_with_first_order_corrections_in_k():
    """omega_fast -> 1: Gamma_0 -> sin(2 pi tau), Gamma_n>0 -> 0.

    First order in K: omega_q = 1 + K (1 - cos q), so with x = 2 pi tau and
    h = x cos x - sin x: Gamma_0 = sin x + K h, Gamma_1 = -K h / 2, Gamma_n>1 = O(K^2).
    The second-order remainder is below 2 (K (1 + x))^2.
    """
    rng = np.random.default_rng(20260106)
    for _ in range(12):
        tau = float(rng.uniform(0.0, 50.0))
        x = TWO_PI * tau
        # K x <= 0.1: the first-order terms are resolved against the remainder
        eps = min(float(10.0 ** rng.uniform(-6.0, -2.0)), 0.2 / (1.0 + x))
        wf = 1.0 + eps
        k_spring = (wf**2 - 1.0) / 4.0
        h = x * math.cos(x) - math.sin(x)
        first = np.array([math.sin(x) + k_spring * h, -0.5 * k_spring * h, 0.0, 0.0, 0.0])
        got = gamma(np.arange(5), tau, wf)
        assert np.abs(got - first).max() <= 2.0 * (k_spring * (1.0 + x)) ** 2 + 1e-14


# ----------------------------------------------------- the discrete time the stores hold
def test_the_chain_solvers_discrete_propagator_reproduces_eq15_at_every_lag_on_both_sides():
    """One step of free motion, rho_(l+1) = 2 C rho_l - rho_(l-1), kicked with 2 pi delta S e_0.

    Its displacements are Gamma_(+-n)(l delta), with no O(delta^2) error: only the
    stencils' truncation below 1e-14 (propagator_stencils). An error e <= 2e-14 in the
    two-step map of mode q shifts its phase by e / sin(theta_q) per step, theta_q = 2 pi
    omega_q delta; the mode carries weight 1/omega_q in Gamma, so after l steps
    |error| <= l 2e-14 mean_q(1/(omega_q sin theta_q)) (measured <= 0.34 of that).
    """
    rng = np.random.default_rng(20260107)
    for _ in range(5):
        wf, d = _draw_omega_fast(rng), int(rng.integers(10, 121))
        delta = 1.0 / (d * wf)
        lags = int(rng.integers(50, 800))
        c, s, _ = propagator_stencils(wf, delta)
        half = int(40 + math.pi * lags * delta * (wf - 1.0) + 80 + 2 * c.size)

        def conv(stencil, x):
            out = stencil[0] * x
            for j in range(1, stencil.size):
                out = out + stencil[j] * (np.roll(x, j) + np.roll(x, -j))
            return out

        kick = np.zeros(2 * half + 1)
        kick[half] = 1.0
        prev, cur = np.zeros_like(kick), TWO_PI * delta * conv(s, kick)
        for _ in range(1, lags):
            prev, cur = cur, 2.0 * conv(c, cur) - prev
        ns = np.arange(41)
        expect = gamma_bessel(ns, lags * delta, wf)
        def phase_weight(q):
            w = math.sqrt(1.0 + (wf**2 - 1.0) * math.sin(q / 2.0) ** 2)
            return 1.0 / (w * math.sin(TWO_PI * w * delta))

        tol = 2e-14 * lags * quad(phase_weight, 0.0, math.pi)[0] / math.pi + 1e-13
        np.testing.assert_allclose(cur[half + ns], expect, rtol=0, atol=tol)
        np.testing.assert_allclose(cur[half - ns], expect, rtol=0, atol=tol)


def test_halving_the_time_step_leaves_the_stored_kernel_unchanged_at_common_times(tmp_path):
    # a store holds Eq. (15) at l delta for any delta: d and 2d agree at every shared time
    # to rounding (not O(delta^2))
    rng = np.random.default_rng(20260108)
    for i in range(3):
        wf, d = _draw_omega_fast(rng), int(rng.integers(4, 80))
        tau_max = float(rng.uniform(0.2, 1.5))
        coarse = precompute(tmp_path / f"c{i}.zarr", n_max=20, tau_max=tau_max,
                            omega_fast=wf, d=d)
        fine = precompute(tmp_path / f"f{i}.zarr", n_max=20, tau_max=tau_max,
                          omega_fast=wf, d=2 * d)
        assert fine.n_lags in (2 * coarse.n_lags, 2 * coarse.n_lags + 1)
        a = coarse.window(21, coarse.n_lags)
        b = fine.window(21, 2 * coarse.n_lags)[:, 1::2]
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-14)


# ---------------------------------------------------------------------------------- stores
def _random_store_request(rng) -> dict:
    wf, d = _draw_omega_fast(rng), int(rng.integers(4, 121))
    lags = int(rng.integers(1, 2600))  # up to two time chunks (2048 lags each)
    return dict(n_max=int(rng.integers(0, 80)), tau_max=(lags + 0.5) / (d * wf),
                omega_fast=wf, d=d)


def _check_against_bessel(store, rng, samples: int = 30) -> float:
    window = store.window(store.n_max + 1, store.n_lags)
    assert window.shape == (store.n_max + 1, store.n_lags) and np.isfinite(window).all()
    worst = 0.0
    for lag in rng.integers(1, store.n_lags + 1, size=samples // 6 + 1):
        ns = rng.integers(0, store.n_max + 1, size=6)
        expect = gamma_bessel(ns, lag * store.delta, store.omega_fast)
        worst = max(worst, np.abs(window[ns, lag - 1] - expect).max())
    return worst


def _check_provenance(store, request: dict) -> None:
    attrs = store.attrs
    assert attrs["format"] == "chaindrag.kernel" and attrs["format_version"] >= 1
    assert attrs["chaindrag_version"] == chaindrag.__version__
    assert attrs["omega_fast"] == request["omega_fast"] and attrs["d"] == request["d"]
    assert attrs["delta"] == 1.0 / (request["d"] * request["omega_fast"])
    assert attrs["n_max"] == store.n_max and attrs["n_lags"] == store.n_lags
    assert attrs["tau_max"] == store.tau_max and attrs["complete"] is True
    assert store.n_lags == math.floor(store.tau_max / store.delta + 1e-9)


def test_random_stores_hold_eq15_at_their_lags_with_complete_provenance(tmp_path):
    rng = np.random.default_rng(20260109)
    worst = 0.0
    for i in range(5):
        request = _random_store_request(rng)
        if i == 0:
            request["n_max"] = 520  # two row chunks (512 sites each)
        store = precompute(tmp_path / f"k{i}.zarr", **request)
        assert store == open_store(tmp_path / f"k{i}.zarr")
        assert (store.n_max, store.tau_max) == (request["n_max"], request["tau_max"])
        _check_provenance(store, request)
        worst = max(worst, _check_against_bessel(store, rng))
        lag = int(rng.integers(1, store.n_lags + 1))
        n = int(rng.integers(0, store.n_max + 1))
        assert abs(store.window(n + 1, lag)[n, lag - 1]
                   - gamma_quad(n, lag * store.delta, store.omega_fast)) < 1e-14
        # any smaller window is the corner of the whole one
        n_stop, l_stop = int(rng.integers(0, store.n_max + 2)), int(
            rng.integers(0, store.n_lags + 1))
        np.testing.assert_array_equal(store.window(n_stop, l_stop),
                                      store.window(store.n_max + 1, store.n_lags)
                                      [:n_stop, :l_stop])
    assert worst < 1e-13  # the Bessel series' own error, as above


def test_extending_a_random_store_keeps_every_old_value_bit_for_bit(tmp_path):
    rng = np.random.default_rng(20260110)
    for i in range(4):
        first = _random_store_request(rng)
        path = tmp_path / f"k{i}.zarr"
        old = precompute(path, **first)
        old_values = old.window(old.n_max + 1, old.n_lags)
        second = dict(first, n_max=int(rng.integers(0, 120)),
                      tau_max=(int(rng.integers(1, 2600)) + 0.5) / (first["d"]
                                                                    * first["omega_fast"]))
        new = precompute(path, **second)
        assert new.n_max == max(first["n_max"], second["n_max"])
        assert new.tau_max == max(first["tau_max"], second["tau_max"])
        _check_provenance(new, first)
        grew = (new.n_max, new.n_lags) != (old.n_max, old.n_lags)
        assert new.attrs.get("extended_from") == (
            {"n_max": old.n_max, "n_lags": old.n_lags} if grew else None)
        np.testing.assert_array_equal(
            new.window(old.n_max + 1, old.n_lags), old_values)
        assert _check_against_bessel(new, rng) < 1e-13


@pytest.mark.filterwarnings("ignore:d=.* is not << 1/omega_fast")  # random d may be small
def test_a_store_refuses_runs_it_does_not_cover_naming_what_is_wrong(tmp_path):
    rng = np.random.default_rng(20260111)
    for i in range(4):
        request = _random_store_request(rng)
        store = precompute(tmp_path / f"k{i}.zarr", **request)
        path = str(store.path)
        assert store.require(**request) is store
        wf, d = request["omega_fast"], request["d"]
        more_sites = store.n_max + int(rng.integers(1, 50))
        longer = store.tau_max + float(rng.uniform(2.0, 50.0)) * store.delta
        other_wf = wf * (1.0 + float(rng.choice([-1.0, 1.0])) * 10.0 ** rng.uniform(-9, -1))
        other_d = d + int(rng.integers(1, 30))
        cases = [(dict(n_max=more_sites), ["n_max", str(store.n_max), str(more_sites)]),
                 (dict(tau_max=longer), ["tau_max", f"{store.tau_max}", f"{longer}"]),
                 (dict(omega_fast=other_wf), ["omega_fast", repr(wf), repr(other_wf)]),
                 (dict(d=other_d), [f"d={d}", f"d={other_d}"])]
        for kw, texts in cases:
            with pytest.raises(StoreError) as info:
                store.require(**kw)
            for text in [*texts, path]:
                assert text in str(info.value), (kw, str(info.value))
        with pytest.raises(StoreError, match=r"n_max"):
            store.window(store.n_max + 2, 1)
        with pytest.raises(StoreError, match=r"tau_max"):
            store.window(1, store.n_lags + 1)
        # the kernel solver refuses the same runs before stepping
        run = dict(alpha=40.0, phi0=2.0, lam=4.0, sigma0=20.0, v0=1.0, omega_fast=wf, d=d,
                   tau_max=store.tau_max, solver="kernel", kernel_store=store)
        cases = [(dict(tau_max=longer), [f"tau_max={store.tau_max:g}", f"tau_max={longer:g}"]),
                 (dict(omega_fast=other_wf), [f"omega_fast={wf!r}", f"omega_fast={other_wf!r}"]),
                 (dict(d=other_d), [f"d={d}", f"d={other_d}"])]
        for kw, texts in cases:
            with pytest.raises(StoreError) as info:
                simulate(**{**run, **kw})
            for text in [*texts, path]:
                assert text in str(info.value), (kw, str(info.value))


# --------------------------------------------------------------- kernel solver vs chain
def _random_setup(rng) -> dict:
    """A short single- or two-particle run whose particles pass at least one chain mass."""
    while True:
        wf, d = _draw_omega_fast(rng), int(rng.integers(20, 121))
        alpha, lam = float(rng.uniform(10.0, 40.0)), float(rng.uniform(1.0, 6.0))
        phi0 = float(rng.choice([-1.0, 1.0]) * rng.uniform(0.5, 20.0))
        mu, tau = float(rng.uniform(0.5, 3.0)), float(rng.uniform(0.4, 1.0))
        if 1.5 * alpha / tau > 100.0:
            continue
        n_part = int(rng.integers(1, 3))
        speed = rng.uniform(1.5 * alpha / tau, 120.0, size=n_part)
        v0 = speed * rng.choice([-1.0, 1.0], size=n_part)
        cells = rng.choice(np.arange(-8, 9), size=n_part, replace=False)
        sigma0 = alpha * (cells + rng.uniform(0.0, 1.0, size=n_part))
        v_top = math.sqrt(speed.max() ** 2 + 8.0 * math.pi**2 * abs(phi0) / mu)
        if v_top / (d * wf) < lam / 4.0:  # well within the step limit (delta v < lam)
            break
    kw = dict(alpha=alpha, lam=lam, phi0=phi0, mu=mu, sigma0=sigma0.tolist(),
              v0=v0.tolist(), tau_max=tau, omega_fast=wf, d=d, energy=False)
    if rng.random() < 0.3:
        kw["bias"] = float(rng.uniform(-2.0, 2.0))
    # tracked segment: every path (at the top speed, either way) plus the reach and 3 sites
    reach_sites = math.ceil(6.0 * lam / alpha) + 4
    lo = math.floor((sigma0.min() - v_top * tau) / alpha) - reach_sites
    hi = math.ceil((sigma0.max() + v_top * tau) / alpha) + reach_sites
    return kw, lo, hi


def test_kernel_solver_equals_the_chain_solver_on_random_setups(tmp_path):
    rng = np.random.default_rng(20260112)
    worst_sigma = worst_rho = 0.0
    for i in range(8):
        kw, lo, hi = _random_setup(rng)
        store = precompute(tmp_path / f"k{i}.zarr", n_max=hi - lo, tau_max=kw["tau_max"],
                           omega_fast=kw["omega_fast"], d=kw["d"])
        # masses on both sides of every start, so Gamma_n for n < 0 is exercised
        g0 = np.floor(np.asarray(kw["sigma0"]) / kw["alpha"]).astype(int)
        sites = np.unique(np.concatenate([g0 - 2, g0 - 1, g0, g0 + 1, g0 + 2]))
        chain = simulate(**kw, record_sites=sites)
        kern = simulate(**kw, record_sites=sites, solver="kernel", kernel_store=store,
                        kernel_first_site=lo)
        rigid = simulate(**kw, solver="kernel", kernel_store=store, kernel_first_site=lo,
                         memory=1e-3 * store.delta)  # no memory: chain masses never move
        n_steps = kern.sigma.shape[1] - 1
        delta = store.delta
        # docs/solvers.md, README: the two agree to 1e-12 relative in sigma (the same
        # discrete dynamics; rounding and the 1e-14 stencil truncation). Measured <= 3e-15.
        tol = 1e-12 * (np.abs(chain.sigma).max() + kw["alpha"])
        dev = np.abs(chain.sigma - kern.sigma).max()
        assert dev <= tol
        # velocity = central difference of sigma over 2 delta
        assert np.abs(chain.velocity - kern.velocity).max() <= tol / delta
        scale = np.abs(chain.chain_displacement).max()
        assert scale > 0.0
        # the chain solver's stencil truncation: a phase error ~1e-13 per step of each mode
        # (docs/solvers.md); measured <= 2.5e-12 of the scale at 136 steps
        drho = np.abs(chain.chain_displacement - kern.chain_displacement).max()
        assert drho <= (1e-13 * n_steps + 1e-14) * scale
        # and the chain's response matters far beyond that tolerance
        assert np.abs(rigid.sigma - kern.sigma).max() > 1e3 * tol
        worst_sigma, worst_rho = max(worst_sigma, dev / tol), max(worst_rho, drho / scale)
    assert worst_sigma < 1.0


def test_a_memory_covering_the_run_is_the_whole_history_bit_for_bit(tmp_path):
    # Regression: the memory's lag count was floor(memory/delta) while the run's steps and
    # the store's lags are floor(tau/delta + 1e-9); with memory = tau_max = 100/600 (=
    # 99.99999999999999 delta) the kernel at the last lag was dropped and the final speed
    # moved by 7e-5. memory = 1e308 overflowed (OverflowError) instead of covering the run.
    rng = np.random.default_rng(20260113)
    cases = [(100, 60, 10.0)]
    while len(cases) < 4:  # more lag counts L whose L delta rounds below L steps
        lags, d, wf = int(rng.integers(60, 400)), int(rng.integers(20, 121)), 10.0
        if (lags / (d * wf)) / (1.0 / (d * wf)) < lags:
            cases.append((lags, d, wf))
    for i, (lags, d, wf) in enumerate(cases):
        tau_max = lags / (d * wf)
        store = precompute(tmp_path / f"k{i}.zarr", n_max=30, tau_max=tau_max,
                           omega_fast=wf, d=d)
        assert store.n_lags == lags
        kw = dict(alpha=40.0, phi0=-20.0, lam=4.0, sigma0=235.0, v0=30.0, tau_max=tau_max,
                  omega_fast=wf, d=d, solver="kernel", kernel_store=store, energy=False)
        whole = simulate(**kw)
        for memory in (tau_max, 1e308):
            run = simulate(**kw, memory=memory)
            np.testing.assert_array_equal(run.sigma, whole.sigma)
            np.testing.assert_array_equal(run.velocity, whole.velocity)
        shorter = simulate(**kw, memory=tau_max - store.delta)
        assert not np.array_equal(shorter.velocity, whole.velocity)
        # a store covering just the memory serves a longer run truncated to it
        longer = simulate(**dict(kw, tau_max=2.0 * tau_max), memory=tau_max)
        np.testing.assert_array_equal(longer.sigma[:, :lags + 1], whole.sigma)


def test_kernel_solver_says_when_and_where_a_particle_left_its_segment(tmp_path):
    rng = np.random.default_rng(20260114)
    for i in range(3):
        wf, alpha = float(rng.uniform(3.0, 6.0)), float(rng.uniform(20.0, 40.0))
        lam = float(rng.uniform(1.5, 3.0))
        v0 = float(rng.choice([-1.0, 1.0]) * rng.uniform(110.0, 150.0))
        d = max(int(rng.integers(20, 61)), math.ceil(5.0 * abs(v0) / (lam * wf)))
        kw = dict(alpha=alpha, lam=lam, phi0=float(rng.uniform(0.5, 2.0)), mu=1.0,
                  sigma0=alpha * 0.5, v0=v0, tau_max=3.0, omega_fast=wf, d=d, energy=False)
        n_max = int(rng.integers(10, 15))
        first = -(n_max // 2)
        store = precompute(tmp_path / f"k{i}.zarr", n_max=n_max, tau_max=3.0,
                           omega_fast=wf, d=d)
        with pytest.raises(SimulationError) as info:
            simulate(**kw, solver="kernel", kernel_store=store, kernel_first_site=first)
        msg = str(info.value)
        last = first + n_max
        assert f"sites {first}..{last}" in msg and str(store.path) in msg
        # when: the first step at which the masses the particle visits (|sigma - alpha g|
        # within the reach, one more for the Gaussian) pass the segment's end, from the
        # chain solver's trajectory
        chain = simulate(**kw)
        reach = chain.params["reach"]
        sig = chain.sigma[0]
        out = (np.floor((sig - reach) / alpha) < first) | (np.ceil((sig + reach) / alpha) > last)
        step = int(np.argmax(out))
        assert out[step] and step > 0
        found = re.search(r"at tau=([0-9.eE+-]+) \(step (\d+)\)", msg)
        assert found is not None and int(found.group(2)) == step
        assert float(found.group(1)) == pytest.approx(step * store.delta, rel=1e-5)


# -------------------------------------------------------------------------------- bad input
def test_kernel_functions_refuse_random_out_of_range_input_naming_it(tmp_path):
    rng = np.random.default_rng(20260115)
    store = precompute(tmp_path / "k.zarr", n_max=12, tau_max=0.2, omega_fast=10.0, d=60)
    good = dict(n_max=5, tau_max=0.1, omega_fast=10.0, d=60)
    bad_values = {
        "n_max": [-int(rng.integers(1, 10**6)), float(rng.uniform(0.1, 0.9)) + 3, math.nan,
                  True],
        "tau_max": [-float(rng.uniform(0, 10)), 0.0, math.inf, math.nan],
        "omega_fast": [float(rng.uniform(-5.0, 1.0)), 1.0, math.inf, math.nan],
        "d": [int(rng.integers(-10, 4)), 60.5, True],
    }
    for name, values in bad_values.items():
        for value in values:
            kw = dict(good, **{name: value})
            with pytest.raises(ParameterError, match=rf"\b{name}\b"):
                precompute(tmp_path / "new.zarr", **kw)
            with pytest.raises(ParameterError, match=rf"\b{name}\b"):
                store.require(**{name: value})
    assert not (tmp_path / "new.zarr").exists()
    for n, tau, wf, name in [(-int(rng.integers(1, 100)), 1.0, 10.0, "n"),
                             (2.5, 1.0, 10.0, "n"), (3, -float(rng.uniform(0, 5)), 10.0, "tau"),
                             (3, 1.0, float(rng.uniform(0.0, 1.0)), "omega_fast")]:
        with pytest.raises(ParameterError, match=rf"\b{name}\b"):
            gamma(n, tau, wf)
    run = dict(alpha=40.0, phi0=2.0, lam=4.0, sigma0=20.0, v0=30.0, tau_max=0.2)
    with pytest.raises(ParameterError, match=r"\bkernel_store\b"):
        simulate(**run, solver="kernel")
    with pytest.raises(ParameterError, match=r"\bkernel_store\b"):
        simulate(**run, solver="kernel", kernel_store=12)
    with pytest.raises(ParameterError, match=r"\brecord_sites\b"):
        simulate(**run, solver="kernel", kernel_store=store, kernel_first_site=-6,
                 record_sites=[7])
    with pytest.raises(StoreError, match=r"n_max"):  # too few masses for the reach
        simulate(**dict(run, lam=60.0, v0=1.0), solver="kernel", kernel_store=store)
    with pytest.raises(StoreError, match=r"tau_max=0\.2.*tau_max=0\.3"):
        simulate(**dict(run, tau_max=0.3), solver="kernel", kernel_store=store)
    with pytest.raises(StoreError, match=r"d=60.*d=61"):
        simulate(**run, d=61, solver="kernel", kernel_store=store)
