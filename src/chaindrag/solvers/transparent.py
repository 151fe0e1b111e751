"""Transparent solver: the chain solver's segment, fixed in the lattice, with exact ends.

The chain solver's segment is the infinite chain because it grows with the sound cone,
so its cost grows as N_steps x tau. Beyond a segment's last site the chain is linear,
force-free and at rest before step 0: eliminating it gives the exact discrete transparent
boundary condition of :mod:`chaindrag.boundary` (ghost sites as causal convolutions of the
boundary layer's history, the old history as exponentials made for the run's length, 52-70
at d = 60 up to 2^20 steps, :mod:`chaindrag.boundary._horizon`,
:mod:`chaindrag.boundary._reduce`). ``solver="transparent"`` keeps the chain solver's
interior update, kicks, forces and particle integrator
(:mod:`chaindrag.solvers._transparent`) on a segment [g_lo, g_hi) that covers every site a
force reaches plus :data:`~chaindrag.solvers.transparent_plan.END_MARGIN`; cost N_steps x
(segment + ~the ends' fixed work).

The segment is planned from the inputs (a biased particle's for the path Eq. (33)'s mean
force predicts, :func:`chaindrag.analytic.mean_force_travel`) or given (``segment=(g_lo,
g_hi)``), with the ends' data, by :mod:`chaindrag.solvers.transparent_plan`. When a kick
would come within the margin of an end:

- planned segment: the end is moved out *exactly*. The half-chain beyond the old end is
  driven only by the history of its w boundary-layer sites, which the run keeps; the new
  sites are re-run from rest with that history as Dirichlet data and a fresh transparent
  end beyond them (:func:`~chaindrag.solvers._transparent.exterior_steps`), which also
  gives the new end its memory. Cost (new sites) x (steps so far); the end grows by half
  the segment at least, so a drifting particle pays a bounded factor over its path.
- given segment: the run stops with a SimulationError saying which extent it needs.

A thermal chain (``omega_T``): the chain is linear, so its motion is the realization's free
motion rho^H plus the response, and only the response is at rest outside the segment. The
segment starts in the realization's state (as the chain solver's); at every step the ends
take the response of their boundary layers (rho - rho^H) and their ghosts get rho^H added,
the realization's modes continued with the sweep's own dispersion
(:class:`~chaindrag.solvers.thermal_state.EndInflow`), so the interior is the chain
solver's thermal run to rounding. An extension re-runs the response and adds rho^H.

Energy (``energy=True``): the chain's energy in the window [g_lo + wt, g_hi - wt) as the
chain solver computes it, plus the cumulative energy that left through the window's outer
springs (work of the spring on the last window site, trapezoid in tau), so "chain" is the
whole chain's energy and the total is conserved as with the chain solver.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from .._simd import aligned_zeros
from ..boundary import new_memory
from ..boundary._dtbc import node_table
from ..boundary.store import _cache_path
from ..params import SimulationError
from . import _transparent
from ._common import STATUS_DONE, STATUS_REGROW, propagator_stencils
from ._energy import cumulative_integral
from .checks import _status_error
from .job import ProgressReporter, SolverJob, SolverResult
from .thermal_state import EndInflow, chain_start, check_window
from .transparent_plan import (END_MARGIN, _footprint, boundary_ends, extension_size,
                               given_segment, in_blocks, plan_segment, run_horizon)

#: The step loop's work beyond the sweep, in interior site-updates (~0.45 ns each): both
#: ends ~0.24 us a step with 152 exponentials (~0.17 us with a tau = 800 run's 64), forces,
#: kicks, particle and bookkeeping ~0.2 us (v0 = 40, tau = 800, measured 2026-12-05).
#: Progress only.
FIXED_WORK = 900
#: A thermal chain's rho^H at the ends (:class:`~chaindrag.solvers.thermal_state.EndInflow`):
#: ~0.5 us a step in blocks of 65 536 steps (measured 2026-12-01). Progress only.
INFLOW_WORK = 1300
#: The same for an extension's exterior: its one end and bookkeeping, ~0.26 us a step
#: (2026-12-05).
EXTERIOR_WORK = 600


#: The boundary-layer history of the last run (an extension needs it), kept for the next
#: run of the process if at most this large: fresh memory costs a tau = 800 run's 23 MB
#: ~2 ms on this machine, and at times 20-170 ms (the host backs its pages lazily).
HISTORY_KEPT_BYTES = 64 << 20
_HISTORY: list = []


def _take_history(size: int) -> np.ndarray:
    """A float64 buffer of at least ``size`` elements: the kept one if large enough."""
    try:
        buf = _HISTORY.pop()  # one atomic step: two threads never share a buffer
    except IndexError:
        buf = None
    return buf if buf is not None and buf.size >= size else np.empty(size)


def _give_back_history(buf: np.ndarray) -> None:
    """Keep ``buf`` for the next run (the larger of it and one kept already)."""
    if buf is not None and buf.nbytes <= HISTORY_KEPT_BYTES:
        if _HISTORY and _HISTORY[0].size >= buf.size:
            return
        _HISTORY[:] = [buf]


class _TransparentRun:
    """One run: the segment and its ends, chunks of numba steps, exact extensions, energy."""

    def __init__(self, job: SolverJob, e_chain, f_hist, prescribed_v, ends, store):
        self.job, self.e_chain, self.f_hist, self.prescribed_v = job, e_chain, f_hist, prescribed_v
        self.ends, self.store = ends, store
        if ends.horizon is not None and job.n + 1 > ends.horizon:  # lags up to job.n + 1
            raise SimulationError(f"transparent ends made for runs of at most {ends.horizon} "
                                  f"steps; this run has {job.n + 1}")
        delta = job.common["delta"]
        c, self.s, self.t = propagator_stencils(job.chain.omega_fast, delta)
        self.c = np.concatenate([c, np.zeros(max(0, 4 - c.size))])
        self.w, ws = ends.width, self.s.size - 1
        self.pad = 2 * max(self.c.size, self.s.size, self.t.size) + 1
        self.kspring = (job.chain.omega_fast**2 - 1.0) / 4.0
        self.inv2d = 1.0 / (2.0 * delta * 2.0 * math.pi)
        self.fixed = job.segment is not None
        g_lo, g_hi = given_segment(job, ws) if self.fixed else plan_segment(job, prescribed_v, ws)
        self.planned_extent = (g_lo, g_hi)
        self._allocate(g_lo, g_hi)
        self.dtbc = ends.numba_arrays()[1:]
        self.tab = node_table(*self.dtbc[1:]) if self.w == 3 else np.empty((0, 0))
        self.work_buf = np.zeros(_transparent.work_size(self.w, job.sig_hist.shape[0],
                                                        self.dtbc[5].size))
        memory = new_memory(ends)
        self.mem = (memory.ring, memory.hre, memory.him)
        n = job.n
        # an extension needs the boundary layers' whole history; nobody extends a given segment
        free = not np.all(np.isfinite(prescribed_v))
        steps = n + 1 if free and not self.fixed else 0
        self._hist_buf = _take_history(2 * self.w * steps)  # written before it is read
        self.hist = self._hist_buf[:2 * self.w * steps].reshape((2, self.w, steps))
        self.e_win = np.zeros(n + 1 if job.energy else 0)
        self.power = np.zeros((2, n + 1 if job.energy else 0))
        self.e_done = 0  # e_chain is final for steps < e_done
        self.chunk = max(1, min(n // 200 + 1, 20000))
        buf = job.sig_hist.shape[0] * (int(2 * job.common["reach"] / job.common["alpha"]) + 8)
        self.sites, self.forces = np.zeros(buf, dtype=np.int64), np.zeros(buf)
        self.kick_buf = np.zeros(2 * buf + 2 * self.s.size)
        self.updates, self.work, self.extensions = 0, 0.0, 0
        self.inflow, self._no_heat = None, np.zeros((2, 2 * self.w, 0))
        self.fixed_work = FIXED_WORK + (INFLOW_WORK if job.thermal is not None else 0)
        if job.thermal is not None:  # the segment starts in the realization's state
            self.inflow = EndInflow(job.thermal, c, delta, self.w)
            x_cur, x_prev = chain_start(job.thermal, g_lo, g_hi - g_lo, delta)
            self.x_cur[self.pad:self.pad + x_cur.size] = x_cur
            self.x_prev[self.pad:self.pad + x_prev.size] = x_prev

    def _allocate(self, g_lo: int, g_hi: int, x_prev=None, x_cur=None) -> None:
        """Arrays for sites [g_lo, g_hi) with padding; copy given interiors in."""
        self.g_lo, self.g_hi = g_lo, g_hi
        size = g_hi - g_lo + 2 * self.pad
        self.first_site = g_lo - self.pad
        # site g_lo on a cache line: the sweep's vectors start there (chaindrag.boundary._sweep)
        self.x_prev, self.x_cur, self.scratch = (aligned_zeros(size, self.pad),
                                                 aligned_zeros(size, self.pad),
                                                 aligned_zeros(size, self.pad))
        if x_prev is not None:
            self.x_prev[self.pad:self.pad + x_prev.size] = x_prev
            self.x_cur[self.pad:self.pad + x_cur.size] = x_cur

    @property
    def n_sites(self) -> int:
        return self.g_hi - self.g_lo

    def _steps(self, b: int, b1: int) -> tuple[int, int]:
        """Steps b..b1-1 in numba (up to the end of the ends' rho^H block); (status, reached)."""
        job, common = self.job, self.job.common
        lo, hi = self.pad, self.pad + self.n_sites
        heat, hb0 = self._no_heat, 0
        if self.inflow is not None:
            heat, hb0, hb1 = self.inflow.block(b, self.g_lo, self.g_hi, job.n + 1)
            b1 = min(b1, hb1)
        status, b_new = _transparent.transparent_steps(
            b, b1, self.x_prev, self.x_cur, self.first_site, lo, hi, lo + END_MARGIN,
            hi - END_MARGIN, self.c, self.s, self.t, self.dtbc, self.tab, self.mem, self.hist,
            heat, hb0, job.sig_hist, job.sig_lo, job.vel0, common["alpha"], common["kind"],
            common["params"], common["mu"], common["bias"], common["delta"], self.kspring,
            common["reach"], common["dv_limit"], common["v_runaway"], self.prescribed_v,
            job.energy, job.e_int, self.e_win, self.power, self.f_hist, job.sites_rec,
            job.chain_every, job.rec_out, self.sites, self.forces, self.scratch, self.kick_buf,
            self.work_buf)
        if (b_new - b) % 2:  # the loop swaps its two arrays every step
            self.x_prev, self.x_cur = self.x_cur, self.x_prev
        self.updates += self.n_sites * max(b_new - b, 0)
        self.work += (self.n_sites + self.fixed_work) * max(b_new - b, 0)
        if self.inflow is not None and status in (STATUS_DONE, STATUS_REGROW):
            check_window(job.sig_hist[:, b:b_new + 1], common["alpha"], common["reach"],
                         job.window, b_new * common["delta"])
        return status, b_new

    def _finalize_energy(self, b_end: int) -> None:
        """e_chain = window energy + energy gone through both ends, for steps e_done..b_end-1."""
        if not self.job.energy or b_end <= self.e_done:
            return
        gone = cumulative_integral(self.power[:, :b_end].sum(axis=0)) * self.job.common["delta"]
        self.e_chain[self.e_done:b_end] = self.e_win[self.e_done:b_end] + gone[self.e_done:]
        self.e_done = b_end
        self.flux_out = float(gone[-1])

    def _refuse(self, b: int, f_lo: int, f_hi: int) -> SimulationError:
        tau = b * self.job.common["delta"]
        return SimulationError(
            f"at tau={tau:.6g} (step {b}) a particle's forces reach sites [{f_lo}, {f_hi}], "
            f"within {END_MARGIN} sites of an end of segment=({self.g_lo}, {self.g_hi}); the "
            f"run needs at least segment=({min(self.g_lo, f_lo - END_MARGIN)}, "
            f"{max(self.g_hi, f_hi + END_MARGIN + 1)}) by then: give a wider segment, or "
            "segment=None (planned and extended exactly as the particles go)")

    def _extend_for(self, b: int) -> None:
        """A kick came within the margin at step b: move the end(s) out exactly, or refuse."""
        f_lo, f_hi = _footprint(self.job.sig_hist[:, b], self.job.common, self.s.size - 1)
        if self.fixed:
            raise self._refuse(b, f_lo, f_hi)
        right, left = f_hi + END_MARGIN >= self.g_hi, f_lo - END_MARGIN < self.g_lo
        if not (right or left):  # the kernel and _footprint disagree: looping would never end
            raise SimulationError(
                f"internal: at step {b} the step kernel asked for a wider segment than "
                f"({self.g_lo}, {self.g_hi}), but the forces reach only [{f_lo}, {f_hi}]")
        if right:
            need = max(self._growth(b, +1), f_hi + END_MARGIN + 1 - self.g_hi)
            self._extend(0, b, in_blocks(self.n_sites, need))
        if left:
            need = max(self._growth(b, -1), self.g_lo - f_lo + END_MARGIN)
            self._extend(1, b, in_blocks(self.n_sites, need))

    def _growth(self, b: int, sign: int) -> int:
        """Sites to add at step b on the side ``sign``: the travel still to come, predicted.

        :func:`~chaindrag.solvers.transparent_plan.extension_size` of this run's path so far.
        """
        job = self.job
        return extension_size(job.sig_hist, b, sign, job.common["alpha"], job.n,
                              None if job.stop is None else self.next_check, self.n_sites)

    def _extend(self, e: int, b: int, add: int) -> None:
        """Move end e (0 right, 1 left) out by ``add`` sites at step b, exactly."""
        if self.hist.shape[2] == 0:  # cannot happen: only a given segment keeps no history
            raise SimulationError("internal: a segment without history cannot be extended")
        self._finalize_energy(b)  # before power[e] is rewritten for the new window
        w, pad = self.w, self.pad
        size = add + 2 * (w + pad)
        xp, xc, scratch = aligned_zeros(size), aligned_zeros(size), aligned_zeros(size)
        lo = pad + w
        memory = new_memory(self.ends)
        power = self.power[e] if self.job.energy else np.zeros(0)
        _transparent.exterior_steps(
            b, xp, xc, lo, lo + add, e, self.c, self.t, self.dtbc, self.tab,
            (memory.ring, memory.hre, memory.him), self.hist[e], self.hist[e],
            self.job.energy, power, self.kspring, self.inv2d, scratch)
        if b % 2:  # the loop swaps its two arrays every step
            xp, xc = xc, xp
        for k, arr in enumerate((memory.ring, memory.hre, memory.him)):
            self.mem[k][e] = arr[e]
        n = self.n_sites
        old_prev = self.x_prev[pad:pad + n].copy()
        old_cur = self.x_cur[pad:pad + n].copy()
        new_prev, new_cur = xp[lo:lo + add], xc[lo:lo + add]
        if e == 0:
            self._allocate(self.g_lo, self.g_hi + add, np.concatenate([old_prev, new_prev]),
                           np.concatenate([old_cur, new_cur]))
        else:
            self._allocate(self.g_lo - add, self.g_hi, np.concatenate([new_prev[::-1], old_prev]),
                           np.concatenate([new_cur[::-1], old_cur]))
        if self.inflow is not None:  # the exterior re-run is the response: add rho^H
            first = self.g_hi - add if e == 0 else self.g_lo
            new = slice(first - self.first_site, first - self.first_site + add)
            self.inflow.add_to(self.x_prev[new], self.x_cur[new], first, b)
        self.updates += add * b
        self.work += (add + EXTERIOR_WORK) * b
        self.extensions += 1

    def run(self) -> dict:
        """Advance all steps; returns the run's provenance."""
        try:
            return self._run()
        finally:
            _give_back_history(self._hist_buf)
            self.hist = self._hist_buf = None

    def _run(self) -> dict:
        job = self.job
        progress = ProgressReporter(job.progress)
        self.flux_out = 0.0
        b, self.n_done = 0, None
        self.next_check = job.next_stop(0) if job.stop is not None else job.n + 2
        while b <= job.n:
            b1 = min(b + self.chunk, job.n + 1)
            status, b_new = self._steps(b, b1)
            if status == STATUS_REGROW:
                self._extend_for(b_new)
            elif status != STATUS_DONE:
                raise _status_error(status, b_new, job.common, job.sig_hist)
            b = b_new
            planned = self.work + (job.n + 1 - b) * (self.n_sites + self.fixed_work)
            if job.stop is not None and self.next_check <= b:
                if b <= job.n and job.stop(b - 1):
                    self.n_done = b - 1  # states 0..b-1 complete, b known for the velocity
                    progress(self.work, planned, finished=True)
                    break
                self.next_check = job.next_stop(b)
            progress(self.work, planned, finished=b > job.n)
        self._finalize_energy(job.n + 1 if self.n_done is None else self.n_done + 1)
        return self._provenance()

    def _provenance(self) -> dict:
        # the cache file's name, not its path nor its creation time: the same run, same attrs
        attrs, e = self.ends.attrs, self.ends
        store = self.store and _cache_path(Path(self.store), e.omega_fast, e.d, e.k0, e.tol,
                                           attrs.get("horizon_asked"),
                                           attrs.get("reduce", True)).name
        ends = dict(k0=e.k0, tol=e.tol, horizon=e.horizon, width=self.w,
                    n_exponentials=e.n_exponentials,
                    n_exponentials_rule=attrs.get("n_exponentials_rule"),
                    hankel_states=attrs.get("hankel_states"),
                    reduction_l1=attrs.get("reduction_l1"),
                    coupling_error=e.coupling_error, omega_fast=e.omega_fast, d=e.d,
                    kernel_error_max=attrs.get("kernel_error_max"), store=store,
                    method=attrs.get("method"),
                    chaindrag_version=attrs.get("chaindrag_version"),
                    format=attrs.get("format"), format_version=attrs.get("format_version"))
        return dict(segment=[self.g_lo, self.g_hi], segment_planned=list(self.planned_extent),
                    segment_given=self.fixed, segment_extensions=self.extensions,
                    end_margin=END_MARGIN, chain_sites_max_active=int(self.n_sites),
                    chain_site_updates=int(self.updates), stencil_width_cos=int(self.c.size),
                    stencil_width_sin=int(self.s.size), transparent_ends=ends,
                    end_flux=self.flux_out if self.job.energy else None, n_done=self.n_done,
                    thermal_inflow=None if self.inflow is None else self.inflow.provenance())


def _run_transparent(job: SolverJob, e_chain: np.ndarray, f_hist: np.ndarray,
                     prescribed_v: np.ndarray) -> dict:
    """Run the transparent solver, filling ``job``'s arrays, ``e_chain`` and ``f_hist``.

    As :func:`chaindrag.solvers.chain._run_chain` (``f_hist[p, b]``: the chain's force on
    particle p; a finite ``prescribed_v[p]`` drags it at that speed).
    """
    ends, store = boundary_ends(job.chain.omega_fast, job.chain.d, job.boundary_store,
                                run_horizon(job.n + 1))
    return _TransparentRun(job, e_chain, f_hist, prescribed_v, ends, store).run()


def run_transparent_solver(job: SolverJob) -> SolverResult:
    """Backend of ``simulate(solver="transparent")``: free particles, the chain's energy."""
    n_part = job.sig_hist.shape[0]
    e_chain = np.zeros(job.n + 1)
    f_hist = np.zeros((n_part, job.n + 1))
    extra = _run_transparent(job, e_chain, f_hist, prescribed_v=np.full(n_part, np.nan))
    return SolverResult(extra=extra, e_chain=e_chain, n_done=extra.pop("n_done"))
