"""Fig. 8 and 9 reductions: speeds and fates of the biased runs, Eq. (33) curves."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from .. import analytic
from ..analytic._pair import entry_interaction, provenance_text, resolve
from ..interactions import interaction_from_config, mirror_spec
from ..stores import write_table
from ._common import PathLike, _as_bool, _read_all, _sorted, _with_provenance

#: a tail speed within 2% of an unstable solution of Delta_bar(v) = bias "sits on" it
UNSTABLE_RTOL = 0.02
#: a relaxing run has arrived at a stable solution within 1% (drift_fate's plateau_rtol)
ARRIVAL_RTOL = 0.01


def fig8_tables(midpoints: Sequence[PathLike], runs_fates: Sequence[PathLike],
                drift: PathLike, table: PathLike, fates: PathLike
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fig. 8 (a, b): the speeds of every run up to tau_max and every run's fate there.

    Parameters
    ----------
    midpoints, runs_fates : sequence of paths
        The batch tables of :func:`chaindrag.jobs.run_drift` (runs not continued).
    drift : path
        drift_velocities.csv (:func:`fig8c_tables`): the solutions of Delta_bar(v) = bias
        named in the ``cap_reason`` of runs still undetermined at tau_max.
    table, fates : path
        fig8_midpoints.csv and fig8_fates.csv (the batches' fate rows without the volatile
        wall time, plus ``cap_reason``), written atomically.

    Returns
    -------
    tuple of pandas.DataFrame
        The two tables.
    """
    df = _sorted(_concat_rows(midpoints), ["phi0", "v0", "tau"])
    write_table(df, table)
    out = _fates(runs_fates, drift)
    write_table(out, fates)
    return df, out


def fig8_continued_tables(runs_fates: Sequence[PathLike], runs_long: Sequence[PathLike],
                          drift: PathLike, fates: PathLike, long: PathLike
                          ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fig. 8 continued (named target ``fates``): every run's fate, decided past tau_max.

    Parameters
    ----------
    runs_fates, runs_long : sequence of paths
        The batch tables of :func:`chaindrag.jobs.run_drift` with a continuation.
    drift : path
        drift_velocities.csv (:func:`fig8c_tables`), for the ``cap_reason`` of capped runs.
    fates, long : path
        fig8_fates_continued.csv (tau_end, tau_decided, capped, cap_reason per run) and
        fig8_long.csv (the continued runs' speeds), written atomically.

    Returns
    -------
    tuple of pandas.DataFrame
        The two tables.
    """
    out = _fates(runs_fates, drift)
    write_table(out, fates)
    lg = _sorted(_concat_rows(runs_long), ["phi0", "v0", "tau"])
    write_table(lg, long)
    return out, lg


def _fates(runs_fates: Sequence[PathLike], drift: PathLike) -> pd.DataFrame:
    """The batches' fate rows, sorted, without wall time, with the reason of capped runs."""
    out = _read_all(runs_fates).drop(columns=["wall_time_s"], errors="ignore")
    dv = pd.read_csv(drift)
    out["cap_reason"] = [_cap_reason(r, dv) if _as_bool(r["capped"]) else ""
                         for _, r in out.iterrows()]
    return _sorted(out, ["phi0", "v0"])


def _concat_rows(paths: Sequence[PathLike]) -> pd.DataFrame:
    """The tables at ``paths`` concatenated; header-only tables (batches without a continued
    run) are left out so they cannot turn the numeric columns into objects."""
    frames = [pd.read_csv(p) for p in paths]
    rows = [f for f in frames if len(f)]
    if rows:
        return pd.concat(rows, ignore_index=True)
    return frames[0] if frames else pd.DataFrame()


def _cap_reason(run: pd.Series, drift: pd.DataFrame) -> str:
    """Why a run is still undetermined at the end of its last run, in Eq. (33)'s quantities.

    Between midpoints dv/dtau = 4 pi^2 (bias - Delta_bar(v))/(mu alpha): the note gives the
    tail speed, its cell-mean speed (:func:`~chaindrag.analytic.cell_speeds`: Eq. 33 holds
    the speed constant, so its solutions are compared with the cell mean, the broadened
    ones of Fig. 9 with the midpoint speed they are written in) and its dv/dtau in units of
    the bias's free acceleration 4 pi^2 bias/(mu alpha). A run within 2% of an unstable
    solution of Delta_bar(v) = bias sits where the mean force vanishes and leaves only
    slowly; otherwise the note names the stable solution it relaxes towards (the nearest
    in the direction of dv/dtau, plain Eq. 33 or broadened for the run's sign) and, for
    plain Eq. 33, the time its mean force takes to bring the cell-mean speed within
    :data:`ARRIVAL_RTOL` of it (:func:`~chaindrag.analytic.relaxation_time`; the tail
    speed's present rate is no guide: it crawls through the bottleneck below a band-bottom
    spike and speeds up later). Plain solutions in a window narrower than the speed swing
    of a cell are passed over (:func:`_washed_out`). A run that ended at tau_max (not
    continued) says which target continues it.
    """
    v, slope, end = float(run["tail_v"]), float(run["tail_slope"]), float(run["tau_end"])
    continued = end > float(run.get("tau_max", end)) * (1 + 1e-9)
    text = (f"undetermined at the cap tau = {end:g}" if continued else
            f"undetermined at tau_max = {end:g} (the named target `fates` continues it)")
    if not math.isfinite(v):
        return text
    pot = _eq33_potential(run)
    cell = {key: val for key, val in pot.items() if key not in ("bias", "omega_fast")}
    mean = float(analytic.cell_speeds(v, **cell)[0])
    free = 4 * math.pi**2 * float(run["bias"]) / (float(run["mu"]) * float(run["alpha"]))
    if math.isfinite(mean):
        text += f": tail speed {v:.4g} (cell mean {mean:.4g}), dv/dtau = {slope:.3g}"
    else:  # a mean midpoint speed below the cell's capture speed: no cell mean to give
        mean = v
        text += f": tail speed {v:.4g}, dv/dtau = {slope:.3g}"
    if free > 0:
        text += f" = {slope / free:.2g} x the bias's free acceleration"
    is_broad = drift["broadened"].map(_as_bool)
    pool = drift[~is_broad | (is_broad & np.isclose(drift["phi0"], float(run["phi0"])))]
    broad = pool["broadened"].map(_as_bool).to_numpy()
    stable = pool["stable"].map(_as_bool).to_numpy()
    speeds = pool["v"].to_numpy(float)
    here = np.where(broad, v, mean)  # the run's speed in each solution's own terms
    labels = np.where(broad, "broadened Eq. 33, Fig. 9", "Eq. 33")
    kept = broad | ~_washed_out(speeds, ~broad, stable, np.sign(slope), cell)
    on = _preferred(~stable & kept & (np.abs(speeds - here) <= UNSTABLE_RTOL * speeds), broad)
    if len(on):
        k = on[np.argmin(np.abs(speeds[on] - here[on]))]
        return text + (f"; sits on the unstable solution v = {speeds[k]:.4g} of Delta_bar(v) = "
                       f"bias ({labels[k]}; zero mean force there)")
    ahead = _preferred(stable & kept & ((speeds - here) * np.sign(slope) > 0), broad)
    if len(ahead):
        k = ahead[np.argmin(np.abs(speeds[ahead] - here[ahead]))]
        text += (f"; relaxing towards the stable solution v = {speeds[k]:.4g} of Delta_bar(v) = "
                 f"bias ({labels[k]})")
        goal = speeds[k] * (1.0 + math.copysign(ARRIVAL_RTOL, mean - speeds[k]))
        if not broad[k] and (goal - mean) * slope > 0:
            eta = analytic.relaxation_time(mean, goal, **pot)
            if math.isfinite(eta):
                text += (f"; Eq. 33 takes tau ~ {eta:.2g} from the cell-mean speed to within "
                         f"{ARRIVAL_RTOL:.0%} of it")
    return text


def _preferred(candidates: np.ndarray, broad: np.ndarray) -> np.ndarray:
    """Indices of the plain Eq. 33 candidates, or of the broadened ones if there are none
    (the broadened curve is Sec. VI's qualitative illustration)."""
    plain = np.flatnonzero(candidates & ~broad)
    return plain if len(plain) else np.flatnonzero(candidates & broad)


def _washed_out(speeds: np.ndarray, plain: np.ndarray, stable: np.ndarray, side: float,
                cell: dict) -> np.ndarray:
    """Plain Eq. 33 solutions the cell's speed swing passes over (False where not plain).

    The speed swings by half the cell's spread about its mean (Phi0 = +-2, alpha = 40:
    ~0.5 at v ~ 80), while the fast-resonance spikes give pairs of solutions 3e-5 to 0.2
    apart (72.85, 89.11, 114.5): a stable one approached from ``side`` (+1 from below, -1
    from above) is passed over when the next solution beyond it lies closer than that
    half-spread, an unstable one when either neighbour does. The paper preset's runs
    heading for 72.85 and 89.11 run away (the `fates` target).
    """
    out = np.zeros(speeds.size, dtype=bool)
    idx = np.flatnonzero(plain)
    if not idx.size:
        return out
    values = speeds[idx]
    _, low, high = analytic.cell_speeds(values, **cell)
    swing = 0.5 * (np.asarray(high) - np.asarray(low))
    for i, (k, u) in enumerate(zip(idx, values)):
        below, above = values[values < u], values[values > u]
        gap_below = u - below.max() if below.size else math.inf
        gap_above = above.min() - u if above.size else math.inf
        if not stable[k]:
            gap = min(gap_below, gap_above)
        else:
            gap = gap_above if side > 0 else gap_below
        out[k] = bool(gap < swing[i])  # NaN swing (the cell cannot be crossed): kept
    return out


def _eq33_potential(run: pd.Series) -> dict:
    """Keywords of :func:`~chaindrag.analytic.relaxation_time` for a fates row's run."""
    kw = {k: float(run[k]) for k in ("bias", "alpha", "omega_fast", "mu")}
    inter = entry_interaction(run.get("interaction"))
    if inter is not None:
        return dict(kw, interaction=inter)
    return dict(kw, phi0=float(run["phi0"]), lam=float(run["lam"]))


def _signed_potentials(phi0: float, lam: float,
                       interaction: Mapping[str, Any] | None) -> list[tuple[dict, dict]]:
    """The potentials of the repulsive and attractive runs: (keywords of the analytic
    functions, the table's potential columns) per sign.

    The Gaussian shorthand gives +-phi0 (a gaussian ``interaction:`` spec is turned back into
    it: the same numbers); another spec gives Phi and its mirror -Phi
    (:func:`~chaindrag.interactions.mirror_spec`), with phi0 = Phi(0), lam = the force width and ``interaction`` (JSON).
    """
    if interaction is not None:
        phi0, lam, inter = resolve(None, None, interaction_from_config(interaction))
        if inter is not None:
            inters = [inter, interaction_from_config(mirror_spec(interaction))]
            return [(dict(interaction=x), dict(phi0=x.phi_at_zero, lam=x.width,
                                               interaction=provenance_text(x)))
                    for x in inters]
    return [(dict(phi0=phi0, lam=lam), {}), (dict(phi0=-1.0 * phi0, lam=lam), {})]


def fig8c_tables(table: PathLike, drift: PathLike, *, alpha: float, phi0: float, lam: float,
                 mu: float, bias: float, omega_fast: float, v_min: float, v_max: float,
                 n_points: int, interaction: Mapping[str, Any] | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fig. 8(c): Eq. (33) (derived) and the authors' script variant on a geometric speed grid;
    and the drift speeds solving Delta_bar(v) = bias (plain Eq. 33, and broadened per sign up
    to ``v_max``: none for a sign whose capture speed lies above it).

    With an ``interaction`` spec (:func:`chaindrag.interactions.interaction_from_config`)
    Eq. (33) and the drift speeds are those of that potential (broadened: of the potential
    and its mirror); the script variant is the Gaussian's only (NaN then), and
    phi0 and lam are Phi(0) and the force width, an ``interaction`` column naming it.
    """
    v = np.geomspace(v_min, v_max, n_points)
    signed = _signed_potentials(phi0, lam, interaction)
    (kw, cols), wf = signed[0], omega_fast
    if cols:
        script, head = np.nan, dict(alpha=alpha, **cols)
    else:
        script = analytic.steady_state_loss_script_variant(v, kw["phi0"], kw["lam"], alpha, wf)
        head = dict(alpha=alpha, phi0=kw["phi0"], lam=kw["lam"])
    df = _with_provenance(pd.DataFrame({
        "v": v, "delta_bar": analytic.steady_state_loss(v, alpha=alpha, omega_fast=wf, **kw),
        "delta_bar_script": script, **head, "bias": bias}), omega_fast=omega_fast)
    write_table(df, table)
    frames = [analytic.drift_velocities(bias, alpha=alpha, omega_fast=wf, mu=mu, **kw)
              .assign(**cols)]
    for kw, cols in signed:  # none for a sign whose capture speed lies above v_max
        frames.append(analytic.drift_velocities(bias, alpha=alpha, omega_fast=wf,
                                                broadened=True, mu=mu, v_max=v_max, **kw)
                      .assign(**cols))
    dv = pd.concat(frames, ignore_index=True)
    write_table(dv, drift)
    return df, dv


def fig9_table(table: PathLike, *, alpha: float, phi0: float, lam: float, mu: float,
               omega_fast: float, v_max: float, v_min_attractive: float,
               capture_margin: float, n_points: int,
               interaction: Mapping[str, Any] | None = None) -> pd.DataFrame:
    """Fig. 9: broadened Delta_bar (Sec. VI) for both signs, with plain Eq. (33) alongside.

    A repulsive curve starts at (1 + capture_margin) x the capture speed, an attractive one
    at ``v_min_attractive``. With an ``interaction`` spec the curves are those of that
    potential and its mirror (a curve starts at the capture speed where the potential
    has a barrier), phi0 and lam are Phi(0) and the force width, an
    ``interaction`` column naming it.
    """
    frames = []
    for kw, cols in _signed_potentials(phi0, lam, interaction):
        if cols:  # the capture speed of Phi_max: > 0 where the potential has a barrier
            cap, p = kw["interaction"].capture_speed(mu), cols["phi0"]
            rest = dict(alpha=alpha, lam=cols["lam"], interaction=cols["interaction"], mu=mu)
        else:
            p = float(kw["phi0"])
            cap, kw = float(analytic.capture_speed(p, mu)), dict(phi0=p, lam=lam)
            rest = dict(alpha=alpha, lam=lam, mu=mu)
        v_lo = (1.0 + capture_margin) * cap if cap > 0 else v_min_attractive
        v = np.linspace(v_lo, v_max, n_points)
        frames.append(pd.DataFrame({
            "phi0": p, "v": v,
            "delta_bar_broadened": analytic.broadened_steady_state_loss(
                v, alpha=alpha, mu=mu, omega_fast=omega_fast, **kw),
            "delta_bar": analytic.steady_state_loss(v, alpha=alpha, omega_fast=omega_fast,
                                                    **kw),
            **rest}))
    df = _with_provenance(pd.concat(frames, ignore_index=True), omega_fast=omega_fast)
    write_table(df, table)
    return df
