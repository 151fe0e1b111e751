"""Equilibration claims of the thermal branch (issue 13), rows of validation_thermal.csv.

A classical mobile particle on a chain at temperature T settles at equipartition, <KE> = T/2
over time, and the kinetic energies it has at the midpoint crossings follow P(E) =
exp(-E/T)/T (the crossing flux weighs the Maxwell distribution by |v|), mean T.

The independent samples are the realizations (seeds): the particles of one realization are
not independent of each other, nor are the blocks of one run in time. On the quick and the
paper preset's runs (8 and 24 seeds) the per-seed mean crossing energies scatter 1.15-1.8
times (in variance) more than the particles' own scatter predicts, and 1.1-2.7 times more
than the scatter of the runs' halves or quarters in time does: a standard error from
particles or time blocks would be too small and raise false alarms. So k seeds give k - 1
degrees of freedom, and the Student-t critical value at P_ROW is large at small k (7.1 at 8
seeds, 13 at 5).

What can be sharpened is the statistic. Both claims are statements of scale (an energy equal
to T/2 or T), and a standard error taken from the same samples grows with a scale error: a
crossing energy 3 T would come with a standard error 3 times the true one, and pass at 8
seeds. Judged in logarithms the scatter does not depend on the scale. Equipartition: ln(m_i
/ (T/2)) of the per-seed time averages m_i, whose mean is ln(E[m] / (T/2)) - s^2/2 (the
log-normal term of the scatter s of the ln m_i, added back). Crossings: the per-seed mean
of ln(E / T), which the exponential law fixes at -gamma (Euler's constant), and which is
no more scattered than the mean energy (relative standard errors 0.085-0.096 against
0.10-0.12 on the quick preset's runs). There a crossing energy 3 T is 11-13 standard errors
off (5.8-6.4 judged as a mean, t(7) = 7.1), 2 T 6.6-8.4 (4.5-4.6), and equipartition at
2 x T/2 8.9-10.3 (6.3-7.3).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .rows import Claim, _g, _require
from .tolerances import critical, too_few

_EULER_GAMMA = float(np.euler_gamma)


def _log_z(values: np.ndarray, offset: float = 0.0) -> tuple[float, float, float]:
    """(z, mean, standard error) of the mean of per-seed ``values`` + ``offset`` against 0."""
    k = values.size
    m, se = float(values.mean()) + offset, float(values.std(ddof=1)) / math.sqrt(k)
    z = abs(m) / se if se > 0 else (0.0 if m == 0 else math.inf)
    return z, m, se


def _scale_z(per_seed: pd.Series, target: float) -> tuple[float, float, float]:
    """(z, log ratio, standard error) of per-seed means of an energy against ``target``: the
    mean of ln(m_i / target) plus s^2/2 (E[m] of a log-normal m), in units of s/sqrt(k)."""
    ln = np.log(per_seed.to_numpy(float) / target)
    return _log_z(ln, 0.5 * float(ln.var(ddof=1)))


def _bad(data: pd.DataFrame) -> int:
    """Kinetic energies that are not finite and positive (a broken run, not one to skip)."""
    kin = pd.to_numeric(data["kinetic"], errors="coerce").to_numpy(float)
    return int((~(np.isfinite(kin) & (kin > 0))).sum())


def _equipartition(claim: Claim, data: pd.DataFrame, per_seed: pd.Series, temp: float,
                   half: float) -> dict:
    """<KE> over the second half = T/2, judged on the per-seed time averages."""
    k, crit = len(per_seed), critical(len(per_seed) - 1.0)
    z, lr, se = _scale_z(per_seed, 0.5 * temp)
    return claim.row(0.0, z, crit, bool(z <= crit),
                     f"|ln(<KE> / (T/2))| / standard error, <KE> the time average over tau >= "
                     f"{_g(half)} per seed: mean of {k} seeds {_g(per_seed.mean())} +- "
                     f"{_g(per_seed.std(ddof=1) / math.sqrt(k))} against T/2 = {_g(0.5 * temp)}"
                     f"; in logarithms {lr:+.4f} +- {se:.4f} (a factor {math.exp(lr):.4g}); "
                     f"tolerance t({k - 1}) at P_ROW")


def _crossing_law(claim: Claim, data: pd.DataFrame, per_seed: pd.Series, temp: float,
                  half: float) -> dict:
    """Midpoint-crossing energies follow exp(-E/T)/T: per-seed <ln(E/T)> = -gamma."""
    k, crit = len(per_seed), critical(len(per_seed) - 1.0)
    log_e = np.log(data["kinetic"].to_numpy(float) / temp)
    per_seed_log = pd.Series(log_e).groupby(data["seed"].to_numpy()).mean().to_numpy()
    z, dev, se = _log_z(per_seed_log, _EULER_GAMMA)
    return claim.row(0.0, z, crit, bool(z <= crit),
                     f"|<ln(E/T)> + gamma| / standard error over the crossings at tau >= "
                     f"{_g(half)}, per seed, {k} seeds: {dev:+.4f} +- {se:.4f} (0 for the law "
                     f"exp(-E/T)/T; its scale is T exp({dev:+.3f})); mean crossing energy "
                     f"{_g(per_seed.mean())} +- {_g(per_seed.std(ddof=1) / math.sqrt(k))} "
                     f"against T = {_g(temp)}; tolerance t({k - 1}) at P_ROW")


def check_thermal_equilibration(series: pd.DataFrame | None,
                                crossings: pd.DataFrame | None) -> list[dict]:
    """Equipartition <mu (sigma'/2 pi)^2 / 2> = T/2 and the crossing law P(E) = exp(-E/T)/T.

    Judged on the second half of every run (the chosen parameters relax within tens of
    tau), on the per-seed means (realizations are independent; the particles of one
    realization are not), in logarithms (see the module's text): equipartition by the
    per-seed time averages, the crossings by their per-seed <ln(E/T)>.
    """
    series = _require(series, "thermal_equilibration", ["start", "seed", "tau", "kinetic",
                                                        "omega_T", "statistics", "tau_max"])
    crossings = _require(crossings, "thermal_equilibration_crossings",
                         ["start", "seed", "tau", "kinetic"])
    rows = []
    for start, s in series.groupby("start", sort=True):
        temp, st = float(s["omega_T"].iloc[0]), s["statistics"].iloc[0]
        half = 0.5 * float(s["tau_max"].iloc[0])
        c = crossings[(crossings["start"] == start) & (crossings["tau"] >= half)]
        for name, data, judge in (
                ("equipartition: mean kinetic energy -> T/2", s[s["tau"] >= half],
                 _equipartition),
                ("midpoint-crossing kinetic energy has mean T (P(E) = exp(-E/T)/T)", c,
                 _crossing_law)):
            claim = Claim("thermal_equilibration", f"{name} ({start} start)")
            if st != "classical":
                rows.append(claim.na(f"{st} statistics: a classical particle does not settle "
                                     f"at T"))
                continue
            if bad := _bad(data):  # a mean over the good samples would hide a broken run
                rows.append(claim.row(0.0, math.nan, "finite", False,
                                      f"{bad} kinetic energies over tau >= {_g(half)} not "
                                      f"finite and positive"))
                continue
            per_seed = data.groupby("seed")["kinetic"].mean()  # realizations: the samples
            if few := too_few(len(per_seed), "seeds"):
                rows.append(claim.na(few))
                continue
            rows.append(judge(claim, data, per_seed, temp, half))
    return rows
