"""Fig. 4: the speed profile of one pass (Eq. 16) and its extremum, the largest fluctuation.

Runs of another pair potential (an ``interaction`` column) are judged with its Phi(v0 tau) in
Eq. (16) and its Eq. (25) for the pass loss; phi0 is then Phi(0).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import analytic
from ..interactions import Interaction
from .kinematics import _EIGHT_PI_SQ, _ext_speed, _fluctuation
from .pair import loss_keywords, table_interaction
from .rows import Claim, _as_bool, _by_phi0, _col, _g, _require, na_row, row
from .tolerances import FIG4_EXT_EXTRA, FIG4_PROFILE_EXTRA


def loss_free_profile_error(v0: float, phi0: float, lam: float, alpha: float, mu: float,
                            sigma0: float, n_grid: int = 40001,
                            interaction: Interaction | None = None) -> float:
    """Max |v - Eq. 16| over |tau - tau_pass| <= alpha/(2 v0) for the exact loss-free pass.

    The particle moves over *fixed* chain masses (5 around the start) from ``sigma0`` with
    v0: energy conservation gives v(sigma) exactly and tau(sigma) = int dsigma / v. This is
    Eq. (16)'s own leading-order error (it assumes sigma = v0 tau), the reference for the
    profile claim.

    Parameters
    ----------
    v0 : float
        Initial speed (l_slow per t_slow).
    phi0, lam : float
        Strength and range of the Gaussian interaction.
    alpha : float
        Lattice spacing.
    mu : float
        Particle mass.
    sigma0 : float
        Start position.
    n_grid : int, optional
        Points of the position grid of the quadrature.
    interaction : Interaction, optional
        Another pair potential in place of the Gaussian (``phi0``, ``lam`` then unused).

    Returns
    -------
    float
        The maximum deviation; NaN if the particle cannot pass the next mass.
    """
    site = alpha * (math.floor(sigma0 / alpha) + 1)
    s = np.linspace(sigma0, site + 0.5 * alpha, n_grid)
    ks = np.arange(math.floor(sigma0 / alpha) - 2, math.floor(sigma0 / alpha) + 4)

    def pot(x):
        sep = np.asarray(x)[None, :] - alpha * ks[:, None]
        if interaction is not None:
            return np.sum(np.asarray(interaction.potential(sep), float), axis=0)
        return np.sum(phi0 * np.exp(-0.5 * (sep / lam) ** 2), axis=0)
    v2 = v0**2 - _EIGHT_PI_SQ / mu * (pot(s) - pot(np.array([sigma0]))[0])
    if np.any(v2 <= 0):
        return math.nan
    v = np.sqrt(v2)
    inv = 1.0 / v
    tau = np.concatenate([[0.0], np.cumsum(0.5 * (inv[1:] + inv[:-1]) * np.diff(s))])
    tau_pass = float(np.interp(site, s, tau))
    win = np.abs(tau - tau_pass) <= alpha / (2.0 * v0)
    v16 = analytic.velocity_profile(tau[win] - tau_pass, v0, mu=mu,
                                    **loss_keywords(interaction, phi0, lam))
    return float(np.nanmax(np.abs(v[win] - v16)))


def check_fig4_pass(table: pd.DataFrame | None) -> list[dict]:
    """Fig. 4(a, b): the simulated pass follows Eq. (16); its extremum is v_ext.

    Profile: max |v - Eq. 16| over |tau - tau_pass| <= alpha/(2 v0) must not exceed Eq. 16's
    own error (the exact loss-free pass over a fixed mass, :func:`loss_free_profile_error`;
    27% of the fluctuation for phi0 = +20, v0 = 50), plus the speed change the pass loss
    causes where the particle is slowest, 4 pi^2 Delta_26(v0) / (mu v_min), plus 5% of the
    fluctuation |v0 - v_ext| (chain recoil). Extremum: energy mismatch within
    Delta_26(v0)/|phi0| + 2% (see :func:`check_fig4c`).

    Parameters
    ----------
    table : pandas.DataFrame or None
        The fig4_pass table (phi0, lam, alpha, v0, tau, v; optionally mu, sigma, tau_pass,
        omega_fast).

    Returns
    -------
    list of dict
        Two rows per phi0 (profile, extremum), repulsive first.

    Raises
    ------
    NotApplicable
        The table is missing, empty or lacks a column.
    """
    df = _require(table, "fig4_pass", ["phi0", "lam", "alpha", "v0", "tau", "v"])
    rows = []
    for phi0, grp in _by_phi0(df):
        rows.extend(_pass_rows(float(phi0), grp.sort_values("tau")))
    return rows


def _pass_rows(phi0: float, grp: pd.DataFrame) -> list[dict]:
    """Profile and extremum rows of the pass of one phi0 (``grp`` sorted by tau)."""
    fig = "fig4"
    lam, alpha, v0 = (float(grp[k].iloc[0]) for k in ("lam", "alpha", "v0"))
    mu = float(_col(grp, "mu", 1.0)[0])
    tau = grp["tau"].to_numpy(float)
    v = grp["v"].to_numpy(float)
    claim = Claim(fig, f"pass velocity profile follows Eq. (16) (Phi0 = {_g(phi0)}, "
                  f"v0 = {_g(v0)})")
    tau_pass = float(grp["tau_pass"].iloc[0]) if "tau_pass" in grp.columns else math.nan
    if not math.isfinite(tau_pass):
        return [claim.na("no pass time: the particle did not reach the next chain mass in "
                         "the run"),
                na_row(fig, f"extremum speed of the pass = sqrt(v0^2 - 8 pi^2 Phi0/mu)"
                       f" (Phi0 = {_g(phi0)})", "no pass in the run")]
    win = np.abs(tau - tau_pass) <= alpha / (2.0 * v0)
    if win.sum() < 10:
        return [claim.na(f"only {int(win.sum())} samples within alpha/(2 v0) of the pass")]
    inter = table_interaction(grp)
    kw = loss_keywords(inter, phi0, lam)
    v16 = analytic.velocity_profile(tau[win] - tau_pass, v0, mu=mu, **kw)
    dev = float(np.nanmax(np.abs(v[win] - v16)))
    fluct = float(_fluctuation(v0, phi0, mu))
    sigma0 = float(grp["sigma"].iloc[0]) if "sigma" in grp.columns else 5.5 * alpha
    wf = float(_col(grp, "omega_fast", 10.0)[0])
    ref = loss_free_profile_error(v0, phi0, lam, alpha, mu, sigma0, interaction=inter)
    v_slow = min(v0, float(_ext_speed(v0, phi0, mu)))
    loss = 4 * math.pi**2 * float(analytic.single_pass_loss(v0, omega_fast=wf, **kw)) / (
        mu * v_slow)
    tol = ref + loss + FIG4_PROFILE_EXTRA * fluct
    rows = [claim.row("Eq. (16)", dev, tol, dev <= tol,
                      f"max |v - Eq. 16| over the pass; tolerance = Eq. 16's own error "
                      f"(loss-free pass over a fixed mass, integrated exactly) {_g(ref)} + "
                      f"speed change by the pass loss at the slowest point "
                      f"4 pi^2 Delta_26/(mu v_min) {_g(loss)} + 5% of the fluctuation "
                      f"|v0 - v_ext| = {_g(fluct)}")]
    v_num = float(v[win].min() if phi0 > 0 else v[win].max())
    rows.extend(_extremum_rows(fig, f"extremum speed of the pass = sqrt(v0^2 - 8 pi^2 "
                               f"Phi0/mu) (Phi0 = {_g(phi0)}, v0 = {_g(v0)})",
                               np.array([v0]), np.array([v_num]), phi0, lam, mu, wf, inter))
    return rows


def _extremum_rows(fig: str, claim: str, v0: np.ndarray, v_num: np.ndarray, phi0: float,
                   lam: float, mu: float, omega_fast: float,
                   inter: Interaction | None = None) -> list[dict]:
    """Extremum speed vs sqrt(v0^2 - 8 pi^2 phi0/mu), as an energy mismatch.

    mismatch = mu |v_num^2 - v_ext^2| / (8 pi^2 |phi0|): the kinetic energy at the chain mass
    missing or extra, as a fraction of |phi0|. Energy conservation is exact up to the energy
    already lost (about half a pass loss) and the chain's recoil, so the tolerance is
    Delta_26(v0)/|phi0| + 2%. The worst point (largest mismatch / tolerance) is reported.
    """
    v_an = _ext_speed(v0, phi0, mu)
    ok = np.isfinite(v_an) & np.isfinite(v_num)
    if not ok.any():
        return [na_row(fig, claim, "no passing run with a finite extremum")]
    v0, v_num, v_an = v0[ok], v_num[ok], v_an[ok]
    mism = mu * np.abs(v_num**2 - v_an**2) / (_EIGHT_PI_SQ * abs(phi0))
    tol = (analytic.single_pass_loss(v0, omega_fast=omega_fast,
                                     **loss_keywords(inter, phi0, lam)) / abs(phi0)
           + FIG4_EXT_EXTRA)
    tol = np.atleast_1d(tol)
    k = int(np.argmax(mism / tol))
    return [row(fig, claim, v_an[k], v_num[k], f"energy mismatch <= {_g(tol[k])} |Phi0|",
                bool(np.all(mism <= tol)),
                f"worst of {v0.size} run(s) at v0 = {_g(v0[k])}: mu |v^2 - v_ext^2| / "
                f"(8 pi^2 |Phi0|) = {_g(mism[k])} (tolerance Delta_26(v0)/|Phi0| + 2%)")]


def check_fig4c(table: pd.DataFrame | None) -> list[dict]:
    """Fig. 4(c): simulated extremum speeds of single passes vs sqrt(v0^2 - 8 pi^2 phi0/mu).

    The energy mismatch mu |v_num^2 - v_ext^2| / (8 pi^2 |phi0|) of every passing run must
    stay within Delta_26(v0)/|phi0| + 2% (the energy already lost and the chain's recoil);
    the worst run is reported.

    Parameters
    ----------
    table : pandas.DataFrame or None
        The fig4c_fluctuation table (phi0, lam, v0, v_ext_numeric; optionally passed, mu,
        omega_fast).

    Returns
    -------
    list of dict
        One row per phi0, repulsive first.

    Raises
    ------
    NotApplicable
        The table is missing, empty or lacks a column.
    """
    fig = "fig4c"
    df = _require(table, "fig4c_fluctuation", ["phi0", "lam", "v0", "v_ext_numeric"])
    rows = []
    for phi0, grp in _by_phi0(df):
        phi0 = float(phi0)
        if "passed" in grp.columns:
            grp = grp[_as_bool(grp["passed"])]
        claim = f"largest fluctuation: v_ext = sqrt(v0^2 - 8 pi^2 Phi0/mu) (Phi0 = {_g(phi0)})"
        if not len(grp):
            rows.append(na_row(fig, claim, "no run passed"))
            continue
        rows.extend(_extremum_rows(
            fig, claim, grp["v0"].to_numpy(float),
            pd.to_numeric(grp["v_ext_numeric"], errors="coerce").to_numpy(float), phi0,
            float(grp["lam"].iloc[0]), float(_col(grp, "mu", 1.0)[0]),
            float(_col(grp, "omega_fast", 10.0)[0]), table_interaction(grp)))
    return rows
