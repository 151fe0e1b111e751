"""steady_state_drive.csv: rel_error_script measures the sign-averaged drive loss against the
script variant of Eq. (33) (delta_bar_script), not against Eq. (33) itself."""

from __future__ import annotations

import pandas as pd
import pytest

from chaindrag import analytic, tables

from test_tables_health_relative_errors import _drive_rows


def test_a_sign_average_equal_to_the_script_variant_has_no_script_error(tmp_path):
    rows = []
    for v in (20.0, 40.0):
        row = _drive_rows(v, (1.0, 1.0))
        an = float(analytic.steady_state_loss(v, 2.0, 4.0, 40.0, 10.0))
        script = float(analytic.steady_state_loss_script_variant(v, 2.0, 4.0, 40.0, 10.0))
        assert abs(script / an - 1.0) > 1e-6  # the two references differ at this speed
        rows.append(dict(row, delta_bar_even=script))
    path = tmp_path / "drive.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    df = tables.steady_state_drive_table(path, tmp_path / "table.csv")
    assert df["rel_error_script"].abs().max() < 1e-12
    expected_even = df["delta_bar_script"] / df["delta_bar_analytic"] - 1.0
    assert df["rel_error_even"].tolist() == pytest.approx(expected_even.tolist(), rel=1e-9)
    assert df["rel_error_even"].abs().min() > 1e-6
