"""The paper's claims about its figures, turned into measured checks (validation.csv).

Every check is a function of the workflow's tables (and, for Fig. 3, of the trajectory
stores) that returns rows with the columns

    figure, claim, expected, measured, tolerance, passed, note

``passed`` is True, False, or ``"n/a"`` when the claim cannot be evaluated on the data at
hand (a table missing or empty, too few points, a run shorter than the paper's); the note
then says why. :func:`run_all` runs every check, writes ``validation.csv`` and logs a
WARNING that lists every failed claim (a failed claim does not raise: the other outputs
stand). Tolerances and why they are what they are: ``workflow/report/table_validation.rst``
and the docstrings below.

Claims that need the long runs of the paper (Fig. 3 trapping by tau = 125, the Fig. 8 fates
by tau = 800, the steady state of the drive mode) are judged *not applicable* when the run
is shorter than the paper's and the claim is not (yet) met; when it is met, they pass.
"""

from __future__ import annotations

import logging
import math
import os
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import analytic
from ._version import __version__

log = logging.getLogger("chaindrag.validation")

PathLike = str | os.PathLike

NA = "n/a"
COLUMNS = ["figure", "claim", "expected", "measured", "tolerance", "passed", "note",
           "chaindrag_version"]

_EIGHT_PI_SQ = 8.0 * math.pi**2

# The paper's run lengths: a shorter run cannot refute a long-time claim (it becomes n/a).
PAPER_FIG3_TAU = 125.0   # Fig. 3: both particles trapped within tau = 125
PAPER_FIG8_TAU = 800.0   # Fig. 8: runaway / drift / capture decided by tau = 800

# ---- tolerances (each justified in workflow/report/table_validation.rst) -------------------
FIG2_EDGE_FRACTION = 1e-2      # leading edge: outermost n with |Gamma_n| >= 1% of max_n |Gamma_n|
FIG2_EDGE_WIDTHS = 4.0         # the 1% point lies 0..4 Airy widths ahead of the front
FIG3_CONE_WIDTHS = 8.0         # "outside the cone": beyond the front by 8 Airy widths + reach
FIG3_CONE_REL = 1e-6           # max |rho| outside / max |rho| overall
FIG3_RHO_OVER_ALPHA = 0.05     # |delta rho| << alpha: max |rho| <= 5% of alpha
FIG4_PROFILE_EXTRA = 0.05      # Eq. 16 own error + loss effect + 5% of the fluctuation
FIG4_EXT_EXTRA = 0.02          # extremum energy mismatch <= Delta_26 / |phi0| + 2%
SP_KE_OVER_PHI = 10.0          # "KE >> |phi0|": KE >= 10 |phi0|
SP_RESOLVABLE = 1e-9           # Delta >= 1e-9 KE (far above the rounding floor ~1e-13 KE)
SP_BASE_TOL = 0.02             # integration error allowance of the Eq. 26 comparison
SP_SHIFT_FACTOR = 1.5          # x the first-order effect of the speed variation in a pass
SP_SHIFT_MAX = 0.25            # beyond: Eq. 26 at v0 is no sharp prediction (excluded)
SP_SHIFT_MIN = 0.01            # the side-of-the-curve test needs a predicted shift >= 1%
SP_SIDE_FRACTION = 0.9         # >= 90% of those points on the predicted side
SP_PEAK_CONTRAST = 1.02        # simulated interior maximum >= 1.02 x both ends of the sweep
SP_PEAK_INSIDE = 1.1           # claimed where Eq. 26 itself peaks >= 1.1 x both ends
FIG7_ENHANCEMENT = 1.1         # peak loss >= 1.1 x Eq. 26 ...
FIG7_CONTRAST = 0.05           # ... and its ratio to Eq. 26 >= 0.05 above the band below it
FIG7_MIN_BAND = 5              # points needed in the band below the window
PLATEAU_CLUSTER = 0.02         # runs whose plateau speeds agree to 2% share one plateau
PLATEAU_SETTLED = 0.05         # |tail slope| <= 5% of the bias's free acceleration: settled
RELAXATION_RTOL = 0.05         # |dv/dtau - Eq. 33's| <= 5% of the bias's free acceleration
FIG8C_REL = 0.01               # drive-mode Delta_bar vs Eq. 33: 1%
FIG8C_SPIKE_REL = 0.02         # speeds within 2% of a spike of Eq. 33 are not "away from" it
FIG8C_MIN_SITES = 20.0         # sites passed for a steady state
HEALTH_ENERGY = 1e-4           # max |E - E0| / KE0 (issue 4)
HEALTH_ENERGY_ORDER = 3.0      # drift(d) / drift(2d) >= 3 (second order: 4)
HEALTH_ENERGY_FLOOR = 1e-10    # both below: rounding, no order to measure
HEALTH_TIMESTEP = 1e-3         # relative change of a single-pass loss when delta is halved
HEALTH_SOLVER_SIGMA = 0.05     # max |sigma_chain - sigma_kernel| over tau <= 5 (issue 4) ...
HEALTH_SOLVER_TAU = 5.0        # ... growing as (tau / 5)^2 beyond


class NotApplicable(Exception):
    """Raised inside a check when its input is missing, empty or too small to judge."""


# ----------------------------------------------------------------------------- row helpers
def _num(x: Any) -> Any:
    """A float rounded to 6 significant digits (short CSV text), or ``x`` unchanged."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, float, np.integer, np.floating)):
        x = float(x)
        if not math.isfinite(x):
            return x
        return float(f"{x:.6g}")
    return x


def _g(x: Any) -> str:
    """Number text for notes."""
    try:
        return f"{float(x):.4g}"
    except (TypeError, ValueError):
        return str(x)


def row(figure: str, claim: str, expected: Any, measured: Any, tolerance: Any,
        passed: bool | str, note: str = "") -> dict:
    """One validation row; ``passed`` is a bool or :data:`NA`."""
    if not (isinstance(passed, str) and passed == NA):
        passed = bool(passed)
    return dict(figure=figure, claim=claim, expected=_num(expected), measured=_num(measured),
                tolerance=_num(tolerance), passed=passed, note=note)


def na_row(figure: str, claim: str, note: str, expected: Any = "", measured: Any = "",
           tolerance: Any = "") -> dict:
    return row(figure, claim, expected, measured, tolerance, NA, note)


def _require(df: pd.DataFrame | None, name: str, columns: Sequence[str]) -> pd.DataFrame:
    """``df`` if it has rows and every column; NotApplicable otherwise."""
    if df is None:
        raise NotApplicable(f"table {name}.csv not provided")
    if len(df) == 0:
        raise NotApplicable(f"table {name}.csv is empty")
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise NotApplicable(f"table {name}.csv lacks column(s) {', '.join(missing)}")
    return df


def _col(df: pd.DataFrame, name: str, default: float) -> np.ndarray:
    if name in df.columns:
        return pd.to_numeric(df[name], errors="coerce").fillna(default).to_numpy(float)
    return np.full(len(df), float(default))


def _as_bool(series: pd.Series) -> np.ndarray:
    """Booleans from a column read back from CSV (True/False, 1/0, 'True'/'false')."""
    def one(x):
        if isinstance(x, (bool, np.bool_)):
            return bool(x)
        if isinstance(x, (int, float, np.integer, np.floating)):
            return bool(x) if math.isfinite(float(x)) else False
        return str(x).strip().lower() in ("true", "1", "yes")
    return np.array([one(x) for x in series], dtype=bool)


def _sign_word(phi0: float) -> str:
    return "repulsive" if phi0 > 0 else "attractive"


def _kinetic(v, mu):
    return 0.5 * np.asarray(mu, float) * (np.asarray(v, float) / (2.0 * math.pi)) ** 2


def _ext_speed(v0, phi0, mu):
    """sqrt(v0^2 - 8 pi^2 phi0 / mu), NaN where negative (no scalar-only validation)."""
    rad = np.asarray(v0, float) ** 2 - _EIGHT_PI_SQ * np.asarray(phi0, float) / np.asarray(mu,
                                                                                           float)
    with np.errstate(invalid="ignore"):
        return np.where(rad >= 0, np.sqrt(np.maximum(rad, 0.0)), np.nan)


def _fluctuation(v, phi0, mu):
    """|v - v_ext|: the spread of speeds within one cell (Sec. IV A)."""
    return np.abs(np.asarray(v, float) - _ext_speed(v, phi0, mu))


def airy_width(tau, omega_fast: float = 10.0):
    """Width in sites of the sound-cone front of Gamma_n(tau): (pi tau |omega'''(q*)|)^(1/3).

    Near the fastest group velocity (inflection q* of omega(q), Eq. 11) the phase of Eq. 15
    is cubic in q - q*, so the front is an Airy edge n - n_f ~ w Ai-variable with
    w = (2 pi tau |omega'''| / 2)^(1/3) (omega''' per radian^3, tau in t_slow). At
    omega_fast = 10, w = 2.4 tau^(1/3); |Gamma| falls to 1% of its maximum ~2.4-3.1 w ahead
    of n_f = tau pi (omega_fast - 1) (checked on exact kernels, tau = 1..125).
    """
    wf = float(omega_fast)
    a = wf * wf - 1.0
    q_star = 2.0 * math.asin(math.sqrt(1.0 / (1.0 + wf)))
    h = 1e-3

    def om(q):
        return math.sqrt(1.0 + a * math.sin(0.5 * q) ** 2)
    d3 = (om(q_star + 2 * h) - 2 * om(q_star + h) + 2 * om(q_star - h)
          - om(q_star - 2 * h)) / (2 * h**3)
    return (math.pi * np.asarray(tau, float) * abs(d3)) ** (1.0 / 3.0)


# ----------------------------------------------------------------------------- Fig. 2
def check_fig2(kernel: pd.DataFrame | None, omega_fast: float | None = None) -> list[dict]:
    """Fig. 2: the leading edge of Gamma_n(tau) lies at n = tau pi (omega_fast - 1), per tau.

    Measured: the outermost n with |Gamma_n(tau)| >= 1% of max_n |Gamma_n(tau)|. For an Airy
    edge of width w (:func:`airy_width`) that point lies 2.4-3.1 w ahead of the front, so the
    claim passes when 0 <= n_edge - n_front <= 4 w. n/a when the table stops before
    n_front + 4 w.
    """
    fig, claim = "fig2", "leading edge of Gamma_n(tau) at n = tau pi (omega_fast - 1)"
    df = _require(kernel, "fig2_kernel", ["tau", "n", "gamma"])
    wf = float(df["omega_fast"].iloc[0]) if "omega_fast" in df.columns else \
        float(omega_fast if omega_fast is not None else 10.0)
    rows = []
    for tau, grp in df.groupby("tau", sort=True):
        tau = float(tau)
        c = f"{claim} (tau = {_g(tau)})"
        grp = grp.sort_values("n")
        n = grp["n"].to_numpy(float)
        a = np.abs(pd.to_numeric(grp["gamma"], errors="coerce").to_numpy(float))
        n_front = tau * analytic.max_group_velocity(wf)
        w = float(airy_width(tau, wf))
        tol = FIG2_EDGE_WIDTHS * w
        if not np.all(np.isfinite(a)):
            rows.append(row(fig, c, n_front, math.nan, f"0..{_g(tol)} sites", False,
                            "Gamma has non-finite values"))
            continue
        if n.max() < n_front + tol:
            rows.append(na_row(fig, c, f"table ends at n = {_g(n.max())}, before the front "
                               f"region n_front + 4w = {_g(n_front + tol)}", n_front))
            continue
        peak = a.max()
        if peak == 0.0:
            rows.append(row(fig, c, n_front, math.nan, f"0..{_g(tol)} sites", False,
                            "Gamma_n(tau) is zero for every n"))
            continue
        edge = float(n[a >= FIG2_EDGE_FRACTION * peak].max())
        offset = edge - n_front
        ok = 0.0 <= offset <= tol
        note = (f"n_edge = outermost n with |Gamma| >= 1% of its max; offset {_g(offset)} "
                f"sites, Airy width w = {_g(w)} (omega_fast = {_g(wf)})")
        if "front_site" in grp.columns:
            fs = float(grp["front_site"].iloc[0])
            if not math.isclose(fs, n_front, rel_tol=1e-9, abs_tol=1e-9):
                ok = False
                note += f"; the table's front_site {_g(fs)} (the plotted line) is wrong"
        rows.append(row(fig, c, n_front, edge, f"0 <= n_edge - n_front <= 4w = {_g(tol)}",
                        ok, note))
    return rows


# ----------------------------------------------------------------------------- Fig. 3
def _load_stores(stores: Iterable[Any] | None) -> list:
    from .trajectory import Trajectory
    out = []
    for s in stores or []:
        if isinstance(s, Trajectory):
            out.append(s)
        else:
            from .stores import load_trajectory
            out.append(load_trajectory(s))
    return out


def _traj_tau_max(traj) -> float:
    return float(traj.params.get("tau_max", traj.tau[-1]))


def check_fig3(stores: Iterable[Any] | None) -> list[dict]:
    """Fig. 3 on the trajectory stores (one per sign of phi0): three claims per particle.

    * No chain displacement outside the sound cone: |rho_g(tau)| at sites farther from the
      start than c tau + reach + 8 w(tau) (c = pi (omega_fast - 1), reach = Gaussian cutoff
      in sites + 1, w the Airy width of the front) stays below 1e-6 of max |rho|. The exact
      chain response has an Airy precursor ahead of c tau (it is 1e-2 of max |rho| two sites
      ahead, 1e-9 at 8 w).
    * The particle ends trapped: after its first turn v changes sign again (oscillation
      about zero) and sigma stays within one cell (span <= alpha). A run shorter than the
      paper's tau = 125 that has not trapped yet is n/a.
    * |delta rho| << alpha: max |rho| <= 0.05 alpha (the paper: ~0.8 = 0.02 alpha).
    """
    from .params import GaussianInteraction

    fig = "fig3"
    trajs = _load_stores(stores)
    if not trajs:
        raise NotApplicable("no Fig. 3 trajectory store provided")
    rows = []
    for traj in sorted(trajs, key=lambda t: -float(t.params.get("phi0", 0.0))):
        p = traj.params
        phi0, lam, alpha = float(p["phi0"]), float(p["lam"]), float(p["alpha"])
        wf = float(p.get("omega_fast", 10.0))
        word = f"Phi0 = {_g(phi0)}"
        tau_max = _traj_tau_max(traj)
        disp = traj.chain_displacement
        # -- sound cone
        claim = f"no chain displacement outside the sound cone ({word})"
        if disp.size == 0:
            rows.append(na_row(fig, claim, "no chain displacement recorded in the store"))
        else:
            rho_max = float(np.max(np.abs(disp)))
            sigma0 = float(p.get("sigma0", traj.sigma[0, 0]))
            reach = GaussianInteraction(phi0, lam).cutoff(1e-20)
            margin = math.ceil(reach / alpha) + 1.0
            c = analytic.max_group_velocity(wf)
            t = traj.chain_tau[None, :]
            dist = np.abs(alpha * traj.chain_sites[:, None] - sigma0) / alpha
            outside = dist > c * t + margin + FIG3_CONE_WIDTHS * airy_width(t, wf)
            if not outside.any():
                rows.append(na_row(fig, claim, "every recorded site is inside the cone at "
                                   "every record (record more sites or earlier times)"))
            elif rho_max == 0.0:
                rows.append(na_row(fig, claim, "the chain was never displaced"))
            else:
                leak = float(np.max(np.abs(disp[outside])))
                rows.append(row(fig, claim, 0.0, leak / rho_max, FIG3_CONE_REL,
                                leak / rho_max <= FIG3_CONE_REL,
                                f"max |rho| outside / max |rho| = {_g(leak)}/{_g(rho_max)}; "
                                f"outside = beyond c tau + {_g(margin)} sites + 8 Airy widths, "
                                f"{int(outside.sum())} (site, tau) records"))
        # -- trapped
        claim = f"particle ends trapped, speed oscillating about zero ({word})"
        v, s = traj.velocity[0], traj.sigma[0]
        turns = np.flatnonzero(v[:-1] * v[1:] < 0)
        expected = f"trapped by tau = {_g(PAPER_FIG3_TAU)}"
        if turns.size:
            first = int(turns[0])
            span = float(np.ptp(s[first:]))
            trapped = span <= alpha and turns.size >= 2
            measured = (f"first turn at tau = {_g(traj.tau[first + 1])}, {turns.size} sign "
                        f"changes, sigma span after it {_g(span)}")
        else:
            trapped, measured = False, f"no turn; v(end) = {_g(v[-1])}"
        tol = "span <= alpha after the first turn, >= 2 sign changes"
        if trapped:
            rows.append(row(fig, claim, expected, measured, tol, True, f"alpha = {_g(alpha)}"))
        elif tau_max < PAPER_FIG3_TAU:
            rows.append(na_row(fig, claim, f"run ends at tau = {_g(tau_max)} < "
                               f"{_g(PAPER_FIG3_TAU)} (the paper's Fig. 3) before trapping",
                               expected, measured, tol))
        else:
            rows.append(row(fig, claim, expected, measured, tol, False,
                            f"not trapped by tau = {_g(tau_max)}"))
        # -- small displacement
        claim = f"|delta rho| << alpha ({word})"
        if disp.size == 0:
            rows.append(na_row(fig, claim, "no chain displacement recorded in the store"))
        else:
            ratio = float(np.max(np.abs(disp))) / alpha
            rows.append(row(fig, claim, "<< 1 (paper: ~0.8/40 = 0.02)", ratio,
                            FIG3_RHO_OVER_ALPHA, ratio <= FIG3_RHO_OVER_ALPHA,
                            f"max |rho| / alpha over {disp.shape[0]} sites up to tau = "
                            f"{_g(traj.chain_tau[-1] if traj.chain_tau.size else 0)}"))
    return rows


# ----------------------------------------------------------------------------- Fig. 4
def loss_free_profile_error(v0: float, phi0: float, lam: float, alpha: float, mu: float,
                            sigma0: float, n_grid: int = 40001) -> float:
    """Max |v - Eq. 16| over |tau - tau_pass| <= alpha/(2 v0) for the exact loss-free pass.

    The particle moves over *fixed* chain masses (5 around the start) from ``sigma0`` with
    v0: energy conservation gives v(sigma) exactly and tau(sigma) = int dsigma / v. This is
    Eq. (16)'s own leading-order error (it assumes sigma = v0 tau), the reference for the
    profile claim. NaN if the particle cannot pass the next mass.
    """
    site = alpha * (math.floor(sigma0 / alpha) + 1)
    s = np.linspace(sigma0, site + 0.5 * alpha, n_grid)
    ks = np.arange(math.floor(sigma0 / alpha) - 2, math.floor(sigma0 / alpha) + 4)

    def pot(x):
        return np.sum(phi0 * np.exp(-0.5 * ((np.asarray(x)[None, :] - alpha * ks[:, None])
                                            / lam) ** 2), axis=0)
    v2 = v0**2 - _EIGHT_PI_SQ / mu * (pot(s) - pot(np.array([sigma0]))[0])
    if np.any(v2 <= 0):
        return math.nan
    v = np.sqrt(v2)
    inv = 1.0 / v
    tau = np.concatenate([[0.0], np.cumsum(0.5 * (inv[1:] + inv[:-1]) * np.diff(s))])
    tau_pass = float(np.interp(site, s, tau))
    win = np.abs(tau - tau_pass) <= alpha / (2.0 * v0)
    v16 = analytic.velocity_profile(tau[win] - tau_pass, v0, phi0, lam, mu)
    return float(np.nanmax(np.abs(v[win] - v16)))


def check_fig4_pass(table: pd.DataFrame | None) -> list[dict]:
    """Fig. 4(a, b): the simulated pass follows Eq. (16); its extremum is v_ext.

    Profile: max |v - Eq. 16| over |tau - tau_pass| <= alpha/(2 v0) must not exceed Eq. 16's
    own error (the exact loss-free pass over a fixed mass, :func:`loss_free_profile_error`;
    27% of the fluctuation for phi0 = +20, v0 = 50), plus the speed change the pass loss
    causes where the particle is slowest, 4 pi^2 Delta_26(v0) / (mu v_min), plus 5% of the
    fluctuation |v0 - v_ext| (chain recoil). Extremum: see :func:`_extremum_rows`.
    """
    fig = "fig4"
    df = _require(table, "fig4_pass", ["phi0", "lam", "alpha", "v0", "tau", "v"])
    rows = []
    for phi0, grp in sorted(df.groupby("phi0"), key=lambda kv: -kv[0]):
        phi0 = float(phi0)
        grp = grp.sort_values("tau")
        lam, alpha, v0 = (float(grp[k].iloc[0]) for k in ("lam", "alpha", "v0"))
        mu = float(_col(grp, "mu", 1.0)[0])
        tau = grp["tau"].to_numpy(float)
        v = grp["v"].to_numpy(float)
        claim = f"pass velocity profile follows Eq. (16) (Phi0 = {_g(phi0)}, v0 = {_g(v0)})"
        tau_pass = float(grp["tau_pass"].iloc[0]) if "tau_pass" in grp.columns else math.nan
        if not math.isfinite(tau_pass):
            rows.append(na_row(fig, claim, "no pass time: the particle did not reach the next "
                               "chain mass in the run"))
            rows.append(na_row(fig, f"extremum speed of the pass = sqrt(v0^2 - 8 pi^2 Phi0/mu)"
                               f" (Phi0 = {_g(phi0)})", "no pass in the run"))
            continue
        win = np.abs(tau - tau_pass) <= alpha / (2.0 * v0)
        if win.sum() < 10:
            rows.append(na_row(fig, claim, f"only {int(win.sum())} samples within "
                               "alpha/(2 v0) of the pass"))
            continue
        v16 = analytic.velocity_profile(tau[win] - tau_pass, v0, phi0, lam, mu)
        dev = float(np.nanmax(np.abs(v[win] - v16)))
        fluct = float(_fluctuation(v0, phi0, mu))
        sigma0 = float(grp["sigma"].iloc[0]) if "sigma" in grp.columns else 5.5 * alpha
        wf = float(_col(grp, "omega_fast", 10.0)[0])
        ref = loss_free_profile_error(v0, phi0, lam, alpha, mu, sigma0)
        v_slow = min(v0, float(_ext_speed(v0, phi0, mu)))
        loss = 4 * math.pi**2 * float(analytic.single_pass_loss(v0, phi0, lam, wf)) / (mu * v_slow)
        tol = ref + loss + FIG4_PROFILE_EXTRA * fluct
        rows.append(row(fig, claim, "Eq. (16)", dev, tol, dev <= tol,
                        f"max |v - Eq. 16| over the pass; tolerance = Eq. 16's own error "
                        f"(loss-free pass over a fixed mass, integrated exactly) {_g(ref)} + "
                        f"speed change by the pass loss at the slowest point "
                        f"4 pi^2 Delta_26/(mu v_min) {_g(loss)} + 5% of the fluctuation "
                        f"|v0 - v_ext| = {_g(fluct)}"))
        v_num = float(v[win].min() if phi0 > 0 else v[win].max())
        rows.extend(_extremum_rows(fig, f"extremum speed of the pass = sqrt(v0^2 - 8 pi^2 "
                                   f"Phi0/mu) (Phi0 = {_g(phi0)}, v0 = {_g(v0)})",
                                   np.array([v0]), np.array([v_num]), phi0, lam, mu,
                                   float(_col(grp, "omega_fast", 10.0)[0])))
    return rows


def _extremum_rows(fig: str, claim: str, v0: np.ndarray, v_num: np.ndarray, phi0: float,
                   lam: float, mu: float, omega_fast: float) -> list[dict]:
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
    tol = analytic.single_pass_loss(v0, phi0, lam, omega_fast) / abs(phi0) + FIG4_EXT_EXTRA
    tol = np.atleast_1d(tol)
    k = int(np.argmax(mism / tol))
    return [row(fig, claim, v_an[k], v_num[k], f"energy mismatch <= {_g(tol[k])} |Phi0|",
                bool(np.all(mism <= tol)),
                f"worst of {v0.size} run(s) at v0 = {_g(v0[k])}: mu |v^2 - v_ext^2| / "
                f"(8 pi^2 |Phi0|) = {_g(mism[k])} (tolerance Delta_26(v0)/|Phi0| + 2%)")]


def check_fig4c(table: pd.DataFrame | None) -> list[dict]:
    """Fig. 4(c): simulated extremum speeds of single passes vs sqrt(v0^2 - 8 pi^2 phi0/mu)."""
    fig = "fig4c"
    df = _require(table, "fig4c_fluctuation", ["phi0", "lam", "v0", "v_ext_numeric"])
    rows = []
    for phi0, grp in sorted(df.groupby("phi0"), key=lambda kv: -kv[0]):
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
            float(_col(grp, "omega_fast", 10.0)[0])))
    return rows


def check_capture(single_pass: pd.DataFrame | None, fig4c: pd.DataFrame | None,
                  fates: pd.DataFrame | None, stores: Iterable[Any] | None,
                  mu_default: float = 1.0) -> list[dict]:
    """Fig. 4 / Sec. IV A: a repulsive particle slower than the capture speed does not pass.

    Evidence from every source at hand: single passes with phi0 > 0 and v0 < capture speed
    (must not pass); Fig. 8 runs started below sqrt(8 pi^2 (phi0 - bias/2)/mu) (the bias adds
    bias/2 up to the barrier; must end captured); midpoint crossings of the repulsive Fig. 3
    run slower than the capture speed (the next crossing must be the same midpoint, back).
    n/a when no source has a case below the capture speed.
    """
    fig, claim = "fig4", "repulsive particle below the capture speed does not pass"
    cases, bad, sources = 0, [], []
    for name, df in (("single_pass", single_pass), ("fig4c_fluctuation", fig4c)):
        if df is None or not len(df) or not {"phi0", "v0", "passed"} <= set(df.columns):
            continue
        rep = df[pd.to_numeric(df["phi0"], errors="coerce") > 0]
        vc = np.asarray(analytic.capture_speed(rep["phi0"].to_numpy(float),
                                               _col(rep, "mu", mu_default)))
        below = rep[rep["v0"].to_numpy(float) < vc]
        if len(below):
            sources.append(f"{len(below)} single passes ({name})")
            cases += len(below)
            passed = _as_bool(below["passed"])
            bad += [f"{name} v0 = {_g(v)} passed" for v in below["v0"][passed]]
    if fates is not None and len(fates) and {"phi0", "v0", "fate"} <= set(fates.columns):
        rep = fates[pd.to_numeric(fates["phi0"], errors="coerce") > 0]
        bias = _col(rep, "bias", 0.0)
        vcb = np.sqrt(np.maximum(_EIGHT_PI_SQ * (rep["phi0"].to_numpy(float) - 0.5 * bias)
                                 / mu_default, 0.0))
        below = rep[rep["v0"].to_numpy(float) < vcb]
        if len(below):
            sources.append(f"{len(below)} Fig. 8 runs")
            cases += len(below)
            bad += [f"Fig. 8 v0 = {_g(v)} ended {f}" for v, f in zip(below["v0"], below["fate"])
                    if str(f) != "captured"]
    for traj in _load_stores(stores):
        p = traj.params
        phi0 = float(p.get("phi0", 0.0))
        if phi0 <= 0:
            continue
        from .trajectory import midpoint_speeds
        mids = midpoint_speeds(traj)
        vc = float(analytic.capture_speed(phi0, float(p.get("mu", 1.0))))
        v, d = mids["v"].to_numpy(float), mids["direction"].to_numpy()
        slow = np.flatnonzero(v[:-1] < vc)
        if slow.size:
            sources.append(f"{slow.size} slow midpoint crossings of the Fig. 3 run")
            cases += slow.size
            bad += [f"Fig. 3 crossing at tau = {_g(mids['tau'].iloc[k])} (v = {_g(v[k])}) "
                    "passed the next mass" for k in slow if d[k + 1] == d[k]]
    expected = "no pass when v < sqrt(8 pi^2 Phi0/mu)"
    if not cases:
        return [na_row(fig, claim, "no run or crossing below the capture speed in the tables "
                       "or stores", expected)]
    return [row(fig, claim, expected, f"{len(bad)} of {cases} passed", 0, not bad,
                "; ".join(sources) + ("; " + "; ".join(bad[:5]) if bad else ""))]


# ------------------------------------------------------------------------------ Figs. 5, 6
def _single_pass_frame(single_pass: pd.DataFrame | None, fig5: pd.DataFrame | None,
                       fig6: pd.DataFrame | None) -> pd.DataFrame:
    if single_pass is not None and len(single_pass):
        return single_pass
    parts = [f for f in (fig5, fig6) if f is not None and len(f)]
    if not parts:
        raise NotApplicable("tables single_pass.csv, fig5_single_pass.csv and "
                            "fig6_single_pass.csv are missing or empty")
    return pd.concat(parts, ignore_index=True)


def _single_pass_quantities(g: pd.DataFrame) -> dict[str, np.ndarray]:
    phi0 = g["phi0"].to_numpy(float)
    lam = float(g["lam"].iloc[0])
    wf = float(_col(g, "omega_fast", 10.0)[0])
    mu = _col(g, "mu", 1.0)
    v0 = g["v0"].to_numpy(float)
    delta = pd.to_numeric(g["delta_numeric"], errors="coerce").to_numpy(float)
    passed = _as_bool(g["passed"]) & np.isfinite(delta)
    an = np.asarray(analytic.single_pass_loss(v0, phi0, lam, wf), float)
    h = 1e-4
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = (np.log(analytic.single_pass_loss(v0 * (1 + h), 1.0, lam, wf))
                 - np.log(analytic.single_pass_loss(v0 * (1 - h), 1.0, lam, wf))) / (2 * h)
        slope = np.where(np.isfinite(slope), slope, np.nan)
        v_ext = _ext_speed(v0, phi0, mu)
        shift = np.abs(slope) * np.abs(v0 - v_ext) / v0
        ke = _kinetic(v0, mu)
        err = delta / an - 1.0
    return dict(phi0=phi0, v0=v0, delta=delta, passed=passed, an=an, slope=slope,
                shift=shift, ke=ke, err=err, resolvable=an >= SP_RESOLVABLE * ke)


def check_single_pass(single_pass: pd.DataFrame | None, fig5: pd.DataFrame | None = None,
                      fig6: pd.DataFrame | None = None) -> list[dict]:
    """Figs. 5, 6: single-pass losses against Eq. (26), per (panel, lambda, sign of phi0).

    * Agreement where KE >> |phi0| (KE >= 10 |phi0|): |Delta/Delta_26 - 1| <= 2% +
      1.5 s per point, s = |d ln Delta_26 / d ln v| |v0 - v_ext| / v0 the first-order change of
      Eq. 26 across the speeds taken in the pass (Sec. V's explanation of the deviations).
      Points with s > 25% (Eq. 26 at v0 is then no sharp prediction) or Delta_26 < 1e-9 KE
      (below the resolution of a kinetic-energy difference) are excluded and counted.
    * Side of the curve (the shift of Sec. V): repulsive points lie at or above the curve's
      speed, attractive at or below, i.e. at fixed v0, sign(Delta - Delta_26) =
      -sign(phi0) sign(dDelta_26/dv). Tested on the points where s >= 1%; >= 90% must agree.
    * Nonmonotonic: where Eq. 26 peaks inside the sweep (its maximum >= 1.1 x its values at
      both ends), the simulated losses have an interior maximum >= 1.02 x the values at both
      ends (the speed shift of Sec. V moves the simulated maximum towards one end; 2% is ten
      times the numerical noise of a loss).
    """
    df = _single_pass_frame(single_pass, fig5, fig6)
    _require(df, "single_pass", ["phi0", "lam", "v0", "passed", "delta_numeric"])
    if "figure" not in df.columns:
        df = df.assign(figure="fig5/6")
    rows = []
    for (figure, lam, positive), g in sorted(
            df.assign(_pos=pd.to_numeric(df["phi0"], errors="coerce") > 0)
            .groupby(["figure", "lam", "_pos"]), key=lambda kv: (kv[0][0], kv[0][1], not kv[0][2])):
        g = g.sort_values("v0")
        q = _single_pass_quantities(g)
        phi0 = float(q["phi0"][0])
        word = _sign_word(phi0)
        fig = str(figure)
        tag = f"(lambda = {_g(lam)}, Phi0 = {_g(phi0)})"
        rows.append(_agreement_row(fig, tag, q))
        rows.append(_side_row(fig, tag, word, q))
        rows.append(_peak_row(fig, tag, q, float(lam), float(_col(g, "omega_fast", 10.0)[0])))
    return rows


def _agreement_row(fig: str, tag: str, q: dict) -> dict:
    claim = f"single-pass loss agrees with Eq. (26) where KE >> |Phi0| {tag}"
    phi = np.abs(q["phi0"])
    big = q["passed"] & (q["ke"] >= SP_KE_OVER_PHI * phi)
    use = big & q["resolvable"] & (q["shift"] <= SP_SHIFT_MAX)
    excl = (f"excluded: {int((~big).sum())} with KE < 10 |Phi0| or not passed, "
            f"{int((big & ~q['resolvable']).sum())} with Delta_26 < 1e-9 KE, "
            f"{int((big & q['resolvable'] & ~(q['shift'] <= SP_SHIFT_MAX)).sum())} with a "
            "speed-variation effect > 25%")
    if not use.any():
        return na_row(fig, claim, f"no point to compare; {excl}", "Eq. (26)")
    tol = SP_BASE_TOL + SP_SHIFT_FACTOR * q["shift"][use]
    err = q["err"][use]
    k = int(np.argmax(np.abs(err) / tol))
    v = q["v0"][use]
    return row(fig, claim, "Delta/Delta_26 - 1 = 0", err[k], tol[k],
               bool(np.all(np.abs(err) <= tol)),
               f"relative error, worst (|err|/tol) of {int(use.sum())} points (v0 = "
               f"{_g(v.min())}..{_g(v.max())}) at v0 = {_g(v[k])}; tolerance 2% + 1.5 x the "
               f"first-order speed-variation effect ({_g(q['shift'][use][k])}); {excl}")


def _side_row(fig: str, tag: str, word: str, q: dict) -> dict:
    side = "above" if word == "repulsive" else "below"
    claim = f"{word} points lie at or {side} the curve's speed (shift of Sec. V) {tag}"
    use = q["passed"] & q["resolvable"] & np.isfinite(q["shift"]) & (q["shift"] >= SP_SHIFT_MIN)
    if not use.any():
        return na_row(fig, claim, "no passing point where the predicted shift is >= 1% of "
                      "Eq. 26 (too few points or KE >> |Phi0| everywhere)")
    expected_sign = -np.sign(q["phi0"][use]) * np.sign(q["slope"][use])
    got = np.sign(q["delta"][use] - q["an"][use])
    agree = got == expected_sign
    frac = float(agree.mean())
    wrong = q["v0"][use][~agree]
    return row(fig, claim, "Delta - Delta_26 of sign -sign(Phi0) sign(dDelta_26/dv)", frac,
               f">= {_g(SP_SIDE_FRACTION)} of points", frac >= SP_SIDE_FRACTION,
               f"fraction of {int(use.sum())} points (predicted shift >= 1%) on the predicted "
               "side at fixed v0 (equivalent to first order to the shift in v0)"
               + (f"; other side at v0 = {', '.join(_g(x) for x in wrong[:8])}"
                  if wrong.size else ""))


def _peak_row(fig: str, tag: str, q: dict, lam: float, wf: float) -> dict:
    claim = f"loss is nonmonotonic in v0: interior maximum {tag}"
    ok = q["passed"]
    v, d = q["v0"][ok], q["delta"][ok]
    if v.size == 0:
        return na_row(fig, claim, "no passing point")
    grid = np.linspace(v.min(), v.max(), 801)
    curve = np.asarray(analytic.single_pass_loss(grid, 1.0, lam, wf), float)
    i = int(np.argmax(curve))
    v_peak = float(grid[i])
    interior = 0 < i < grid.size - 1 and max(curve[0], curve[-1]) <= curve[i] / SP_PEAK_INSIDE
    if not interior:
        return na_row(fig, claim, f"Eq. (26) is monotone over v0 = {_g(v.min())}..{_g(v.max())}"
                      f" (it peaks at v ~ {_g(_eq26_peak(lam, wf))}): no maximum to find here")
    if v.size < 5:
        return na_row(fig, claim, f"only {v.size} passing points", f"maximum near {_g(v_peak)}")
    k = int(np.argmax(d))
    contrast = d[k] / max(d[0], d[-1]) if max(d[0], d[-1]) > 0 else math.inf
    passed = 0 < k < v.size - 1 and contrast >= SP_PEAK_CONTRAST
    return row(fig, claim, f"interior maximum (Eq. 26 peaks at v = {_g(v_peak)})", float(v[k]),
               f"max >= {_g(SP_PEAK_CONTRAST)} x both ends", passed,
               f"simulated maximum at v0 = {_g(v[k])} ({_g(contrast)} x the larger end value); "
               f"{v.size} points from {_g(v.min())} to {_g(v.max())}")


def _eq26_peak(lam: float, wf: float) -> float:
    grid = np.geomspace(0.05, 5000.0, 4001)
    return float(grid[np.argmax(analytic.single_pass_loss(grid, 1.0, lam, wf))])


# ----------------------------------------------------------------------------- Fig. 7
def check_fig7(table: pd.DataFrame | None, l_max: int = 12) -> list[dict]:
    """Fig. 7: losses along the full trajectories are enhanced near v_l = 2 alpha omega_fast/(2l+1).

    For the largest resonance inside the kept passes' speed range, with the window
    W = |v_l - v_ext(v_l)| + 2 x (median speed spacing of the passes) — the speed spread
    within a cell, by which the peak shifts (Sec. V: to higher v_mid for repulsive, lower
    for attractive) — the largest ratio Delta/Delta_26 in |v - v_l| <= W must be >= 1.1 and
    exceed by >= 0.05 every ratio in the band v_l - 3W <= v < v_l - W just below it (the
    oscillations that follow the peak). n/a when no resonance lies in [v_min + W, v_max] or the
    band below holds fewer than 5 passes (a short run).
    """
    fig = "fig7"
    df = _require(table, "fig7_per_pass", ["phi0", "alpha", "v_mid", "delta_numeric"])
    rows = []
    for phi0, g in sorted(df.groupby("phi0"), key=lambda kv: -kv[0]):
        phi0 = float(phi0)
        claim = (f"losses enhanced near the largest resonance v = 2 alpha omega_fast/(2l+1) "
                 f"(Phi0 = {_g(phi0)})")
        if "keep" in g.columns:
            g = g[_as_bool(g["keep"])]
        v = g["v_mid"].to_numpy(float)
        d = pd.to_numeric(g["delta_numeric"], errors="coerce").to_numpy(float)
        ok = np.isfinite(v) & np.isfinite(d) & (v > 0)
        g, v, d = g[ok], v[ok], d[ok]
        if v.size < 10:
            rows.append(na_row(fig, claim, f"only {v.size} kept passes"))
            continue
        alpha = float(g["alpha"].iloc[0])
        wf = float(_col(g, "omega_fast", 10.0)[0])
        mu = float(_col(g, "mu", 1.0)[0])
        lam = float(_col(g, "lam", 4.0)[0])
        order = np.argsort(v)
        v, d = v[order], d[order]
        ratio = d / np.asarray(analytic.single_pass_loss(v, phi0, lam, wf), float)
        spacing = float(np.median(np.diff(v))) if v.size > 1 else 0.0
        res = analytic.fast_resonance_speeds(alpha, wf, int(l_max))
        chosen = None
        for l, vl in enumerate(res):
            w = float(_fluctuation(vl, phi0, mu)) + 2.0 * spacing
            if math.isfinite(w) and v.min() + w <= vl <= v.max():
                chosen = (l, float(vl), w)
                break
        if chosen is None:
            rows.append(na_row(fig, claim, f"no resonance 2 alpha omega_fast/(2l+1), l <= "
                               f"{l_max}, inside the kept speeds {_g(v.min())}..{_g(v.max())} "
                               "(with its window)"))
            continue
        l, vl, w = chosen
        claim = claim.replace("the largest resonance", f"the largest resonance l = {l}")
        win = np.abs(v - vl) <= w
        band = (v >= vl - 3 * w) & (v < vl - w)
        k = int(np.argmax(np.where(win, ratio, -np.inf)))
        tol = f"|v_peak - v_l| <= {_g(w)}"
        if band.sum() < FIG7_MIN_BAND:
            rows.append(na_row(fig, claim, f"only {int(band.sum())} passes in the band "
                               f"{_g(vl - 3 * w)}..{_g(vl - w)} below the window (run too short "
                               f"to compare); peak ratio {_g(ratio[k])} at v = {_g(v[k])}",
                               vl, v[k], tol))
            continue
        band_max = float(ratio[band].max())
        passed = ratio[k] >= FIG7_ENHANCEMENT and ratio[k] >= band_max + FIG7_CONTRAST
        rows.append(row(fig, claim, vl, v[k], tol, passed,
                        f"peak Delta/Delta_26 = {_g(ratio[k])} (>= 1.1) at v_mid = {_g(v[k])}; "
                        f"largest ratio in the band below ({_g(vl - 3 * w)}..{_g(vl - w)}, "
                        f"{int(band.sum())} passes) {_g(band_max)} (must be 0.05 lower); "
                        f"W = speed spread in a cell + 2 pass spacings"))
    return rows


# ----------------------------------------------------------------------------- Fig. 8
def _fates_frame(fates: pd.DataFrame | None) -> pd.DataFrame:
    return _require(fates, "fig8_fates", ["phi0", "alpha", "v0", "fate"])


def _tail_change(run: pd.DataFrame | None, slope: float, tau_max: float, v_guess: float) -> float:
    """Relative change of the speed over the last quarter of a run (tail slope x span / v)."""
    if run is not None and len(run):
        t = run["tau"].to_numpy(float)
        v = np.abs(run["v"].to_numpy(float))
        tail = t >= t[0] + 0.75 * (tau_max - t[0])
        if tail.sum() >= 2 and v[tail].mean() > 0:
            return abs(slope) * (t[tail][-1] - t[tail][0]) / float(v[tail].mean())
    return abs(slope) * 0.25 * tau_max / max(v_guess, 1e-300)


def check_fig8(fates: pd.DataFrame | None, drift: pd.DataFrame | None, mu: float = 1.0,
               midpoints: pd.DataFrame | None = None) -> list[dict]:
    """Fig. 8(a, b): fates of the biased runs, the drift plateaus, and Eq. 33's drift speeds.

    * Every run ends runaway, at a drift plateau or captured. A run 'undetermined' by the fate
      classifier that still changes by > 1% over its last quarter is *still relaxing* (the
      claim is then n/a: longer runs needed, as in a prototype where v0 = 30 locked at 21.05
      only near tau = 800); one without such a trend contradicts the three fates (fails for
      runs as long as the paper's, tau = 800; n/a for shorter runs).
    * Repulsive runs started below the capture speed (with the bias's bias/2) are captured.
    * One row per plateau (runs whose plateau speeds agree to 2%): its speed lies within the
      cell's speed spread |v - v_ext(v)| of the nearest alpha/n (the spikes are broadened by
      exactly that spread, Sec. VI). A plateau still drifting by more than 5% of the bias's
      free acceleration 4 pi^2 bias/(mu alpha) is not settled: n/a if it misses the line.
    * Every stable band-bottom solution of Delta_bar(v) = bias of plain Eq. 33
      (drift_velocities.csv) inside the runs' initial speeds is realised by a plateau near
      the same alpha/n ("as predicted by our analytics"); the broadened solutions (Fig. 9,
      qualitative) are noted.
    * Multiple drift velocities: at least two distinct plateaus near alpha/n per sign.

    Long-time claims not met are n/a for runs shorter than the paper's tau = 800.
    """
    fig = "fig8"
    df = _fates_frame(fates)
    tau_max = float(_col(df, "tau_max", math.nan)[0])
    short = math.isfinite(tau_max) and tau_max < PAPER_FIG8_TAU
    short_note = (f"runs last tau = {_g(tau_max)} < {_g(PAPER_FIG8_TAU)} (the paper's): a run "
                  "still relaxing can be taken for a plateau or be undecided")
    alpha = float(df["alpha"].iloc[0])
    bias0 = float(_col(df, "bias", 0.0)[0])
    free = 4 * math.pi**2 * bias0 / (mu * alpha)  # dv/dtau of the bias alone
    mids = None
    if midpoints is not None and len(midpoints) and {"phi0", "v0", "tau", "v"} <= set(
            midpoints.columns):
        mids = {(float(p), float(v)): g for (p, v), g in midpoints.groupby(["phi0", "v0"])}

    def judged(ok, claim, expected, measured, tol, note, unsettled=False):
        if ok:
            return row(fig, claim, expected, measured, tol, True, note)
        if short or unsettled:
            why = short_note if short else "not settled by the end of the run"
            return na_row(fig, claim, f"{why}; {note}", expected, measured, tol)
        return row(fig, claim, expected, measured, tol, False, note)

    rows = []
    allowed = {"runaway", "drift", "captured"}
    for phi0, g in sorted(df.groupby("phi0"), key=lambda kv: -kv[0]):
        phi0 = float(phi0)
        fate = g["fate"].astype(str)
        counts = fate.value_counts().to_dict()
        text = ", ".join(f"{k} {counts[k]}" for k in sorted(counts))
        claim = f"runs end runaway, at a drift plateau, or captured (Phi0 = {_g(phi0)})"
        relaxing, stuck, locked = [], [], []
        for r in g[~fate.isin(allowed)].itertuples(index=False):
            run = mids.get((phi0, float(r.v0))) if mids else None
            period = _locked_period(run, tau_max)
            if math.isfinite(period):
                # the mean speed is locked (one cell every `period`) while the midpoint speed
                # oscillates: a drift at alpha/period, which the midpoint classifier misses
                locked.append(f"{_g(r.v0)} (alpha/period = {_g(alpha / period)})")
                continue
            change = _tail_change(run, float(getattr(r, "tail_slope", math.nan)), tau_max,
                                  float(r.v0))
            (relaxing if change > 0.01 else stuck).append(f"{_g(r.v0)}")
        note = f"{len(g)} runs up to tau = {_g(tau_max)}"
        if locked:
            note += ("; drifting with a locked mean cell-crossing period (the two halves of the "
                     "last quarter agree to 0.1%) while the midpoint speed oscillates: v0 = "
                     + ", ".join(locked))
        if relaxing:
            note += ("; still relaxing (> 1% change over the last quarter): v0 = "
                     + ", ".join(relaxing))
        if stuck:
            note += f"; undetermined without a trend: v0 = {', '.join(stuck)}"
        ok = not relaxing and not stuck
        rows.append(judged(ok, claim, "each run one of three fates", text, "0 undetermined",
                           note, unsettled=bool(relaxing) and not stuck))
    # capture below the capture speed
    rep = df[df["phi0"].to_numpy(float) > 0]
    claim = "repulsive runs started below the capture speed are captured"
    if len(rep):
        bias = _col(rep, "bias", 0.0)
        vcb = np.sqrt(np.maximum(_EIGHT_PI_SQ * (rep["phi0"].to_numpy(float) - 0.5 * bias) / mu,
                                 0.0))
        below = rep[rep["v0"].to_numpy(float) < vcb]
        if len(below):
            bad = below[below["fate"].astype(str) != "captured"]
            rows.append(row(fig, claim, "captured", f"{len(below) - len(bad)} of {len(below)} "
                            "captured", "all", not len(bad),
                            f"capture speed sqrt(8 pi^2 (Phi0 - bias/2)/mu) = {_g(vcb[0])}"
                            + (f"; not captured: v0 = {', '.join(_g(x) for x in bad['v0'])}"
                               if len(bad) else "")))
        else:
            rows.append(na_row(fig, claim, "no repulsive run started below the capture speed"))
    # plateaus
    plateaus = df[df["fate"].astype(str) == "drift"] if "plateau_v" in df.columns else df.iloc[:0]
    if len(plateaus):
        plateaus = plateaus[np.isfinite(plateaus["plateau_v"].to_numpy(float))]
    if not len(plateaus):
        rows.append(judged(False, "drift plateaus lie near alpha/n", "plateaus at alpha/n",
                           "none", "", "no run reached a drift plateau"))
    drift_ok = drift is not None and len(drift) > 0 and {"v", "stable"} <= set(drift.columns)
    if drift_ok:
        dv = drift.copy()
        dv["_stable"] = _as_bool(dv["stable"])
        dv["_broad"] = (_as_bool(dv["broadened"]) if "broadened" in dv.columns
                        else np.zeros(len(dv), bool))
    found: dict[float, list[tuple[int, float]]] = {}
    for phi0, g in sorted(plateaus.groupby("phi0"), key=lambda kv: -kv[0]):
        phi0 = float(phi0)
        g = g.sort_values("plateau_v")
        pv = g["plateau_v"].to_numpy(float)
        slope = _col(g, "tail_slope", 0.0)
        # one plateau = runs whose plateau speeds agree to 2% (neighbouring alpha/n differ more)
        cluster = np.concatenate([[0], np.cumsum(np.diff(pv) > PLATEAU_CLUSTER * pv[1:])])
        found[phi0] = []
        for c in np.unique(cluster):
            sel = cluster == c
            vmean = float(pv[sel].mean())
            nn = _nearest_n(vmean, alpha)
            spread = float(_fluctuation(vmean, phi0, mu))
            off = vmean - alpha / nn
            runs = g["v0"].to_numpy(float)[sel]
            rel_slope = float(np.max(np.abs(slope[sel]))) / free if free > 0 else 0.0
            note = (f"n = {nn}, offset {_g(off)}; tolerance = speed spread in a cell "
                    f"|v - v_ext(v)|; {int(sel.sum())} run(s) (v0 = "
                    f"{', '.join(_g(x) for x in runs[:8])}), plateau speeds "
                    f"{_g(pv[sel].min())}..{_g(pv[sel].max())}, tail slope up to "
                    f"{_g(rel_slope)} x the bias's free acceleration")
            if drift_ok:
                for label, sub in (("Eq. 33", dv[dv["_stable"] & ~dv["_broad"]]),
                                   ("broadened (Fig. 9)", dv[dv["_stable"] & dv["_broad"]])):
                    if label != "Eq. 33" and "phi0" in sub.columns:
                        sub = sub[np.isclose(sub["phi0"].to_numpy(float), phi0)]
                    if len(sub):
                        vs = sub["v"].to_numpy(float)
                        note += (f"; nearest stable {label} solution "
                                 f"{_g(vs[np.argmin(np.abs(vs - vmean))])}")
            ok = math.isfinite(spread) and abs(off) <= spread
            if ok:
                found[phi0].append((nn, vmean))
            explained = False
            if not ok and free > 0:
                # Not at alpha/n: is it the slow relaxation Eq. 33 predicts, or a run sitting
                # on an unstable root of Delta_bar(v) = bias (zero mean force, Fig. 8c)?
                lam8 = float(_col(g, "lam", math.nan)[0])
                wf8 = float(_col(g, "omega_fast", 10.0)[0])
                pred = _eq33_acceleration(vmean, phi0, lam8, alpha, wf8, bias0, mu)
                meas = float(np.mean(slope[sel]))
                unstable = []
                if drift_ok:
                    un = dv[~dv["_stable"] & ~dv["_broad"]]["v"].to_numpy(float)
                    unstable = un[np.abs(un - vmean) <= max(spread, 0.02 * vmean)]
                if len(unstable):
                    explained = True
                    note += (f"; sits on the unstable solution v = {_g(unstable[0])} of "
                             f"Eq. 33 (Delta_bar = bias: zero mean force, it leaves over "
                             f"longer times): measured dv/dtau {_g(meas)}")
                elif (abs(pred) > 0.01 * free
                      and abs(meas - pred) <= RELAXATION_RTOL * free):
                    explained = True
                    note += (f"; relaxing at the rate Eq. 33 (broadened) predicts: dv/dtau = "
                             f"4 pi^2 (bias - Delta_bar(v))/(mu alpha) = {_g(pred)}, measured "
                             f"{_g(meas)}")
            if explained:
                rows.append(na_row(fig, f"drift plateau near alpha/n (Phi0 = {_g(phi0)}, "
                                   f"v = {_g(vmean)})", "not a plateau: " + note,
                                   alpha / nn, vmean, spread))
                continue
            rows.append(judged(ok, f"drift plateau near alpha/n (Phi0 = {_g(phi0)}, "
                               f"v = {_g(vmean)})", alpha / nn, vmean, spread, note,
                               unsettled=rel_slope > PLATEAU_SETTLED))
    # Eq. 33's stable drift speeds realised by plateaus
    for phi0 in sorted(df["phi0"].astype(float).unique(), reverse=True):
        claim0 = "stable drift speed of Eq. 33 realised by a plateau"
        if not drift_ok:
            rows.append(na_row(fig, f"{claim0} (Phi0 = {_g(phi0)})",
                               "drift_velocities.csv missing or empty"))
            continue
        v0s = df[df["phi0"].astype(float) == phi0]["v0"].to_numpy(float)
        sol = dv[dv["_stable"] & ~dv["_broad"]]
        if "resonance" in sol.columns:
            sol = sol[sol["resonance"].astype(str) == "slow"]
        vs = sol["v"].to_numpy(float)
        v_lo = max(v0s.min(), float(analytic.capture_speed(max(phi0, 0.0), mu)))
        vs = np.unique(vs[(vs >= v_lo) & (vs <= v0s.max())])
        if not vs.size:
            rows.append(na_row(fig, f"{claim0} (Phi0 = {_g(phi0)})", "no stable band-bottom "
                               f"solution between {_g(v_lo)} and {_g(v0s.max())}"))
            continue
        for v_s in vs:
            nn = _nearest_n(v_s, alpha)
            hits = [v for n_, v in found.get(phi0, []) if n_ == nn]
            measured = hits[int(np.argmin(np.abs(np.array(hits) - v_s)))] if hits else "none"
            rows.append(judged(bool(hits), f"{claim0} (Phi0 = {_g(phi0)}, v = {_g(v_s)})", v_s,
                               measured, f"a plateau near alpha/{nn}",
                               f"plain Eq. 33, bias {_g(bias0)}; plateaus near alpha/n found: "
                               + (", ".join(_g(v) for _, v in found.get(phi0, [])) or "none")))
    rows.extend(_check_fig8_relaxation(df, mids, alpha, bias0, mu, free, short, short_note))
    for phi0 in sorted(df["phi0"].astype(float).unique(), reverse=True):
        ns = sorted({n for n, _ in found.get(float(phi0), [])})
        rows.append(judged(len(ns) >= 2, f"multiple drift velocities (Phi0 = {_g(phi0)})",
                           ">= 2 distinct plateaus", f"{len(ns)} (n = "
                           f"{', '.join(map(str, ns)) or '-'})", ">= 2",
                           "distinct alpha/n among the plateaus that lie near alpha/n"))
    return rows


def _locked_period(run: pd.DataFrame | None, tau_max: float) -> float:
    """Mean time per cell over the last quarter if its two halves agree to 0.1% (else NaN).

    Consecutive midpoint crossings in one direction are one cell apart, so a constant
    crossing period T means a drift at mean speed alpha/T whatever the speed at the
    midpoints does.
    """
    if run is None or not math.isfinite(tau_max):
        return math.nan
    tail = run[run["tau"].to_numpy(float) >= 0.75 * tau_max]
    if len(tail) < 8:
        return math.nan
    if "direction" in tail.columns and tail["direction"].nunique() > 1:
        return math.nan
    tt = tail["tau"].to_numpy(float)
    half = len(tt) // 2
    first = (tt[half] - tt[0]) / half               # mean time per cell, first half
    second = (tt[-1] - tt[half]) / (len(tt) - 1 - half)
    mean = 0.5 * (first + second)
    return mean if mean > 0 and abs(first - second) <= 1e-3 * mean else math.nan


def _eq33_acceleration(v: float, phi0: float, lam: float, alpha: float, omega_fast: float,
                       bias: float, mu: float) -> float:
    """dv/dtau = 4 pi^2 (bias - Delta_bar(v)) / (mu alpha): the mean force of Sec. VI.

    Delta_bar is Eq. (33) broadened over the speeds taken within a cell (Fig. 9), which
    carries the sign of phi0; plain Eq. (33) would miss that by up to ~10% of the bias's
    free acceleration at v = 25-50, phi0 = +-2.
    """
    dbar = float(analytic.broadened_steady_state_loss(np.array([float(v)]), phi0, lam, alpha,
                                                      mu, omega_fast)[0])
    return 4 * math.pi**2 * (bias - dbar) / (mu * alpha)


def _check_fig8_relaxation(df, mids, alpha, bias, mu, free, short, short_note) -> list[dict]:
    """Runs not at a plateau change speed at the rate Eq. (33) predicts (one row per sign).

    Between midpoints the particle gains bias and loses Delta_bar(v) per site, so its speed
    drifts at dv/dtau = 4 pi^2 (bias - Delta_bar(v))/(mu alpha), Delta_bar broadened as in
    Fig. 9. Judged on the runs whose tail speed is at least 10% away from every spike of
    Eq. 33 (where Delta_bar varies slowly) and above twice the capture speed; tolerance 5% of
    the bias's free acceleration (measured worst: 4% with the paper's parameters).
    """
    out = []
    if free <= 0 or mids is None:
        return [na_row("fig8", "runs away from plateaus change speed at the rate Eq. 33 "
                       "predicts", "no bias or no midpoint table")]
    for phi0, g in sorted(df.groupby("phi0"), key=lambda kv: -kv[0]):
        phi0 = float(phi0)
        lam = float(_col(g, "lam", math.nan)[0])
        wf = float(_col(g, "omega_fast", 10.0)[0])
        tau_max = float(_col(g, "tau_max", math.nan)[0])
        v_cap = float(analytic.capture_speed(abs(phi0), mu))
        errs, used = [], []
        for r in g.itertuples(index=False):
            run = mids.get((phi0, float(r.v0)))
            slope = float(getattr(r, "tail_slope", math.nan))
            if run is None or not math.isfinite(slope) or str(r.fate) == "captured":
                continue
            tail = run[run["tau"].to_numpy(float) >= 0.75 * tau_max]
            if len(tail) < 4:
                continue
            v_tail = float(np.abs(tail["v"].to_numpy(float)).mean())
            if v_tail < 2 * v_cap or _spikes_near(v_tail, alpha, lam, wf) < 0.1:
                continue
            pred = _eq33_acceleration(v_tail, phi0, lam, alpha, wf, bias, mu)
            errs.append(abs(slope - pred) / free)
            used.append(f"{_g(r.v0)}")
        claim = (f"runs away from plateaus change speed at the rate Eq. 33 predicts "
                 f"(Phi0 = {_g(phi0)})")
        if not errs:
            out.append(na_row("fig8", claim, "no run away from the spikes of Eq. 33"))
            continue
        worst = float(max(errs))
        note = (f"dv/dtau over the last quarter vs 4 pi^2 (bias - Delta_bar(v))/(mu alpha) at "
                f"the tail speed; {len(errs)} runs (v0 = {', '.join(used[:12])}"
                f"{', ...' if len(used) > 12 else ''}); worst |measured - predicted| / free "
                f"acceleration {_g(worst)}")
        if short and worst > RELAXATION_RTOL:
            out.append(na_row("fig8", claim, f"{short_note}; {note}", 0.0, worst,
                              RELAXATION_RTOL))
        else:
            out.append(row("fig8", claim, 0.0, worst, RELAXATION_RTOL, worst <= RELAXATION_RTOL,
                           note))
    return out


def _nearest_n(v: float, alpha: float) -> int:
    """Positive integer n minimising |alpha/n - v| (the Fig. 8 lines)."""
    x = alpha / v
    cands = [n for n in (math.floor(x), math.ceil(x)) if n >= 1] or [1]
    return min(cands, key=lambda n: abs(alpha / n - v))



def _spikes_near(v: float, alpha: float, lam: float, wf: float) -> float:
    """Relative distance from v to the nearest spike of Eq. 33 that carries weight at v."""
    n_max = max(int(alpha / (0.5 * v)) + 2, 2)
    sp = [analytic.spike_speeds(alpha, wf, n_max, "bottom")]
    if (2 * math.pi * lam / v) ** 2 * (wf * wf - 1.0) < 7.0:  # band-top terms not negligible
        l_max = max(int(alpha * wf / v) + 2, 2)
        sp.append(analytic.spike_speeds(alpha, wf, l_max, "top"))
    s = np.concatenate(sp)
    s = s[np.isfinite(s)]
    return float(np.min(np.abs(s - v)) / v) if s.size else math.inf


def check_fig8c(drive: pd.DataFrame | None) -> list[dict]:
    """Fig. 8(c): drive-mode Delta_bar (particle dragged at constant speed) vs Eq. 33, 1%.

    One row per speed: |numeric/Eq. 33 - 1| <= 1%. The numeric value is the mean of the two
    signs of phi0 (``delta_bar_even``) when the table has it: Eq. 33 is the O(phi0^2) term
    and the next one is odd in phi0, so each sign alone carries an O(phi0^3) correction
    (reported in the note); otherwise ``delta_bar_numeric``. n/a at speeds within 2% of a
    spike of Eq. 33 (the claim is about speeds away from the spikes) and, when the claim is
    not met, for runs passing fewer than 20 sites (no steady state yet). The authors' script
    variant is reported beside it, and a summary row checks that the derived Eq. 33 fits the
    direct measurement better than the variant at every evaluated speed.
    """
    fig = "fig8c"
    df = _require(drive, "steady_state_drive", ["v", "phi0", "lam", "alpha"])
    even = "delta_bar_even" in df.columns
    if not even and "delta_bar_numeric" not in df.columns:
        raise NotApplicable("table steady_state_drive.csv lacks column(s) delta_bar_even and "
                            "delta_bar_numeric")
    rows, better, evaluated = [], [], []
    for r in df.sort_values("v").to_dict("records"):
        v, phi0, lam, alpha = (float(r[k]) for k in ("v", "phi0", "lam", "alpha"))
        wf = float(r.get("omega_fast", 10.0))
        num = float(r["delta_bar_even"] if even else r["delta_bar_numeric"])
        an = float(analytic.steady_state_loss(v, phi0, lam, alpha, wf))
        sc = float(analytic.steady_state_loss_script_variant(v, phi0, lam, alpha, wf))
        rel = num / an - 1.0 if an > 0 else math.nan
        rel_s = num / sc - 1.0 if sc > 0 else math.nan
        claim = f"drive-mode Delta_bar agrees with Eq. (33) (v = {_g(v)})"
        what = "mean of both signs of Phi0" if even else "drive-mode Delta_bar"
        note = (f"{what}, relative error {_g(rel)}; authors' script variant: numeric/script = "
                f"{_g(num / sc)} (script/Eq. 33 = {_g(sc / an)})")
        if even:
            signs = [f"{lab} alone {_g(float(r[c]) / an - 1.0)}" for lab, c in
                     (("Phi0 > 0", "delta_bar_numeric"), ("Phi0 < 0", "delta_bar_attractive"))
                     if c in r and math.isfinite(float(r[c]))]
            if signs:
                note += "; O(Phi0^3): " + ", ".join(signs)
        tau_max = float(r.get("tau_max", math.nan))
        sites = v * tau_max / alpha if math.isfinite(tau_max) else math.inf
        near = _spikes_near(v, alpha, lam, wf)
        ok = math.isfinite(rel) and abs(rel) <= FIG8C_REL
        if near < FIG8C_SPIKE_REL:
            rows.append(na_row(fig, claim, f"v within {_g(100 * near)}% of a spike of Eq. 33 "
                               f"(the claim is for speeds away from the spikes); {note}",
                               an, num, FIG8C_REL))
            continue
        if not ok and sites < FIG8C_MIN_SITES:
            rows.append(na_row(fig, claim, f"only {_g(sites)} sites passed (< 20): no steady "
                               f"state yet; {note}", an, num, FIG8C_REL))
            continue
        rows.append(row(fig, claim, an, num, FIG8C_REL, ok, note))
        evaluated.append(v)
        better.append(abs(rel) < abs(rel_s) if math.isfinite(rel_s) else True)
    claim = "derived Eq. (33) fits the direct measurement better than the script variant"
    if evaluated:
        rows.append(row(fig, claim, "better at every speed", f"{sum(better)} of "
                        f"{len(better)} speeds", "all", all(better),
                        "settles which curve Figs. 8(c) and 9 show: the derived one"))
    else:
        rows.append(na_row(fig, claim, "no drive speed evaluated"))
    return rows


# ----------------------------------------------------------------------------- Fig. 9
def check_fig9(table: pd.DataFrame | None) -> list[dict]:
    """Fig. 9: the broadened Delta_bar is finite everywhere (the spikes of Eq. 33 smoothed)."""
    fig = "fig9"
    df = _require(table, "fig9_broadened", ["phi0", "v", "delta_bar_broadened"])
    rows = []
    for phi0, g in sorted(df.groupby("phi0"), key=lambda kv: -kv[0]):
        b = pd.to_numeric(g["delta_bar_broadened"], errors="coerce").to_numpy(float)
        fin = np.isfinite(b)
        plain = (pd.to_numeric(g["delta_bar"], errors="coerce").to_numpy(float)
                 if "delta_bar" in g.columns else np.full(b.size, np.nan))
        pmax = float(np.nanmax(plain)) if np.any(~np.isnan(plain)) else math.nan
        rows.append(row(fig, f"broadened Delta_bar finite at every speed (Phi0 = {_g(phi0)})",
                        "finite", float(np.max(b[fin])) if fin.any() else math.nan,
                        "all finite", bool(fin.all()),
                        f"max broadened {_g(np.max(b[fin]) if fin.any() else math.nan)} vs "
                        f"max plain Eq. 33 {_g(pmax)} over {b.size} speeds"
                        + (f"; {int((~fin).sum())} non-finite" if not fin.all() else "")))
    return rows


# ----------------------------------------------------------------------------- health
def check_health(table: pd.DataFrame | None) -> list[dict]:
    """Numerical health: energy conservation, time-step convergence, solver agreement.

    * Energy (no bias): max |E - E0| / KE0 <= 1e-4 at each d (issue 4's bound); and the
      drift shrinks at least 3x when delta is halved (second order: 4x), unless both are at
      rounding level (< 1e-10).
    * Time step: halving delta changes each single-pass loss by < 0.1% (a tenth of the
      tightest claim tolerance, the 1% of Fig. 8(c)).
    * Solvers: max |sigma_chain - sigma_kernel| <= 0.05 (tau_max/5)^2, at least 0.05 (issue
      4's bound over tau = 5, grown as the second-order phase error).
    """
    fig = "health"
    df = _require(table, "numerical_health", ["check", "quantity", "value"])
    rows = []
    chk = df["check"].astype(str)
    qty = df["quantity"].astype(str)
    # energy
    e = df[(chk == "energy_conservation") & (qty == "max_rel_energy_drift")]
    claim = "total energy conserved without bias"
    if not len(e):
        rows.append(na_row(fig, claim, "no energy_conservation rows"))
    else:
        e = e.sort_values("d") if "d" in e.columns else e
        for r in e.itertuples(index=False):
            val = float(r.value)
            rows.append(row(fig, f"{claim} (d = {getattr(r, 'd', '?')})", 0.0, val, HEALTH_ENERGY,
                            math.isfinite(val) and val <= HEALTH_ENERGY,
                            f"max |E - E0| / KE0 over tau = {_g(getattr(r, 'tau_max', math.nan))}"))
        if "d" in e.columns and len(e) >= 2:
            by_d = {int(d): float(v) for d, v in zip(e["d"], e["value"])}
            for d1 in sorted(by_d):
                if 2 * d1 in by_d:
                    a, b = by_d[d1], by_d[2 * d1]
                    claim2 = f"energy error shrinks with the time step (d = {d1} -> {2 * d1})"
                    if max(a, b) < HEALTH_ENERGY_FLOOR:
                        rows.append(row(fig, claim2, ">= 3 (second order: 4)", math.nan,
                                        HEALTH_ENERGY_ORDER, True,
                                        "both drifts below 1e-10: rounding level"))
                    else:
                        ratio = a / b if b > 0 else math.inf
                        rows.append(row(fig, claim2, ">= 3 (second order: 4)", ratio,
                                        HEALTH_ENERGY_ORDER, ratio >= HEALTH_ENERGY_ORDER,
                                        f"max drift {_g(a)} at d = {d1}, {_g(b)} at d = {2 * d1}"))
    # time step
    t = df[(chk == "timestep_convergence") & (qty == "rel_change_halved_delta")]
    claim = "halving delta changes the single-pass loss by < 0.1%"
    if not len(t):
        rows.append(na_row(fig, claim, "no timestep_convergence rows"))
    else:
        vals = t["value"].to_numpy(float)
        k = int(np.nanargmax(vals)) if np.isfinite(vals).any() else 0
        worst = t.iloc[k]
        rows.append(row(fig, claim, 0.0, vals[k], HEALTH_TIMESTEP,
                        bool(np.all(np.isfinite(vals)) and np.all(vals <= HEALTH_TIMESTEP)),
                        f"worst of {len(t)} runs: Phi0 = {_g(worst.get('phi0', math.nan))}, "
                        f"v0 = {_g(worst.get('v0', math.nan))}, d = {worst.get('d', '?')} -> 2d"))
    # solvers
    s = df[(chk == "solver_agreement") & (qty == "max_abs_sigma_diff")]
    claim = "chain and kernel solvers agree (max |sigma_chain - sigma_kernel|)"
    if not len(s):
        rows.append(na_row(fig, claim, "no solver_agreement rows"))
    else:
        for r in s.itertuples(index=False):
            tau = float(getattr(r, "tau_max", HEALTH_SOLVER_TAU))
            tol = HEALTH_SOLVER_SIGMA * max(1.0, (tau / HEALTH_SOLVER_TAU) ** 2)
            val = float(r.value)
            rows.append(row(fig, f"{claim} (tau = {_g(tau)})", 0.0, val, tol,
                            math.isfinite(val) and val <= tol,
                            f"d = {getattr(r, 'd', '?')}; tolerance 0.05 over tau <= 5, x "
                            "(tau/5)^2 beyond"))
    return rows


# ----------------------------------------------------------------------------- driver
def _read(path: PathLike) -> pd.DataFrame:
    try:
        return pd.read_csv(path)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _safe(fig: str, claim: str, fn: Callable[[], list[dict]]) -> list[dict]:
    """Run one check; missing data -> an n/a row, an internal error -> a failed row."""
    try:
        return fn()
    except NotApplicable as exc:
        return [na_row(fig, claim, str(exc))]
    except Exception as exc:  # a bug in a check must not hide the other claims
        log.error("check %s (%s) raised:\n%s", fig, claim, traceback.format_exc())
        return [row(fig, claim, "", "", "", False, f"check could not run: "
                    f"{type(exc).__name__}: {exc}")]


def validate(tables: Mapping[str, pd.DataFrame | None], config: Mapping | None = None,
             stores: Iterable[Any] | None = None) -> pd.DataFrame:
    """Every claim, from tables keyed by name (``"fig2_kernel"``, ...) and the Fig. 3 stores."""
    config = dict(config or {})
    t = {k: v for k, v in tables.items()}
    stores = list(stores or [])
    mu8 = float(config.get("fig8", {}).get("mu", 1.0))
    l_max = int(config.get("fig7", {}).get("l_max", 12))
    wf2 = None
    k2 = config.get("fig2", {}).get("kernel")
    if k2 and k2 in config.get("kernels", {}):
        wf2 = config["kernels"][k2].get("omega_fast")
    checks = [
        ("fig2", "leading edge of Gamma_n(tau) at n = tau pi (omega_fast - 1)",
         lambda: check_fig2(t.get("fig2_kernel"), wf2)),
        ("fig3", "sound cone, trapping and |delta rho| << alpha",
         lambda: check_fig3(stores)),
        ("fig4", "pass velocity profile follows Eq. (16), extremum = v_ext",
         lambda: check_fig4_pass(t.get("fig4_pass"))),
        ("fig4c", "largest fluctuation v_ext = sqrt(v0^2 - 8 pi^2 Phi0/mu)",
         lambda: check_fig4c(t.get("fig4c_fluctuation"))),
        ("fig4", "repulsive particle below the capture speed does not pass",
         lambda: check_capture(t.get("single_pass"), t.get("fig4c_fluctuation"),
                               t.get("fig8_fates"), stores, mu8)),
        ("fig5/6", "single-pass losses vs Eq. (26)",
         lambda: check_single_pass(t.get("single_pass"), t.get("fig5_single_pass"),
                                   t.get("fig6_single_pass"))),
        ("fig7", "losses enhanced near 2 alpha omega_fast/(2l+1)",
         lambda: check_fig7(t.get("fig7_per_pass"), l_max)),
        ("fig8", "drift fates, plateaus near alpha/n, Eq. 33 drift speeds",
         lambda: check_fig8(t.get("fig8_fates"), t.get("drift_velocities"), mu8,
                            t.get("fig8_midpoints"))),
        ("fig8c", "drive-mode Delta_bar agrees with Eq. (33) within 1%",
         lambda: check_fig8c(t.get("steady_state_drive"))),
        ("fig9", "broadened Delta_bar finite at every speed",
         lambda: check_fig9(t.get("fig9_broadened"))),
        ("health", "energy, time step, solver agreement",
         lambda: check_health(t.get("numerical_health"))),
    ]
    rows: list[dict] = []
    for fig, claim, fn in checks:
        rows.extend(_safe(fig, claim, fn))
    out = pd.DataFrame(rows, columns=COLUMNS[:-1])
    out["passed"] = out["passed"].map(lambda x: NA if isinstance(x, str) else bool(x)
                                      ).astype(object)
    out["chaindrag_version"] = __version__
    return out


def summary(df: pd.DataFrame) -> str:
    """Counts of passed / failed / n/a claims and one line per failed claim."""
    passed = df["passed"].map(lambda x: x is True or str(x) == "True")
    na = df["passed"].map(lambda x: str(x) == NA)
    failed = ~passed & ~na
    lines = [f"validation: {int(passed.sum())} passed, {int(failed.sum())} FAILED, "
             f"{int(na.sum())} not applicable, of {len(df)} claims"]
    for r in df[failed].itertuples(index=False):
        lines.append(f"  FAILED [{r.figure}] {r.claim}: expected {r.expected}, measured "
                     f"{r.measured}, tolerance {r.tolerance}. {r.note}")
    return "\n".join(lines)


def failed_claims(df: pd.DataFrame) -> pd.DataFrame:
    """The rows whose claim failed (passed is False, not n/a)."""
    return df[df["passed"].map(lambda x: x is False or str(x) == "False")]


def run_all(tables: Sequence[PathLike], output: PathLike, config: Mapping | None = None,
            stores: Sequence[Any] | None = None) -> pd.DataFrame:
    """Run every check on the workflow's tables (and Fig. 3 stores), write ``output``.

    Parameters
    ----------
    tables : sequence of paths
        The tables under results/tables/, recognised by file name (``fig2_kernel.csv``, ...).
        Missing or empty tables give n/a rows.
    output : path
        validation.csv (written atomically).
    config : mapping, optional
        The merged config sections (kernels, fig2..fig9, health): fig7.l_max, fig8.mu, the
        Fig. 2 kernel's omega_fast are read.
    stores : sequence, optional
        Fig. 3 trajectory stores (paths or :class:`~chaindrag.trajectory.Trajectory`).

    Returns
    -------
    pandas.DataFrame
        The validation table. Failed claims are logged as a WARNING; nothing is raised.
    """
    from .stores import write_table

    frames: dict[str, pd.DataFrame | None] = {}
    for p in tables:
        name = Path(p).stem
        if not Path(p).exists():
            log.warning("table %s does not exist: its claims are n/a", p)
            continue
        frames[name] = _read(p)
    loaded = []
    for s in stores or []:
        try:
            loaded.extend(_load_stores([s]))
        except Exception as exc:  # an unreadable store makes the Fig. 3 claims n/a
            log.warning("cannot load store %s: %s", s, exc)
    df = validate(frames, config, loaded if stores else None)
    write_table(df, output)
    text = summary(df)
    for r in df.itertuples(index=False):
        log.info("[%s] %s: %s (measured %s, tolerance %s)", r.figure, r.claim, r.passed,
                 r.measured, r.tolerance)
    if len(failed_claims(df)):
        log.warning("%s", text)
    else:
        log.info("%s", text)
    return df
