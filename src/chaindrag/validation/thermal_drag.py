"""Claims on the drive-mode loss at finite temperature (``thermal_drag.csv``).

Per (statistics, omega_T): the measured shift of the loss from the chain at rest agrees at
every speed with Eq. (33) at that temperature (Debye-Waller factor plus multi-phonon
absorption to every order, :func:`chaindrag.analytic.thermal_steady_state_loss`), and the
Debye-Waller factor alone is rejected wherever the multi-phonon terms are large enough to be
resolved. Both
are judged in units of the samples' standard error against the Student-t critical value at
:data:`~chaindrag.validation.tolerances.P_ROW`, Bonferroni-divided among the speeds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rows import Claim, _g, _require
from .tolerances import critical, too_few, z_score

_COLUMNS = ["statistics", "omega_T", "v", "n_samples", "shift", "shift_se", "theory_shift",
            "debye_waller_shift"]


def check_thermal_drag(df: pd.DataFrame | None) -> list[dict]:
    """Two rows per (statistics, omega_T): the theory at every speed, the Debye-Waller
    factor alone rejected where the multi-phonon terms exceed twice the critical deviation
    (n/a where it nowhere does). A speed of two or more samples without a finite positive
    standard error fails the first row (it is not left out)."""
    df = _require(df, "thermal_drag", _COLUMNS)
    rows = []
    for (st, temp), g in df.groupby(["statistics", "omega_T"], sort=True):
        # a speed of one sample has no standard error; with more, a NaN one is a broken
        # table and judges the speed as failed (z = inf), not as left out
        g = g[g["n_samples"] >= 2]
        what = f"{st}, omega_T = {temp:g}"
        agree = Claim("thermal_drag", f"drive-mode loss at constant speed = Eq. (33) with the "
                                      f"Debye-Waller factor + multi-phonon absorption ({what})")
        alone = Claim("thermal_drag", f"the Debye-Waller factor alone misses the drive-mode "
                                      f"loss: multi-phonon absorption is resolved ({what})")
        if g.empty:
            why = "fewer than two samples at every speed: no standard error"
            rows += [agree.na(why), alone.na(why)]
            continue
        if why := too_few(int(g["n_samples"].min()), "samples at a speed"):
            rows += [agree.na(why), alone.na(why)]
            continue
        crit = critical(float(g["n_samples"].min()) - 1.0, len(g))
        z = z_score(g["shift"] - g["theory_shift"], g["shift_se"])
        k = int(np.argmax(np.abs(z)))
        speeds = ", ".join(_g(v) for v in g["v"])
        worst = (f"worst at v = {_g(g['v'].iloc[k])} (measured {g['shift'].iloc[k]:+.4%}, "
                 f"theory {g['theory_shift'].iloc[k]:+.4%})")
        rows.append(agree.row(0.0, float(np.abs(z).max()), crit, bool(np.abs(z).max() <= crit),
                              f"largest |shift - theory| / standard error over v = {speeds}; "
                              + worst))
        gap = ((g["theory_shift"] - g["debye_waller_shift"]).abs() / g["shift_se"]).to_numpy()
        resolved = g[np.isfinite(gap) & (gap > 2.0 * crit)]
        if resolved.empty:
            rows.append(alone.na(f"the multi-phonon terms are below {2 * crit:.3g} standard "
                                 f"errors at every speed (v = {speeds})"))
            continue
        z_dw = ((resolved["shift"] - resolved["debye_waller_shift"]).abs()
                / resolved["shift_se"]).to_numpy(dtype=float)
        rows.append(alone.row(crit, float(z_dw.min()), crit, bool(z_dw.min() > crit),
                              "smallest |shift - Debye-Waller shift| / standard error over v = "
                              f"{', '.join(_g(v) for v in resolved['v'])} (where the multi-phonon "
                              "terms exceed twice the critical value); it must exceed it"))
    return rows
