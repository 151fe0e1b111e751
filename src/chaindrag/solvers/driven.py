"""drive: a particle dragged at constant speed through the chain (Sec. VI, Eq. 33)."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .._version import __version__
from ..interactions import Interaction
from ..params import ParameterError, require_finite, require_positive, require_range
from ..thermal import ThermalChain
from .chain import _run_chain
from .checks import (_check_step, _common_checks, _interaction, _n_steps, check_callbacks,
                     check_reach, check_record_memory, check_resolution, check_thermal_step,
                     check_thermal_window, interaction_common, interaction_params)
from .job import SolverJob
from .thermal_state import sized_for_run, thermal_chain, thermal_params, thermal_reach
from .transparent import _run_transparent

_SOLVERS = {"chain": _run_chain, "transparent": _run_transparent}

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DriveResult:
    """A particle dragged at constant speed through the chain (Sec. VI, Eq. 33).

    Attributes
    ----------
    v : float
        The imposed speed.
    delta_bar : float
        Energy absorbed per lattice site passed in the late-time window, from the work done
        against the drag force (the steady-state loss Delta_bar of Eq. 33).
    delta_bar_chain_energy : float
        The same from the chain's energy (plus interaction energy) at the window ends: an
        independent check on the same dynamics. The chain's energy is read off the discrete
        chain exactly; the work is the trapezoid rule over the steps' forces, so the two
        differ by O(delta^2): ~1e-12 to 1e-7 relative at d = 60 (largest for potentials
        with long tails, e.g. the Lorentzian), a quarter of that at 2 d. NaN on a thermal
        chain, whose energy is infinite.
    tau_start, tau_end : float
        Window: the particle is at a midpoint between chain masses at both ends.
    n_sites : int
        Chain masses passed in the window.
    params : dict
        Inputs, solver, package version; on a thermal chain the realization's provenance
        (``omega_T``, ``statistics``, ``seed``, ``thermal``) as in ``simulate``. No
        wall-clock quantity: the same inputs give the same params.
    wall_time_s : float or None
        Seconds the run took (from the realization's set-up to the measurement; input
        checks excluded); in memory only, not in ``params`` and not compared. It is also
        logged at INFO by this module's logger (``chaindrag.solvers.driven``).
    """

    v: float
    delta_bar: float
    delta_bar_chain_energy: float
    tau_start: float
    tau_end: float
    n_sites: int
    params: dict = field(default_factory=dict)
    wall_time_s: float | None = field(default=None, compare=False)


def _midpoint_steps(t: float, g: int, tau: np.ndarray, sigma: np.ndarray, alpha: float,
                    inter: Interaction, reach: float) -> tuple[int, float, np.ndarray]:
    """The steps k, k + 1 around time t (the particle at the midpoint alpha (g + 1/2)), the
    fraction of the step at t, and e0 at k, k + 1: the interaction energy with the chain
    at rest (the 2 m masses nearest the midpoint, m = ceil(reach / alpha) + 1), minus its
    value at the midpoint.
    """
    k = int(np.clip(np.searchsorted(tau, t, side="right") - 1, 0, tau.size - 2))
    frac = min(max((t - tau[k]) / (tau[k + 1] - tau[k]), 0.0), 1.0)
    m = math.ceil(reach / alpha) + 1
    near = alpha * np.arange(-m + 1, m + 1, dtype=float)  # masses g + j, from the midpoint's g
    sep = np.add.outer(sigma[k:k + 2] - alpha * g, -near)
    e0 = np.sum(inter.potential(sep), axis=1) - np.sum(inter.potential(0.5 * alpha - near))
    return k, frac, e0


def _at_midpoint(series: np.ndarray, k: int, frac: float, e0: np.ndarray) -> float:
    """``series`` (work or energy, at every step) at a midpoint crossing between steps k, k + 1.

    Linear interpolation of ``series`` itself would miss by (v delta)^2 / 8 times the
    curvature of the interaction energy with the chain at rest, e0, which is of order phi0
    (the loss is of order phi0^2) and differs between the window's ends as they fall
    differently between steps: 45 % of the loss at lam = 8, v = 31.7, phi0 = 0.01, d = 30.
    So series - e0 (smooth, of order phi0^2) is interpolated and e0 is added back exactly:
    at the midpoint it is the same at both ends (``e0`` is taken relative to it).
    """
    y = series[k:k + 2] - e0
    return float(y[0] + frac * (y[1] - y[0]))


DEFAULT_SIGMA0 = 5.5  # drive's start, in alpha: midway between two chain masses


def window_midpoints(sigma0: float, v: float, tau_end: float, window: float,
                     alpha: float) -> tuple[int, int]:
    """(g_first, g_last): the midpoints sigma = alpha (g + 1/2) the particle, moved as
    sigma0 + v tau up to ``tau_end`` (the last step's time), crosses inside the last
    ``window`` fraction of the run; drive needs g_last - g_first >= 1 (one mass passed).
    A path too many spacings long for a float (alpha ~ 1e-320) is a ParameterError."""
    first = (sigma0 + v * (1.0 - window) * tau_end) / alpha - 0.5
    last = (sigma0 + v * tau_end) / alpha - 0.5
    if not (math.isfinite(first) and math.isfinite(last)):
        raise ParameterError(f"alpha={alpha:g} is too small: the particle's path of "
                             f"{abs(sigma0 + v * tau_end):g} is more chain spacings than a "
                             f"float holds")
    return math.ceil(first), math.floor(last)


def drive(*, alpha: float, phi0: float | None = None, lam: float | None = None,
          v: float, tau_max: float, interaction: Interaction | None = None,
          omega_fast: float = 10.0, d: int = 60, mu: float = 1.0,
          sigma0: float | None = None, window: float = 0.5,
          progress: Callable[[float], None] | None = None, solver: str = "chain",
          omega_T: float | None = None, statistics: str = "quantum", seed: int = 0,
          thermal: ThermalChain | None = None) -> DriveResult:
    """Drag a particle at constant speed ``v`` and measure the steady-state loss per site.

    The particle is moved as sigma(tau) = sigma0 + v tau (default sigma0 = 5.5 alpha, midway)
    on the chain solver; the energy it feeds the chain, -int F v dtau with F the chain's
    force on it, is taken between the first and last midpoint crossings of the last
    ``window`` fraction of the run and divided by the number of masses passed: Delta_bar(v)
    of Eq. (33) once the transient has died out. ``progress`` is called with the fraction
    of the planned work (site-updates) done, as in :func:`~chaindrag.solvers.simulate`.
    The pair potential is ``interaction`` (any :class:`~chaindrag.interactions.Interaction`)
    or the Gaussian shorthand ``phi0``, ``lam`` (giving both is a ParameterError).
    ``solver`` is "chain" (the cone-sized segment) or "transparent" (a segment over the
    particle's known path with exact transparent ends, :mod:`chaindrag.solvers.transparent`;
    the same numbers, at a cost linear in tau).

    On a thermal chain (``omega_T``, ``statistics``, ``seed`` or a pre-built ``thermal``, as
    in :func:`~chaindrag.solvers.simulate`) the chain starts in that realization and the
    loss is the work against the drag alone; Eq. (33) at that temperature is
    :func:`chaindrag.analytic.thermal_steady_state_loss`. One realization's loss carries
    the thermal noise; in its mirror image (``thermal.mirrored()``) the part odd in rho^H
    (the first-order noise) is reversed, so the pair's mean has none of it and the same
    expectation.

    Bad input raises ParameterError before anything is allocated, as in ``simulate``
    (scalars must be single real numbers; records, segment or thermal ring above the
    memory the process may use, or a sigma0 too far out for float64, are refused).
    """
    if not isinstance(solver, str) or solver not in _SOLVERS:
        raise ParameterError(f"solver must be {' or '.join(map(repr, _SOLVERS))}, got {solver!r}")
    v = require_positive("v", v, scalar=True)
    window = require_range("window", window, 0.0, 1.0, lo_open=True, scalar=True)
    check_callbacks(progress, None, None, True)
    inter = _interaction(phi0, lam, interaction)
    chain = _common_checks(alpha, inter, mu, tau_max, omega_fast, d, 0.0)
    delta = chain.delta
    _check_step(delta, v, inter, chain.d, "v")
    sigma0 = DEFAULT_SIGMA0 * alpha if sigma0 is None else require_finite("sigma0", sigma0,
                                                                            scalar=True)
    n = _n_steps(tau_max, delta)
    check_record_memory(n, 1, 0, 1, delta)
    check_resolution(np.array([sigma0]), np.array([v]), float(tau_max), inter)
    g_first, g_last = window_midpoints(sigma0, v, n * delta, window, alpha)
    if g_last - g_first < 1:
        raise ParameterError(f"tau_max={tau_max:g} is too short for window={window:g} at "
                             f"v={v:g}: the last window fraction of the run must hold two "
                             "midpoints between chain masses (one mass passed); raise tau_max "
                             "or window")
    t0 = time.perf_counter()
    bath = thermal_chain(omega_T, statistics, seed, thermal, chain.omega_fast)
    reach, thermal_window = check_reach(inter, inter.reach()), None
    if bath is not None:  # the masses the path can meet, as simulate's interaction window
        check_thermal_step(delta, bath, inter, chain.d)
        reach = thermal_reach(inter, float(alpha), bath)
        thermal_window = (math.floor((sigma0 - reach) / alpha) - 1,
                          math.ceil((sigma0 + v * float(tau_max) + reach) / alpha) + 2)
        check_thermal_window(thermal_window, float(tau_max), chain.omega_fast)
        bath = sized_for_run(bath, float(tau_max), thermal_window)
    common = interaction_common(inter, alpha=alpha, mu=mu, bias=0.0, delta=delta, reach=reach)
    sig_hist = np.zeros((1, n + 2))
    sig_hist[0, 0] = sigma0
    e_int, e_chain = np.zeros(n + 1), np.zeros(n + 1)
    f_hist = np.zeros((1, n + 1))
    job = SolverJob(n=n, tau_max=float(tau_max), sig_hist=sig_hist, vel0=np.array([float(v)]),
                    chain=chain, common=common, e_int=e_int,
                    sites_rec=np.zeros(0, dtype=np.int64), chain_every=1,
                    rec_out=np.zeros((0, n + 1)), energy=bath is None, progress=progress,
                    thermal=bath, window=thermal_window)
    extra = _SOLVERS[solver](job, e_chain, f_hist, prescribed_v=np.array([float(v)]))
    tau = np.arange(n + 1) * delta
    # energy fed to the chain: work against the chain's force, trapezoid in tau
    power = -f_hist[0] * float(v)
    work = np.concatenate([[0.0], np.cumsum(0.5 * (power[1:] + power[:-1]) * delta)])
    absorbed = e_chain + e_int - e_int[0]
    ta = (alpha * (g_first + 0.5) - sigma0) / v
    tb = (alpha * (g_last + 0.5) - sigma0) / v
    sites = g_last - g_first
    ends = [_midpoint_steps(t, g, tau, sig_hist[0], float(alpha), inter, reach)
            for t, g in ((ta, g_first), (tb, g_last))]
    dbar = (_at_midpoint(work, *ends[1]) - _at_midpoint(work, *ends[0])) / sites
    dbar_e = (_at_midpoint(absorbed, *ends[1]) - _at_midpoint(absorbed, *ends[0])) / sites \
        if bath is None else math.nan
    params = dict(alpha=float(alpha), **interaction_params(inter), mu=float(mu), v=float(v),
                  sigma0=sigma0, tau_max=float(tau_max), omega_fast=chain.omega_fast, d=chain.d,
                  delta=delta, window=float(window), solver="drive", chain_solver=solver,
                  reach=float(reach), **thermal_params(bath, thermal_window),
                  chaindrag_version=__version__,
                  **({k: extra[k] for k in ("segment", "transparent_ends", "end_flux")}
                     if solver == "transparent" else {}))
    wall = time.perf_counter() - t0
    log.info("drive: solver=%s, v=%g, tau=%g (%d steps) in %.2f s", solver, float(v),
             float(tau[-1]), n, wall)
    return DriveResult(v=float(v), delta_bar=float(dbar), delta_bar_chain_energy=float(dbar_e),
                       tau_start=float(ta), tau_end=float(tb), n_sites=int(sites), params=params,
                       wall_time_s=wall)
