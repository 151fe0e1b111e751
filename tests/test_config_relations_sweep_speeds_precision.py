"""sweep_speeds gives the workflow's run speeds (common.smk names runs by them): start, start
+ step, ... rounded to 1e-10 only (float noise), so a sweep configured with seven or more
decimals runs at the speeds configured, distinct, not at speeds rounded to a coarser grid."""

from __future__ import annotations

import pytest

from chaindrag._config_relations import sweep_speeds


def test_speeds_keep_the_configured_decimals_down_to_1e_10():
    assert sweep_speeds(0.1234567, 0.1234569, 1e-7) == pytest.approx(
        [0.1234567, 0.1234568, 0.1234569], abs=1e-12)


def test_a_fine_step_gives_distinct_speeds():
    speeds = sweep_speeds(2.0, 2.0 + 4e-8, 1e-8)
    assert len(speeds) == len(set(speeds)) == 5


def test_float_noise_is_rounded_away():
    assert sweep_speeds(0.1, 0.3, 0.1) == [0.1, 0.2, 0.3]  # 0.1 + 2 * 0.1 is 0.30000000000000004
