"""Runs that cannot fit in memory or in float64 are refused before any allocation.

Each case would otherwise raise MemoryError / numpy's "Maximum allowed dimension
exceeded" / OverflowError (or run on with garbage) after work started; the ParameterError
must give the estimate and name the parameters that drive it.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import chaindrag.params as params
from chaindrag.params import ParameterError, TimeStepWarning, require_memory

BASE = dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, sigma0=220.0, v0=30.0, tau_max=0.2)


def _simulate(**changes):
    from chaindrag.solvers import simulate
    return simulate(**{**BASE, **changes})


def _thermal(*args, **kw):
    from chaindrag.thermal import ThermalChain
    return ThermalChain(*args, **kw)


def _lorentzian(width):
    from chaindrag.interactions import Lorentzian
    return Lorentzian(1.0, width)


# (id, call, regexes the message must all match)
SIZE_CASES = [
    ("records_tau_max", lambda: _simulate(tau_max=1e7), [r"GiB", r"\btau_max\b", r"\bd\b"]),
    ("records_d", lambda: _simulate(d=10**9), [r"GiB", r"\bd\b", r"omega_fast"]),
    ("records_sites", lambda: _simulate(record_sites=np.arange(10**7), tau_max=100.0),
     [r"GiB", r"record_sites", r"chain_record_every"]),
    ("segment_interaction_reach",
     lambda: _simulate(phi0=None, lam=None, interaction=_lorentzian(1e6)),
     [r"GiB", r"segment", r"reach", r"lam"]),
    ("segment_alpha_tiny", lambda: _simulate(alpha=1e-300), [r"GiB", r"\balpha\b"]),
    ("segment_alpha_subnormal", lambda: _simulate(alpha=5e-324), [r"\balpha\b"]),
    ("segment_lam_huge", lambda: _simulate(lam=1e200), [r"GiB", r"reach", r"\blam\b"]),
    ("thermal_ring_record_sites", lambda: _simulate(omega_T=1.0, record_sites=[10**12]),
     [r"GiB", r"record_sites", r"tau_max"]),
    ("thermal_ring_alpha_tiny", lambda: _simulate(omega_T=1.0, alpha=1e-300),
     [r"GiB", r"\balpha\b"]),
    ("thermal_chain_n_modes", lambda: _thermal(1.0, n_modes=10**11),
     [r"GiB", r"\bn_modes\b", r"tau_max"]),
    ("thermal_chain_with_ring_for", lambda: _thermal(1.0).with_ring_for(1e15, 10),
     [r"GiB", r"\bn_modes\b"]),
    ("steps_overflow", lambda: _simulate(omega_fast=1e300), [r"\btau_max\b", r"omega_fast"]),
    ("steps_delta_zero", lambda: _simulate(omega_fast=1e300, d=10**9),
     [r"\btau_max\b", r"\bd\b"]),
    ("reach_infinite", lambda: _simulate(phi0=1e300), [r"\bphi0\b", r"reach"]),
    ("reach_infinite_attractive", lambda: _simulate(phi0=-1e300), [r"\bphi0\b", r"reach"]),
    ("resolution_sigma0", lambda: _simulate(tau_max=3.0, sigma0=4e14 + 220.0),
     [r"\bsigma0\b", r"\blam\b", r"multiple of alpha", r"2\.68e\+08"]),
    ("resolution_sigma0_far", lambda: _simulate(sigma0=1e17), [r"\bsigma0\b"]),
    ("resolution_second_particle", lambda: _simulate(sigma0=[220.0, 1e12], v0=[30.0, 30.0]),
     [r"\bsigma0=1e\+12"]),
    ("drive_resolution", lambda: __import__("chaindrag.solvers", fromlist=["x"]).drive(
        alpha=40.0, phi0=2.0, lam=4.0, v=25.0, tau_max=1.0, sigma0=1e15),
     [r"\bsigma0\b"]),
]


@pytest.mark.parametrize("call, texts", [c[1:] for c in SIZE_CASES],
                         ids=[c[0] for c in SIZE_CASES])
def test_oversized_or_unresolvable_run_is_refused_up_front(call, texts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TimeStepWarning)
        with pytest.raises(ParameterError) as info:
            call()
    msg = str(info.value)
    for text in texts:
        assert re.search(text, msg), f"{text!r} missing from: {msg}"


def test_memory_limit_is_the_physical_memory(monkeypatch):
    monkeypatch.setattr(params, "physical_memory", lambda: 2**30)
    monkeypatch.setattr(params, "cgroup_memory_limit", lambda: None)
    require_memory(2.0**29, "x", "y")
    with pytest.raises(ParameterError, match=r"about 2 GiB.*physical memory \(1 GiB\)"):
        require_memory(2.0**31, "x", "y")
    monkeypatch.setattr(params, "physical_memory", lambda: None)  # unknown: no check
    require_memory(2.0**40, "x", "y")
    with pytest.raises(ParameterError):
        require_memory(float("inf"), "x", "y")


def test_a_batch_jobs_memory_limit_refuses_what_the_machine_could_hold(monkeypatch):
    # a Slurm job's --mem: exceeding it would get the job killed with no Python error
    monkeypatch.setattr(params, "physical_memory", lambda: 2**34)
    monkeypatch.setattr(params, "cgroup_memory_limit", lambda: 2**30)
    require_memory(2.0**29, "x", "y")
    with pytest.raises(ParameterError, match=r"about 2 GiB.*control-group.*--mem.*\(1 GiB\)"):
        require_memory(2.0**31, "x", "y")


def _cgroup_tree(tmp_path, version, limits):
    """A fake /proc/self/cgroup and /sys/fs/cgroup with ``limits`` {group: text}."""
    root = tmp_path / "cgroup"
    base, name = (root, "memory.max") if version == 2 else (root / "memory",
                                                           "memory.limit_in_bytes")
    for group, text in limits.items():
        d = base / group
        d.mkdir(parents=True, exist_ok=True)
        (d / name).write_text(text + "\n")
    proc = tmp_path / "proc_cgroup"
    line = "0::/slurm/job_7/step_0" if version == 2 else "4:memory:/slurm/job_7/step_0"
    proc.write_text(f"12:pids:/slurm\n{line}\n")
    return proc, root


@pytest.mark.parametrize("version", [1, 2])
def test_the_tightest_control_group_above_the_process_sets_the_limit(tmp_path, version):
    unlimited = "max" if version == 2 else "9223372036854771712"
    proc, root = _cgroup_tree(tmp_path, version, {
        ".": unlimited, "slurm": unlimited, "slurm/job_7": str(3 * 2**30),
        "slurm/job_7/step_0": unlimited, "slurm/job_8": str(2**20)})  # job_8: not ours
    assert params.cgroup_memory_limit(proc, root) == 3 * 2**30
    # a container sees only its own root: the limit is read there
    proc, root = _cgroup_tree(tmp_path / "container", version, {".": str(5 * 2**30)})
    assert params.cgroup_memory_limit(proc, root) == 5 * 2**30
    assert params.cgroup_memory_limit(tmp_path / "no_such_file", root) is None


def test_sigma0_offset_by_lattice_periods_inside_the_limit_gives_the_same_run():
    # The chain is periodic in alpha: sigma0 + K alpha is the same physics. Inside the
    # resolution limit (|sigma| < 2.7e8 for lam = 4) the offset run is accepted and agrees.
    ref = _simulate(tau_max=1.0)
    off = _simulate(tau_max=1.0, sigma0=220.0 + 2_500_000 * 40.0)  # 1e8 + 220
    np.testing.assert_allclose(off.velocity, ref.velocity, rtol=1e-9)
