"""params: the memory a run may use is the tightest of the limits that apply (a Slurm job's
control group below the machine), and a list with a bool in it is no list of numbers."""

from __future__ import annotations

import resource

import pytest

from chaindrag import params
from chaindrag.params import ParameterError, require_finite, require_positive

GIB = 2**30


def _cgroup_tree(tmp_path, lines, limits):
    proc = tmp_path / "cgroup"
    proc.write_text("\n".join(lines) + "\n")
    root = tmp_path / "fs"
    for rel, name, value in limits:
        folder = root / rel
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(value)
    return proc, root


def test_cgroup_limit_is_the_tightest_of_the_group_and_the_groups_above(tmp_path):
    proc, root = _cgroup_tree(tmp_path, ["0::/job/step"], [
        ("job/step", "memory.max", str(6 * GIB)), ("job", "memory.max", str(2 * GIB)),
        ("", "memory.max", "max")])
    assert params.cgroup_memory_limit(proc, root) == 2 * GIB


def test_cgroup_limit_is_the_tightest_of_cgroup_v1_and_v2(tmp_path):
    proc, root = _cgroup_tree(tmp_path, ["0::/a", "4:memory:/b"], [
        ("a", "memory.max", str(3 * GIB)), ("memory/b", "memory.limit_in_bytes", str(5 * GIB))])
    assert params.cgroup_memory_limit(proc, root) == 3 * GIB


def test_memory_limit_is_the_smallest_of_machine_control_group_and_ulimit(monkeypatch):
    monkeypatch.setattr(params, "physical_memory", lambda: 64 * GIB)
    monkeypatch.setattr(params, "cgroup_memory_limit", lambda: 4 * GIB)
    monkeypatch.setattr(resource, "getrlimit", lambda _: (resource.RLIM_INFINITY,) * 2)
    limit, source = params.memory_limit()
    assert limit == 4 * GIB and "control-group" in source
    monkeypatch.setattr(resource, "getrlimit", lambda _: (1 * GIB, resource.RLIM_INFINITY))
    assert params.memory_limit()[0] == 1 * GIB
    with pytest.raises(ParameterError, match="ulimit"):
        params.require_memory(2 * GIB, "the run's arrays", "use fewer sites")


@pytest.mark.parametrize("value", [[True, 50.0], (50.0, False), [1.0, [True]]])
def test_a_list_holding_a_bool_is_refused_not_read_as_one_or_zero(value):
    with pytest.raises(ParameterError, match="bool|real number"):
        require_positive("v0", value)
    with pytest.raises(ParameterError, match="bool|real number"):
        require_finite("v0", value)
