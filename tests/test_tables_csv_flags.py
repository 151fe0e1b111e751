"""Booleans read back from CSV (tables._common): True/False, 1/0 and 'true'/'false' all count,
so a batch whose flags were written as 1/0 is judged like one written as True/False."""

from __future__ import annotations

import pandas as pd

from chaindrag.tables.thermal import pass_samples


def _passes(passed, mirror):
    return pd.DataFrame(dict(seed=[0, 0, 1, 1], particle=[0, 0, 0, 0], passed=passed,
                             mirror=mirror, delta=[1.0, 1.2, 0.9, 1.1],
                             first_order_work=[0.1, -0.1, -0.05, 0.05]))


def test_passes_flagged_1_0_pair_and_pass_like_passes_flagged_true_false():
    words = pass_samples(_passes([True, True, True, False], [False, True, False, True]))
    ones = pass_samples(_passes([1, 1, 1, 0], [0, 1, 0, 1]))
    text = pass_samples(_passes(["1.0", "True", "true", "0"], ["0", "1", "false", "TRUE"]))
    for df in (ones, text):
        assert len(df) == 2  # each seed's realization and its mirror image: one sample
        assert df["passed"].tolist() == words["passed"].tolist() == [True, False]
        assert df["corrected"].tolist() == words["corrected"].tolist()
