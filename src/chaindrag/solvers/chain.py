"""Chain solver: an explicit cone-sized chain segment, exact in time between force kicks.

Between the force kicks of Eq. (A1) the chain moves freely, and that free motion over one
step is a fixed linear map: rho_{b+1} = 2 C * rho_b - rho_{b-1} + (2 pi delta)^2 S * f_b,
with C = cos(theta_q) and S = sin(theta_q)/theta_q (theta_q = 2 pi omega_q delta) applied
as short real-space stencils (their coefficients fall off faster than exponentially; we
keep them to 1e-14). This is the same discrete-time dynamics as Eq. (A1) with the exact
kernel, not an approximation of it: it agrees with the kernel solver to rounding
(tests/test_solvers.py). The segment grows with the sound cone (pi (omega_fast - 1) sites
per unit tau plus the measured Airy tail of the front), so no disturbance ever reaches its
ends: the finite segment *is* the infinite chain. Its cost is N_steps x (sites inside the
cone); without the chain's energy, sites outside the backward cone of what can still reach
the particles are frozen, so the active width grows and then shrinks again. A thermal
chain (:mod:`chaindrag.solvers.thermal_state`) moves everywhere from the start: the segment
begins as the backward cone of the interaction window over the whole run, in the
realization's state, and only shrinks. The numba loops are in
:mod:`chaindrag.solvers._chain`.
"""

from __future__ import annotations

import logging
import math

import numpy as np

from .._simd import aligned_zeros
from ..params import SimulationError, require_memory
from . import _chain
from ._common import (STATUS_DONE, STATUS_REGROW, front_margin, propagator_stencils,
                      sound_cone)
from .checks import _status_error
from .job import ProgressReporter, SolverJob, SolverResult
from .thermal_state import chain_start, check_window

_REGROW_MARGIN = 64  # extra sites when a particle forces the segment to grow mid-chunk

log = logging.getLogger(__name__)


class _FasterThanAssumed(SimulationError):
    """A particle outran the speed the frozen far sites assume: the run is redone unfrozen."""


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
        # on cache lines, as the sweep's vectors are (chaindrag.boundary._sweep)
        self.x_prev, self.x_cur, self.scratch = (aligned_zeros(size), aligned_zeros(size),
                                                 aligned_zeros(size))
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
                new = aligned_zeros(size + add_lo + add_hi)
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


class _ChainRun:
    """One run of the chain solver: segment geometry, chunks of numba steps, progress.

    Before each chunk of steps the forward cone is grown (``_grow_and_freeze``) and, when
    freezing is allowed, the backward cone shrunk; the same rules, vectorised over the
    chunks still to come, give the planned number of site-updates (``_plan``) whose done
    fraction goes to ``progress``.
    """

    def __init__(self, job: SolverJob, e_chain, f_hist, prescribed_v,
                 progress: ProgressReporter, freeze: bool = True):
        self.job, self.e_chain, self.f_hist = job, e_chain, f_hist
        self.prescribed_v, self.progress = prescribed_v, progress
        alpha, delta, reach = job.common["alpha"], job.common["delta"], job.common["reach"]
        c, self.s, self.t = propagator_stencils(job.chain.omega_fast, delta)
        self.c = np.concatenate([c, np.zeros(max(0, 4 - c.size))])
        self.pad = 2 * max(self.c.size, self.s.size, self.t.size) + 1
        self.speed = math.pi * (job.chain.omega_fast - 1.0)  # max group velocity, sites/tau
        self.tau_max = job.n * delta
        self.reach_sites = reach / alpha + 1.0
        self.p_lo = float(np.min(job.sig_hist[:, 0])) / alpha - self.reach_sites
        self.p_hi = float(np.max(job.sig_hist[:, 0])) / alpha + self.reach_sites
        self.v0_max = float(np.max(np.abs(job.vel0)))
        # Freezing far sites is exact only if nobody needs them: not with the chain's energy
        # (a sum over all sites) and only while the particles move slower than v_bound (a
        # particle that outruns it makes _run_chain redo the run with freeze=False).
        self.freeze = freeze and not job.energy
        self.v_bound = max(0.25 * self.speed, 2.0 * self.v0_max / alpha)
        if job.thermal is None:
            cone = sound_cone(job.chain.omega_fast, self.tau_max)
            travel = self.v0_max * self.tau_max / alpha + 8
            self._check_memory(None, cone, travel)
            half, travel = int(math.ceil(cone)) + self.pad, int(math.ceil(travel))
            self.seg = _Segment(int(math.floor(self.p_lo)) - half - travel,
                                int(math.ceil(self.p_hi)) + half + travel, self.pad)
        else:
            self._thermal_segment()
        self.chunk = max(1, min(job.n // 100 + 1, int(round(0.25 / delta))))
        buf = job.sig_hist.shape[0] * (int(2 * reach / alpha) + 8)
        self.sites, self.forces = np.zeros(buf, dtype=np.int64), np.zeros(buf)
        self.kick_buf = np.zeros(2 * buf + 2 * self.s.size)
        self.work_buf = np.zeros(2 * job.sig_hist.shape[0])  # chain_steps' sigma and forces
        self.updates = 0
        self.planned = 0.0
        self.planned_for = (math.nan, math.nan)  # particle extent the plan assumed

    def _thermal_segment(self) -> None:
        """The whole segment moves from step 0: the thermal realization's state on it.

        Thermal waves enter from the segment's frozen ends at up to pi (omega_fast - 1)
        sites per unit tau: the backward cone of the interaction window over the whole run
        is active from the start (no forward cone), and shrinks as the run goes on. The
        window already holds every site the particles can reach, so v_bound is 0.
        """
        job = self.job
        self.freeze, self.v_bound = True, 0.0
        w_lo, w_hi = job.window
        back = self._backward(self.tau_max)
        self._check_memory(float(w_hi - w_lo), back, 0.0)
        back = int(math.ceil(back))
        seg = self.seg = _Segment(w_lo - back, w_hi + back, self.pad)
        seg.fw_lo, seg.fw_hi = w_lo - back, w_hi + back
        seg.x_cur[:], seg.x_prev[:] = chain_start(job.thermal, seg.first_site, seg.x_cur.size,
                                                  job.common["delta"])

    def _check_memory(self, window: float | None, cone: float, travel: float) -> None:
        """Refuse (ParameterError) a segment that cannot fit in memory.

        The segment: ``cone`` + ``travel`` + pad sites each side of the particles' spread
        and reach (of the thermal ``window`` when given).

        Three float arrays over the segment and the force buffers of the particles' reach,
        estimated in floats before anything is allocated (huge or infinite extents, e.g.
        from a tiny alpha, give a message rather than an OverflowError or MemoryError); the
        limit is :func:`~chaindrag.params.memory_limit`.
        """
        common, n_part = self.job.common, self.job.sig_hist.shape[0]
        alpha, reach = common["alpha"], common["reach"]
        buf = n_part * (2.0 * reach / alpha + 8.0)
        spread = (float(np.ptp(self.job.sig_hist[:, 0])) + 2.0 * reach) / alpha
        sites = (spread + 2.0 if window is None else window) + 2.0 * (cone + travel + 2 * self.pad)
        require_memory(
            8.0 * (3.0 * sites + 4.0 * buf),
            f"the chain solver's segment of ~{sites:.3g} sites (the sound cone pi (omega_fast"
            f" - 1) tau_max + its front: {cone:.3g} sites each side; the particles' spread "
            f"and reach (max - min sigma0 + 2 reach)/alpha = {spread:.3g} sites, alpha = "
            f"{alpha:.3g}, reach = {reach:.3g}; their travel |v0| tau_max/alpha: "
            f"{travel:.3g} sites each side)",
            "shorten tau_max; run particles far apart separately; a larger alpha or a "
            "shorter-ranged interaction (smaller lam) needs fewer sites; solver='transparent'"
            " keeps a segment over the particles' path only")

    def _forward(self, tau_end, ahead):
        """Half-width of the forward cone at tau_end beyond the particles' extent (sites)."""
        return self.speed * tau_end + front_margin(tau_end) + ahead + self.pad

    def _backward(self, left):
        """Half-width of the backward cone with ``left`` of the run to go (sites)."""
        return (self.speed + self.v_bound) * left + front_margin(left) + self.pad

    def _needed(self, ahead):
        """Sites that must stay exact: the particles' reach (plus ``ahead``) and recordings."""
        if self.job.thermal is not None:
            return self.job.window  # holds the recorded sites too
        need_lo, need_hi = self.p_lo - ahead, self.p_hi + ahead
        rec = self.job.sites_rec
        if rec.size:
            need_lo, need_hi = np.minimum(need_lo, rec.min()), np.maximum(need_hi, rec.max())
        return need_lo, need_hi

    def _grow_and_freeze(self, b: int, b1: int, v_sites: float) -> float:
        """Set the active part for steps b..b1-1; return the forward half-width r."""
        delta = self.job.common["delta"]
        ahead = 2.0 * v_sites * (b1 - b) * delta + 2.0
        r = self._forward(b1 * delta, ahead)
        if self.job.thermal is None:  # a thermal segment moves everywhere from the start
            self.seg.grow(int(math.floor(self.p_lo - r)), int(math.ceil(self.p_hi + r)) + 1)
        if self.freeze:
            need_lo, need_hi = self._needed(ahead)
            back = self._backward(self.tau_max - b * delta)
            self.seg.freeze_outside(int(math.floor(need_lo - back)),
                                    int(math.ceil(need_hi + back)) + 1)
        return r

    def _plan(self, b: int, v_sites: float) -> None:
        """Planned site-updates: those done plus those of the chunks from step b on.

        The chunks to come get the active width _grow_and_freeze would give them if the
        particles stayed within their present extent at their present speed: the forward
        cone (growing) intersected with the backward cone (shrinking, when freezing).
        """
        n, delta, seg = self.job.n, self.job.common["delta"], self.seg
        starts = np.arange(b, n + 1, self.chunk)
        ends = np.minimum(starts + self.chunk, n + 1)
        ahead = 2.0 * v_sites * (ends - starts) * delta + 2.0
        r = self._forward(ends * delta, ahead)
        if self.job.thermal is None:
            lo = np.minimum.accumulate(np.minimum(np.floor(self.p_lo - r), seg.fw_lo))
            hi = np.maximum.accumulate(np.maximum(np.ceil(self.p_hi + r) + 1, seg.fw_hi))
        else:
            lo, hi = np.full(starts.size, float(seg.fw_lo)), np.full(starts.size, float(seg.fw_hi))
        if self.freeze:
            need_lo, need_hi = self._needed(ahead)
            back = self._backward(self.tau_max - starts * delta)
            lo = np.maximum(lo, np.maximum.accumulate(
                np.maximum(np.floor(need_lo - back), seg.frozen_lo)))
            hi = np.minimum(hi, np.minimum.accumulate(
                np.minimum(np.ceil(need_hi + back) + 1, seg.frozen_hi)))
        self.planned = self.updates + float(np.sum(np.maximum(hi - lo, 0.0) * (ends - starts)))
        self.planned_for = (self.p_lo, self.p_hi)

    def _stale_plan(self) -> bool:
        """The particles left the extent the plan assumed, or the plan is used up."""
        a, b = self.planned_for
        return (not abs(self.p_lo - a) < _REGROW_MARGIN
                or not abs(self.p_hi - b) < _REGROW_MARGIN or self.updates >= self.planned)

    def _steps(self, b: int, b1: int) -> tuple[int, int]:
        """Steps b..b1-1 in numba on the active part; returns (status, step reached)."""
        job, seg, common = self.job, self.seg, self.job.common
        kspring = (job.chain.omega_fast**2 - 1.0) / 4.0
        status, b_new = _chain.chain_steps(
            b, b1, seg.x_prev, seg.x_cur, seg.first_site, seg.lo, seg.hi, self.c, self.s,
            self.t, job.sig_hist, job.sig_lo, job.vel0, common["alpha"], common["kind"],
            common["params"], common["mu"], common["bias"], common["delta"], kspring,
            common["reach"], common["dv_limit"], common["v_runaway"], self.prescribed_v, job.energy,
            job.e_int, self.e_chain, self.f_hist, job.sites_rec, job.chain_every, job.rec_out,
            self.sites, self.forces, seg.scratch, self.kick_buf, self.work_buf)
        if (b_new - b) % 2:  # the loop swaps its two arrays every step
            seg.x_prev, seg.x_cur = seg.x_cur, seg.x_prev
        seg.max_active = max(seg.max_active, seg.hi - seg.lo)
        self.updates += (seg.hi - seg.lo) * max(b_new - b, 0)
        return status, b_new

    def _see(self, b: int, b1: int) -> None:
        """Widen the particles' extent [p_lo, p_hi] (sites, with reach) by steps b..b1; with
        frozen far sites, check that no step of them was faster than v_bound."""
        seen = self.job.sig_hist[:, max(b - 1, 0):b1 + 1] / self.job.common["alpha"]
        self.p_lo = min(self.p_lo, float(seen.min()) - self.reach_sites)
        self.p_hi = max(self.p_hi, float(seen.max()) + self.reach_sites)
        if self.freeze and self.job.thermal is None and seen.shape[1] > 1:
            delta = self.job.common["delta"]
            fastest = float(np.max(np.abs(np.diff(seen, axis=1)))) / delta
            if fastest > self.v_bound:  # anywhere in the chunk, not only at its start
                alpha = self.job.common["alpha"]
                raise _FasterThanAssumed(
                    f"by tau={b1 * delta:.6g} the particle moved {fastest * alpha:.6g} per "
                    f"unit tau, faster than the {self.v_bound * alpha:.6g} the chain "
                    "solver's frozen far sites assume")

    def _regrow(self, b: int, r: float) -> None:
        """A particle came near the active part's edge mid-chunk: grow it past the particle."""
        seg = self.seg
        if self.job.thermal is not None:  # cannot happen inside the window (checked first)
            raise SimulationError(f"at tau={b * self.job.common['delta']:.6g} a particle "
                                  "reached the end of the thermal chain segment")
        if (seg.frozen_lo > self.p_lo - _REGROW_MARGIN
                or seg.frozen_hi < self.p_hi + _REGROW_MARGIN):
            raise _FasterThanAssumed(
                f"at tau={b * self.job.common['delta']:.6g} the particle reached the frozen "
                "part of the chain segment (it moved faster than assumed)")
        seg.grow(int(math.floor(self.p_lo - r - _REGROW_MARGIN)),
                 int(math.ceil(self.p_hi + r + _REGROW_MARGIN)) + 1)
        self.planned_for = (math.nan, math.nan)  # the particle forced a regrowth: re-plan

    def run(self) -> dict:
        """Advance all steps; returns the run's provenance (active width, site-updates)."""
        job, common = self.job, self.job.common
        alpha, delta = common["alpha"], common["delta"]
        progress = self.progress
        b = 0
        while b <= job.n:
            b1 = min(b + self.chunk, job.n + 1)
            cur = job.sig_hist[:, b] / alpha
            prev = job.sig_hist[:, max(b - 1, 0)] / alpha
            v_sites = max(float(np.max(np.abs(cur - prev))) / delta, self.v0_max / alpha)
            self.p_lo = min(self.p_lo, float(np.min(cur)) - self.reach_sites)
            self.p_hi = max(self.p_hi, float(np.max(cur)) + self.reach_sites)
            if job.progress is not None and self._stale_plan():
                self._plan(b, v_sites)
            r = self._grow_and_freeze(b, b1, v_sites)
            status, b_new = self._steps(b, b1)
            if b_new > b:
                self._see(b, b_new)
            if job.thermal is not None and status in (STATUS_DONE, STATUS_REGROW):
                check_window(job.sig_hist[:, b:b_new + 1], alpha, common["reach"], job.window,
                             b_new * delta)
            if status == STATUS_REGROW:
                self._regrow(b_new, r)
                b = b_new
                continue
            if status != STATUS_DONE:
                raise _status_error(status, b_new, common, job.sig_hist)
            b = b_new
            progress(self.updates, self.planned, finished=b > job.n)
        return dict(chain_sites_max_active=int(self.seg.max_active),
                    chain_site_updates=int(self.updates), stencil_width_cos=int(self.c.size),
                    stencil_width_sin=int(self.s.size), frozen_far_sites=bool(self.freeze))


def _run_chain(job: SolverJob, e_chain: np.ndarray, f_hist: np.ndarray,
               prescribed_v: np.ndarray) -> dict:
    """Run the chain solver, filling ``job``'s arrays, ``e_chain`` and ``f_hist`` in place.

    ``f_hist[p, b]`` receives the chain's force on particle p at step b; a particle with a
    finite ``prescribed_v[p]`` is dragged at that speed (:func:`~chaindrag.solvers.drive`).

    Without the chain's energy far sites are frozen, which assumes the particles never move
    faster than max(pi (omega_fast - 1) / 4, 2 max|v0| / alpha) sites per unit tau; a
    particle that does (falling into a deep well, accelerated by a bias) has the run redone
    from step 0 with every site of the cone updated: the same numbers, at the cost of an
    energy-off run without freezing.
    """
    progress = ProgressReporter(job.progress)  # shared: the fraction never decreases
    try:
        return _ChainRun(job, e_chain, f_hist, prescribed_v, progress).run()
    except _FasterThanAssumed as err:
        log.info("chain solver: %s; redoing the run without frozen far sites", err)
        return _ChainRun(job, e_chain, f_hist, prescribed_v, progress, freeze=False).run()


def run_chain_solver(job: SolverJob) -> SolverResult:
    """Backend of ``simulate(solver="chain")``: free particles, the chain's energy."""
    n_part = job.sig_hist.shape[0]
    e_chain = np.zeros(job.n + 1)
    f_hist = np.zeros((n_part, job.n + 1))  # the chain's force on each particle (unused here)
    extra = _run_chain(job, e_chain, f_hist, prescribed_v=np.full(n_part, np.nan))
    return SolverResult(extra=extra, e_chain=e_chain)
