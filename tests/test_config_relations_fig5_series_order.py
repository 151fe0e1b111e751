"""A Fig. 5 panel's speed series run from each v0_start[i] up to the panel's v0_stop
(chaindrag._config_relations): a series starting above v0_stop would be an empty sweep, so
check_config refuses it at start-up naming both keys; a series of one speed is accepted."""

from __future__ import annotations

import copy

import pytest

from chaindrag.config import check_config
from chaindrag.params import ParameterError

from test_config import SCHEMA, config  # noqa: F401  (the shipped config.yaml)


def _panel_with_start(config, i, start):
    out = copy.deepcopy(config)
    out["fig5"]["a"]["v0_start"][i] = start
    return out


def test_a_fig5_series_starting_above_v0_stop_is_refused_naming_both_keys(config):
    stop = config["fig5"]["a"]["v0_stop"]
    with pytest.raises(ParameterError) as err:
        check_config(_panel_with_start(config, 2, stop + 10.0), SCHEMA, interactions=False)
    msg = str(err.value)
    assert "fig5.a.v0_start[2]" in msg and "fig5.a.v0_stop" in msg, msg


def test_a_fig5_series_starting_at_v0_stop_is_accepted(config):
    stop = config["fig5"]["a"]["v0_stop"]
    check_config(_panel_with_start(config, 2, stop), SCHEMA, interactions=False)
