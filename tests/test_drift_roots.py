"""The root finder of drift_velocities (ITP with Anderson-Bjorck steps) against plain
bisection written here, on Eq. (33), its broadened form, a non-Gaussian potential and
synthetic curves with jumps; relaxation_time against the plain trapezoid sum."""

import math

import numpy as np
import pandas as pd
import pytest

from chaindrag import analytic as an
from chaindrag.analytic import drift
from chaindrag.interactions import Morse
from chaindrag.params import ParameterError

ALPHA, LAM, WF, BIAS = 40.0, 4.0, 10.0, 0.01  # Fig. 8 parameters
RTOL = 1e-15  # the bracket width the solver stops at, relative
SLACK = 2  # steps allowed beyond bisection's (ITP's n0 = 1, and one for rounding)


def bisect(gap, lo, hi):
    """Plain bisection of sign changes of ``gap`` in [lo, hi] to width RTOL * hi (written
    here, not the package's): (speeds, ends' gaps, steps)."""
    lo, hi = np.array(lo, dtype=float), np.array(hi, dtype=float)
    width, s_lo = RTOL * hi, np.sign(gap(lo))
    steps = 0
    while np.any(hi - lo > width):
        mid = 0.5 * (lo + hi)
        go = (hi - lo > width) & (np.sign(gap(mid)) == s_lo)
        stay = (hi - lo > width) & ~go
        lo, hi = np.where(go, mid, lo), np.where(stay, mid, hi)
        steps += 1
    return 0.5 * (lo + hi), np.abs(np.stack([gap(lo), gap(hi)])), steps


def kinds_of(ends):
    """'root' where both ends of a converged bracket sit at the bias (within 1e-3 of it),
    'spike_edge' where neither does; anything else is not a clean case."""
    root, jump = np.all(ends <= 1e-3 * BIAS, axis=0), np.all(ends > 1e-3 * BIAS, axis=0)
    assert np.all(root | jump), ends
    return np.where(root, "root", "spike_edge")


class Counted:
    """A loss that counts its calls."""

    def __init__(self, loss):
        self.loss, self.calls = loss, 0

    def __call__(self, v):
        self.calls += 1
        return self.loss(v)


def solve_both(monkeypatch, **kw):
    """drift_velocities(BIAS, **kw), with every bracket it solves also bisected here:
    (table, [(package speeds, kinds, calls, bisection speeds, kinds, steps, loss)])."""
    seen, real = [], drift._crossings

    def spy(loss, bias, lo, hi, g_lo, g_hi):
        counted = Counted(loss)
        speeds, kinds = real(counted, bias, lo, hi, g_lo, g_hi)
        ref, ends, steps = bisect(lambda v: bias - np.asarray(loss(v)), lo, hi)
        seen.append((speeds, np.array(kinds), counted.calls, ref, kinds_of(ends), steps, loss))
        return speeds, kinds

    monkeypatch.setattr(drift, "_crossings", spy)
    return an.drift_velocities(BIAS, **kw), seen


def resolution(loss, v):
    """Local slope d(loss)/dv and noise of the loss about v: a parabola fitted to it at
    v (1 + k 5e-12), |k| <= 20, and the largest deviation from it (the broadened curve's
    quadrature leaves steps of ~1e-12 there; Eq. 33 is smooth to rounding)."""
    k = np.arange(-20.0, 21.0)
    y = np.asarray(loss(v * (1.0 + 5e-12 * k)))
    fit = np.polyfit(k, y, 2)
    noise = np.max(np.abs(y - np.polyval(fit, k))) + 1e-16 * abs(fit[2])
    return fit[1] / (5e-12 * v), noise


CASES = {  # name: keywords of drift_velocities (broadened: a window, to keep bisection cheap)
    "plain +phi0": dict(phi0=2.0, lam=LAM, alpha=ALPHA, v_max=150.0),
    "plain -phi0": dict(phi0=-2.0, lam=LAM, alpha=ALPHA, v_max=150.0),
    "broadened +phi0": dict(phi0=2.0, lam=LAM, alpha=ALPHA, broadened=True, v_min=12.9,
                            v_max=21.0, n_grid=400),
    "broadened -phi0": dict(phi0=-2.0, lam=LAM, alpha=ALPHA, broadened=True, v_min=12.9,
                            v_max=16.0, n_grid=400),
    "plain Morse": dict(alpha=ALPHA, interaction=Morse.channel()),
    "broadened Morse": dict(alpha=ALPHA, interaction=Morse.channel(), broadened=True,
                            v_min=260.0, v_max=280.0, n_grid=400),
}


@pytest.mark.parametrize("name", list(CASES))
def test_drift_solutions_are_bisections_of_the_same_brackets(monkeypatch, name):
    table, seen = solve_both(monkeypatch, **CASES[name])
    assert len(seen) == 1
    speeds, kinds, calls, ref, ref_kinds, steps, loss = seen[0]
    assert len(speeds) >= 1 and len(table) >= 2
    np.testing.assert_array_equal(kinds, ref_kinds)
    # the solver takes at most bisection's steps + SLACK; on continuous crossings alone
    # (Eq. 33 away from its spikes) it converges superlinearly
    assert calls <= steps + SLACK
    if np.all(kinds == "root"):
        assert calls <= steps // 2
    for v, v_ref, kind in zip(speeds, ref, kinds):
        if kind == "spike_edge":  # a jump: both converge on it to the bracket width
            assert abs(v - v_ref) <= RTOL * v
            continue
        # a root: |bias - loss| at the loss's own resolution (float noise for Eq. 33, its
        # quadrature steps for the broadened curve), and the same crossing as bisection's
        # up to the band in which that noise hides the sign of bias - loss
        slope, noise = resolution(loss, v)
        assert abs(BIAS - loss(np.array([v]))[0]) <= 1e-13 * v * abs(slope) + 2.0 * noise
        assert abs(v - v_ref) <= 1e-13 * v + 2.0 * noise / abs(slope)
        if not CASES[name].get("broadened"):
            assert abs(v - v_ref) <= 1e-13 * v
    assert np.all(np.isin(speeds, table.v.to_numpy()))


def _step_loss(jumps):
    """A synthetic loss that jumps up through the bias at each speed of ``jumps`` (exact
    floats, a factor >= 2 apart) and falls through it continuously again at ~1.14 x each:
    ``(v - j)/j = u_root`` (ROOT_U) on the parabola above the jump."""
    jumps = np.asarray(jumps)

    def loss(v):
        j = jumps[np.argmin(np.abs(np.log(v[:, None] / jumps[None, :])), axis=1)]
        u = (v - j) / j
        return np.where(v < j, BIAS * (0.5 + 0.01 * u), BIAS * (3.0 + 0.2 * u - 100.0 * u**2))
    return loss


ROOT_U = (0.2 + math.sqrt(0.04 + 800.0)) / 200.0  # 3 + 0.2 u - 100 u^2 = 1


def test_jumps_and_roots_solved_together_each_in_bisections_steps():
    jumps = np.array([13.332575289323985, 30.123456789, 66.375507621323, 150.61315806])
    roots = jumps * (1.0 + ROOT_U)
    loss = Counted(_step_loss(jumps))
    lo = np.concatenate([jumps * (1 - 3e-3), roots * (1 - 1e-3)])
    hi = np.concatenate([jumps * (1 + 2e-3), roots * (1 + 1e-3)])
    g_lo, g_hi = BIAS - loss(lo), BIAS - loss(hi)
    assert np.all(g_lo * g_hi < 0)
    loss.calls = 0
    speeds, kinds = drift._crossings(loss, BIAS, lo, hi, g_lo, g_hi)
    assert kinds == ["spike_edge"] * 4 + ["root"] * 4
    np.testing.assert_allclose(speeds[:4], jumps, rtol=RTOL, atol=0)
    np.testing.assert_allclose(speeds[4:], roots, rtol=1e-14, atol=0)
    _, _, steps = bisect(lambda v: BIAS - loss.loss(v), lo, hi)
    assert loss.calls <= steps + SLACK


@pytest.mark.parametrize("where", [1e-13, 1e-9, 0.3, 0.5, 1.0 - 1e-13])
def test_a_lone_jump_anywhere_in_its_bracket(where):
    lo, hi = np.array([50.0]), np.array([50.5])
    j = lo + where * (hi - lo)
    loss = Counted(lambda v: np.where(v < j, 0.2 * BIAS, 7.0 * BIAS))
    g_lo, g_hi = BIAS - loss(lo), BIAS - loss(hi)
    loss.calls = 0
    speeds, kinds = drift._crossings(loss, BIAS, lo, hi, g_lo, g_hi)
    assert kinds == ["spike_edge"]
    assert abs(speeds[0] - j[0]) <= RTOL * hi[0]
    assert loss.calls <= math.ceil(math.log2((hi[0] - lo[0]) / (RTOL * hi[0]))) + SLACK


def test_a_smooth_crossing_next_to_a_spike_converges_superlinearly():
    # Eq. (33) near a band-bottom spike: ~ 1/sqrt(v - v_c), bending strongly across the
    # bracket, where regula falsi alone converges linearly
    v_c = 39.99876
    loss = Counted(lambda v: 3e-4 * BIAS / np.sqrt(np.abs(v - v_c) / v_c))
    root = v_c * (1 + (3e-4) ** 2)
    lo, hi = np.array([v_c * (1 + 1e-9)]), np.array([v_c * (1 + 1e-5)])
    g_lo, g_hi = BIAS - loss(lo), BIAS - loss(hi)
    loss.calls = 0
    speeds, kinds = drift._crossings(loss, BIAS, lo, hi, g_lo, g_hi)
    assert kinds == ["root"]
    assert speeds[0] == pytest.approx(root, rel=1e-14)
    assert loss.calls <= 15  # bisection: 34


@pytest.mark.parametrize("call", [
    dict(v_from=29.0, v_to=25.0, phi0=2.0),    # finite: every point is needed
    dict(v_from=14.0, v_to=13.4, phi0=-2.0),
    dict(v_from=25.0, v_to=29.0, phi0=2.0),    # blocked: the loss exceeds the bias
    dict(v_from=60.0, v_to=70.0, phi0=-2.0),   # blocked by spikes only
    dict(v_from=15.96, v_to=15.9, phi0=2.0, n_grid=40),  # blocked above 15.9522 only
    dict(v_from=29.0, v_to=25.0, phi0=2.0, n_grid=16),
])
def test_relaxation_time_is_the_trapezoid_sum_on_its_grid(call):
    """The documented quadrature, written here: a geometric grid merged with v_c (1 +- 10^-k),
    k = 2..9, at the tangency speeds in between; inf if the mean force changes sign."""
    v_from, v_to, phi0 = call["v_from"], call["v_to"], call["phi0"]
    n_grid = call.get("n_grid", 4000)
    lo, hi = min(v_from, v_to), max(v_from, v_to)
    tang = np.concatenate([an.spike_speeds(ALPHA, WF, 200, "bottom"),
                           an.spike_speeds(ALPHA, WF, 200, "top")])
    tang = tang[np.isfinite(tang) & (tang >= lo) & (tang <= hi)]
    off = 10.0 ** -np.arange(2.0, 10.0)
    near = np.outer(tang, np.concatenate([1 - off, 1 + off])).ravel()
    v = np.unique(np.concatenate([np.geomspace(lo, hi, n_grid), near[(near > lo) & (near < hi)]]))
    force = BIAS - an.steady_state_loss(v, phi0, LAM, ALPHA, WF)
    if np.any(force * np.sign(v_to - v_from) <= 0):
        expected = math.inf
    else:
        inv = ALPHA / (4 * math.pi**2 * np.abs(force))
        expected = float(np.sum(0.5 * (inv[1:] + inv[:-1]) * np.diff(v)))
    got = an.relaxation_time(v_from, v_to, BIAS, phi0, LAM, ALPHA, WF, n_grid=n_grid)
    if math.isfinite(expected):
        assert got == pytest.approx(expected, rel=1e-12)
    else:
        assert math.isinf(got)


@pytest.mark.parametrize("omega_fast", [10.0, 3.0])
@pytest.mark.parametrize("band_edge", ["bottom", "top"])
def test_cached_tangency_points_are_the_bisection_of_every_index_bit_for_bit(omega_fast,
                                                                            band_edge):
    # the cache grows and is sliced; each index must still be its own fresh bisection
    from chaindrag.analytic import resonances

    first = 1 if band_edge == "bottom" else 0
    for n_max in (5, 60, 3, 400, 399):
        fresh = resonances._tangency_points(np.arange(first, n_max + 1), omega_fast, band_edge)
        cached = resonances._cached_points(n_max, omega_fast, band_edge)
        assert cached.shape == fresh.shape
        np.testing.assert_array_equal(cached, fresh)
        assert not cached.flags.writeable


def test_a_band_top_spike_too_weak_to_reach_the_bias_is_no_drift_speed():
    """At small v a band-top spike is weighted by e^{-4 pi^2 lam^2 omega_fast^2 / v^2}: Delta_bar
    stays below the bias across its tangency, so a crossing whose scan bracket happens to hold
    that tangency is the continuous root of Delta_bar = bias (found here by bisection), not an
    edge at the tangency. Every reported edge flips the sign across v_c (1 -+ 1e-9)."""
    bias, phi0, lam, alpha, wf, mu = 3e-05, 0.0091147, 0.76712, 97.408, 22.5456, 2.2282
    table = an.drift_velocities(bias, phi0, lam, alpha, wf, mu=mu, n_grid=800)
    top = an.spike_speeds(alpha, wf, 2000, "top")
    v_c = top[np.nanargmin(np.abs(top - 3.8973))]  # the weak band-top tangency in question

    def gap(v):
        return bias - an.steady_state_loss(v, phi0, lam, alpha, wf)

    assert gap(v_c * (1 - 1e-9)) > 0 and gap(v_c * (1 + 1e-9)) > 0  # loss < bias on both sides
    assert not np.any(np.isclose(table["v"], v_c, rtol=1e-12, atol=0))
    for v, kind in zip(table["v"], table["kind"]):
        if kind == "spike_edge":
            assert np.sign(gap(v * (1 - 1e-9))) != np.sign(gap(v * (1 + 1e-9))), v
    root, _, _ = bisect(gap, [3.8963], [3.8966])  # the unstable root above spike n = 25
    got = table["v"][np.isclose(table["v"], root[0], rtol=1e-6)]
    assert len(got) == 1 and got.iloc[0] == pytest.approx(root[0], rel=1e-13)


def test_no_drift_speed_below_a_capture_speed_above_the_scan_and_a_given_empty_range_refused():
    # phi0 = 24: capture speed sqrt(8 pi^2 24) = 43.5; a scan up to 40 passes no chain mass
    cap = float(an.capture_speed(24.0, 1.0))
    assert cap > 40.0
    for broadened in (False, True):
        table = an.drift_velocities(0.01, 24.0, 4.0, 40.0, v_max=40.0, broadened=broadened)
        assert len(table) == 0 and "v" in table.columns
    with pytest.raises(ParameterError, match="v_max must exceed v_min"):
        an.drift_velocities(0.01, 24.0, 4.0, 40.0, v_min=45.0, v_max=40.0)


def test_each_drift_speed_row_records_the_speeds_scanned_and_lies_within_them():
    # plain Eq. (33): the default top is raised until Delta_bar < bias there, so the mean
    # force accelerates the particle beyond it and no solution is left above the scan
    plain = an.drift_velocities(BIAS, phi0=2.0, lam=LAM, alpha=ALPHA, omega_fast=WF)
    v_min, v_max = plain["v_min"].iloc[0], plain["v_max"].iloc[0]
    assert plain["v_min"].nunique() == plain["v_max"].nunique() == 1
    assert v_min == pytest.approx(1.001 * math.sqrt(8 * math.pi**2 * 2.0))  # capture speed
    assert plain["v"].between(v_min, v_max).all()
    top = np.geomspace(v_max, 100 * v_max, 2000)
    assert np.all(an.steady_state_loss(top, phi0=2.0, lam=LAM, alpha=ALPHA, omega_fast=WF)
                  < BIAS)
    # the broadened curve up to a given v_max: a row says where the scan stopped, and the
    # solutions a wider scan finds above it are exactly the ones missing
    narrow, wide = (an.drift_velocities(BIAS, phi0=2.0, lam=LAM, alpha=ALPHA, omega_fast=WF,
                                        broadened=True, v_max=top_v)
                    for top_v in (100.0, 150.0))
    assert (narrow["v_max"] == 100.0).all() and (wide["v_max"] == 150.0).all()
    above = wide[wide["v"] > 100.0]
    assert len(above) > 0
    np.testing.assert_allclose(narrow["v"], wide["v"][wide["v"] <= 100.0], rtol=1e-9)


@pytest.mark.parametrize("sure", [drift._SCAN_SURE, 0.0])
def test_a_broadened_scan_started_coarse_solves_the_full_accuracy_curve(monkeypatch, sure):
    # the scan's first pass stops each speed's quadrature at 1e-7 bias absolute; the points
    # near the bias and every bracket's ends are then taken to full accuracy, so the table
    # is the one a full-accuracy scan gives, bit for bit. sure = 0: only the bracket ends
    kw = dict(phi0=-2.0, lam=LAM, alpha=ALPHA, broadened=True, v_max=20.0, n_grid=800)
    monkeypatch.setattr(drift, "_SCAN_ATOL", 0.0)
    full = an.drift_velocities(BIAS, **kw)
    monkeypatch.setattr(drift, "_SCAN_ATOL", 1e-7)
    monkeypatch.setattr(drift, "_SCAN_SURE", sure)
    coarse = an.drift_velocities(BIAS, **kw)
    assert len(full) == 3
    pd.testing.assert_frame_equal(coarse, full)


def test_every_bracket_end_of_a_coarse_scan_is_at_full_accuracy(monkeypatch):
    # with no point near the bias taken again (sure = 0), the brackets' ends still are:
    # the root finder starts from the full-accuracy curve's values. A first pass 1e4 times
    # rougher than the scan's makes it differ from the full curve at the ends
    monkeypatch.setattr(drift, "_SCAN_SURE", 0.0)
    monkeypatch.setattr(drift, "_SCAN_ATOL", 1e-3)
    loss = drift._potential_terms(-2.0, LAM, None, ALPHA, 1.0, WF, True)["loss"]
    grid = np.geomspace(12.9, 20.0, 120)
    full = BIAS - loss(grid)
    rough = BIAS - loss(grid, atol=drift._SCAN_ATOL * BIAS)
    gap = drift._scan_gap(loss, BIAS, grid, True)
    flips = np.nonzero(np.sign(full[:-1]) != np.sign(full[1:]))[0]
    ends = np.union1d(flips, flips + 1)
    assert flips.size == 3 and np.any(rough[ends] != full[ends])  # the first pass is rough
    np.testing.assert_array_equal(np.sign(gap), np.sign(full))
    np.testing.assert_array_equal(gap[ends], full[ends])
    assert np.max(np.abs(gap - full)) <= drift._SCAN_ATOL * BIAS
