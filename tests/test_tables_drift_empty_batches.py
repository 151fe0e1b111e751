"""A batch whose runs were all decided by tau_max continues none: its table of continued
speeds holds a header only. Collecting it with the others must leave the Fig. 8 speed
tables as if it were absent: the same numbers, as numbers, byte for byte.

The speeds are written by hand: a run crosses cell k+1 one cell (alpha) after cell k at a
speed rising by 2% a cell.
"""

import numpy as np
import pandas as pd
import pytest

from chaindrag import tables

ALPHA = 40.0
COLUMNS = ["phi0", "v0", "tau", "v", "v_midpoint", "tau_end"]


def _speeds(phi0, v0, cells=8):
    """Midpoint rows of one run: speed v0 (1.02)^k in cell k, reached alpha / v later."""
    v = v0 * 1.02 ** np.arange(cells)
    tau = np.concatenate([[0.0], np.cumsum(ALPHA / v[:-1])])
    return pd.DataFrame({"phi0": phi0, "v0": v0, "tau": tau, "v": v, "v_midpoint": 1.01 * v,
                         "tau_end": tau[-1]})


def _inputs(tmp_path):
    """Two batches with continued runs, one without; a fates table and a drift table."""
    pd.concat([_speeds(2.0, 14.0), _speeds(-2.0, 20.0)]).to_csv(tmp_path / "a.csv", index=False)
    _speeds(2.0, 31.7).to_csv(tmp_path / "b.csv", index=False)
    pd.DataFrame(columns=COLUMNS).to_csv(tmp_path / "none.csv", index=False)
    pd.DataFrame([dict(phi0=p, lam=4.0, alpha=ALPHA, mu=1.0, bias=0.01, omega_fast=10.0,
                       v0=v0, tau_max=100.0, fate="drift", tail_v=v0, tail_slope=0.0,
                       tau_end=100.0, tau_decided=50.0, capped=False)
                  for p, v0 in [(2.0, 14.0), (-2.0, 20.0), (2.0, 31.7)]]
                 ).to_csv(tmp_path / "fates.csv", index=False)
    pd.DataFrame([dict(v=13.3, stable=True, broadened=False, phi0=2.0)]
                 ).to_csv(tmp_path / "drift.csv", index=False)


@pytest.mark.parametrize("table", ["fig8_tables", "fig8_continued_tables"])
def test_a_batch_without_continued_runs_changes_nothing(tmp_path, table):
    _inputs(tmp_path)
    written = {}
    for tag, names in [("without", ["a.csv", "b.csv"]), ("with", ["none.csv", "a.csv", "b.csv"])]:
        batches = [tmp_path / n for n in names]
        out = tmp_path / f"speeds_{tag}.csv"
        if table == "fig8_tables":
            speeds, _ = tables.fig8_tables(batches, [tmp_path / "fates.csv"],
                                           tmp_path / "drift.csv", out,
                                           tmp_path / f"fates_{tag}.csv")
        else:
            _, speeds = tables.fig8_continued_tables([tmp_path / "fates.csv"], batches,
                                                     tmp_path / "drift.csv",
                                                     tmp_path / f"fates_{tag}.csv", out)
        assert len(speeds) == 24
        for col in ("phi0", "v0", "tau", "v"):
            assert pd.api.types.is_float_dtype(speeds[col]), (tag, col)
        written[tag] = out.read_bytes()
    assert written["with"] == written["without"]
    back = pd.read_csv(tmp_path / "speeds_with.csv")
    first = back[back["v0"] == 31.7].sort_values("tau")
    assert first["tau"].iloc[1] == pytest.approx(ALPHA / 31.7, rel=1e-12)
    assert first["v"].iloc[-1] == pytest.approx(31.7 * 1.02**7, rel=1e-12)
