"""The fates table's ``cap_reason``: only a run still undetermined at its cap has one, and it
gives the tail's dv/dtau in units of the bias's free acceleration 4 pi^2 bias / (mu alpha)
(Eq. 33's dv/dtau = 4 pi^2 (bias - Delta_bar(v)) / (mu alpha) with no drag).

The runs' rows are written by hand, the solutions of Delta_bar(v) = bias prescribed.
"""

import math

import pandas as pd
import pytest

from chaindrag import tables

ALPHA, LAM, BIAS, PHI0 = 40.0, 4.0, 0.01, 0.1
SOLUTIONS = [(20.0, True), (30.0, False), (45.0, True), (60.0, False)]


def _fates(tmp_path, rows):
    """The continued fates table of runs given as (v0, fate, tail_v, tail_slope, mu)."""
    pd.DataFrame([dict(v=v, stable=st, broadened=False, phi0=PHI0) for v, st in SOLUTIONS]
                 ).to_csv(tmp_path / "drift.csv", index=False)
    undetermined = [r[1] == "undetermined" for r in rows]
    pd.DataFrame([dict(phi0=PHI0, lam=LAM, alpha=ALPHA, mu=mu, bias=BIAS, omega_fast=10.0,
                       v0=v0, tau_max=1000.0, fate=fate, tail_v=v, tail_slope=s,
                       tau_end=2000.0 if cap else 1500.0,
                       tau_decided=math.nan if cap else 1200.0, capped=cap)
                  for (v0, fate, v, s, mu), cap in zip(rows, undetermined)]
                 ).to_csv(tmp_path / "batch_fates.csv", index=False)
    pd.DataFrame(columns=["phi0", "v0", "tau", "v"]).to_csv(tmp_path / "batch_long.csv",
                                                           index=False)
    out, _ = tables.fig8_continued_tables(
        [tmp_path / "batch_fates.csv"], [tmp_path / "batch_long.csv"], tmp_path / "drift.csv",
        tmp_path / "fates.csv", tmp_path / "long.csv")
    return out.set_index("v0")


def test_only_a_run_undetermined_at_its_cap_carries_a_reason(tmp_path):
    # a run that ran away, one captured by a mass, one settled into drift and one still
    # relaxing at the cap, all with a finite tail speed and slope
    out = _fates(tmp_path, [(80.0, "runaway", 85.0, 2e-3, 1.0),
                            (10.0, "captured", 12.0, -1e-3, 1.0),
                            (40.0, "drift", 44.8, 1e-5, 1.0),
                            (35.0, "undetermined", 38.0, 1e-3, 1.0)])
    assert (out.loc[[80.0, 10.0, 40.0], "cap_reason"] == "").all()
    assert out.loc[35.0, "cap_reason"].startswith("undetermined at the cap tau = 2000")
    # re-read: the written table says the same
    written = pd.read_csv(tmp_path / "fates.csv", keep_default_na=False).set_index("v0")
    assert (written.loc[[80.0, 10.0, 40.0], "cap_reason"] == "").all()


@pytest.mark.parametrize("mu, fraction", [(1.0, 0.5), (2.0, -0.25), (0.5, 0.1)])
def test_the_tail_slope_is_given_in_units_of_the_bias_free_acceleration(
        tmp_path, mu, fraction):
    free = 4 * math.pi**2 * BIAS / (mu * ALPHA)
    out = _fates(tmp_path, [(35.0, "undetermined", 38.0, fraction * free, mu)])
    reason = out.loc[35.0, "cap_reason"]
    assert f"= {fraction:.2g} x the bias's free acceleration" in reason
