"""Steady drift speeds under a bias (Sec. VI, Figs. 8, 9).

A biased particle drifts at a speed where the energy the bias supplies per lattice spacing
equals the loss to the chain. :func:`drift_velocities` finds these speeds on Eq. (33)
(Fig. 8) or on its broadened form (:func:`~chaindrag.analytic.broadened_steady_state_loss`,
which averages Eq. (33) over the speeds the particle takes between two chain masses, Fig. 9),
for the paper's Gaussian or any pair potential.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pandas as pd

from chaindrag._version import __version__
from chaindrag.interactions import Interaction
from chaindrag.params import (ParameterError, require_finite, require_flag, require_int_range,
                              require_omega_fast, require_positive)

from ._common import EIGHT_PI_SQ, scalar
from ._pair import provenance_text, resolve
from ._roots import itp_brackets
from .broadening import broadened_steady_state_loss
from .resonances import _all_tangencies
from .single_pass import capture_speed
from .steady_state import steady_state_loss

__all__ = ["drift_velocities", "relaxation_time"]

MAX_GRID = 10**7  # the largest n_grid: one loss evaluation a point
# the broadened scan's first pass: quadrature to _SCAN_ATOL x bias absolute; only points
# within _SCAN_SURE x bias of the bias (and bracket ends) are then done to full accuracy
_SCAN_ATOL = 1e-7
_SCAN_SURE = 1e-3


# --------------------------------------------------------------------------- drift velocities
def _which_spike(v: float, stable: bool, kind: str, tang: np.ndarray, edge: np.ndarray) -> str:
    """Band edge ('slow' = bottom, 'fast' = top) of the spike a drift solution belongs to.

    An edge is its own tangency. A stable root (loss rising through the bias) belongs to the
    next band-top spike above it (those diverge on their low side); an unstable root (loss
    falling through the bias) to the next band-bottom spike below it (diverging on its high
    side). 'none' if there is no such spike.
    """
    if kind == "spike_edge":
        if not tang.size:
            return "none"
        j = np.argmin(np.abs(tang - v))
        return "fast" if edge[j] == "top" else "slow"
    if stable:
        return "fast" if np.any((edge == "top") & (tang >= v)) else "none"
    return "slow" if np.any((edge == "bottom") & (tang <= v)) else "none"


def _default_v_max(bias, fast_scale, v_min, tang_all, loss: Callable) -> float:
    """Top of the scan: above every tangency and the large-v root, where loss < bias.

    ``fast_scale`` is v^4 Delta_bar at large v per unit band sum: 16 pi^5 phi0^2 lam^2 for
    the Gaussian, 8 pi^4 Phi_k(0)^2 in general.
    """
    v_max = 2.0 * (fast_scale / max(bias, 1e-300)) ** 0.25
    v_max = max(v_max, 1.1 * float(np.max(tang_all, initial=v_min)), 2.0 * v_min)
    while bias > 0 and not loss(v_max) < bias and v_max < 1e12:
        v_max *= 2.0
    return v_max


def _scan_grid(loss: Callable, bias, v_min, v_max, n_grid, tang, broadened) -> np.ndarray:
    """Geometric grid on [v_min, v_max], refined around every resolvable spike."""
    grid = [np.geomspace(v_min, v_max, n_grid if not broadened else max(n_grid // 8, 16))]
    if not broadened and tang.size:
        # refine only around spikes that are resolvable: loss > bias next to v_c
        near = loss(np.concatenate([tang * (1.0 - 1e-9), tang * (1.0 + 1e-9)]))
        sharp = tang[np.maximum(near[:tang.size], near[tang.size:]) > bias]
        offs = 10.0 ** -np.array([3.0, 5.0, 7.0, 9.0])
        grid += [sharp[:, None] * (1.0 - offs), sharp[:, None] * (1.0 + offs)]
    grid = np.unique(np.concatenate([g.ravel() for g in grid]))
    return grid[(grid >= v_min) & (grid <= v_max)]


def _crossings(loss: Callable, bias, lo: np.ndarray, hi: np.ndarray, g_lo: np.ndarray,
               g_hi: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Speeds and kinds ('root' or 'spike_edge') of sign changes of g = bias - loss in
    [lo, hi] (g_lo, g_hi: g at the ends).

    All brackets are shrunk together to 1e-15 relative by the ITP method with
    Anderson-Bjorck interpolation (:func:`~chaindrag.analytic._roots.itp_brackets`), one
    call of ``loss`` a step with the brackets not yet converged (the broadened loss costs
    ~12 ms a call for one speed, ~30 ms for eight): ~10-15 steps on a continuous crossing
    of Eq. (33) (up to ~25 where the broadened curve's quadrature steps, ~1e-10 of it, blur
    the crossing), at most bisection's (~40-44) + 1 on a jump.
    """
    lo, hi, g_lo, g_hi, _ = itp_brackets(lambda v: bias - np.asarray(loss(v), dtype=float),
                                         lo, hi, g_lo, g_hi, rtol=1e-15)
    # a continuous crossing ends with both sides at the bias; a jump does not
    jump = np.minimum(np.abs(g_lo), np.abs(g_hi)) > 1e-3 * bias
    return 0.5 * (lo + hi), ["spike_edge" if j else "root" for j in jump]


def _scan_gap(loss: Callable, bias, grid: np.ndarray, broadened) -> np.ndarray:
    """bias - loss on the scan grid, as the full-accuracy curve gives it.

    The broadened curve is first taken to _SCAN_ATOL x bias absolute (at full accuracy its
    quadrature halves its step to the end at low speeds, where the loss is far below the
    bias: ~4x the cost), which decides the side of every point farther than _SCAN_SURE x
    bias from it; the others and every bracket's ends are then taken to full accuracy, so
    the signs and the root finder's start are the full-accuracy curve's.
    """
    if not broadened:
        return bias - np.asarray(loss(grid), dtype=float)
    gap = bias - np.asarray(loss(grid, atol=_SCAN_ATOL * bias), dtype=float)
    exact = np.zeros(grid.size, dtype=bool)
    todo = np.abs(gap) <= _SCAN_SURE * bias
    while True:
        flips = np.nonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) < 0)[0]
        todo[flips], todo[flips + 1] = True, True
        todo &= ~exact
        if not todo.any():
            return gap
        gap[todo] = bias - np.asarray(loss(grid[todo]), dtype=float)
        exact |= todo


def _solutions(loss: Callable, bias, v_min, v_max, n_grid, tang, broadened) -> list[tuple]:
    """(v, stable, kind) of every sign change of bias - loss on the scan grid."""
    rows: list[tuple] = []
    grid = _scan_grid(loss, bias, v_min, v_max, n_grid, tang, broadened)
    gap = _scan_gap(loss, bias, grid, broadened)
    sign = np.sign(gap)
    bracket = []
    for j in np.nonzero(sign[:-1] * sign[1:] < 0)[0]:
        lo, hi = grid[j], grid[j + 1]
        stable = bool(sign[j] > 0)
        inside = tang[(tang > lo) & (tang < hi)] if not broadened else tang[:0]
        if inside.size:
            # an edge only where the sign flips across the tangency itself; a spike too
            # weak to cross the bias (a band-top one at small v) leaves a continuous root
            near = np.sign(bias - np.asarray(loss(np.concatenate(
                [inside * (1.0 - 1e-9), inside * (1.0 + 1e-9)])), dtype=float))
            inside = inside[(near[:inside.size] == sign[j]) & (near[inside.size:] == sign[j + 1])]
        if inside.size:
            rows.append((float(inside[0]), stable, "spike_edge"))
        else:
            rows.append(None)  # filled in below, all brackets solved together
            bracket.append((len(rows) - 1, j, stable))
    if bracket:
        at = np.array([b[1] for b in bracket])
        speeds, kinds = _crossings(loss, bias, grid[at], grid[at + 1], gap[at], gap[at + 1])
        for (row, _, stable), v, kind in zip(bracket, speeds, kinds):
            rows[row] = (float(v), stable, kind)
    return rows


def _broadened_probe(table: pd.DataFrame, drop: float) -> np.ndarray:
    """The speed of the cell whose tangency crossing makes each broadened solution.

    A broadened curve jumps when the cell's extreme speed crosses a tangency: the fastest
    speed of the cell for a bottom spike, the slowest for a top spike. ``drop`` is
    v_mid^2 - v^2 at the chain mass (nearest mass only).
    """
    vmid = table["v"].to_numpy()
    vx = np.sqrt(vmid**2 - drop)  # speed at the chain mass
    probe = np.where(table["stable"], np.minimum(vmid, vx), np.maximum(vmid, vx))
    return np.where(table["kind"] == "spike_edge",
                    np.where(table["stable"], np.maximum(vmid, vx), np.minimum(vmid, vx)),
                    probe)


_COLUMNS = ["v", "stable", "kind", "resonance", "n", "offset"]


def _labelled(rows: list[tuple], tang, edge, alpha, drop, broadened) -> pd.DataFrame:
    """Table of the solutions with their spike (resonance), nearest alpha/n and offset."""
    table = pd.DataFrame(rows, columns=["v", "stable", "kind"])
    if not len(table):
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in zip(
            _COLUMNS, [float, bool, object, object, int, float])})
    if broadened:
        probe = _broadened_probe(table, drop)
    else:
        probe = table["v"].to_numpy()
    table["resonance"] = [_which_spike(vv, st, kd, tang, edge)
                          for vv, st, kd in zip(probe, table["stable"], table["kind"])]
    n = np.maximum(np.rint(alpha / table["v"].to_numpy()), 1).astype(int)
    table["n"] = n
    table["offset"] = table["v"] - alpha / n
    return table[_COLUMNS]


def _potential_terms(phi0, lam, inter, alpha, mu, wf, broadened) -> dict:
    """What the scan needs of the potential: capture speed, large-v scale, the speed drop
    at the chain mass, the loss curve and the provenance columns."""
    if inter is None:
        def loss(v, atol=0.0):
            if broadened:
                return broadened_steady_state_loss(v, phi0, lam, alpha, mu, wf, atol=atol)
            return steady_state_loss(v, phi0, lam, alpha, wf)
        return dict(capture=capture_speed(phi0, mu), fast=16.0 * math.pi**5 * phi0**2 * lam**2,
                    drop=EIGHT_PI_SQ * phi0 / mu * (1.0 - math.exp(-alpha**2 / (8.0 * lam**2))),
                    loss=loss, columns=(("phi0", phi0), ("lam", lam)))

    def loss_any(v, atol=0.0):
        if broadened:
            return broadened_steady_state_loss(v, alpha=alpha, mu=mu, omega_fast=wf,
                                               interaction=inter, atol=atol)
        return steady_state_loss(v, alpha=alpha, omega_fast=wf, interaction=inter)
    barrier = inter.phi_at_zero - float(inter.potential(0.5 * alpha))
    return dict(capture=inter.capture_speed(mu), fast=8.0 * math.pi**4 * inter.fourier(0.0)**2,
                drop=EIGHT_PI_SQ * barrier / mu, loss=loss_any,
                columns=(("interaction", provenance_text(inter)),))


def _checked(bias, phi0, lam, interaction, alpha, omega_fast, mu) -> tuple:
    """The bias and the run's parameters, validated: (bias, phi0, lam, inter, alpha, wf, mu)."""
    phi0, lam, inter = resolve(phi0, lam, interaction)
    wf = require_omega_fast(omega_fast)
    bias = scalar("bias", bias, require_positive, allow_zero=True)
    if inter is None:
        phi0 = scalar("phi0", phi0, require_finite)
        lam = scalar("lam", lam, require_positive)
    alpha = scalar("alpha", alpha, require_positive)
    mu = scalar("mu", mu, require_positive)
    return bias, phi0, lam, inter, alpha, wf, mu


def drift_velocities(bias: float, phi0: float | None = None, lam: float | None = None,
                     alpha: float | None = None, omega_fast: float = 10.0,
                     v_max: float | None = None, broadened: bool = False, mu: float = 1.0,
                     v_min: float | None = None, n_grid: int = 4000, *,
                     interaction: Interaction | None = None) -> pd.DataFrame:
    """Steady drift speeds under a bias: solutions of Delta_bar(v) = bias (Sec. VI, Figs. 8, 9).

    Parameters
    ----------
    bias : float
        Energy gained per lattice spacing, >= 0 (0 gives an empty table).
    phi0, lam, alpha, omega_fast, mu : float
        As everywhere (Gaussian amplitude and width, spacing (required), band top, mass
        ratio).
    v_max : float, optional
        Top of the scan; default: above every tangency speed and
        ``2 (16 pi^5 phi0^2 lam^2 / bias)^{1/4}`` (the single-root large-v form of Eq. 33;
        ``8 pi^4 Phi_k(0)^2`` in place of ``16 pi^5 phi0^2 lam^2`` for another potential),
        raised until ``Delta_bar < bias`` there.
    broadened : bool
        Use the Fig. 9 curve (:func:`~chaindrag.analytic.broadened_steady_state_loss`)
        instead of Eq. (33).
    v_min : float, optional
        Bottom of the scan; default ``max(0.5, 1.001 x capture speed)`` (of one chain mass,
        ``sqrt(8 pi^2 Phi_max / mu)``). With that default and a ``v_max`` below it, no speed
        of the scan passes a chain mass: the table is empty (a given ``v_min`` >= ``v_max``
        is refused).
    n_grid : int
        Number of scan points, in [16, 10^7] (:data:`MAX_GRID`: each point is one
        evaluation of the loss; 10^7 of Eq. (33) take minutes, the grid 80 MB).
    interaction : Interaction, optional
        Any pair potential of :mod:`chaindrag.interactions` instead of ``phi0, lam``
        (keyword only; a :class:`~chaindrag.interactions.Gaussian` takes the Gaussian path).

    Returns
    -------
    pandas.DataFrame
        One row per solution, sorted by v, with columns v, stable, kind, resonance (the
        spike the solution belongs to: 'slow' for the band-bottom spikes just below
        alpha/n, 'fast' for the band-top spikes near ``2 alpha omega_fast/(2l+1)``, 'none'),
        n (nearest alpha/n), offset (``v - alpha/n``), and the provenance columns bias,
        phi0, lam (for another potential instead: interaction, its kind and parameters as
        JSON), alpha, omega_fast, mu, broadened, v_min and v_max (the speeds scanned: no
        solution outside them is reported), chaindrag_version.

    Raises
    ------
    chaindrag.params.ParameterError
        For bad arguments: alpha missing, neither or both of (phi0, lam) and ``interaction``.

    Notes
    -----
    Per pass the bias adds ``bias`` and the chain takes Delta_bar(v), so dv/dt has the sign
    of ``bias - Delta_bar(v)``. A speed where this changes sign from + to - with increasing
    v is stable, from - to + unstable. Two kinds of solutions:

    * ``kind="spike_edge"``: the jump of Delta_bar at a tangency speed v_c
      (:func:`~chaindrag.analytic.spike_speeds`). At a band-bottom spike Delta_bar is
      finite below v_c and diverges above, so if ``Delta_bar(v_c-) < bias``, v_c is a
      *stable* drift speed just below alpha/n. (At a band-top spike the divergence is on
      the low side; the edge is unstable.)
    * ``kind="root"``: a continuous crossing, found by the ITP method; e.g. the unstable speed
      where Delta_bar falls through the bias above each band-bottom spike.

    The sign of ``bias - Delta_bar`` is scanned on a geometric grid of ``n_grid`` speeds in
    ``[v_min, v_max]`` merged with ``v_c (1 +- 10^-k)``, k = 3, 5, 7, 9, at every tangency
    speed (edges are reported when the sign differs across ``v_c (1 -+ 1e-9)``; spike
    regions narrower than that are not resolved). With ``broadened=True`` the curve is
    continuous, so only roots occur, and the grid is ``n_grid // 8`` points, their quadrature
    first stopped at 1e-7 bias (absolute); points within 1e-3 bias of the bias and every
    bracket's ends are then taken to full accuracy (the same table, ~2x faster where most
    of the curve lies far below the bias).
    """
    bias, phi0, lam, inter, alpha, wf, mu = _checked(bias, phi0, lam, interaction, alpha,
                                                     omega_fast, mu)
    n_grid = require_int_range("n_grid", n_grid, 16, MAX_GRID)
    broadened = require_flag("broadened", broadened)
    terms = _potential_terms(phi0, lam, inter, alpha, mu, wf, broadened)
    passable = v_min is None  # the default bottom: every scanned speed passes the cell
    if v_min is None:
        v_min = max(0.5, 1.001 * terms["capture"])
    v_min = scalar("v_min", v_min, require_positive)
    loss = terms["loss"]
    if v_max is None:
        v_max = _default_v_max(bias, terms["fast"], v_min,
                               _all_tangencies(alpha, wf, v_min, math.inf)[0], loss)
    v_max = scalar("v_max", v_max, require_positive)
    if v_max <= v_min and not passable:
        raise ParameterError(f"v_max must exceed v_min = {v_min!r}, got {v_max!r}")
    # a barrier too high to pass below v_max (a tall core, a large phi0/mu): no drift speed
    scan = bias > 0 and v_max > v_min
    tang, edge, _ = _all_tangencies(alpha, wf, v_min, max(v_max, v_min))
    rows = _solutions(loss, bias, v_min, v_max, n_grid, tang, broadened) if scan else []
    table = _labelled(rows, tang, edge, alpha, terms["drop"], broadened)
    for name, val in (("bias", bias), *terms["columns"], ("alpha", alpha),
                      ("omega_fast", wf), ("mu", mu), ("broadened", bool(broadened)),
                      ("v_min", v_min), ("v_max", v_max), ("chaindrag_version", __version__)):
        table[name] = val
    return table.sort_values("v", ignore_index=True)


# ------------------------------------------------------------------------- relaxation time
def relaxation_time(v_from: float, v_to: float, bias: float, phi0: float | None = None,
                    lam: float | None = None, alpha: float | None = None,
                    omega_fast: float = 10.0, mu: float = 1.0, n_grid: int = 4000, *,
                    interaction: Interaction | None = None) -> float:
    """Time Eq. (33)'s mean force takes to carry the speed from ``v_from`` to ``v_to``.

    Between two chain masses the particle gains the bias and loses Delta_bar(v), so its
    speed changes at ``dv/dtau = 4 pi^2 (bias - Delta_bar(v)) / (mu alpha)`` (Sec. VI), and

        T = integral from v_to to v_from of mu alpha / (4 pi^2 |bias - Delta_bar(v)|) dv.

    Parameters
    ----------
    v_from, v_to : float
        Start and end speeds, > 0 (either order: a slowing or an accelerating particle).
    bias, phi0, lam, alpha, omega_fast, mu : float
        As in :func:`drift_velocities` (alpha required).
    n_grid : int
        Geometric quadrature grid between the two speeds (in [16, 10^7]), merged with
        ``v_c (1 +- 10^-k)``, k = 2..9, at every tangency speed v_c in between (where
        Delta_bar jumps to infinity and the integrand to zero).
    interaction : Interaction, optional
        Any pair potential instead of ``phi0, lam`` (keyword only).

    Returns
    -------
    float
        T (trapezoid rule); ``inf`` if the mean force does not drive the speed from v_from
        towards v_to all the way, i.e. a solution of Delta_bar(v) = bias lies in between
        (a stable one is approached but never passed). 0 if the speeds are equal.

    Notes
    -----
    The integrand is bounded when the mean force keeps its sign; it is largest where
    Delta_bar comes close to the bias without crossing it (the bottleneck just below a
    band-bottom spike), which is where a relaxing run spends most of its time. Near a
    stable root the time diverges logarithmically, so ``v_to`` should stop short of it
    (e.g. within the plateau tolerance).
    """
    bias, phi0, lam, inter, alpha, wf, mu = _checked(bias, phi0, lam, interaction, alpha,
                                                     omega_fast, mu)
    v_from = scalar("v_from", v_from, require_positive)
    v_to = scalar("v_to", v_to, require_positive)
    n_grid = require_int_range("n_grid", n_grid, 16, MAX_GRID)
    if v_from == v_to:
        return 0.0
    lo, hi = min(v_from, v_to), max(v_from, v_to)
    tang = _all_tangencies(alpha, wf, lo, hi)[0]
    off = 10.0 ** -np.arange(2.0, 10.0)
    near = np.outer(tang, np.concatenate([1.0 - off, 1.0 + off])).ravel()
    near = near[(near > lo) & (near < hi)]
    v = np.unique(np.concatenate([np.geomspace(lo, hi, n_grid), near]))
    loss = _potential_terms(phi0, lam, inter, alpha, mu, wf, False)["loss"]
    # the mean force must keep its sign: tried first next to the spikes and on every 16th
    # point (the loss of a speed does not depend on the others evaluated with it)
    first = np.isin(v, near)
    first[::16] = True
    force = np.empty(v.size)
    for part in (first, ~first):
        if part.any():
            force[part] = bias - np.asarray(loss(v[part]), dtype=float)  # -inf at a tangency
            if np.any(force[part] * math.copysign(1.0, v_to - v_from) <= 0.0):
                return math.inf
    inv = mu * alpha / (4.0 * math.pi**2 * np.abs(force))
    return float(np.sum(0.5 * (inv[1:] + inv[:-1]) * np.diff(v)))
