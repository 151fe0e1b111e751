"""Kernel solver: the paper's Appendix algorithm on a precomputed kernel store.

Eq. (A2) for the particles and Eq. (A1) for a tracked segment of chain masses, each force
propagated into the future through Gamma_n(l delta) (Eq. 15) read from a store written by
:func:`chaindrag.kernel.precompute`. Its cost grows as N_steps^2 N_ch. The numba loop is
in :mod:`chaindrag.solvers._kernel`.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..params import ParameterError, SimulationError, StoreError, require_int_range
from . import _kernel
from ._common import STATUS_DONE, STATUS_LEFT_SEGMENT
from .checks import _status_error
from .job import ProgressReporter, SolverJob, SolverResult
from .thermal_state import check_window, fill_tracked, fill_work


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


def _memory_steps(store, job: SolverJob) -> int:
    """Steps of memory the run needs, after checking the store was made for this chain."""
    chain, n = job.chain, job.n
    from ..kernel.store import lag_count, same_omega_fast  # loaded with the store already

    where = f"kernel store {store.path}"
    if not same_omega_fast(store.omega_fast, chain.omega_fast):
        # repr: 17 significant digits, so a difference of 1e-10 is visible in the message
        raise StoreError(f"{where} was made for omega_fast={store.omega_fast!r}, the run "
                         f"needs omega_fast={chain.omega_fast!r}")
    if int(store.d) != chain.d:
        raise StoreError(f"{where} was made for d={store.d} (delta={store.delta:.6g}), the run "
                         f"needs d={chain.d} (delta={chain.delta:.6g})")
    # lags l with l delta <= memory, counted like the run's steps and the store's lags; a
    # memory of >= n steps (inf, 1e308) is the whole run
    n_mem = n if job.memory / chain.delta >= n else lag_count(job.memory, chain.delta)
    if store.n_lags < n_mem:
        raise StoreError(f"{where} holds tau up to tau_max={store.tau_max:g} "
                         f"({store.n_lags} steps); the run needs tau_max={job.tau_max:g} "
                         f"({n_mem} steps of memory): precompute a longer store")
    return n_mem


def _check_first_site(value) -> int | None:
    """``kernel_first_site`` as an int (None stays None): an integer site index within
    float positions' integer precision; 2.7 is refused, not truncated to 2."""
    return None if value is None else require_int_range("kernel_first_site", value,
                                                         -2**53, 2**53)


def needed_n_max(reach: float, alpha: float) -> int:
    """The smallest kernel store n_max the solver takes for a potential of ``reach``: the
    tracked masses hold those within reach of a particle and two more on either side."""
    return 2 * (math.ceil(min(reach / alpha, 2.0**62)) + 2)  # capped: reach/alpha may be inf


def _tracked_segment(store, job: SolverJob) -> tuple[int, int]:
    """(first tracked mass, number tracked): the store's n_max + 1 masses, placed so the
    particles have room to move (ahead of them if all move the same way)."""
    alpha, reach, sig_hist, vel0 = (job.common["alpha"], job.common["reach"], job.sig_hist,
                                    job.vel0)
    n_ch = int(store.n_max) + 1
    reach_sites = needed_n_max(reach, alpha) // 2
    if n_ch < 2 * reach_sites + 1:
        raise StoreError(f"kernel store {store.path} has n_max={store.n_max}: too few tracked "
                         f"masses for the interaction range (need n_max >= {2 * reach_sites})")
    first_site = _check_first_site(job.kernel_first_site)
    g0 = int(math.floor(float(np.min(sig_hist[:, 0])) / alpha))
    if first_site is None:
        back = max(reach_sites, n_ch // 5)
        if np.all(vel0 > 0):
            first_site = g0 - back
        elif np.all(vel0 < 0):
            first_site = int(math.floor(float(np.max(sig_hist[:, 0])) / alpha)) + back - n_ch + 1
        else:
            first_site = g0 - n_ch // 2
    rec = job.sites_rec
    if rec.size and (rec.min() < first_site or rec.max() >= first_site + n_ch):
        raise ParameterError(f"record_sites must lie in the kernel solver's tracked segment "
                             f"{first_site}..{first_site + n_ch - 1} (store n_max={store.n_max})")
    return first_site, n_ch


def run_kernel_solver(job: SolverJob) -> SolverResult:
    """Backend of ``simulate(solver="kernel")``.

    Progress counts site-updates: step b propagates its forces into the next
    min(n_mem, n - b) steps of every tracked mass, so early steps cost the most.
    """
    store = _open_kernel_store(job.kernel_store)
    n_mem = _memory_steps(store, job)
    first_site, n_ch = _tracked_segment(store, job)
    n, common, sig_hist = job.n, job.common, job.sig_hist
    gam = np.ascontiguousarray(store.window(n_ch, max(n_mem, 1)), dtype=np.float64)
    rho = np.zeros((n_ch, n + 1))
    buf = sig_hist.shape[0] * (2 * (int(math.ceil(common["reach"] / common["alpha"])) + 2) + 8)
    sites, forces = np.zeros(buf, dtype=np.int64), np.zeros(buf)
    # planned work done before step b: the thermal pre-fill, then n_ch masses x (lags
    # propagated + the step itself)
    fill = 0.0 if job.thermal is None else fill_work(job.thermal, n + 1)
    work = fill + np.concatenate([[0.0], np.cumsum(
        n_ch * (1.0 + np.minimum(n_mem, n - np.arange(n + 1))))])
    progress = ProgressReporter(job.progress)
    if job.thermal is not None:  # rho^H first; the memory term is added on top (Eq. 9)
        fill_tracked(rho, job.thermal, first_site, common["delta"],
                     lambda done: progress(fill * done / (n + 1), work[-1]))
    chunk = max(1, n // 100 + 1)
    b = 0
    while b <= n:
        b1 = min(b + chunk, n + 1)
        status, b_new = _kernel.kernel_steps(
            b, b1, rho, first_site, gam, n_mem, sig_hist, job.sig_lo, job.vel0, common["alpha"],
            common["kind"], common["params"], common["mu"], common["bias"], common["delta"],
            common["reach"], common["dv_limit"], common["v_runaway"], job.e_int, sites, forces)
        if job.thermal is not None and status in (STATUS_DONE, STATUS_LEFT_SEGMENT):
            check_window(sig_hist[:, b:b_new + 1], common["alpha"], common["reach"],
                         job.window, b_new * common["delta"])
        if status == STATUS_LEFT_SEGMENT:
            raise SimulationError(
                f"at tau={b_new * common['delta']:.6g} (step {b_new}) the particle at sigma="
                f"{np.array2string(sig_hist[:, b_new], precision=6)} left the tracked chain "
                f"segment (sites {first_site}..{first_site + n_ch - 1}, kernel store "
                f"{store.path}): the kernel algorithm would silently miss the masses beyond "
                "it. Use a store with larger n_max or set kernel_first_site.")
        if status != STATUS_DONE:
            raise _status_error(status, b_new, common, sig_hist)
        b = b_new
        progress(work[b], work[-1], finished=b > n)
    if job.sites_rec.size:
        job.rec_out[:, :] = (rho[job.sites_rec - first_site][:, ::job.chain_every]
                             [:, :job.rec_out.shape[1]])
    return SolverResult(extra=dict(kernel_store=str(store.path), kernel_n_max=int(store.n_max),
                                   kernel_first_site=first_site, kernel_tracked=n_ch))
