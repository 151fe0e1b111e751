"""Relations between configuration keys (chaindrag._config_relations) at their edges: what a
job would accept is accepted at start-up, what it would refuse is refused there."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from chaindrag._config_relations import sweep_size, sweep_speeds
from chaindrag.config import check_config
from chaindrag.params import ParameterError

from test_config import SCHEMA, config  # noqa: F401  (the shipped config.yaml)


def _with(config, path, value):
    out = copy.deepcopy(config)
    node = out
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return out


def test_a_sweep_of_one_speed_start_equal_to_stop_is_accepted(config):
    start = config["fig6"]["repulsive"]["start"]
    assert sweep_speeds(start, start, 0.5) == [start]
    check_config(_with(config, ("fig6", "repulsive", "stop"), start), SCHEMA, interactions=False)


@pytest.mark.parametrize("section", [("potentials", "eq25"), ("fig8", "steady_state")])
def test_refuses_a_speed_grid_whose_ends_coincide(config, section):
    node = config
    for part in section:
        node = node[part]
    bad = _with(config, section + ("v_max",), node["v_min"])
    with pytest.raises(ParameterError, match=r"v_max = .* with .*v_min = .* is not allowed: "
                                             r"expected v_max > v_min"):
        check_config(bad, SCHEMA, interactions=False)


@pytest.mark.parametrize("start, stop, step, speeds", [
    (0.1, 0.3, 0.1, [0.1, 0.2, 0.3]),  # (stop - start)/step = 1.9999999999999998
    (0.7, 1.0, 0.1, [0.7, 0.8, 0.9, 1.0]),
    (6.0, 150.0, 4.0, [6.0 + 4.0 * k for k in range(37)]),
    (13.0, 14.0, 0.3, [13.0, 13.3, 13.6, 13.9])])
def test_a_sweep_includes_its_stop_despite_float_rounding(start, stop, step, speeds):
    assert sweep_speeds(start, stop, step) == speeds
    assert sweep_size(start, stop, step) == len(speeds)


def test_a_sweep_of_max_sweep_speeds_is_accepted_and_one_more_is_refused(config):
    from chaindrag._config_relations import MAX_SWEEP

    start, step = config["fig6"]["repulsive"]["start"], 0.5
    at_cap = start + (MAX_SWEEP - 1) * step
    assert sweep_size(start, at_cap, step) == MAX_SWEEP
    ok = _with(config, ("fig6", "repulsive"), dict(start=start, stop=at_cap, step=step))
    check_config(ok, SCHEMA, interactions=False)
    over = _with(config, ("fig6", "repulsive"), dict(start=start, stop=at_cap + step, step=step))
    with pytest.raises(ParameterError, match=f"gives {MAX_SWEEP + 1} speeds"):
        check_config(over, SCHEMA, interactions=False)


def test_refuses_more_fig5_series_starts_than_fig5_lam_values(config):
    starts = config["fig5"]["a"]["v0_start"]
    bad = _with(config, ("fig5", "a", "v0_start"), starts + [starts[-1]])
    with pytest.raises(ParameterError, match=r"fig5\.a\.v0_start = .* expected one entry per "
                                             r"fig5\.lam \(4\)"):
        check_config(bad, SCHEMA, interactions=False)


def test_a_kernel_store_of_a_single_time_step_is_accepted(config):
    kern = config["kernels"][config["fig2"]["kernel"]]
    delta = 1.0 / (kern["d"] * kern["omega_fast"])
    one_step = _with(_with(config, ("kernels", config["fig2"]["kernel"], "tau_max"), 1.5 * delta),
                     ("fig2", "taus"), [delta])
    check_config(one_step, SCHEMA, interactions=False)


@pytest.mark.parametrize("value", [True, 100.0])
def test_refuses_a_bool_or_a_float_where_an_integer_count_is_expected(config, value):
    # YAML reads "batch_size: yes" as True; a float would reach range() as a float
    bad = _with(config, ("fig5", "batch_size"), value)
    with pytest.raises(ParameterError, match=rf"fig5\.batch_size = {value!r} is not allowed: "
                                             r"expected an integer"):
        check_config(bad, SCHEMA, interactions=False)


def test_the_float64_resolution_is_checked_at_the_fastest_speed_of_a_list(config):
    # positions reached, |sigma0| + v0 tau_max, must be spaced <= 1e-8 lam apart: with
    # lam = 0.01 that is 2**-34, so |sigma| < 2**19 (np.spacing(2.0**19) = 2**-33). sigma0 is
    # chosen so that the slow run (v0 = 1) stays below 2**19 and the fast one (v0 = 5) does
    # not; a cold classical chain: thermal or zero-point motion would outrun so narrow a
    # potential
    drift = ("thermal", "drift")
    tau = config["thermal"]["drift"]["tau_max"]
    sigma0 = 2.0 ** 19 - 3.0 * tau
    assert np.spacing(sigma0 + 1.0 * tau) <= 1e-8 * 0.01 < np.spacing(sigma0 + 5.0 * tau)
    base = config
    for key, value in (("lam", 0.01), ("omega_T", [0.0]), ("statistics", ["classical"]),
                       ("sigma0", sigma0)):
        base = _with(base, drift + (key,), value)
    del base["quick"]["thermal"]["drift"]  # its speeds and temperatures would be refused too
    check_config(_with(base, drift + ("v0",), [1.0]), SCHEMA)
    with pytest.raises(ParameterError, match=r"thermal\.drift\.sigma0 = .* is not allowed: .*"
                                             r"too far from the origin.*"
                                             r"\(thermal\.drift\.v0\[1\] = 5\.0"):
        check_config(_with(base, drift + ("v0",), [1.0, 5.0]), SCHEMA)
