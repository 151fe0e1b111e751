"""Fig. 8(a, b) plateau claims on synthetic fates tables (Phi0 = 2, alpha = 40, bias 0.01):
a plateau is judged unless it still drifts at > 5% of the bias's free acceleration,
neighbouring lines alpha/n are distinct plateaus, two distinct lines are needed for
"multiple drift velocities", and no plateau at all is a failure."""

from __future__ import annotations

import numpy as np
import pandas as pd

from chaindrag import validation

FREE = 4 * np.pi**2 * 0.01 / 40.0  # the bias's free acceleration 4 pi^2 bias / (mu alpha)
#: Eq. (33)'s band-bottom solutions for this set: stable near alpha/3 and alpha/2.
DRIFT = pd.DataFrame(dict(v=[13.3326, 19.9974, 15.95], stable=[True, True, False],
                          kind="spike_edge", resonance="slow", broadened=False, phi0=2.0))


def _fates(cells, slope=1e-5):
    """Runs of Phi0 = 2 ending on plateaus of the given cell-mean speeds, plus a runaway."""
    rows = [dict(v0=12.0 + 3 * i, fate="drift", plateau_v=c, cell_v=c, tail_slope=slope)
            for i, c in enumerate(cells)]
    rows.append(dict(v0=90.0, fate="runaway", plateau_v=np.nan, cell_v=np.nan, tail_slope=0.01))
    return pd.DataFrame(rows).assign(phi0=2.0, lam=4.0, alpha=40.0, bias=0.01, tau_max=800.0)


def _rows(fates, drift=DRIFT, text=""):
    return [r for r in validation.check_fig8(fates, drift) if text in r["claim"]]


def test_fig8_settled_plateau_between_two_lines_fails():
    # cell-mean speed 30, between alpha/2 and alpha/1, drifting at 2% of the free
    # acceleration: settled (< 5%), so judged, and off every line
    [row] = _rows(_fates([13.31, 30.0], slope=0.02 * FREE), text="(Phi0 = 2, v = 30)")
    assert row["passed"] is False


def test_fig8_plateaus_at_neighbouring_lines_alpha_over_9_and_10_are_two_plateaus():
    rows = _rows(_fates([13.31, 19.94, 4.0, 40.0 / 9]), text="near alpha/n")
    assert [r["passed"] for r in rows] == [True] * 4
    assert sorted(r["expected"] for r in rows) == [4.0, 4.44444, 13.3333, 20.0]


def test_fig8_every_plateau_at_one_line_is_not_multiple_drift_velocities():
    # Eq. 33 predicts two reachable lines (alpha/3, alpha/2); every run found alpha/2 only
    [row] = _rows(_fates([19.94, 19.96]), text="multiple drift velocities")
    assert row["measured"].startswith("1 ")
    assert row["passed"] is False


def test_fig8_no_plateau_and_no_drift_table_fails():
    fates = _fates([]).assign(fate="runaway")
    [row] = _rows(fates, drift=None, text="drift plateaus lie near alpha/n")
    assert row["passed"] is False
