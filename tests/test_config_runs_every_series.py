"""Runs checked at start-up (chaindrag._config_runs): every Fig. 5 series is checked with its
own lam, whichever position the narrowest potential has in fig5.lam."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from chaindrag.config import check_config
from chaindrag.params import ParameterError

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


def test_a_fig5_series_whose_lam_is_not_the_first_is_checked_against_its_time_step():
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    bad = copy.deepcopy(config)
    bad["fig5"]["lam"] = [4.0, 2.0, 1.0, 0.5]  # the narrowest last
    bad["fig5"]["b"]["d"] = 60  # delta v0_stop = 1250/600 = 2.08: more than lam = 0.5, 1, 2
    with pytest.raises(ParameterError) as info:
        check_config(bad, SCHEMA)
    msg = str(info.value)
    assert "fig5.b.v0_stop = 1250.0 is not allowed" in msg
    assert "fig5.lam[3] = 0.5" in msg and "fig5.lam[1] = 2.0" in msg
    assert "fig5.lam[0] = 4.0" not in msg  # 2.08 is within lam = 4


def _config():
    return yaml.safe_load((REPO / "config.yaml").read_text())


def test_refuses_a_drive_run_whose_last_window_passes_a_single_midpoint():
    from chaindrag.solvers.driven import DEFAULT_SIGMA0, window_midpoints

    config = _config()
    drag = config["thermal"]["drag"]
    alpha, v, window = drag["alpha"], min(drag["v"]), drag["window"]
    tau = 1.5 * alpha / v  # the last half of the run crosses one midpoint: no mass passed
    g_first, g_last = window_midpoints(DEFAULT_SIGMA0 * alpha, v, tau, window, alpha)
    assert g_last == g_first
    bad = copy.deepcopy(config)
    bad["thermal"]["drag"]["tau_max"] = tau
    with pytest.raises(ParameterError, match=r"thermal\.drag\.tau_max = .* is not allowed: "
                                             r"drive mode measures"):
        check_config(bad, SCHEMA)


def test_an_attractive_potential_of_the_potentials_study_needs_no_capture_speed():
    # the workflow adds the run below the capture speed only for potentials with a barrier
    config = _config()
    assert "below_capture" in config["potentials"]
    ok = copy.deepcopy(config)
    for name, amplitude in (("gaussian", "phi0"),):
        spec = ok["potentials"]["interactions"][name]
        spec[amplitude] = -abs(spec[amplitude])  # attractive: no barrier, capture speed 0
    check_config(ok, SCHEMA)
