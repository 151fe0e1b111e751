"""Workflow-facing jobs and reductions: run a batch, collect tables (Snakemake calls these).

Every function here is what one script under ``workflow/scripts/`` calls. The physics lives
in :mod:`chaindrag.solvers`, :mod:`chaindrag.analytic` and :mod:`chaindrag.trajectory`; this
module only loops over parameter sets, measures with those functions and writes tidy tables
(one row per run or per pass, one column per parameter named as in ``config.yaml``, numeric
and analytic values side by side) with :func:`chaindrag.stores.write_table`.

Table schemas are listed in ``results/README.md``. Every table carries ``omega_fast``, ``d``
(where a simulation made it), ``solver`` and ``chaindrag_version``.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import analytic
from ._version import __version__
from .params import ParameterError, SimulationError
from .stores import write_table

log = logging.getLogger("chaindrag.tables")

PathLike = str | os.PathLike


# ----------------------------------------------------------------------------- helpers
class ProgressLog:
    """Progress callback for long runs: logs percent done, elapsed time and an estimate.

    Called with the fraction done in [0, 1]; logs at most every ``every`` seconds
    (and at completion) so a log stays readable for runs of any length.
    """

    def __init__(self, label: str, every: float = 10.0):
        self.label = label
        self.every = every
        self.start = time.perf_counter()
        self.last = -math.inf

    def __call__(self, fraction: float) -> None:
        now = time.perf_counter()
        if now - self.last < self.every and fraction < 1.0:
            return
        self.last = now
        elapsed = now - self.start
        eta = elapsed * (1.0 - fraction) / fraction if fraction > 0 else math.nan
        log.info("%s: %5.1f%% done, elapsed %.1f s, remaining ~%.1f s",
                 self.label, 100.0 * fraction, elapsed, eta)


def _delta(omega_fast: float, d: int) -> float:
    return 1.0 / (d * omega_fast)


def _simulate(**kwargs):
    from .solvers import simulate  # numba compile/cache load only in simulation jobs
    return simulate(**kwargs)


def _with_provenance(df: pd.DataFrame, **columns: Any) -> pd.DataFrame:
    for name, value in columns.items():
        df[name] = value
    df["chaindrag_version"] = __version__
    return df


def _read_all(paths: Sequence[PathLike]) -> pd.DataFrame:
    frames = [pd.read_csv(p) for p in paths]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _sorted(df: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """Rows in a stable order (so tables are identical whatever the batch/job order)."""
    keys = [k for k in keys if k in df.columns]
    return df.sort_values(keys, kind="mergesort").reset_index(drop=True) if keys else df


# ------------------------------------------------------------------- single passes (Figs. 4c, 5, 6)
def single_pass_run(*, alpha: float, phi0: float, lam: float, mu: float, v0: float,
                    omega_fast: float, d: int, solver: str, run_length: float,
                    sigma0: float | None = None, max_extensions: int = 2) -> dict:
    """One single pass (Sec. V): start midway with v0 on a chain at rest, stop at the next midpoint.

    The run lasts ``run_length * alpha / v0`` (authors: 2.2); if the particle has neither
    reached the next midpoint nor turned back by then, the run is repeated twice as long (up
    to ``max_extensions`` times) — :func:`chaindrag.trajectory.single_pass_loss` refuses a
    too-short run rather than guessing.

    Returns
    -------
    dict
        alpha, phi0, lam, mu, v0, sigma0, omega_fast, d, solver, tau_max (used), passed,
        delta_numeric, delta_analytic (Eq. 26 at v0), rel_error, tau_cross, v_cross,
        v_ext_numeric (slowest speed for phi0 > 0, fastest for phi0 < 0, before the midpoint),
        displaced_reference, wall_time_s.
    """
    from .trajectory import single_pass_loss

    sigma0 = 5.5 * alpha if sigma0 is None else sigma0
    g = math.floor(sigma0 / alpha) + 1  # the chain mass passed; its displacement is recorded
    tau_max = run_length * alpha / v0
    t0 = time.perf_counter()
    for attempt in range(max_extensions + 1):
        traj = _simulate(alpha=alpha, phi0=phi0, lam=lam, mu=mu, sigma0=sigma0, v0=v0,
                         tau_max=tau_max, omega_fast=omega_fast, d=d, bias=0.0,
                         solver=solver, record_sites=np.array([g]), chain_record_every=1,
                         energy=False)
        try:
            res = single_pass_loss(traj)
            break
        except ParameterError as exc:
            if "too short" not in str(exc) or attempt == max_extensions:
                raise
            log.info("v0=%g phi0=%g: %s; doubling tau_max", v0, phi0, exc)
            tau_max *= 2.0
    v = traj.velocity[0]
    stop = np.searchsorted(traj.tau, res.tau_cross) if res.passed else v.size
    seg = v[:max(int(stop), 1)]
    v_ext = float(seg.min() if phi0 > 0 else seg.max()) if res.passed else math.nan
    an = float(analytic.single_pass_loss(v0, phi0, lam, omega_fast))
    rel = (res.delta - an) / an if (res.passed and an > 0) else math.nan
    return dict(alpha=alpha, phi0=phi0, lam=lam, mu=mu, v0=v0, sigma0=sigma0,
                omega_fast=omega_fast, d=d, solver=solver, tau_max=tau_max,
                passed=bool(res.passed), delta_numeric=res.delta, delta_analytic=an,
                rel_error=rel, tau_cross=res.tau_cross, v_cross=res.v_cross,
                v_ext_numeric=v_ext, displaced_reference=bool(res.displaced_reference),
                wall_time_s=time.perf_counter() - t0)


def run_single_pass_batch(runs: Sequence[Mapping[str, Any]], out: PathLike) -> pd.DataFrame:
    """Run a batch of single passes (one row each) and write them to ``out``.

    ``runs`` are keyword-argument dicts of :func:`single_pass_run`.
    """
    rows = []
    progress = ProgressLog(f"batch of {len(runs)} single passes", every=5.0)
    for i, run in enumerate(runs):
        rows.append(single_pass_run(**run))
        r = rows[-1]
        log.info("v0=%g phi0=%g lam=%g d=%d: passed=%s Delta=%.6g (Eq. 26: %.6g) in %.2f s",
                 r["v0"], r["phi0"], r["lam"], r["d"], r["passed"], r["delta_numeric"],
                 r["delta_analytic"], r["wall_time_s"])
        progress((i + 1) / len(runs))
    df = _with_provenance(pd.DataFrame(rows))
    write_table(df, out)
    return df


_SINGLE_PASS_COLUMNS = ["figure", "alpha", "phi0", "lam", "mu", "v0", "sigma0", "omega_fast",
                        "d", "solver", "tau_max", "passed", "delta_numeric", "delta_analytic",
                        "rel_error", "tau_cross", "v_cross", "v_ext_numeric",
                        "displaced_reference", "chaindrag_version"]


def _single_pass_table(paths: Sequence[PathLike], figure: str) -> pd.DataFrame:
    df = _read_all(paths)
    df["figure"] = figure
    df = df[_SINGLE_PASS_COLUMNS]
    return _sorted(df, ["figure", "lam", "phi0", "v0", "d"])


def fig5_table(batches_a: Sequence[PathLike], batches_b: Sequence[PathLike],
               table: PathLike) -> pd.DataFrame:
    """Fig. 5 single-pass losses, panels a (low speed) and b (high speed): one row per run."""
    df = pd.concat([_single_pass_table(batches_a, "fig5a"),
                    _single_pass_table(batches_b, "fig5b")], ignore_index=True)
    write_table(df, table)
    return df


def fig6_table(batches: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Fig. 6 single-pass losses of both signs: one row per run."""
    df = _single_pass_table(batches, "fig6")
    write_table(df, table)
    return df


def concat_tables(tables: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Concatenate tables with the same columns (single_pass.csv = Fig. 5 + Fig. 6 rows)."""
    df = _read_all(tables)
    write_table(df, table)
    return df


def fig4c_table(batches: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Fig. 4(c): largest velocity fluctuation v0 - v_ext, numeric and analytic (Sec. IV A)."""
    df = _read_all(batches)
    v_an = np.asarray(analytic.extremum_speed(df["v0"].to_numpy(), df["phi0"].to_numpy(),
                                              df["mu"].to_numpy()), dtype=float)
    out = pd.DataFrame({
        "phi0": df["phi0"], "lam": df["lam"], "alpha": df["alpha"], "mu": df["mu"],
        "v0": df["v0"], "v_ext_numeric": df["v_ext_numeric"], "v_ext_analytic": v_an,
        "fluctuation_numeric": df["v0"] - df["v_ext_numeric"],
        "fluctuation_analytic": df["v0"] - v_an, "passed": df["passed"],
        "omega_fast": df["omega_fast"], "d": df["d"], "solver": df["solver"],
        "chaindrag_version": df["chaindrag_version"]})
    out = _sorted(out, ["phi0", "v0"])
    write_table(out, table)
    return out


# -------------------------------------------------------------- full trajectories (Figs. 3, 4, 7)
def run_trajectory(out: PathLike, *, alpha: float, phi0: float, lam: float, mu: float,
                   v0: float, sigma0: float, tau_max: float, omega_fast: float, d: int,
                   solver: str, n_sites: int, chain_record_dtau: float):
    """Simulate one unbiased trajectory and save it as a zarr store (Figs. 3, 4a/b, 7).

    Chain masses g = 0..n_sites-1 are recorded every ``chain_record_dtau`` (heat map of Fig. 3);
    the particle is recorded every step (per-pass losses need full resolution).
    """
    from .stores import save_trajectory

    delta = _delta(omega_fast, d)
    every = max(1, round(chain_record_dtau / delta)) if n_sites else 1
    t0 = time.perf_counter()
    traj = _simulate(alpha=alpha, phi0=phi0, lam=lam, mu=mu, sigma0=sigma0, v0=v0,
                     tau_max=tau_max, omega_fast=omega_fast, d=d, bias=0.0, solver=solver,
                     record_sites=np.arange(n_sites), chain_record_every=every,
                     progress=ProgressLog(f"trajectory phi0={phi0:+g}"))
    log.info("simulated tau_max=%g in %.1f s", tau_max, time.perf_counter() - t0)
    save_trajectory(traj, out)
    return traj


def _load(path: PathLike):
    from .stores import load_trajectory
    return load_trajectory(path)


def _first_crossing(tau: np.ndarray, x: np.ndarray, level: float) -> float:
    """Linearly interpolated first time x(tau) reaches ``level`` from below (NaN if never)."""
    above = np.flatnonzero(x >= level)
    if above.size == 0 or above[0] == 0:
        return math.nan
    k = above[0]
    return float(tau[k - 1] + (level - x[k - 1]) / (x[k] - x[k - 1]) * (tau[k] - tau[k - 1]))


def fig4_pass_table(stores: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Fig. 4(a, b): sigma(tau), v(tau) of one pass and Eq. (16) shifted to the pass time.

    The pass time ``tau_pass`` is when sigma crosses the rest position of the next chain mass
    (the dotted lines of Figs. 4a, b); Eq. (16) is evaluated at tau - tau_pass.
    """
    frames = []
    for path in stores:
        traj = _load(path)
        p = traj.params
        alpha, phi0, lam, mu, v0 = (float(p[k]) for k in ("alpha", "phi0", "lam", "mu", "v0"))
        sigma, v = traj.sigma[0], traj.velocity[0]
        site = alpha * (math.floor(sigma[0] / alpha) + 1)
        tau_pass = _first_crossing(traj.tau, sigma, site)
        v_an = analytic.velocity_profile(traj.tau - tau_pass, v0, phi0, lam, mu)
        frames.append(_with_provenance(pd.DataFrame({
            "phi0": phi0, "lam": lam, "alpha": alpha, "mu": mu, "v0": v0, "tau": traj.tau,
            "sigma": sigma, "v": v, "v_analytic": v_an, "tau_pass": tau_pass,
            "sigma_site": site}), omega_fast=float(p["omega_fast"]), d=int(p["d"]),
            solver=str(p.get("solver", "unknown"))))
    df = _sorted(pd.concat(frames, ignore_index=True), ["phi0", "tau"])
    write_table(df, table)
    return df


def fig7_table(stores: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Fig. 7: loss of every pass along the Fig. 3 trajectories vs the midpoint speed before it.

    ``delta_analytic`` is Eq. (26) at ``v_mid``; ``keep`` marks the passes with KE > |phi0|.
    """
    from .trajectory import per_pass_losses

    frames = []
    for path in stores:
        traj = _load(path)
        p = traj.params
        passes = per_pass_losses(traj)
        v_mid = passes["v_mid"].to_numpy()
        an = np.full(v_mid.shape, np.nan)
        ok = v_mid > 0
        an[ok] = analytic.single_pass_loss(v_mid[ok], float(p["phi0"]), float(p["lam"]),
                                           float(p["omega_fast"]))
        frames.append(_with_provenance(pd.DataFrame({
            "phi0": float(p["phi0"]), "lam": float(p["lam"]), "alpha": float(p["alpha"]),
            "mu": float(p["mu"]), "v0": float(p["v0"]), "pass_index": passes["pass_index"],
            "tau": passes["tau"], "v_mid": v_mid, "delta_numeric": passes["delta"],
            "delta_analytic": an, "keep": passes["keep"]}),
            omega_fast=float(p["omega_fast"]), d=int(p["d"]),
            solver=str(p.get("solver", "unknown"))))
    df = _sorted(pd.concat(frames, ignore_index=True), ["phi0", "pass_index"])
    write_table(df, table)
    return df


# ------------------------------------------------------------------------- Fig. 8 biased drift
def run_drift(store: PathLike, midpoints: PathLike, *, alpha: float, phi0: float, lam: float,
              mu: float, bias: float, sigma0: float, omega_fast: float, d: int, solver: str,
              tau_max: float, store_dtau: float, v0: float) -> pd.DataFrame:
    """One biased run of Fig. 8: midpoint speeds at full resolution, then a decimated store.

    Writes ``midpoints`` (columns phi0, lam, alpha, mu, bias, v0, tau_max, tau, v, sigma,
    direction, omega_fast, d, solver, chaindrag_version) and the trajectory store ``store``
    keeping one record every ``store_dtau`` (the midpoints need every step, the store does not).
    """
    from .stores import save_trajectory
    from .trajectory import midpoint_speeds

    t0 = time.perf_counter()
    traj = _simulate(alpha=alpha, phi0=phi0, lam=lam, mu=mu, sigma0=sigma0, v0=v0,
                     tau_max=tau_max, omega_fast=omega_fast, d=d, bias=bias, solver=solver,
                     record_sites=np.arange(0), energy=False,
                     progress=ProgressLog(f"drift v0={v0:g}"))
    log.info("simulated tau_max=%g in %.1f s", tau_max, time.perf_counter() - t0)
    mids = midpoint_speeds(traj)
    df = _with_provenance(pd.DataFrame({
        "phi0": phi0, "lam": lam, "alpha": alpha, "mu": mu, "bias": bias, "v0": v0,
        "tau_max": tau_max, "tau": mids["tau"], "v": mids["v"], "sigma": mids["sigma"],
        "direction": mids["direction"]}), omega_fast=omega_fast, d=d, solver=solver)
    write_table(df, midpoints)
    save_trajectory(traj, store, decimate=max(1, round(store_dtau / _delta(omega_fast, d))))
    return df


def fig8_tables(midpoints: Sequence[PathLike], table: PathLike, fates: PathLike,
                tau_max: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fig. 8(a, b): all midpoint speeds, and the fate of every run (runaway, drift, captured)."""
    from .trajectory import drift_fate

    runs = [pd.read_csv(p) for p in midpoints]
    df = _sorted(pd.concat(runs, ignore_index=True), ["phi0", "v0", "tau"])
    write_table(df, table)
    rows = []
    for run in runs:
        first = run.iloc[0] if len(run) else None
        if first is None:
            continue
        fate = drift_fate(run[["tau", "v", "direction"]], alpha=float(first["alpha"]),
                          bias=float(first["bias"]), tau_end=float(tau_max))
        rows.append(dict(phi0=first["phi0"], lam=first["lam"], alpha=first["alpha"],
                         bias=first["bias"], v0=first["v0"], tau_max=tau_max,
                         fate=fate["fate"], plateau_v=fate["plateau_v"],
                         n=fate["n"] if fate["n"] is not None else np.nan,
                         offset=fate["offset"], tail_slope=fate["tail_slope"],
                         n_points=fate["n_points"], omega_fast=first["omega_fast"],
                         d=first["d"], solver=first["solver"]))
    out = _with_provenance(_sorted(pd.DataFrame(rows), ["phi0", "v0"]))
    write_table(out, fates)
    return df, out


def fig8c_tables(table: PathLike, drift: PathLike, *, alpha: float, phi0: float, lam: float,
                 mu: float, bias: float, omega_fast: float, v_min: float, v_max: float,
                 n_points: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fig. 8(c): Eq. (33) (derived) and the authors' script variant on a geometric speed grid;
    and the drift speeds solving Delta_bar(v) = bias (plain Eq. 33, and broadened per sign)."""
    v = np.geomspace(v_min, v_max, n_points)
    df = _with_provenance(pd.DataFrame({
        "v": v, "delta_bar": analytic.steady_state_loss(v, phi0, lam, alpha, omega_fast),
        "delta_bar_script": analytic.steady_state_loss_script_variant(v, phi0, lam, alpha,
                                                                       omega_fast),
        "alpha": alpha, "phi0": phi0, "lam": lam, "bias": bias}), omega_fast=omega_fast)
    write_table(df, table)
    frames = [analytic.drift_velocities(bias, phi0, lam, alpha, omega_fast, mu=mu)]
    for sign in (1.0, -1.0):
        frames.append(analytic.drift_velocities(bias, sign * phi0, lam, alpha, omega_fast,
                                                broadened=True, mu=mu, v_max=v_max))
    dv = pd.concat(frames, ignore_index=True)
    write_table(dv, drift)
    return df, dv


def fig9_table(table: PathLike, *, alpha: float, phi0: float, lam: float, mu: float,
               omega_fast: float, v_max: float, v_min_attractive: float,
               capture_margin: float, n_points: int) -> pd.DataFrame:
    """Fig. 9: broadened Delta_bar (Sec. VI) for both signs, with plain Eq. (33) alongside."""
    frames = []
    for sign in (1.0, -1.0):
        p = sign * phi0
        v_lo = (1.0 + capture_margin) * float(analytic.capture_speed(p, mu)) if p > 0 \
            else v_min_attractive
        v = np.linspace(v_lo, v_max, n_points)
        frames.append(pd.DataFrame({
            "phi0": p, "v": v,
            "delta_bar_broadened": analytic.broadened_steady_state_loss(v, p, lam, alpha, mu,
                                                                        omega_fast),
            "delta_bar": analytic.steady_state_loss(v, p, lam, alpha, omega_fast),
            "alpha": alpha, "lam": lam, "mu": mu}))
    df = _with_provenance(pd.concat(frames, ignore_index=True), omega_fast=omega_fast)
    write_table(df, table)
    return df


# ------------------------------------------------------------------------ numerical health
def run_energy_check(out: PathLike, *, alpha: float, phi0: float, lam: float, mu: float,
                     v0: float, sigma0: float, tau_max: float, omega_fast: float,
                     d: Sequence[int], solver: str) -> pd.DataFrame:
    """Energy conservation without bias (Fig. 3 set-up) at each time step d.

    Rows: quantity 'max_rel_energy_drift' = max |E(tau) - E(0)| / KE(0) and
    'final_rel_energy_drift' = |E(tau_max) - E(0)| / KE(0).
    """
    rows = []
    for dd in d:
        traj = _simulate(alpha=alpha, phi0=phi0, lam=lam, mu=mu, sigma0=sigma0, v0=v0,
                         tau_max=tau_max, omega_fast=omega_fast, d=int(dd), bias=0.0,
                         solver=solver, record_sites=np.arange(0),
                         progress=ProgressLog(f"energy check d={dd}"))
        total = traj.energy["total"]
        ke0 = traj.energy["particle_kinetic"][0]
        dev = np.abs(total - total[0]) / ke0
        for quantity, value in (("max_rel_energy_drift", float(dev.max())),
                                ("final_rel_energy_drift", float(dev[-1]))):
            rows.append(dict(check="energy_conservation", quantity=quantity, value=value,
                             d=int(dd), delta=_delta(omega_fast, int(dd)), tau_max=tau_max,
                             alpha=alpha, phi0=phi0, lam=lam, mu=mu, v0=v0,
                             omega_fast=omega_fast, solver=solver))
    df = _with_provenance(pd.DataFrame(rows))
    write_table(df, out)
    return df


def run_solver_check(out: PathLike, kernel: PathLike, *, alpha: float, phi0: float, lam: float,
                     mu: float, v0: float, sigma0: float, tau_max: float) -> pd.DataFrame:
    """Chain solver against kernel solver (same set-up, same time step) on the Fig. 3 set-up.

    Rows: max |sigma_chain - sigma_kernel|, max |v_chain - v_kernel| and the largest value
    of |v| (scale) over the run; the kernel solver reads the precomputed store ``kernel``.
    """
    from .kernel import open_store

    store = open_store(kernel)
    runs = {}
    for solver in ("chain", "kernel"):
        runs[solver] = _simulate(alpha=alpha, phi0=phi0, lam=lam, mu=mu, sigma0=sigma0, v0=v0,
                                 tau_max=tau_max, omega_fast=store.omega_fast, d=store.d,
                                 bias=0.0, solver=solver,
                                 kernel_store=store if solver == "kernel" else None,
                                 record_sites=np.arange(0),
                                 progress=ProgressLog(f"solver check {solver}"))
    a, b = runs["chain"], runs["kernel"]
    n = min(a.tau.size, b.tau.size)
    rows = [("max_abs_sigma_diff", float(np.max(np.abs(a.sigma[0, :n] - b.sigma[0, :n])))),
            ("max_abs_velocity_diff", float(np.max(np.abs(a.velocity[0, :n] - b.velocity[0, :n])))),
            ("velocity_scale", float(np.max(np.abs(a.velocity[0, :n])))),
            ("final_sigma_chain", float(a.sigma[0, n - 1])),
            ("final_sigma_kernel", float(b.sigma[0, n - 1]))]
    df = _with_provenance(pd.DataFrame([dict(
        check="solver_agreement", quantity=q, value=v, d=store.d,
        delta=_delta(store.omega_fast, store.d), tau_max=tau_max, alpha=alpha, phi0=phi0,
        lam=lam, mu=mu, v0=v0, omega_fast=store.omega_fast, solver="chain|kernel")
        for q, v in rows]))
    write_table(df, out)
    return df


def run_drive_check(out: PathLike, *, alpha: float, phi0: float, lam: float,
                    v: Sequence[float], tau_max: float, omega_fast: float,
                    d: int) -> pd.DataFrame:
    """Particle dragged at constant speed: measured mean loss per site vs Eq. (33) (Sec. VI).

    Each speed is run at +phi0 and -phi0. Eq. (33) is the O(phi0^2) term of the loss; the
    next term is odd in phi0, so the mean of the two signs (``delta_bar_even``) isolates the
    term Eq. (33) predicts, while each sign alone carries the O(phi0^3) correction.
    """
    from .solvers import drive

    rows = []
    for speed in v:
        t0 = time.perf_counter()
        res = {sign: drive(alpha=alpha, phi0=sign * abs(phi0), lam=lam, v=float(speed),
                           tau_max=tau_max, omega_fast=omega_fast, d=d) for sign in (1.0, -1.0)}
        rep, att = res[1.0].delta_bar, res[-1.0].delta_bar
        log.info("drive v=%g: Delta_bar=%.6g (phi0>0), %.6g (phi0<0) in %.1f s", speed, rep,
                 att, time.perf_counter() - t0)
        rows.append(dict(v=float(speed), delta_bar_numeric=rep, delta_bar_attractive=att,
                         delta_bar_even=0.5 * (rep + att),
                         delta_bar_chain_energy=res[1.0].delta_bar_chain_energy,
                         tau_start=res[1.0].tau_start, tau_end=res[1.0].tau_end,
                         tau_max=tau_max, d=d, alpha=alpha, phi0=abs(phi0), lam=lam,
                         omega_fast=omega_fast, solver="drive"))
    df = _with_provenance(pd.DataFrame(rows))
    write_table(df, out)
    return df


def steady_state_drive_table(drive: PathLike, table: PathLike) -> pd.DataFrame:
    """steady_state_drive.csv: drive-mode Delta_bar next to Eq. (33) and its script variant."""
    df = pd.read_csv(drive)
    args = (df["v"].to_numpy(), df["phi0"].to_numpy(), df["lam"].to_numpy(),
            df["alpha"].to_numpy(), float(df["omega_fast"].iloc[0]))
    df["delta_bar_analytic"] = analytic.steady_state_loss(*args)
    df["delta_bar_script"] = analytic.steady_state_loss_script_variant(*args)
    df["rel_error"] = df["delta_bar_numeric"] / df["delta_bar_analytic"] - 1.0
    df["rel_error_attractive"] = df["delta_bar_attractive"] / df["delta_bar_analytic"] - 1.0
    df["rel_error_even"] = df["delta_bar_even"] / df["delta_bar_analytic"] - 1.0
    df["rel_error_script"] = df["delta_bar_even"] / df["delta_bar_script"] - 1.0
    cols = ["v", "delta_bar_numeric", "delta_bar_attractive", "delta_bar_even",
            "delta_bar_analytic", "delta_bar_script", "rel_error", "rel_error_attractive",
            "rel_error_even", "rel_error_script", "delta_bar_chain_energy", "tau_start",
            "tau_end", "tau_max", "d", "alpha", "phi0", "lam", "omega_fast", "solver",
            "chaindrag_version"]
    df = _sorted(df[cols], ["v"])
    write_table(df, table)
    return df


def numerical_health_table(energy: PathLike, timestep: Sequence[PathLike], solvers: PathLike,
                           table: PathLike) -> pd.DataFrame:
    """numerical_health.csv: energy drift at d and 2d, single-pass losses under halved delta,
    chain vs kernel solver agreement. One row per (check, quantity, d, run)."""
    parts = [pd.read_csv(energy), pd.read_csv(solvers)]
    ts = _read_all(timestep)
    if len(ts):
        ts = ts.sort_values(["phi0", "v0", "d"], kind="mergesort")
        ts_rows = [dict(check="timestep_convergence", quantity="single_pass_loss",
                        value=r.delta_numeric, d=int(r.d), delta=_delta(r.omega_fast, r.d),
                        tau_max=r.tau_max, alpha=r.alpha, phi0=r.phi0, lam=r.lam, mu=r.mu,
                        v0=r.v0, omega_fast=r.omega_fast, solver=r.solver)
                   for r in ts.itertuples()]
        for (phi0, v0), grp in ts.groupby(["phi0", "v0"], sort=True):
            grp = grp.sort_values("d")
            if len(grp) >= 2:
                coarse, fine = grp.iloc[0], grp.iloc[-1]
                ts_rows.append(dict(
                    check="timestep_convergence", quantity="rel_change_halved_delta",
                    value=abs(coarse.delta_numeric - fine.delta_numeric) / abs(fine.delta_numeric),
                    d=int(coarse.d), delta=_delta(coarse.omega_fast, coarse.d),
                    tau_max=coarse.tau_max, alpha=coarse.alpha, phi0=phi0, lam=coarse.lam,
                    mu=coarse.mu, v0=v0, omega_fast=coarse.omega_fast, solver=coarse.solver))
        parts.append(_with_provenance(pd.DataFrame(ts_rows)))
    df = pd.concat(parts, ignore_index=True)
    write_table(df, table)
    return df


def fig2_table(kernel: PathLike, table: PathLike, *, taus: Sequence[float],
               n_max: int) -> pd.DataFrame:
    """Fig. 2: Gamma_n(tau) for n = 0..n_max at each tau, read from a kernel store.

    tau must be a multiple of the store's delta (to 1e-9 relative): the value is read, not
    interpolated. ``front_site`` is the sound-cone front tau pi (omega_fast - 1).
    """
    from .kernel import open_store

    store = open_store(kernel)
    frames = []
    for tau in taus:
        l = round(tau / store.delta)
        if abs(l * store.delta - tau) > 1e-9 * max(tau, 1.0) or l < 1:
            raise ParameterError(f"tau={tau} is not a multiple of the store's delta={store.delta}")
        column = store.window(n_max + 1, l)[:, l - 1]
        frames.append(pd.DataFrame({
            "tau": float(tau), "n": np.arange(n_max + 1), "gamma": column,
            "front_site": float(tau) * analytic.max_group_velocity(store.omega_fast)}))
    df = _with_provenance(pd.concat(frames, ignore_index=True), omega_fast=store.omega_fast,
                          d=store.d, delta=store.delta, kernel_store=Path(kernel).name)
    write_table(df, table)
    return df
