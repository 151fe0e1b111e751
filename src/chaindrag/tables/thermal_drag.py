"""Drive-mode loss on thermal chains against Eq. (33) at temperature T.

Batch tables of :mod:`chaindrag.jobs.thermal.drag` in (one row per drive run), one row per
(statistics, omega_T, v) out: the samples' mean and standard error (a sample is a
realization and its mirror image at +-phi0), the same runs on the chain at rest, and the
theory beside them (:func:`chaindrag.analytic.thermal_steady_state_loss` and its
Debye-Waller, two- and three-phonon parts and the series beyond, and Eq. 33 at rest).
Shifts are relative: the drive runs' to their rest-chain runs (finite-tau and higher-order
terms in phi0 largely cancel), the theory's to Eq. (33). Runs of another pair potential
(their ``interaction`` column) get that potential's theory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import pandas as pd

from .. import analytic
from ..analytic._pair import loss_keywords, provenance_text, table_interaction
from ..stores import write_table
from ._common import PathLike, _flags, _read_all, _sorted, _with_provenance
from .thermal import REST


def seed_ranges(seeds) -> str:
    """Seeds as ranges: [0, 1, 2, 3, 4] -> "0-4", [0, 1, 2, 5] -> "0-2,5" (sorted, unique)."""
    runs: list[list[int]] = []  # [first, last] of each run of consecutive seeds
    for s in sorted({int(s) for s in seeds}):
        if runs and s == runs[-1][1] + 1:
            runs[-1][1] = s
        else:
            runs.append([s, s])
    parts = [str(a) if a == b else f"{a}-{b}" for a, b in runs]
    return ",".join(parts)


def _sample_columns(runs: pd.DataFrame) -> dict:
    """seeds, n_modes and mirror of the runs averaged into one row."""
    modes = sorted({int(m) for m in pd.to_numeric(runs["n_modes"], errors="coerce").dropna()})
    mirror = (runs.groupby("seed")["mirror"].agg(lambda m: set(_flags(m)) == {False, True})
              if "mirror" in runs.columns else pd.Series([False]))
    return dict(seeds=seed_ranges(runs["seed"]),
                n_modes=modes[0] if len(modes) == 1 else "|".join(map(str, modes)),
                mirror=bool(mirror.all()))


def thermal_drag_table(batches: Sequence[PathLike], table: PathLike) -> pd.DataFrame:
    """Per (statistics, omega_T, v): the drive-mode loss at finite T and its theory.

    Columns: statistics, omega_T, v, n_samples, delta_bar (mean of the samples),
    delta_bar_se, delta_bar_rest (the rest-chain runs, mean of +-phi0), shift
    (delta_bar / delta_bar_rest - 1), shift_se, eq33, theory (debye_waller + two_phonon +
    three_phonon + higher_phonons, every order of the series), the four parts, theory_shift
    and debye_waller_shift (over eq33, minus 1), the parameters (alpha, phi0 = |phi0|, lam,
    mu, tau_max, window, sigma0: drive's start, omega_fast, d, solver), ``interaction`` (the
    potential's JSON, for runs of another potential: phi0 is then |Phi(0)| and lam the force
    width), the samples'
    ``seeds`` (:func:`seed_ranges`, e.g. "0-4"), ``n_modes`` (the realizations' ring; several
    joined by "|") and ``mirror`` (True: every sample averages a realization and its mirror
    image), and chaindrag_version.
    """
    df = _read_all(batches)
    if df.empty or not (df["statistics"] != REST).any():
        raise ValueError("no thermal drive runs in the batches (only the chain at rest?)")
    rest = df[df["statistics"] == REST].groupby("v")["delta_bar"].mean()
    hot = df[df["statistics"] != REST]
    samples = hot.groupby(["statistics", "omega_T", "v", "seed"])["delta_bar"].mean()
    runs = hot.groupby(["statistics", "omega_T", "v"])
    stats = samples.groupby(["statistics", "omega_T", "v"]).agg(["count", "mean", "std"])
    first = df.iloc[0]
    alpha, phi0, lam = float(first["alpha"]), abs(float(first["phi0"])), float(first["lam"])
    wf = float(first["omega_fast"])
    inter = table_interaction(df)
    named = {} if inter is None else dict(interaction=provenance_text(inter))
    pot = loss_keywords(inter, phi0, lam)
    rows = []
    for (statistics, temp, v), s in stats.iterrows():
        n = int(s["count"])
        se = float(s["std"]) / math.sqrt(n) if n > 1 else math.nan
        d_rest = float(rest.get(v, math.nan))
        eq33 = float(analytic.steady_state_loss(v, alpha=alpha, omega_fast=wf, **pot))
        hot_kw = dict(alpha=alpha, omega_T=temp, statistics=statistics, omega_fast=wf, **pot)
        debye_waller = float(analytic.debye_waller_loss(v, **hot_kw))
        two_phonon = float(analytic.two_phonon_loss(v, **hot_kw))
        three_phonon = float(analytic.three_phonon_loss(v, **hot_kw))
        higher_phonons = float(analytic.higher_phonon_loss(
            v, **hot_kw, scale=debye_waller + two_phonon + three_phonon))
        theory = debye_waller + two_phonon + three_phonon + higher_phonons
        rows.append(dict(
            statistics=statistics, omega_T=float(temp), v=float(v), n_samples=n,
            delta_bar=float(s["mean"]), delta_bar_se=se, delta_bar_rest=d_rest,
            shift=float(s["mean"]) / d_rest - 1.0, shift_se=se / d_rest, eq33=eq33,
            theory=theory, two_phonon=two_phonon, three_phonon=three_phonon,
            higher_phonons=higher_phonons, debye_waller=debye_waller,
            theory_shift=theory / eq33 - 1.0, debye_waller_shift=debye_waller / eq33 - 1.0,
            alpha=alpha, phi0=phi0, lam=lam, mu=float(first["mu"]),
            tau_max=float(first["tau_max"]), window=float(first["window"]),
            **({"sigma0": float(first["sigma0"])} if "sigma0" in df.columns else {}),
            omega_fast=wf,
            d=int(first["d"]), solver=first["solver"], **named,
            **_sample_columns(runs.get_group((statistics, temp, v)))))
    out = _with_provenance(_sorted(pd.DataFrame(rows), ["statistics", "omega_T", "v"]))
    write_table(out, table)
    return out

