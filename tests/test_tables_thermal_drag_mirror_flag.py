"""thermal_drag.csv (tables.thermal_drag_table): the mirror column is true only when every
seed's sample averages a realization with its mirror image (the pair whose odd orders in the
bath cancel); a seed that ran the mirror alone leaves the row unpaired."""

from __future__ import annotations

import pandas as pd
import pytest

from chaindrag import tables


def _row(statistics, temp, seed, mirror, sign):
    return dict(v=25.0, omega_T=temp, statistics=statistics, seed=seed, phi0=2.0 * sign,
                mirror=mirror, delta_bar=0.1, n_sites=100, n_modes=3375, alpha=40.0, lam=4.0,
                mu=1.0, tau_max=300.0, window=0.5, omega_fast=10.0, d=60,
                solver="transparent", chaindrag_version="test")


@pytest.mark.parametrize("mirrors_of_seed, paired", [
    ({0: [False, True], 1: [False, True]}, True),
    ({0: [False, True], 1: [True]}, False),   # seed 1: the mirror image alone
    ({0: [False], 1: [False]}, False)])
def test_a_row_is_mirror_paired_only_if_every_seed_ran_both_images(tmp_path, mirrors_of_seed,
                                                                   paired):
    rows = [_row("rest", 0.0, 0, False, s) for s in (1.0, -1.0)]
    rows += [_row("classical", 5.0, seed, m, s) for seed, ms in mirrors_of_seed.items()
             for m in ms for s in (1.0, -1.0)]
    path = tmp_path / "drag.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    df = tables.thermal_drag_table([path], tmp_path / "table.csv")
    hot = df[df["statistics"] == "classical"]
    assert len(hot) == 1
    assert bool(hot.iloc[0]["mirror"]) is paired
