"""Time stepping of mobile particles on the infinite chain: two solvers of the same equations.

``solver="kernel"`` is the paper's Appendix algorithm: Eq. (A2) for the particles and Eq.
(A1) for a tracked segment of chain masses, each force propagated into the future through
a precomputed kernel store Gamma_n(l delta) (Eq. 15). Its cost grows as N_steps^2 N_ch.

``solver="chain"`` integrates an explicit chain segment instead. Between the force kicks of
Eq. (A1) the chain moves freely, and that free motion over one step is a fixed linear map:
rho_{b+1} = 2 C * rho_b - rho_{b-1} + (2 pi delta)^2 S * f_b, with C = cos(theta_q) and
S = sin(theta_q)/theta_q (theta_q = 2 pi omega_q delta) applied as short real-space stencils
(their coefficients fall off faster than exponentially; we keep them to 1e-14). This is the
same discrete-time dynamics as Eq. (A1) with the exact kernel, not an approximation of it:
the two solvers agree to rounding (tests/test_solvers.py). The segment grows with the sound
cone (pi (omega_fast - 1) sites per unit tau plus the measured Airy tail of the front), so no
disturbance ever reaches its ends: the finite segment *is* the infinite chain. Its cost is
N_steps x (sites inside the cone).
"""

from __future__ import annotations

import logging
import math
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._version import __version__
from ..params import (ChainParams, GaussianInteraction, ParameterError, SimulationError,
                      StoreError, TimeStepWarning, require_finite, require_int_range,
                      require_positive, require_range)
from ..trajectory import Trajectory
from . import _chain, _kernel
from ._common import (STATUS_DONE, STATUS_LEFT_SEGMENT, STATUS_NONFINITE, STATUS_REGROW,
                      STATUS_RUNAWAY, STATUS_STEP_TOO_COARSE, front_margin,
                      propagator_stencils)

__all__ = ["simulate", "drive", "DriveResult", "MARGINAL_STEP_FRACTION"]

log = logging.getLogger("chaindrag.solvers")

#: delta*|v| above this fraction of lam gets a TimeStepWarning; above lam the run is refused.
MARGINAL_STEP_FRACTION = 0.3
#: d below this gets a TimeStepWarning (the paper needs delta << 1/omega_fast; it uses d = 60).
MARGINAL_D = 20

_TWO_PI = 2.0 * math.pi


# --------------------------------------------------------------------------- input checks
def _particles(sigma0, v0) -> tuple[np.ndarray, np.ndarray]:
    s = np.atleast_1d(np.asarray(sigma0, dtype=float))
    v = np.atleast_1d(np.asarray(v0, dtype=float))
    if s.ndim != 1 or v.ndim != 1:
        raise ParameterError("sigma0 and v0 must be numbers or one-dimensional sequences")
    if s.size != v.size:
        raise ParameterError(f"sigma0 ({s.size} values) and v0 ({v.size} values) must have "
                             "one entry per particle")
    if s.size == 0:
        raise ParameterError("sigma0 and v0 need at least one particle")
    require_finite("sigma0", s)
    require_finite("v0", v)
    return s, v


def _check_step(delta: float, speed: float, lam: float, d: int, what: str) -> None:
    step = delta * speed
    if step > lam:
        raise ParameterError(
            f"{what}={speed:.6g} moves the particle delta*|{what}|={step:.4g} per step, more "
            f"than the interaction width lam={lam:.4g} (delta=1/(d*omega_fast)={delta:.4g}, "
            f"d={d}): the time step is too coarse. The paper needs delta*v << lam; raise d to "
            f"at least {math.ceil(d * step / (MARGINAL_STEP_FRACTION * lam))} or lower {what}.")
    if step > MARGINAL_STEP_FRACTION * lam:
        warnings.warn(
            f"{what}={speed:.6g}: delta*|{what}|={step:.4g} is {step / lam:.2f} lam "
            f"(lam={lam:.4g}, delta={delta:.4g}); the paper needs delta*v << lam, results "
            f"may carry time-step errors — check by doubling d.", TimeStepWarning, stacklevel=3)


def _common_checks(alpha, phi0, lam, mu, tau_max, omega_fast, d, bias):
    require_positive("alpha", alpha)
    require_positive("mu", mu)
    require_positive("tau_max", tau_max)
    require_finite("bias", bias)
    inter = GaussianInteraction(phi0, lam)  # checks phi0 finite, lam > 0
    chain = ChainParams(omega_fast, d)      # checks omega_fast > 1, d integer >= 4
    if chain.d < MARGINAL_D:
        warnings.warn(f"d={chain.d}: delta=1/(d*omega_fast) is not << 1/omega_fast (the paper "
                      f"uses d=60); fast chain modes are sampled only {chain.d} times per "
                      "period.", TimeStepWarning, stacklevel=3)
    return inter, chain


def _n_steps(tau_max: float, delta: float) -> int:
    n = int(math.floor(tau_max / delta + 1e-9))
    if n < 2:
        raise ParameterError(f"tau_max={tau_max:.6g} is shorter than two time steps "
                             f"(delta={delta:.6g})")
    return n


def _status_error(status: int, step: int, delta: float, sig_hist: np.ndarray, lam: float,
                  bias: float, v_runaway: float | None, extra: str = "") -> SimulationError:
    tau = step * delta
    last = sig_hist[:, step]
    prev = sig_hist[:, max(step - 1, 0)]
    speed = np.abs(last - prev) / delta
    where = f"at tau={tau:.6g} (step {step}), sigma={np.array2string(last, precision=6)}"
    if status == STATUS_NONFINITE:
        return SimulationError(f"non-finite particle position {where}: the run diverged")
    if status == STATUS_STEP_TOO_COARSE:
        return SimulationError(
            f"{where} the particle reached |v|={speed.max():.6g}, moving delta*|v|="
            f"{delta * speed.max():.4g} per step, more than lam={lam:.4g} (bias={bias:.6g}): "
            "the time step is too coarse for this speed; stopped instead of writing garbage. "
            "Raise d or shorten tau_max.")
    if status == STATUS_RUNAWAY:
        return SimulationError(f"{where} the particle speed |v|={speed.max():.6g} exceeded "
                               f"v_runaway={v_runaway:.6g}; stopped.")
    return SimulationError(f"{extra} {where}")


# ----------------------------------------------------------------------------- simulate
def simulate(*, alpha: float, phi0: float, lam: float, mu: float = 1.0,
             sigma0: float | Sequence[float], v0: float | Sequence[float], tau_max: float,
             omega_fast: float = 10.0, d: int = 60, bias: float = 0.0,
             memory: float = math.inf, solver: str = "chain", kernel_store: Any = None,
             record_sites: Sequence[int] | np.ndarray | None = None, record_every: int = 1,
             chain_record_every: int | None = None, energy: bool = True,
             progress: Callable[[float], None] | None = None, v_runaway: float | None = None,
             kernel_first_site: int | None = None) -> Trajectory:
    """Mobile particles on the infinite chain with a Gaussian pair interaction (Eqs. 12-14, A1-A2).

    Parameters
    ----------
    alpha : float
        Lattice constant (chain mass g rests at alpha g), > 0.
    phi0, lam : float
        Gaussian pair potential Phi(x) = phi0 exp(-x^2 / 2 lam^2); phi0 > 0 repulsive.
    mu : float
        Particle-to-chain mass ratio, > 0.
    sigma0, v0 : float or sequence
        Initial positions and speeds, one per particle (particles interact only through the
        chain).
    tau_max : float
        Duration in units of t_slow; the run has floor(tau_max/delta) steps.
    omega_fast, d : float, int
        Band top (> 1) and steps per fastest period: delta = 1/(d omega_fast) (Appendix).
    bias : float
        beta, energy gained per lattice spacing: a constant force beta/alpha (Sec. VI).
    memory : float
        Kernel truncation tau_0 (kernel solver only); inf = the whole history.
    solver : {"chain", "kernel"}
        Explicit cone-sized chain segment, or the paper's kernel algorithm (needs
        ``kernel_store``: a :class:`chaindrag.kernel.KernelStore` or its path).
    record_sites : sequence of int, optional
        Chain masses g whose displacement rho_g is recorded.
    record_every, chain_record_every : int
        Keep every k-th step of the particle record (and of the chain record; default the
        same). Measurements at midpoints need ``record_every=1``.
    energy : bool
        Chain solver: also compute the chain's energy every step (about 20% more work).
    progress : callable, optional
        Called with the fraction done, every percent or so.
    v_runaway : float, optional
        Stop with :class:`SimulationError` once a particle's speed exceeds this.
    kernel_first_site : int, optional
        Kernel solver: first tracked chain mass (default: placed from sigma0 and the sign of
        v0 so the particle has room to move); the store's n_max + 1 masses are tracked.

    Returns
    -------
    Trajectory
        ``tau``, ``sigma``, ``velocity`` (central differences of sigma), recorded chain
        displacements, energies (particle_kinetic, interaction, bias_work; with the chain
        solver and ``energy=True`` also chain and total) and ``params`` (every input, the
        solver, delta, package version, wall time).

    Raises
    ------
    ParameterError
        Bad input, named with its allowed range, including a time step too coarse for the
        interaction (delta |v0| > lam); a merely marginal step gives a TimeStepWarning.
    StoreError
        Kernel store missing, too short in n or tau, or made for another omega_fast or d.
    SimulationError
        Non-finite positions, a particle reaching delta |v| > lam or ``v_runaway``, or
        (kernel solver) leaving the tracked segment: says when and where.

    Examples
    --------
    The Fig. 3 set-up (repulsive, v0 = 120, started midway between masses 5 and 6) for
    tau = 20, with the displacements of the first 50 chain masses every 30 steps:

    >>> import numpy as np
    >>> from chaindrag import simulate
    >>> traj = simulate(alpha=40.0, phi0=20.0, lam=4.0, sigma0=220.0, v0=120.0,
    ...                 tau_max=20.0, record_sites=np.arange(50), chain_record_every=30)
    >>> traj.sigma.shape, traj.chain_displacement.shape
    ((1, 12001), (50, 401))
    >>> bool(traj.velocity[0, -1] < 120.0)  # it has lost speed to the chain
    True
    >>> e = traj.energy["total"]
    >>> bool(abs(e[-1] - e[0]) < 1e-4 * e[0])  # total energy is conserved
    True
    """
    t_start = time.perf_counter()
    inter, chain = _common_checks(alpha, phi0, lam, mu, tau_max, omega_fast, d, bias)
    sig0, vel0 = _particles(sigma0, v0)
    if solver not in ("chain", "kernel"):
        raise ParameterError(f"solver must be 'chain' or 'kernel', got {solver!r}")
    memory = float(memory)
    if not (memory > 0):  # also catches NaN
        raise ParameterError(f"memory must be > 0 (inf for the full history), got {memory!r}")
    if solver == "chain" and math.isfinite(memory):
        raise ParameterError("memory (kernel truncation tau_0) is only available with "
                             "solver='kernel'; the chain solver always has the full history")
    record_every = require_int_range("record_every", record_every, 1)
    chain_every = require_int_range("chain_record_every",
                                    record_every if chain_record_every is None
                                    else chain_record_every, 1)
    sites_rec = (np.zeros(0, dtype=np.int64) if record_sites is None
                 else np.asarray(record_sites).reshape(-1))
    if sites_rec.size and not np.issubdtype(sites_rec.dtype, np.integer):
        if not np.all(np.isfinite(sites_rec)) or np.any(sites_rec != np.round(sites_rec)):
            raise ParameterError("record_sites must be integer site indices")
    sites_rec = sites_rec.astype(np.int64)
    if v_runaway is not None:
        require_positive("v_runaway", v_runaway)
    delta = chain.delta
    _check_step(delta, float(np.max(np.abs(vel0))), inter.lam, chain.d, "v0")
    n = _n_steps(tau_max, delta)

    reach = inter.cutoff()
    common = dict(alpha=float(alpha), phi0=inter.phi0, lam=inter.lam, mu=float(mu),
                  bias=float(bias), delta=delta, reach=reach, dv_limit=inter.lam,
                  v_runaway=float(v_runaway or 0.0))
    sig_hist = np.zeros((sig0.size, n + 2))
    sig_hist[:, 0] = sig0
    e_int = np.zeros(n + 1)
    n_chain_rec = n // chain_every + 1
    rec_out = np.zeros((sites_rec.size, n_chain_rec))
    if solver == "chain":
        e_chain = np.zeros(n + 1)
        f_hist = np.zeros((sig0.size, n + 1))  # the chain's force on each particle (unused here)
        extra = _run_chain(n, sig_hist, vel0, chain, common, e_int, e_chain, f_hist, sites_rec,
                           chain_every, rec_out, bool(energy), progress,
                           prescribed_v=np.full(sig0.size, np.nan))
    else:
        e_chain = None
        extra = _run_kernel(n, sig_hist, vel0, chain, common, e_int, sites_rec,
                            chain_every, rec_out, kernel_store, memory, kernel_first_site,
                            progress, tau_max)

    tau_all = np.arange(n + 1) * delta
    vel = np.empty((sig0.size, n + 1))
    vel[:, 0] = vel0
    vel[:, 1:] = (sig_hist[:, 2:] - sig_hist[:, :-2]) / (2.0 * delta)
    keep = slice(0, n + 1, record_every)
    kinetic = 0.5 * float(mu) * (vel / _TWO_PI) ** 2
    energies = {"particle_kinetic": kinetic.sum(axis=0)[keep],
                "interaction": e_int[keep],
                "bias_work": (float(bias) / float(alpha)
                              * (sig_hist[:, :n + 1] - sig0[:, None]).sum(axis=0))[keep]}
    if e_chain is not None and energy:
        energies["chain"] = e_chain[keep]
        energies["total"] = (energies["particle_kinetic"] + energies["interaction"]
                             + energies["chain"] - energies["bias_work"])
    params = dict(alpha=float(alpha), phi0=inter.phi0, lam=inter.lam, mu=float(mu),
                  sigma0=float(sig0[0]) if sig0.size == 1 else sig0.tolist(),
                  v0=float(vel0[0]) if vel0.size == 1 else vel0.tolist(),
                  n_particles=int(sig0.size), bias=float(bias), omega_fast=chain.omega_fast,
                  d=chain.d, delta=delta, tau_max=float(tau_max), n_steps=n, memory=memory,
                  solver=solver, record_every=record_every, chain_record_every=chain_every,
                  force_floor=1e-20, interaction="gaussian", chaindrag_version=__version__,
                  wall_time_s=time.perf_counter() - t_start, **extra)
    return Trajectory(tau=tau_all[keep], sigma=sig_hist[:, :n + 1][:, keep], velocity=vel[:, keep],
                      chain_sites=sites_rec, chain_tau=np.arange(n_chain_rec) * chain_every * delta,
                      chain_displacement=rec_out, energy=energies, params=params)


# ------------------------------------------------------------------------ chain solver
class _Segment:
    """The explicit chain: arrays over sites ``first_site ..``; active sites [lo, hi).

    The active part is the intersection of the forward sound cone of everything the
    particles did (outside it the chain is at rest to 1e-13) and, when allowed, the
    backward cone of what can still reach the particles or recorded sites before the run
    ends (sites beyond it are frozen: what they would do can no longer matter).
    """

    def __init__(self, g_lo: int, g_hi: int, pad: int):
        self.pad = pad
        self.first_site = g_lo - pad
        size = g_hi - g_lo + 2 * pad
        self.x_prev, self.x_cur, self.scratch = np.zeros(size), np.zeros(size), np.zeros(size)
        self.fw_lo = self.fw_hi = (g_lo + g_hi) // 2  # forward cone, sites [fw_lo, fw_hi)
        self.frozen_lo, self.frozen_hi = -(1 << 62), 1 << 62
        self.max_active = 0

    def grow(self, g_lo: int, g_hi: int) -> None:
        """Forward cone now covers sites [g_lo, g_hi) (never shrinks)."""
        self.fw_lo, self.fw_hi = min(self.fw_lo, g_lo), max(self.fw_hi, g_hi)
        lo, hi = self.fw_lo - self.first_site, self.fw_hi - self.first_site
        size = self.x_cur.size
        if lo < self.pad or hi > size - self.pad:
            extra = size // 2  # grow generously so regrowth stays rare
            add_lo = self.pad - lo + extra if lo < self.pad else 0
            add_hi = hi - (size - self.pad) + extra if hi > size - self.pad else 0
            for name in ("x_prev", "x_cur", "scratch"):
                new = np.zeros(size + add_lo + add_hi)
                new[add_lo:add_lo + size] = getattr(self, name)
                setattr(self, name, new)
            self.first_site -= add_lo

    def freeze_outside(self, g_lo: int, g_hi: int) -> None:
        """Sites outside [g_lo, g_hi) can no longer matter: stop updating them."""
        self.frozen_lo, self.frozen_hi = max(self.frozen_lo, g_lo), min(self.frozen_hi, g_hi)

    @property
    def lo(self) -> int:
        return max(self.fw_lo, self.frozen_lo) - self.first_site

    @property
    def hi(self) -> int:
        return min(self.fw_hi, self.frozen_hi) - self.first_site


def _run_chain(n, sig_hist, vel0, chain, common, e_int, e_chain, f_hist, sites_rec,
               chain_every, rec_out, energy, progress, prescribed_v) -> dict:
    alpha, delta, reach = common["alpha"], common["delta"], common["reach"]
    c, s, t = propagator_stencils(chain.omega_fast, delta)
    c = np.concatenate([c, np.zeros(max(0, 4 - c.size))])
    pad = 2 * max(c.size, s.size, t.size) + 1
    speed = math.pi * (chain.omega_fast - 1.0)  # max group velocity, sites per unit tau
    tau_max = n * delta
    reach_sites = reach / alpha + 1.0
    p_lo = float(np.min(sig_hist[:, 0])) / alpha - reach_sites
    p_hi = float(np.max(sig_hist[:, 0])) / alpha + reach_sites
    half = int(math.ceil(speed * tau_max + front_margin(tau_max))) + pad
    travel = int(math.ceil(np.max(np.abs(vel0)) * tau_max / alpha)) + 8
    seg = _Segment(int(math.floor(p_lo)) - half - travel, int(math.ceil(p_hi)) + half + travel,
                   pad)
    # Freezing far sites is exact only if nobody needs them: not with the chain's energy
    # (a sum over all sites) and only while the particles move slower than v_bound.
    freeze = not energy
    v_bound = max(0.25 * speed, 2.0 * float(np.max(np.abs(vel0))) / alpha)
    kspring = (chain.omega_fast**2 - 1.0) / 4.0
    chunk = max(1, min(n // 100 + 1, int(round(0.25 / delta))))
    n_part = sig_hist.shape[0]
    buf = n_part * (int(2 * reach / alpha) + 8)
    sites, forces = np.zeros(buf, dtype=np.int64), np.zeros(buf)
    updates = 0
    b = 0
    while b <= n:
        b1 = min(b + chunk, n + 1)
        tau_end = b1 * delta
        cur = sig_hist[:, b] / alpha
        prev = sig_hist[:, max(b - 1, 0)] / alpha
        v_sites = max(float(np.max(np.abs(cur - prev))) / delta, float(np.max(np.abs(vel0))) / alpha)
        ahead = 2.0 * v_sites * (b1 - b) * delta + 2.0
        p_lo = min(p_lo, float(np.min(cur)) - reach_sites)
        p_hi = max(p_hi, float(np.max(cur)) + reach_sites)
        r = speed * tau_end + front_margin(tau_end) + ahead + pad
        seg.grow(int(math.floor(p_lo - r)), int(math.ceil(p_hi + r)) + 1)
        if freeze:
            if v_sites > v_bound:
                raise SimulationError(
                    f"at tau={b * delta:.6g} the particle moves {v_sites * alpha:.6g} per unit "
                    f"tau, faster than the {v_bound * alpha:.6g} the chain solver's frozen-edge "
                    "optimisation assumes; rerun with energy=True (which disables it)")
            need_lo, need_hi = p_lo - ahead, p_hi + ahead
            if sites_rec.size:
                need_lo, need_hi = min(need_lo, sites_rec.min()), max(need_hi, sites_rec.max())
            left = tau_max - b * delta
            back = (speed + v_bound) * left + front_margin(left) + pad
            seg.freeze_outside(int(math.floor(need_lo - back)), int(math.ceil(need_hi + back)) + 1)
        status, b_new, seg.x_prev, seg.x_cur = _chain.chain_steps(
            b, b1, seg.x_prev, seg.x_cur, seg.first_site, seg.lo, seg.hi, c, s, t, sig_hist,
            vel0, alpha, common["phi0"], common["lam"], common["mu"], common["bias"], delta,
            kspring, reach, common["dv_limit"], common["v_runaway"], prescribed_v, energy,
            e_int, e_chain, f_hist, sites_rec, chain_every, rec_out, sites, forces, seg.scratch)
        seg.max_active = max(seg.max_active, seg.hi - seg.lo)
        updates += (seg.hi - seg.lo) * max(b_new - b, 0)
        if b_new > b:
            seen = sig_hist[:, b:b_new + 1] / alpha
            p_lo = min(p_lo, float(seen.min()) - reach_sites)
            p_hi = max(p_hi, float(seen.max()) + reach_sites)
        if status == STATUS_REGROW:
            if seg.frozen_lo > p_lo - 64 or seg.frozen_hi < p_hi + 64:
                raise SimulationError(
                    f"at tau={b_new * delta:.6g} the particle reached the frozen part of the "
                    "chain segment (it moved faster than assumed); rerun with energy=True")
            seg.grow(int(math.floor(p_lo - r - 64)), int(math.ceil(p_hi + r + 64)) + 1)
            b = b_new
            continue
        if status != STATUS_DONE:
            raise _status_error(status, b_new, delta, sig_hist, common["lam"], common["bias"],
                                common["v_runaway"] or None)
        b = b_new
        if progress is not None:
            progress(min(b, n + 1) / (n + 1))
    return dict(chain_sites_max_active=int(seg.max_active), chain_site_updates=int(updates),
                stencil_width_cos=int(c.size),
                stencil_width_sin=int(s.size), frozen_far_sites=bool(freeze))


# ----------------------------------------------------------------------- kernel solver
def _open_kernel_store(kernel_store):
    from ..kernel import KernelStore, open_store

    if kernel_store is None:
        raise ParameterError("solver='kernel' needs kernel_store (a KernelStore or the path "
                             "of a store written by chaindrag.kernel.precompute)")
    if isinstance(kernel_store, KernelStore):
        return kernel_store
    if isinstance(kernel_store, (str, Path)):
        return open_store(kernel_store)
    raise ParameterError(f"kernel_store must be a KernelStore or a path, got "
                         f"{type(kernel_store).__name__}")


def _run_kernel(n, sig_hist, vel0, chain, common, e_int, sites_rec, chain_every,
                rec_out, kernel_store, memory, first_site, progress, tau_max) -> dict:
    store = _open_kernel_store(kernel_store)
    where = f"kernel store {store.path}"
    if not math.isclose(store.omega_fast, chain.omega_fast, rel_tol=1e-12):
        raise StoreError(f"{where} was made for omega_fast={store.omega_fast:g}, the run needs "
                         f"omega_fast={chain.omega_fast:g}")
    if int(store.d) != chain.d:
        raise StoreError(f"{where} was made for d={store.d} (delta={store.delta:.6g}), the run "
                         f"needs d={chain.d} (delta={chain.delta:.6g})")
    n_mem = n if not math.isfinite(memory) else min(n, int(math.floor(memory / chain.delta)))
    if store.n_lags < n_mem:
        raise StoreError(f"{where} holds tau up to tau_max={store.tau_max:g} "
                         f"({store.n_lags} steps); the run needs tau_max={tau_max:g} "
                         f"({n_mem} steps of memory): precompute a longer store")
    alpha, delta, reach = common["alpha"], common["delta"], common["reach"]
    n_ch = int(store.n_max) + 1
    reach_sites = int(math.ceil(reach / alpha)) + 2
    if n_ch < 2 * reach_sites + 1:
        raise StoreError(f"{where} has n_max={store.n_max}: too few tracked masses for the "
                         f"interaction range (need n_max >= {2 * reach_sites})")
    g0 = int(math.floor(float(np.min(sig_hist[:, 0])) / alpha))
    if first_site is None:
        back = max(reach_sites, n_ch // 5)
        if np.all(vel0 > 0):
            first_site = g0 - back
        elif np.all(vel0 < 0):
            first_site = int(math.floor(float(np.max(sig_hist[:, 0])) / alpha)) + back - n_ch + 1
        else:
            first_site = g0 - n_ch // 2
    first_site = int(first_site)
    if sites_rec.size and (sites_rec.min() < first_site or sites_rec.max() >= first_site + n_ch):
        raise ParameterError(f"record_sites must lie in the kernel solver's tracked segment "
                             f"{first_site}..{first_site + n_ch - 1} (store n_max={store.n_max})")
    gam = np.ascontiguousarray(store.window(n_ch, max(n_mem, 1)), dtype=np.float64)
    rho = np.zeros((n_ch, n + 1))
    n_part = sig_hist.shape[0]
    buf = n_part * (2 * reach_sites + 8)
    sites, forces = np.zeros(buf, dtype=np.int64), np.zeros(buf)
    chunk = max(1, n // 100 + 1)
    b = 0
    while b <= n:
        b1 = min(b + chunk, n + 1)
        status, b_new = _kernel.kernel_steps(
            b, b1, rho, first_site, gam, n_mem, sig_hist, vel0, alpha, common["phi0"],
            common["lam"], common["mu"], common["bias"], delta, reach, common["dv_limit"],
            common["v_runaway"], e_int, sites, forces)
        if status == STATUS_LEFT_SEGMENT:
            raise SimulationError(
                f"at tau={b_new * delta:.6g} (step {b_new}) the particle at sigma="
                f"{np.array2string(sig_hist[:, b_new], precision=6)} left the tracked chain "
                f"segment (sites {first_site}..{first_site + n_ch - 1}, {where}): the kernel "
                "algorithm would silently miss the masses beyond it. Use a store with larger "
                "n_max or set kernel_first_site.")
        if status != STATUS_DONE:
            raise _status_error(status, b_new, delta, sig_hist, common["lam"], common["bias"],
                                common["v_runaway"] or None)
        b = b_new
        if progress is not None:
            progress(min(b, n + 1) / (n + 1))
    if sites_rec.size:
        rec_out[:, :] = rho[sites_rec - first_site][:, ::chain_every][:, :rec_out.shape[1]]
    return dict(kernel_store=str(store.path), kernel_n_max=int(store.n_max),
                kernel_first_site=first_site, kernel_tracked=n_ch)


# ------------------------------------------------------------------------ driven particle
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
        independent check (O(delta^2) estimator of the chain's kinetic energy).
    tau_start, tau_end : float
        Window: the particle is at a midpoint between chain masses at both ends.
    n_sites : int
        Chain masses passed in the window.
    params : dict
        Inputs, solver, package version, wall time.
    """

    v: float
    delta_bar: float
    delta_bar_chain_energy: float
    tau_start: float
    tau_end: float
    n_sites: int
    params: dict = field(default_factory=dict)


def drive(*, alpha: float, phi0: float, lam: float, v: float, tau_max: float,
          omega_fast: float = 10.0, d: int = 60, mu: float = 1.0,
          sigma0: float | None = None, window: float = 0.5,
          progress: Callable[[float], None] | None = None) -> DriveResult:
    """Drag a particle at constant speed ``v`` and measure the steady-state loss per site.

    The particle is moved as sigma(tau) = sigma0 + v tau (default sigma0 = 5.5 alpha, midway)
    on the chain solver; the energy it feeds the chain, -int F v dtau with F the chain's
    force on it, is taken between the first and last midpoint crossings of the last
    ``window`` fraction of the run and divided by the number of masses passed: Delta_bar(v)
    of Eq. (33) once the transient has died out.
    """
    require_positive("v", v)
    require_range("window", window, 0.0, 1.0, lo_open=True)
    inter, chain = _common_checks(alpha, phi0, lam, mu, tau_max, omega_fast, d, 0.0)
    delta = chain.delta
    _check_step(delta, float(v), inter.lam, chain.d, "v")
    sigma0 = 5.5 * alpha if sigma0 is None else float(require_finite("sigma0", sigma0))
    n = _n_steps(tau_max, delta)
    t0 = time.perf_counter()
    reach = inter.cutoff()
    common = dict(alpha=float(alpha), phi0=inter.phi0, lam=inter.lam, mu=float(mu), bias=0.0,
                  delta=delta, reach=reach, dv_limit=inter.lam, v_runaway=0.0)
    sig_hist = np.zeros((1, n + 2))
    sig_hist[0, 0] = sigma0
    e_int, e_chain = np.zeros(n + 1), np.zeros(n + 1)
    f_hist = np.zeros((1, n + 1))
    _run_chain(n, sig_hist, np.array([float(v)]), chain, common, e_int, e_chain, f_hist,
               np.zeros(0, dtype=np.int64), 1, np.zeros((0, n + 1)), True, progress,
               prescribed_v=np.array([float(v)]))
    tau = np.arange(n + 1) * delta
    # energy fed to the chain: work against the chain's force, trapezoid in tau
    power = -f_hist[0] * float(v)
    work = np.concatenate([[0.0], np.cumsum(0.5 * (power[1:] + power[:-1]) * delta)])
    absorbed = e_chain + e_int - e_int[0]
    # midpoint crossings sigma = alpha (g + 1/2) inside the window
    g_first = math.ceil((sigma0 + v * (1.0 - window) * tau[-1]) / alpha - 0.5)
    g_last = math.floor((sigma0 + v * tau[-1]) / alpha - 0.5)
    if g_last - g_first < 1:
        raise ParameterError(f"tau_max={tau_max:g} is too short to pass two chain masses in "
                             f"the last {window:g} of the run at v={v:g}")
    ta = (alpha * (g_first + 0.5) - sigma0) / v
    tb = (alpha * (g_last + 0.5) - sigma0) / v
    sites = g_last - g_first
    dbar = (np.interp(tb, tau, work) - np.interp(ta, tau, work)) / sites
    dbar_e = (np.interp(tb, tau, absorbed) - np.interp(ta, tau, absorbed)) / sites
    params = dict(alpha=float(alpha), phi0=inter.phi0, lam=inter.lam, mu=float(mu), v=float(v),
                  sigma0=sigma0, tau_max=float(tau_max), omega_fast=chain.omega_fast, d=chain.d,
                  delta=delta, window=float(window), solver="drive", chaindrag_version=__version__,
                  wall_time_s=time.perf_counter() - t0)
    return DriveResult(v=float(v), delta_bar=float(dbar), delta_bar_chain_energy=float(dbar_e),
                       tau_start=float(ta), tau_end=float(tb), n_sites=int(sites), params=params)
