"""Memory kernel Gamma_n(tau), Eq. (15), and its precomputed stores (Appendix).

Every value is checked against a calculation that does not use chaindrag.kernel:
adaptive quadrature of Eq. (15) (scipy quad on sub-intervals shorter than one oscillation,
and mpmath at 30 digits), the impulse response of the chain ODE integrated directly, and
the physics of Sec. III (Gamma_n(0) = 0, d Gamma_n/d tau (0) = 2 pi delta_{n0}, a front
moving at the largest group velocity pi (omega_fast - 1) with nothing ahead of it).
Store tests check the written array against the kernel, extension against a one-go
computation, and the refusals.
"""

from __future__ import annotations

import logging
import math
import os
import re

import mpmath
import numpy as np
import pytest
import zarr
from scipy.integrate import quad, solve_ivp

from chaindrag.kernel import KernelStore, gamma, open_store, precompute
from chaindrag.kernel.store import OMEGA_FAST_RTOL, same_omega_fast
from chaindrag.params import ParameterError, StoreError
from chaindrag.stores import host_tag

OMEGA_FAST, D = 10.0, 60
DELTA = 1.0 / (D * OMEGA_FAST)


def _omega(q, omega_fast=OMEGA_FAST):
    return np.sqrt(1.0 + (omega_fast**2 - 1.0) * np.sin(q / 2.0) ** 2)


def gamma_quad(n: int, tau: float, omega_fast: float = OMEGA_FAST) -> float:
    """Eq. (15) by scipy quad on [0, pi] cut into pieces shorter than one oscillation.

    sin(2 pi tau omega_q) runs through tau (omega_fast - 1) cycles and cos(q n) through
    n/2 cycles on [0, pi]; each piece holds about half a cycle of the product.
    """
    def integrand(q):
        w = _omega(q, omega_fast)
        return math.cos(q * n) * math.sin(2.0 * math.pi * tau * w) / w

    pieces = int(2 * (tau * (omega_fast - 1.0) + n / 2.0)) + 8
    edges = np.linspace(0.0, math.pi, pieces + 1)
    total = math.fsum(quad(integrand, a, b, epsabs=1e-15, epsrel=1e-13, limit=200)[0]
                      for a, b in zip(edges[:-1], edges[1:]))
    return total / math.pi  # (1/2 pi) int_{-pi}^{pi} of an even integrand


def gamma_mpmath(n: int, tau, omega_fast=OMEGA_FAST, dps: int = 30) -> float:
    """Eq. (15) in the paper's own variable theta = q/2 (2/pi int_0^{pi/2}), at 30 digits."""
    with mpmath.workdps(dps):
        tau, wf = mpmath.mpf(tau), mpmath.mpf(omega_fast)

        def integrand(theta):
            w = mpmath.sqrt(1 + (wf**2 - 1) * mpmath.sin(theta) ** 2)
            return mpmath.cos(2 * n * theta) * mpmath.sin(2 * mpmath.pi * tau * w) / w

        pieces = int(4 * (float(tau) * (omega_fast - 1.0) + n / 2.0)) + 4
        nodes = mpmath.linspace(0, mpmath.pi / 2, pieces + 1)
        return float(2 / mpmath.pi * mpmath.quad(integrand, nodes))


# ------------------------------------------------------------------ Gamma_n(tau) values
@pytest.mark.parametrize("n, tau", [
    (0, 0.37), (3, 1.0), (25, 1.0), (28, 1.0),        # inside and at the front (28.3)
    (45, 1.0),                                        # just beyond the front: tiny
    (0, 15.0), (200, 15.0), (420, 15.0), (500, 15.0),  # Fig. 2 range
    (300, 100.0),   # -2.642e-3 by gamma_quad; a cosine-weighted quad gets +1.04e-3 here
    (1000, 100.0), (0, 500.0), (1000, 500.0), (7, 1000.0), (1000, 1000.0),
])
def test_gamma_matches_quadrature_of_eq15(n, tau):
    # measured differences <= 3e-15 (2026-12-02): 1e-13 also judges the tiny values beyond
    # the front (1.7e-10 at n = 45, tau = 1) instead of passing anything below 1e-10
    assert abs(float(gamma(n, tau)) - gamma_quad(n, tau)) < 1e-13


@pytest.mark.parametrize("n, tau, omega_fast", [(0, 0.5, 10.0), (5, 0.5, 10.0),
                                                (40, 2.0, 10.0), (3, 1.7, 3.0)])
def test_gamma_matches_30_digit_quadrature(n, tau, omega_fast):
    assert abs(float(gamma(n, tau, omega_fast)) - gamma_mpmath(n, tau, omega_fast)) < 1e-13


def test_gamma_broadcasts_and_is_even_free_of_order():
    n = np.arange(6)[:, None]
    tau = np.array([0.0, 0.25, 3.0])
    out = gamma(n, tau)
    assert out.shape == (6, 3)
    for i in range(6):
        for j in range(3):
            assert out[i, j] == pytest.approx(gamma_quad(i, tau[j]), abs=1e-12)
    # the same values whatever else is asked for in the same call
    assert np.allclose(gamma([5, 0, 5], [3.0, 3.0, 0.25]),
                       [out[5, 2], out[0, 2], out[5, 1]], rtol=0, atol=1e-15)
    assert np.ndim(gamma(2, 1.0)) == 0


# ------------------------------------------------------------------------------ physics
def test_gamma_vanishes_at_time_zero():
    assert np.all(gamma(np.arange(1001), 0.0) == 0.0)


def test_initial_velocity_is_the_kick_two_pi_at_the_kicked_site_only():
    # Gamma is odd in tau: (8 G(h) - G(2h)) / (6h) = G'(0) + O(h^4 (2 pi omega_fast)^5).
    # That term is 1.2e-10 at h = 1e-4 (measured), so 1.2e-14 at h = 1e-5; rounding adds
    # ~1e-16 |G|/h ~ 1e-15. Measured 1.3e-14 (2026-12-03); pi good to 10 digits in the
    # kernel (1.3e-10 relative) gives 8e-10.
    h = 1e-5
    n = np.arange(50)
    slope = (8.0 * gamma(n, h) - gamma(n, 2.0 * h)) / (6.0 * h)
    expected = np.where(n == 0, 2.0 * math.pi, 0.0)
    np.testing.assert_allclose(slope, expected, rtol=0, atol=1e-12)


def test_gamma_is_the_impulse_response_of_the_chain():
    """rho_g'' = -(2 pi)^2 [rho_g + K (2 rho_g - rho_{g-1} - rho_{g+1})], rho_0'(0) = 2 pi.

    A ring of 2000 masses is the infinite chain until the front (141 sites at tau = 5)
    comes back round; Gamma_n must be the displacement at sites n and -n.
    """
    ring = 2000
    k = (OMEGA_FAST**2 - 1.0) / 4.0

    def rhs(_, y):
        rho, vel = y[:ring], y[ring:]
        acc = -(2.0 * math.pi) ** 2 * (rho + k * (2.0 * rho - np.roll(rho, 1)
                                                   - np.roll(rho, -1)))
        return np.concatenate([vel, acc])

    y0 = np.zeros(2 * ring)
    y0[ring] = 2.0 * math.pi  # the kick: velocity 2 pi at site 0
    taus = [0.5, 2.0, 5.0]
    sol = solve_ivp(rhs, (0.0, taus[-1]), y0, method="DOP853", t_eval=taus, rtol=1e-12,
                    atol=1e-14)
    assert sol.success
    n = np.arange(300)
    # the integrator's error bounds the agreement: measured 1.05e-12 at tau = 5 with rtol
    # 1e-12 (1.0e-13 with 1e-13, 1.1e-10 with 1e-10; 2026-12-03), max |Gamma| = 0.037
    for j, tau in enumerate(taus):
        g = gamma(n, tau)
        np.testing.assert_allclose(sol.y[n, j], g, rtol=0, atol=1e-11)
        np.testing.assert_allclose(sol.y[(ring - n) % ring, j], g, rtol=0, atol=1e-11)


@pytest.mark.parametrize("tau", [1.0, 5.0, 10.0, 15.0])
def test_nothing_ahead_of_the_front_and_the_peak_at_it(tau):
    """Fig. 2: the leading edge is at n = tau pi (omega_fast - 1), where |Gamma| peaks.

    Ahead of it only an Airy tail of width ~ tau^(1/3) sites survives, then Gamma
    decays faster than exponentially.
    """
    front = tau * math.pi * (OMEGA_FAST - 1.0)
    n = np.arange(int(front) + 400)
    g = np.abs(gamma(n, tau))
    ahead = n > front + 30.0 * tau ** (1.0 / 3.0) + 10.0
    assert g[ahead].max() < 1e-12
    assert abs(np.argmax(g) - front) <= 0.05 * front + 3.0
    assert g[n <= front].max() > 1e-3  # a real disturbance behind the front


@pytest.mark.parametrize("omega_fast", [10.0, 4.0, 2.0])
def test_front_moves_at_the_largest_group_velocity(omega_fast):
    """The peak of |Gamma_n(tau)| (the caustic at the front) moves at pi (omega_fast - 1).

    Its offset behind the front grows only like tau^(1/3) (Airy scaling), so the speed
    between tau = 100 and 400 is the group velocity to a few 1e-3.
    """
    def peak(tau):
        g = np.abs(gamma(np.arange(int(tau * math.pi * omega_fast) + 200), tau, omega_fast))
        return np.argmax(g)

    speed = (peak(400.0) - peak(100.0)) / 300.0
    assert speed == pytest.approx(math.pi * (omega_fast - 1.0), rel=0.005)


@pytest.mark.parametrize("call, name", [
    (lambda: gamma(-1, 1.0), r"\bn\b"),
    (lambda: gamma(1.5, 1.0), r"\bn\b"),
    (lambda: gamma(True, 1.0), r"\bn\b"),
    (lambda: gamma(1, -0.1), r"\btau\b"),
    (lambda: gamma(1, math.nan), r"\btau\b"),
    (lambda: gamma(1, [1.0, math.inf]), r"\btau\b"),
    (lambda: gamma(1, 1.0, omega_fast=1.0), r"\bomega_fast\b"),
    (lambda: gamma(1, 1.0, omega_fast=math.inf), r"\bomega_fast\b"),
])
def test_gamma_refuses_bad_input_naming_the_parameter(call, name):
    with pytest.raises(ParameterError, match=name):
        call()


# ------------------------------------------------------------------------------- stores
def _files(path):
    return {str(p.relative_to(path)): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in sorted(path.rglob("*")) if p.is_file()}


def _siblings(path):
    return sorted(p.name for p in path.parent.iterdir() if p.name != path.name)


def test_store_holds_gamma_at_the_lags_and_reopens(tmp_path):
    path = tmp_path / "k.zarr"
    store = precompute(path, n_max=30, tau_max=0.3, omega_fast=OMEGA_FAST, d=D)
    assert isinstance(store, KernelStore)
    again = open_store(path)
    assert again == store
    assert (again.n_max, again.n_lags, again.d) == (30, 180, D)
    assert again.omega_fast == OMEGA_FAST and again.delta == pytest.approx(DELTA, rel=1e-15)
    assert again.gamma.shape == (31, 180)
    for key in ("omega_fast", "d", "delta", "n_max", "tau_max", "n_lags", "method",
                "chaindrag_version"):
        assert key in again.attrs
    assert again.attrs["complete"] is True
    assert not {"created", "wall_time_s", "hostname"} & set(again.attrs)  # times: in the log
    window = again.window(31, 180)
    assert window.dtype == np.float64 and window.shape == (31, 180)
    lags = np.arange(1, 181)
    np.testing.assert_allclose(window, gamma(np.arange(31)[:, None], lags * DELTA),
                               rtol=0, atol=1e-15)
    for n, lag in [(0, 1), (0, 180), (7, 100), (12, 180)]:  # an independent spot check
        assert window[n, lag - 1] == pytest.approx(gamma_quad(n, lag * DELTA), abs=1e-13)
    assert again.window(5, 7).shape == (5, 7)
    assert _siblings(path) == []  # no temporary left behind


def test_lag_count_is_floor_of_tau_max_over_delta(tmp_path):
    store = precompute(tmp_path / "k.zarr", n_max=0, tau_max=0.1, omega_fast=OMEGA_FAST, d=D)
    assert store.n_lags == 60  # 0.1 / (1/600) = 60 up to rounding
    assert store.gamma.shape == (1, 60)


@pytest.mark.parametrize("first, second", [
    (dict(n_max=20, tau_max=0.2), dict(n_max=60, tau_max=4.0)),  # rows and lags
    (dict(n_max=60, tau_max=0.2), dict(n_max=60, tau_max=4.0)),  # lags only
    (dict(n_max=20, tau_max=4.0), dict(n_max=60, tau_max=4.0)),  # rows only
    (dict(n_max=60, tau_max=0.2), dict(n_max=20, tau_max=4.0)),  # union of the two
], ids=["both", "lags", "rows", "union"])
def test_extension_equals_a_one_go_computation(tmp_path, first, second):
    path = tmp_path / "k.zarr"
    small = precompute(path, omega_fast=OMEGA_FAST, d=D, **first)
    old = small.window(small.n_max + 1, small.n_lags)
    big = precompute(path, omega_fast=OMEGA_FAST, d=D, **second)
    rows = max(first["n_max"], second["n_max"])
    lags = math.floor(max(first["tau_max"], second["tau_max"]) / DELTA + 1e-9)
    assert (big.n_max, big.n_lags) == (rows, lags)
    assert big.tau_max == max(first["tau_max"], second["tau_max"])
    one_go = precompute(tmp_path / "one_go.zarr", n_max=rows, omega_fast=OMEGA_FAST, d=D,
                        tau_max=max(first["tau_max"], second["tau_max"]))
    extended = big.window(rows + 1, lags)
    np.testing.assert_allclose(extended, one_go.window(rows + 1, lags), rtol=0, atol=1e-14)
    np.testing.assert_array_equal(extended[:old.shape[0], :old.shape[1]], old)
    assert _siblings(path) == ["one_go.zarr"]
    assert open_store(path).attrs["complete"] is True


def test_up_to_date_store_is_returned_untouched(tmp_path):
    path = tmp_path / "k.zarr"
    precompute(path, n_max=30, tau_max=0.5, omega_fast=OMEGA_FAST, d=D)
    before = _files(path)
    store = precompute(path, n_max=10, tau_max=0.25, omega_fast=OMEGA_FAST, d=D)
    assert (store.n_max, store.n_lags) == (30, 300)
    store = precompute(path, n_max=30, tau_max=0.5, omega_fast=OMEGA_FAST, d=D)
    assert _files(path) == before
    assert _siblings(path) == []


@pytest.mark.parametrize("changes, texts", [
    (dict(omega_fast=8.0), ["omega_fast", "10.0", "8.0"]),
    (dict(d=120), ["d=60", "d=120"]),
], ids=["other_omega_fast", "other_d"])
def test_store_made_for_other_chain_parameters_is_refused(tmp_path, changes, texts):
    path = tmp_path / "k.zarr"
    precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    before = _files(path)
    kw = {**dict(n_max=20, tau_max=0.4, omega_fast=OMEGA_FAST, d=D), **changes}
    with pytest.raises(StoreError) as info:
        precompute(path, **kw)
    for text in texts:
        assert text in str(info.value)
    assert _files(path) == before


def _off_by(tolerances: float) -> float:
    """OMEGA_FAST moved by ``tolerances`` times the relative tolerance of a store's omega_fast."""
    return OMEGA_FAST * (1.0 + tolerances * OMEGA_FAST_RTOL)


@pytest.mark.parametrize("tolerances, serves", [(0.5, True), (-0.5, True), (10.0, False),
                                                (-10.0, False)],
                         ids=["within_above", "within_below", "beyond_above", "beyond_below"])
def test_precompute_reuses_a_store_exactly_when_require_accepts_it(tmp_path, tolerances, serves):
    """One rule for both: an omega_fast the store serves a run with is one precompute reuses
    the store for (untouched); any other is refused by both, naming omega_fast."""
    path = tmp_path / "k.zarr"
    store = precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    before = _files(path)
    omega = _off_by(tolerances)
    assert omega != OMEGA_FAST and same_omega_fast(OMEGA_FAST, omega) is serves
    if serves:
        assert store.require(omega_fast=omega) is store
        assert precompute(path, n_max=10, tau_max=0.2, omega_fast=omega, d=D) == store
    else:
        with pytest.raises(StoreError, match="omega_fast"):
            store.require(omega_fast=omega)
        with pytest.raises(StoreError, match="omega_fast"):
            precompute(path, n_max=10, tau_max=0.2, omega_fast=omega, d=D)
    assert _files(path) == before


def test_a_store_extended_for_a_nearly_equal_omega_fast_keeps_its_own(tmp_path):
    """Old and new blocks of an extension are of one chain: the store's omega_fast."""
    path = tmp_path / "k.zarr"
    precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    big = precompute(path, n_max=20, tau_max=0.4, omega_fast=_off_by(0.5), d=D)
    one_go = precompute(tmp_path / "one_go.zarr", n_max=20, tau_max=0.4, omega_fast=OMEGA_FAST,
                        d=D)
    assert (big.omega_fast, big.delta, big.n_lags) == (one_go.omega_fast, one_go.delta,
                                                       one_go.n_lags)
    np.testing.assert_allclose(big.window(21, big.n_lags), one_go.window(21, one_go.n_lags),
                               rtol=0, atol=1e-14)


def test_require_names_what_is_missing(tmp_path):
    path = tmp_path / "k.zarr"
    store = precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    assert store.require(n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D) is store
    cases = [(dict(n_max=11), ["n_max", "10", "11"]),
             (dict(tau_max=0.5), ["tau_max", "0.2", "0.5"]),
             (dict(omega_fast=8.0), ["omega_fast", "10.0", "8.0"]),
             (dict(d=30), ["d=60", "d=30"])]
    for kw, texts in cases:
        with pytest.raises(StoreError) as info:
            store.require(**kw)
        for text in [*texts, str(path)]:
            assert text in str(info.value), (kw, str(info.value))
    with pytest.raises(StoreError, match="n_max"):
        store.window(12, 5)
    with pytest.raises(StoreError, match="tau_max"):
        store.window(5, 121)


def test_open_store_refuses_missing_and_incomplete_stores(tmp_path):
    with pytest.raises(StoreError, match="nothing_here"):
        open_store(tmp_path / "nothing_here.zarr")
    path = tmp_path / "k.zarr"
    precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    zarr.open_group(path, mode="r+", zarr_format=3).attrs["complete"] = False
    with pytest.raises(StoreError, match="incomplete"):
        open_store(path)
    # precompute recomputes an incomplete store from scratch
    store = precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    assert store.attrs["complete"] is True
    np.testing.assert_allclose(store.window(11, 120)[:, -1], gamma(np.arange(11), 0.2),
                               rtol=0, atol=1e-15)


def _dead_pid() -> int:
    pid = 4_000_000  # above the default pid_max; never a live process here
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return pid
        pid += 1


@pytest.mark.parametrize("writer", ["host", "legacy"])
def test_leftovers_of_a_killed_writer_are_cleaned_and_an_orphaned_store_recovered(tmp_path,
                                                                                  writer):
    path = tmp_path / "k.zarr"
    precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    before = _files(path)
    pid = _dead_pid()
    tag = f"{host_tag()}-{pid}" if writer == "host" else str(pid)  # legacy: no host in it
    # killed between "old -> .old-<tag>" and "tmp -> path": path missing, both siblings left
    os.replace(path, tmp_path / f"k.zarr.old-{tag}")
    (tmp_path / f"k.zarr.tmp-{tag}" / "gamma").mkdir(parents=True)
    store = precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    assert _files(path) == before  # the old store itself is back, not recomputed
    assert (store.n_max, store.n_lags) == (10, 120)
    assert _siblings(path) == []


def test_another_machines_writer_on_a_shared_disk_is_left_alone(tmp_path):
    # its pid means nothing here: the same number may be dead on this host and alive there
    path = tmp_path / "k.zarr"
    pid = _dead_pid()
    other = "node" + ("x" if host_tag() == "node017" else "017")
    theirs = [tmp_path / f"k.zarr.tmp-{other}-{pid}", tmp_path / f"k.zarr.old-{other}-{pid}"]
    for p in theirs:
        (p / "gamma").mkdir(parents=True)
    ours = tmp_path / f"k.zarr.tmp-{host_tag()}-{pid}"
    (ours / "gamma").mkdir(parents=True)
    precompute(path, n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    assert _siblings(path) == sorted(p.name for p in theirs)
    assert not ours.exists()


def test_progress_is_logged(tmp_path, caplog):
    with caplog.at_level(logging.INFO, logger="chaindrag.kernel"):
        precompute(tmp_path / "k.zarr", n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    assert any("%" in r.getMessage() and r.name == "chaindrag.kernel" for r in caplog.records)
    # the time taken is in the log, not in the store
    assert any(re.search(r"100% done in \d+\.\d s$", r.getMessage()) for r in caplog.records)


def _tree(path):
    """{relative path: bytes} of every file under ``path`` (attributes are files too)."""
    return {p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("extend", [False, True], ids=["one_go", "extended"])
def test_two_stores_of_the_same_calls_are_byte_identical(tmp_path, extend):
    trees = []
    for name in ("a.zarr", "b.zarr"):
        path = tmp_path / name
        if extend:
            precompute(path, n_max=6, tau_max=0.1, omega_fast=OMEGA_FAST, d=D, workers=1)
        precompute(path, n_max=12, tau_max=0.2, omega_fast=OMEGA_FAST, d=D, workers=1)
        trees.append(_tree(path))
    first, second = trees
    assert "zarr.json" in first and "gamma/zarr.json" in first and len(first) >= 3
    assert first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    attrs = open_store(tmp_path / "a.zarr").attrs
    assert not {"created", "wall_time_s", "hostname"} & set(attrs)
    assert attrs.get("extended_from") == ({"n_max": 6, "n_lags": 60} if extend else None)


def test_a_store_of_an_earlier_version_with_creation_and_wall_times_opens_and_extends(
        tmp_path):
    path = tmp_path / "k.zarr"
    precompute(path, n_max=6, tau_max=0.1, omega_fast=OMEGA_FAST, d=D)
    zarr.open_group(path, mode="r+", zarr_format=3).attrs.update(
        {"created": "2025-06-01T12:00:00+00:00", "wall_time_s": 0.042})
    old = open_store(path)
    assert old.attrs["created"] == "2025-06-01T12:00:00+00:00" and old.n_max == 6
    assert precompute(path, n_max=6, tau_max=0.1, omega_fast=OMEGA_FAST, d=D) == old
    values = old.window(7, 60)
    big = precompute(path, n_max=12, tau_max=0.2, omega_fast=OMEGA_FAST, d=D)
    assert not {"created", "wall_time_s"} & set(big.attrs)  # not carried into the extension
    assert big.attrs["extended_from"] == {"n_max": 6, "n_lags": 60}
    np.testing.assert_array_equal(big.window(7, 60), values)


@pytest.mark.parametrize("changes, name", [
    (dict(n_max=-1), r"\bn_max\b"), (dict(n_max=2.5), r"\bn_max\b"),
    (dict(tau_max=0.0), r"\btau_max\b"), (dict(tau_max=math.nan), r"\btau_max\b"),
    (dict(tau_max=1e-4), r"\btau_max\b"),  # shorter than one step delta
    (dict(omega_fast=1.0), r"\bomega_fast\b"), (dict(d=3), r"\bd\b.*4|4.*\bd\b"),
    (dict(n_max=True), r"\bn_max\b"), (dict(d=True), r"\bd\b"),  # True must not run as 1
], ids=["n_max_negative", "n_max_fraction", "tau_max_zero", "tau_max_nan",
        "tau_max_below_delta", "omega_fast_one", "d_three", "n_max_bool", "d_bool"])
def test_precompute_refuses_bad_input(tmp_path, changes, name):
    kw = {**dict(n_max=10, tau_max=0.2, omega_fast=OMEGA_FAST, d=D), **changes}
    with pytest.raises(ParameterError, match=name):
        precompute(tmp_path / "k.zarr", **kw)
    assert not (tmp_path / "k.zarr").exists()
