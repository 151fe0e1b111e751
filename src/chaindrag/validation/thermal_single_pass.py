"""Claims of the thermal single passes (issue 13), rows of validation_thermal.csv.

Per (statistics, omega_T), at the speeds where the first-order theory is sharper than the
test (:func:`speed_stats`): the mean loss is the rest-chain pass plus its order-Phi0^2 T
shift (:func:`chaindrag.analytic.single_pass_thermal_shift`), and the variance is the
fluctuation-dissipation prediction 2 sum_j eps_j Delta_j. The mean row's note also gives
the shift's amplitude fitted over the judged speeds (:func:`shift_amplitude`) and how many
standard errors "no shift" lies from it.

The samples are those of :func:`chaindrag.tables.thermal.pass_samples`: a pass and its
mirror image are one sample (the mean of delta - first_order_work cancels the terms odd in
rho^H; the variance is that of the realization's own passes), a pass without one is its
own sample. Deviations are judged in units of their standard errors against the Student-t
critical value at :data:`~chaindrag.validation.tolerances.P_ROW`, Bonferroni-divided among
the speeds.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..analytic._pair import table_interaction
from ..tables.thermal import pass_samples
from .rows import Claim, NotApplicable, _as_bool, _g, _require
from .tolerances import critical

#: Fewest samples per speed for a variance claim (its standard error needs the 4th moment).
MIN_PASSES = 10
REST = "rest"


def speed_stats(grp: pd.DataFrame, rest: Mapping[float, float]) -> pd.DataFrame:
    """Per v0: samples, their mean and variance with standard errors, the expectations.

    ``eligible``: every pass passed, at least MIN_PASSES samples, a rest-chain value, and
    the first-order theory applies to the resolution of the test: the thermal kick
    sigma_FD is at most sqrt(2/(n-1)) (the relative standard error of a variance) of the
    kinetic energy above the barrier, KE0 - max(phi0, 0) (Phi_max of another potential,
    named by the ``interaction`` column; its neglected term is of that relative size), and
    Eq. (26) (Eq. 25) at v0 describes the rest-chain pass to the same accuracy.
    """
    inter = table_interaction(grp)
    out = []
    for v0, g in grp.groupby("v0", sort=True):
        samples = pass_samples(g)
        ok = samples["passed"].to_numpy() & np.isfinite(samples["corrected"].to_numpy())
        c = samples["corrected"].to_numpy()[ok]
        d = samples["delta"].to_numpy()[ok]
        n = d.size
        var = float(d.var(ddof=1)) if n > 1 else math.nan
        m4 = float(np.mean((d - d.mean()) ** 4)) if n else math.nan
        se_var = math.sqrt(max(m4 - var**2 * (n - 3) / (n - 1), 0.0) / n) if n > 3 else math.nan
        r0 = g.iloc[0]
        ke0 = 0.5 * float(r0["mu"]) * (float(v0) / (2.0 * math.pi)) ** 2
        margin = ke0 - (max(float(r0["phi0"]), 0.0) if inter is None else inter.phi_max)
        fd_var = float(r0["delta_fd_std"]) ** 2
        resolution = math.sqrt(2.0 / (n - 1)) if n > 1 else math.inf
        d_rest = rest.get(float(v0), math.nan)
        eligible = (bool(ok.all()) and n >= MIN_PASSES and math.isfinite(d_rest)
                    and margin > 0 and math.sqrt(fd_var) <= resolution * margin
                    and abs(d_rest / float(r0["delta_rest"]) - 1.0) <= resolution)
        out.append(dict(v0=float(v0), n=n, var=var, se_var=se_var, fd_var=fd_var,
                        mean_c=float(c.mean()) if n else math.nan,
                        se_c=float(c.std(ddof=1)) / math.sqrt(n) if n > 1 else math.nan,
                        d_rest=d_rest, shift=float(r0["delta_thermal_shift"]),
                        paired=len(samples) < len(g), eligible=eligible))
    return pd.DataFrame(out)


def variance_z(s: pd.DataFrame) -> np.ndarray:
    """Per speed: the sample variance against the fluctuation-dissipation one, in logarithms.

    z = (ln(var / fd_var) + r^2/2) / r with r = se_var / var, the variance's relative standard
    error from the 4th moment (r^2/2: the mean of ln var lies that far below ln of the mean
    variance). A scale error of the fluctuations leaves r as it is, where the plain
    (var - fd_var) / se_var divides it by the inflated se_var: a variance 3 x the prediction
    is ln 3 / r off (6 standard errors at 60 samples), not 2/3 / r (3.6). Where either
    variance is zero or negative there is no logarithm: the plain difference is judged.
    """
    var, fd, se = (s[c].to_numpy(float) for c in ("var", "fd_var", "se_var"))
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = se / var
        logz = (np.log(var / fd) + 0.5 * rel**2) / rel
    plain = (var - fd) / se
    return np.where((var > 0) & (fd > 0), logz, plain)


def _judge_speeds(claim: Claim, s: pd.DataFrame, z: np.ndarray, what: str,
                  extra: str = "") -> dict:
    crit = critical(float(s["n"].min()) - 1.0, len(s))
    k = int(np.argmax(np.abs(z)))
    return claim.row(0.0, float(np.abs(z).max()), crit, bool(np.abs(z).max() <= crit),
                     f"largest |z| over v0 = {', '.join(_g(v) for v in s['v0'])} ({what}); "
                     f"worst at v0 = {_g(s['v0'].iloc[k])}{extra}")


def shift_amplitude(grp: pd.DataFrame, e: pd.DataFrame) -> tuple[float, float]:
    """The amplitude a of the predicted shift that fits the judged speeds, and its standard
    error: mean_c - rest = a shift(v0), by generalised least squares.

    The samples of the speeds ``e`` (rows of :func:`speed_stats`) are aligned by realization
    and particle; their covariance is the sample covariance over the aligned samples (a
    particle's passes at different speeds see the same realization), so the fit needs no
    assumption of independence. NaN when fewer aligned samples than speeds + 2 or the shift
    is zero.
    """
    wide = pd.concat({float(v0): pass_samples(grp[grp["v0"] == v0]).query("passed")
                      .set_index(["seed", "particle"])["corrected"] for v0 in e["v0"]},
                     axis=1).dropna()
    shift = e["shift"].to_numpy(dtype=float)
    if len(wide) < len(e) + 2 or not np.any(shift):
        return math.nan, math.nan
    x = wide.to_numpy()
    cov = np.atleast_2d(np.cov(x, rowvar=False)) / len(x)
    w = np.linalg.solve(cov, shift)
    info = float(shift @ w)
    return float(w @ (x.mean(axis=0) - e["d_rest"].to_numpy())) / info, 1.0 / math.sqrt(info)


def _shift_amplitude(grp: pd.DataFrame, e: pd.DataFrame) -> str:
    a, se = shift_amplitude(grp, e)
    if not math.isfinite(a):
        return "no fit of the shift's amplitude (too few aligned samples, or no shift)"
    return (f"the predicted shift fitted over these speeds has amplitude {a:.3f} +- {se:.3f} "
            f"(no shift: {abs(a) / se:.2f} standard errors)")


def check_thermal_single_pass(df: pd.DataFrame | None) -> list[dict]:
    """Mean loss = rest-chain loss + its order-Phi0^2 T shift, and std =
    fluctuation-dissipation, per (statistics, T). The mean is that of delta -
    first_order_work (the pass's zero-mean first-order thermal work, which carries ~99 % of
    its variance), averaged over a pass and its mirror image where the table has both.

    Judged at the speeds where the first-order theory is sharper than the test (see
    :func:`speed_stats`); the other speeds are drawn but not judged. A pass marked passed
    without a finite loss fails both rows of its (statistics, T).
    """
    df = _require(df, "thermal_single_pass", ["statistics", "omega_T", "v0", "seed",
                                              "particle", "delta", "passed", "mu", "phi0",
                                              "delta_rest", "delta_fd_std",
                                              "delta_thermal_shift", "first_order_work"])
    if pd.to_numeric(df["first_order_work"], errors="coerce").isna().any():
        raise NotApplicable("thermal_single_pass.csv has passes without first_order_work "
                            "(batches written before it: rerun them, snakemake --forcerun "
                            "thermal_single_pass_batch)")
    rest_rows = df[df["statistics"] == REST]
    rest = {float(v): float(d) for v, d in zip(rest_rows["v0"], rest_rows["delta"])}
    rows = []
    for (st, temp), grp in df[df["statistics"] != REST].groupby(["statistics", "omega_T"]):
        what = f"{st}, omega_T = {temp:g}"
        mean_claim = Claim("thermal_single_pass", f"mean single-pass loss at finite T = "
                                                  f"rest-chain loss + its order-phi0^2 T shift "
                                                  f"({what})")
        std_claim = Claim("thermal_single_pass", f"Var(Delta) = 2 sum_j eps_j Delta_j "
                                                 f"(fluctuation-dissipation; {what})")
        lost = grp[_as_bool(grp["passed"])
                   & ~np.isfinite(pd.to_numeric(grp["delta"], errors="coerce").to_numpy(float))]
        if len(lost):  # pass_samples reads such a pass as one that stopped: not the same
            why = ("passes marked passed without a finite loss (a broken run): v0 = "
                   + ", ".join(_g(v) for v in sorted(set(lost["v0"]))[:8]))
            rows += [mean_claim.row(0.0, math.nan, "finite", False, why),
                     std_claim.row(0.0, math.nan, "finite", False, why)]
            continue
        s = speed_stats(grp, rest)
        e = s[s["eligible"]]
        if e.empty:
            why = ("no speed where the thermal kick is below the test's resolution of the "
                   "energy above the barrier, every pass passed and a rest-chain pass exists")
            rows += [mean_claim.na(why), std_claim.na(why)]
            continue
        sample = "a pass and its mirror image" if e["paired"].all() else "one pass"
        rows.append(_judge_speeds(mean_claim, e, ((e["mean_c"] - e["d_rest"] - e["shift"])
                                                  / e["se_c"]).to_numpy(),
                                  "(mean of delta - first_order_work - rest - shift) / "
                                  "standard error",
                                  f"; a sample is {sample}; {_shift_amplitude(grp, e)}"))
        rows.append(_judge_speeds(std_claim, e, variance_z(e), "ln(sample variance / 2 sum "
                                  "eps_j Delta_j) / its relative standard error from the 4th "
                                  "moment"))
    return rows
