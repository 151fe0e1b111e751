"""The free thermal motion of the chain inside the solvers (issue 13; Sec. II, Eq. 9).

The chain is linear, so its motion is the free thermal motion rho^H of one realization
(:class:`chaindrag.thermal.ThermalChain`) plus the response to the particles' forces. Both
solvers start from the same rho^H, so for the same seed they see the same realization:

- the kernel solver pre-fills its tracked masses with rho^H at every step (the Appendix's
  algorithm, with the memory term added on top): :func:`fill_tracked`;
- the chain solver starts its segment in the realization's state, rho^H at steps 0 and -1
  (the two time levels of its two-step propagator, which advances free motion exactly):
  :func:`chain_start`;
- the transparent solver starts its segment the same way and lets rho^H in through its ends
  (its transparent ends act on the response alone): :class:`EndInflow` gives rho^H at the
  ends' boundary layers and ghosts, step by step, as the chain solver's sweep has it
  (:class:`chaindrag.thermal.swept.SweptMotion`).

The ring of the realization is sized for the run's duration over the *interaction window*
(:func:`interaction_window`), a function of the inputs alone (not of the solver): the sites
the particles can reach during the run at the speed their energy budget allows. A particle
whose interacting sites leave it stops the run (:func:`check_window`): beyond it the ring's
thermal motion is no longer the infinite chain's.
"""

from __future__ import annotations

import math

import numpy as np

from ..params import ParameterError, SimulationError
from ..interactions import Interaction
from ..interactions._kernels import selection_radius
from ..thermal import ThermalChain, displacement_variance, energy_per_site
from ..thermal.swept import NUFFT_EPS, SweptMotion

#: Thermal part of a particle's energy budget, in units of the mean mode energy: the
#: interaction window lets a particle move ballistically with the speed of this much energy.
THERMAL_ENERGY_ALLOWANCE = 10.0
#: Cost of one time of rho^H on a ring of N sites (an inverse real FFT of length N plus N/2
#: phase rotations), in site-updates of the solvers' loops per ring site (measured ~ 6).
FILL_COST_PER_SITE = 6.0
_TWO_PI = 2.0 * math.pi
_BLOCK = 1 << 24  # times x ring sites per pre-fill call (the realization blocks inside)
_OUT_BLOCK = 1 << 22  # times x tracked sites per pre-fill call (32 MB)
#: Thermal displacements the site selection allows for, in standard deviations of rho^H
#: (rho^H is Gaussian: exceeded with probability 2e-9 per site and step).
DISPLACEMENT_SIGMAS = 6.0
_INFLOW_BLOCK = 1 << 16  # steps of the ends' rho^H per non-uniform FFT (6 MB at w = 3)


def thermal_chain(omega_T, statistics, seed, thermal, omega_fast: float) -> ThermalChain | None:
    """The realization asked for (not yet sized), or None for the chain at rest.

    ``omega_T`` (with ``statistics`` and ``seed``) builds one; ``thermal`` is a pre-built
    :class:`~chaindrag.thermal.ThermalChain`. Raises ParameterError naming the parameter.
    """
    if thermal is None:
        if omega_T is None:
            # still validate the companions: a typo must not pass silently
            ThermalChain(0.0, statistics=statistics, seed=seed, omega_fast=omega_fast)
            if statistics != "quantum" or seed != 0:
                raise ParameterError(
                    f"statistics={statistics!r} and seed={seed!r} describe a thermal chain, "
                    "but omega_T is not given: the chain would be at rest and they would be "
                    "ignored. Give omega_T (>= 0) as well, or leave them out")
            return None
        return ThermalChain(omega_T, statistics=statistics, seed=seed, omega_fast=omega_fast)
    if not isinstance(thermal, ThermalChain):
        raise ParameterError(f"thermal must be a chaindrag.thermal.ThermalChain, got "
                             f"{type(thermal).__name__}")
    if omega_T is not None:
        raise ParameterError("give omega_T (with statistics and seed) or thermal (a "
                             "ThermalChain), not both")
    if statistics != "quantum" or seed != 0:
        raise ParameterError("statistics and seed belong to the ThermalChain given as "
                             "thermal; do not pass them to simulate as well")
    if not math.isclose(thermal.omega_fast, omega_fast, rel_tol=1e-12):
        raise ParameterError(f"thermal was built for omega_fast={thermal.omega_fast:g}, the "
                             f"run has omega_fast={omega_fast:g}")
    return thermal


def thermal_params(bath: ThermalChain | None, window: tuple[int, int] | None) -> dict:
    """Provenance of the chain's free motion: None everywhere for the chain at rest."""
    if bath is None:
        return dict(omega_T=None, statistics=None, seed=None, n_modes=None,
                    thermal_window=None, thermal=None)
    return dict(omega_T=bath.omega_T, statistics=bath.statistics, seed=bath.seed,
                n_modes=bath.n_modes, thermal_window=list(window), thermal=bath.provenance())


def thermal_reach(inter: Interaction, alpha: float, thermal: ThermalChain) -> float:
    """The reach the solvers use on a thermal chain: ``inter.reach()``, widened if needed.

    The solvers pick the masses a particle feels by their lattice sites, within the
    ``selection_radius`` of the force loop; a mass beyond, carried towards the particle by
    its displacement rho, is not felt. At rest rho is a small response, but
    rho^H has the rms s = sqrt(<rho^2>) (:func:`~chaindrag.thermal.displacement_variance`),
    which at high omega_T is not small against the reach (s = 10 at classical omega_T =
    1000, omega_fast = 10). If a mass up to DISPLACEMENT_SIGMAS s inside the selection
    could exert more than the reach's own floor
    (:attr:`~chaindrag.interactions.Interaction.reach_floor`), the reach grows by
    DISPLACEMENT_SIGMAS s; otherwise it is ``inter.reach()`` and no number changes (the
    Gaussian phi0 = 2, lam = 4 at alpha = 40 up to classical omega_T ~ 450).
    """
    reach = inter.reach()
    shift = DISPLACEMENT_SIGMAS * math.sqrt(float(displacement_variance(
        thermal.omega_T, thermal.statistics, thermal.omega_fast)))
    selected = selection_radius(inter.kind, reach, alpha)
    near = np.linspace(max(selected - shift, 0.0), selected, 513)
    if np.max(np.abs(inter.force(near))) <= inter.reach_floor:
        return reach
    return reach + shift


def start_energy(inter: Interaction, sig0: np.ndarray, alpha: float, reach: float) -> float:
    """The largest interaction energy a particle starts with, the chain at rest (>= 0).

    sum_g Phi(sigma0 - alpha g) over the masses within ``reach``, the largest over the
    particles, 0 if negative: a particle started on a barrier turns it into speed.
    """
    most = 0.0
    for s in np.asarray(sig0, dtype=float):
        g = np.arange(math.floor((s - reach) / alpha), math.ceil((s + reach) / alpha) + 1)
        most = max(most, float(np.sum(inter.potential(s - alpha * g))))
    return most


def interaction_window(sig0: np.ndarray, vel0: np.ndarray, *, tau_max: float, alpha: float,
                       mu: float, bias: float, reach: float, well_depth: float,
                       mode_energy: float, sites_rec: np.ndarray,
                       start_energy: float = 0.0) -> tuple[int, int]:
    """Sites [lo, hi) the particles may interact with during the run (and recorded sites).

    A particle's speed is bounded by its energy budget, mu (v/2pi)^2/2 <= mu (v0/2pi)^2/2 +
    ``start_energy`` (the interaction energy it starts with, :func:`start_energy`: a barrier
    it starts on) + ``well_depth`` (the deepest attraction, -min Phi) +
    THERMAL_ENERGY_ALLOWANCE x ``mode_energy`` (what the thermal chain may lend it), plus
    the bias's free acceleration (2 pi)^2 bias/(alpha mu); the window holds every site
    within ``reach`` of the ballistic excursion of every particle over ``tau_max``. It
    depends on the inputs only, so every solver sizes the same ring and draws the same
    realization.
    """
    budget = (0.5 * mu * (float(np.max(np.abs(vel0))) / _TWO_PI) ** 2 + max(start_energy, 0.0)
              + max(well_depth, 0.0) + THERMAL_ENERGY_ALLOWANCE * mode_energy)
    speed = _TWO_PI * math.sqrt(2.0 * budget / mu)
    accel = _TWO_PI**2 * abs(bias) / (alpha * mu)
    excursion = speed * tau_max + 0.5 * accel * tau_max**2 + reach
    lo = math.floor((float(np.min(sig0)) - excursion) / alpha) - 1
    hi = math.ceil((float(np.max(sig0)) + excursion) / alpha) + 2
    if sites_rec.size:
        lo, hi = min(lo, int(sites_rec.min())), max(hi, int(sites_rec.max()) + 1)
    return lo, hi


def sized_for_run(thermal: ThermalChain, tau_max: float, window: tuple[int, int]) -> ThermalChain:
    """``thermal`` on a ring exact for ``tau_max`` over ``window``; ParameterError if too small.

    An unsized realization gets :func:`~chaindrag.thermal.ring_size` sites; a sized one must
    already be large enough (:meth:`~chaindrag.thermal.ThermalChain.require_ring`).
    """
    width = window[1] - window[0]
    if thermal.n_modes is None:
        return thermal.with_ring_for(tau_max, width)
    thermal.require_ring(tau_max, width)
    return thermal


def mean_mode_energy(thermal: ThermalChain) -> float:
    """Mean energy per chain site <epsilon>_BZ of the realization's temperature."""
    return float(energy_per_site(thermal.omega_T, thermal.statistics, thermal.omega_fast))


def check_window(sig: np.ndarray, alpha: float, reach: float, window: tuple[int, int],
                 tau: float) -> None:
    """SimulationError if a particle at positions ``sig`` reached a site outside ``window``."""
    sig = sig[np.isfinite(sig)]
    if not sig.size:
        return
    g_lo = math.floor((float(sig.min()) - reach) / alpha)
    g_hi = math.ceil((float(sig.max()) + reach) / alpha)
    if g_lo < window[0] or g_hi >= window[1]:
        raise SimulationError(
            f"by tau={tau:.6g} a particle interacted with chain sites {g_lo}..{g_hi}, outside "
            f"the thermal interaction window {window[0]}..{window[1] - 1} the ring of the "
            "thermal realization was sized for: beyond it the ring's motion would not be the "
            "infinite chain's. It moved further than its energy budget allows for (the "
            "window is set by the inputs, interaction_window; a larger pre-built ring does "
            "not widen it): shorten tau_max.")


def chain_start(thermal: ThermalChain, first_site: int, size: int,
                delta: float) -> tuple[np.ndarray, np.ndarray]:
    """(rho^H at step 0, rho^H at step -1) on sites first_site .. first_site+size-1.

    Sites are taken modulo the ring (the segment may be wider than it): the periodic
    extension of the ring's modes, advanced by the exact one-step propagator, is the ring's
    own motion.
    """
    sites = first_site + np.arange(size, dtype=np.int64)
    both = thermal.displacement(sites, np.array([0.0, -delta]))
    return np.ascontiguousarray(both[0]), np.ascontiguousarray(both[1])


def fill_work(thermal: ThermalChain, n_times: int) -> float:
    """The pre-fill's cost in site-update equivalents (for progress)."""
    return FILL_COST_PER_SITE * float(thermal.n_modes) * n_times


def fill_tracked(rho: np.ndarray, thermal: ThermalChain, first_site: int, delta: float,
                 report=None) -> None:
    """rho[g, b] = rho^H of site first_site + g at tau = b delta, in blocks of times.

    ``report(times_done)`` is called after each block.
    """
    n_ch, n_times = rho.shape
    sites = first_site + np.arange(n_ch, dtype=np.int64)
    rows = max(1, min(_BLOCK // thermal.n_modes, _OUT_BLOCK // n_ch))
    for start in range(0, n_times, rows):
        stop = min(start + rows, n_times)
        rho[:, start:stop] = thermal.displacement(sites, np.arange(start, stop) * delta).T
        if report is not None:
            report(stop)


class EndInflow:
    """rho^H at a transparent segment's ends, in blocks of steps (the solver's ``heat``).

    ``block(b, g_lo, g_hi, n_end)`` returns (heat, hb0, hb1): ``heat[e, i, b - hb0]`` for
    steps hb0 <= b < hb1 (hb1 <= n_end) is rho^H of end e's boundary-layer site i (i < w;
    g_hi - 1 - i on the right, e = 0, g_lo + i on the left) or of its ghost i - w + 1
    (g_hi + i - w, g_lo - 1 - i + w), recomputed only when b leaves the block or the
    segment changed. Cost: one FINUFFT of 4 w sites per block, ~N/2 + block log(block).
    """

    def __init__(self, thermal: ThermalChain, c: np.ndarray, delta: float, w: int):
        self.swept, self.w = SweptMotion(thermal, c, delta), w
        self._key, self._heat, self._hb0 = None, np.zeros((2, 2 * w, 0)), 0

    def block(self, b: int, g_lo: int, g_hi: int, n_end: int):
        w, hb1 = self.w, self._hb0 + self._heat.shape[2]
        if self._key != (g_lo, g_hi) or not self._hb0 <= b < hb1:
            i = np.arange(w)
            sites = np.concatenate([g_hi - 1 - i, g_hi + i, g_lo + i, g_lo - 1 - i])
            n_steps = max(1, min(_INFLOW_BLOCK, n_end - b))
            self._heat = self.swept.at_sites(sites, b, n_steps).reshape(2, 2 * w, n_steps)
            self._key, self._hb0 = (g_lo, g_hi), b
        return self._heat, self._hb0, self._hb0 + self._heat.shape[2]

    def add_to(self, x_prev: np.ndarray, x_cur: np.ndarray, first_site: int, b: int) -> None:
        """Add rho^H at steps b - 1 and b to x_prev and x_cur (sites first_site ..)."""
        take = (first_site + np.arange(x_cur.size)) % self.swept.n_modes
        x_prev += self.swept.on_ring(b - 1)[take]
        x_cur += self.swept.on_ring(b)[take]

    def provenance(self) -> dict:
        return dict(method="rho^H fed through the ends: the realization's modes continued "
                           "with the sweep's dispersion arccos C_q, FINUFFT type 1",
                    nufft_eps=NUFFT_EPS)
