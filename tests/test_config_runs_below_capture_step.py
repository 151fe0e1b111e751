"""potentials.below_capture adds one run per potential at that fraction of its capture speed
(chaindrag._config_runs): the start-up time-step check judges that run at its speed,
below_capture x capture speed, not at the bare fraction, so a step too coarse for it is
refused at start-up instead of by the job."""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
import yaml

from chaindrag.config import check_config
from chaindrag.params import ParameterError

REPO = Path(__file__).resolve().parents[1]
SCHEMA = REPO / "workflow" / "schemas" / "config.schema.yaml"


@pytest.fixture(scope="module")
def config() -> dict:
    return yaml.safe_load((REPO / "config.yaml").read_text())


def _fast_barrier(config, d):
    """A Gaussian of capture speed sqrt(8 pi^2 60) = 68.8 (the run below it at 0.95 x that,
    65.4, faster than every v0 run, <= 60) and width 0.05: delta v <= 0.05 needs d >= 131."""
    out = copy.deepcopy(config)
    out["potentials"]["d"] = d
    out["potentials"]["interactions"]["gaussian"] = {"kind": "gaussian", "phi0": 60.0,
                                                     "lam": 0.05}
    return out


def test_a_step_too_coarse_for_the_run_below_capture_only_is_refused_at_start_up(config):
    v = 0.95 * math.sqrt(8.0 * math.pi ** 2 * 60.0)
    with pytest.raises(ParameterError) as err:
        check_config(_fast_barrier(config, 125), SCHEMA)
    msg = str(err.value)
    assert "potentials.below_capture = 0.95 is not allowed" in msg, msg
    assert f"v = {v:.6g}" in msg, msg
    assert "potentials.v0" not in msg  # the sweep's runs, all slower, pass at this step


def test_a_step_fine_enough_for_the_run_below_capture_is_accepted(config):
    check_config(_fast_barrier(config, 140), SCHEMA)
