"""Bad input is refused with the right error class and a message naming the parameter.

Two tables: mistakes in the workflow configuration, caught by ``snakemake -n`` before any
job starts (exit code != 0, no Python traceback, key and allowed range named), and
mistakes in calls of the Python API (simulate, drive, kernel stores, analytic formulas).
"""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from chaindrag import analytic
from chaindrag.params import ParameterError, SimulationError, StoreError, TimeStepWarning

REPO = Path(__file__).resolve().parents[1]

# ------------------------------------------------------------------------------- config
# (id, override YAML for --configfile or None, --config entries, dotted key, texts the
#  message must contain besides the key).  Nested numbers go through --configfile: snakemake
#  parses values inside a --config mapping as text.
CONFIG_CASES = [
    ("negative_alpha", "fig3: {alpha: -40.0}\n", [], "fig3.alpha", ["-40.0", "1000"]),
    ("zero_lam", "fig6: {lam: 0.0}\n", [], "fig6.lam", ["0.0", "100"]),
    ("d_too_small", "kernels: {fig2: {d: 2}}\n", [], "kernels.fig2.d", ["2", "4"]),
    ("negative_tau_max", "fig8: {tau_max: -1.0}\n", [], "fig8.tau_max", ["-1.0", "100000"]),
    ("nan_lam", "fig4: {lam: .nan}\n", [], "fig4.lam", ["nan"]),
    ("inf_mu", "fig8: {mu: .inf}\n", [], "fig8.mu", ["inf"]),
    ("text_for_number", "fig3: {alpha: forty}\n", [], "fig3.alpha", ["forty"]),
    ("unknown_key", "fig3: {alph: 40.0}\n", [], "alph", []),
    ("nested_cli_override_is_text", None, ["fig3={alpha: 30}"], "fig3.alpha",
     ["'30'", "--configfile"]),
    ("unknown_preset", None, ["preset=foo"], "preset", ["foo", "quick"]),
    ("bad_solver", "fig6: {solver: rk4}\n", [], "fig6.solver", ["rk4", "chain"]),
    ("bad_quick_override", "quick: {fig3: {tau_max: -5.0}}\n", ["preset=quick"], "tau_max",
     ["-5.0"]),
]


@pytest.fixture(scope="module")
def workflow_copy(tmp_path_factory) -> Path:
    """The Snakefile, config and workflow/ in a scratch directory (-n writes .snakemake/)."""
    dest = tmp_path_factory.mktemp("badcfg")
    shutil.copy2(REPO / "Snakefile", dest / "Snakefile")
    shutil.copy2(REPO / "config.yaml", dest / "config.yaml")
    shutil.copytree(REPO / "workflow", dest / "workflow",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def _key_named(key: str, text: str) -> bool:
    """The key appears dotted (fig3.alpha) or as jsonschema's instance['fig3']['alpha']."""
    bracket = "".join(f"['{part}']" for part in key.split("."))
    return key in text or bracket in text


def test_shipped_config_passes_the_dry_run(workflow_copy):
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-n", "-q"], cwd=workflow_copy,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.mark.parametrize("override, entries, key, texts",
                         [c[1:] for c in CONFIG_CASES], ids=[c[0] for c in CONFIG_CASES])
def test_bad_config_stops_the_dry_run_naming_the_key(workflow_copy, override, entries, key,
                                                     texts, tmp_path):
    args = [sys.executable, "-m", "snakemake", "-n"]
    if override is not None:
        (tmp_path / "override.yaml").write_text(override)
        args += ["--configfile", str(tmp_path / "override.yaml")]
    if entries:
        args += ["--config", *entries]
    proc = subprocess.run(args, cwd=workflow_copy, capture_output=True, text=True)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, f"snakemake accepted {override or entries}:\n{out[-2000:]}"
    assert _key_named(key, out), out[-3000:]
    for text in texts:
        assert text in out, f"{text!r} missing from:\n{out[-3000:]}"
    assert "Traceback (most recent call last)" not in out, out[-3000:]


# ---------------------------------------------------------------------------------- API
BASE = dict(alpha=40.0, phi0=2.0, lam=4.0, mu=1.0, sigma0=220.0, v0=30.0, tau_max=0.2,
            omega_fast=10.0, d=60, bias=0.0, solver="chain")


def _simulate(**changes):
    from chaindrag.solvers import simulate
    return simulate(**{**BASE, **changes})


def _drive(**changes):
    from chaindrag.solvers import drive
    return drive(**{**dict(alpha=40.0, phi0=2.0, lam=4.0, v=25.0, tau_max=1.0,
                           omega_fast=10.0, d=60), **changes})


def _morse():
    from chaindrag.interactions import Morse
    return Morse.channel()  # force width 2.19


def _thermal(**changes):
    from chaindrag.thermal import ThermalChain
    return ThermalChain(**{**dict(omega_T=1.0, statistics="classical", seed=0), **changes})


def _precompute(tmp_path, **changes):
    from chaindrag.kernel import precompute
    kw = {**dict(n_max=20, tau_max=0.5, omega_fast=10.0, d=60), **changes}
    return precompute(tmp_path / "k.zarr", **kw)


# A too-coarse step: delta * v0 > lam (delta = 1/(d omega_fast) = 1/600, lam = 4).
V_TOO_FAST = 1.5 * 4.0 * 600

# (id, call(tmp_path), error class, regex the message must match: the parameter's name)
API_CASES = [
    ("sim_alpha_negative", lambda p: _simulate(alpha=-1.0), ParameterError, r"\balpha\b"),
    ("sim_alpha_zero", lambda p: _simulate(alpha=0.0), ParameterError, r"\balpha\b"),
    ("sim_lam_zero", lambda p: _simulate(lam=0.0), ParameterError, r"\blam\b"),
    ("sim_mu_zero", lambda p: _simulate(mu=0.0), ParameterError, r"\bmu\b"),
    ("sim_mu_nan", lambda p: _simulate(mu=math.nan), ParameterError, r"\bmu\b"),
    ("sim_phi0_inf", lambda p: _simulate(phi0=math.inf), ParameterError, r"\bphi0\b"),
    ("sim_tau_max_zero", lambda p: _simulate(tau_max=0.0), ParameterError, r"\btau_max\b"),
    ("sim_tau_max_nan", lambda p: _simulate(tau_max=math.nan), ParameterError, r"\btau_max\b"),
    ("sim_d_three", lambda p: _simulate(d=3), ParameterError, r"\bd\b"),
    ("sim_d_fraction", lambda p: _simulate(d=60.5), ParameterError, r"\bd\b"),
    ("sim_omega_fast_one", lambda p: _simulate(omega_fast=1.0), ParameterError,
     r"\bomega_fast\b"),
    ("sim_v0_nan", lambda p: _simulate(v0=[math.nan]), ParameterError, r"\bv0\b"),
    ("sim_sigma0_inf", lambda p: _simulate(sigma0=math.inf), ParameterError, r"\bsigma0\b"),
    ("sim_bias_nan", lambda p: _simulate(bias=math.nan), ParameterError, r"\bbias\b"),
    ("sim_lengths_differ", lambda p: _simulate(sigma0=[220.0, 300.0], v0=[30.0]),
     ParameterError, r"\bsigma0\b|\bv0\b"),
    ("sim_step_too_coarse", lambda p: _simulate(v0=V_TOO_FAST, tau_max=0.01), ParameterError,
     r"\bv0\b|\bdelta\b|\bd\b"),
    ("sim_unknown_solver", lambda p: _simulate(solver="rk4"), ParameterError, r"\bsolver\b"),
    ("sim_kernel_without_store", lambda p: _simulate(solver="kernel"),
     (ParameterError, StoreError), r"kernel_store|store"),
    ("sim_omega_T_negative", lambda p: _simulate(omega_T=-1.0), ParameterError,
     r"\bomega_T\b"),
    ("sim_omega_T_nan", lambda p: _simulate(omega_T=math.nan), ParameterError,
     r"\bomega_T\b"),
    ("sim_statistics_unknown", lambda p: _simulate(omega_T=1.0, statistics="boltzmann"),
     ParameterError, r"\bstatistics\b"),
    ("sim_seed_negative", lambda p: _simulate(omega_T=1.0, seed=-1), ParameterError,
     r"\bseed\b"),
    ("sim_seed_fraction", lambda p: _simulate(omega_T=1.0, seed=1.5), ParameterError,
     r"\bseed\b"),
    ("sim_thermal_ring_too_small", lambda p: _simulate(thermal=_thermal(n_modes=64)),
     ParameterError, r"\bn_modes\b"),
    ("sim_thermal_other_omega_fast", lambda p: _simulate(thermal=_thermal(omega_fast=8.0)),
     ParameterError, r"\bomega_fast\b"),
    ("sim_thermal_and_omega_T", lambda p: _simulate(thermal=_thermal(), omega_T=1.0),
     ParameterError, r"\bomega_T\b.*\bthermal\b"),
    # without omega_T the chain is at rest: statistics and seed would be silently ignored
    ("sim_statistics_without_omega_T", lambda p: _simulate(statistics="classical"),
     ParameterError, r"\bstatistics\b.*\bomega_T\b"),
    ("sim_seed_without_omega_T", lambda p: _simulate(seed=5), ParameterError,
     r"\bseed\b.*\bomega_T\b"),
    ("drive_statistics_without_omega_T", lambda p: _drive(statistics="classical", tau_max=8.0),
     ParameterError, r"\bstatistics\b.*\bomega_T\b"),
    ("sim_thermal_not_a_realization", lambda p: _simulate(thermal=1.0), ParameterError,
     r"\bthermal\b"),
    ("sim_phi0_lam_and_interaction", lambda p: _simulate(interaction=_morse()),
     ParameterError, r"\bphi0\b.*\binteraction\b"),
    ("sim_no_interaction", lambda p: _simulate(phi0=None, lam=None), ParameterError,
     r"\bphi0\b.*\binteraction\b"),
    ("sim_interaction_not_a_potential",
     lambda p: _simulate(phi0=None, lam=None, interaction=lambda x: x), ParameterError,
     r"\binteraction\b"),
    ("sim_step_too_coarse_for_the_width",
     lambda p: _simulate(phi0=None, lam=None, interaction=_morse(), v0=0.9 * 4.0 * 600,
                         tau_max=0.01), ParameterError, r"\bwidth\b"),
    ("drive_phi0_lam_and_interaction", lambda p: _drive(interaction=_morse()),
     ParameterError, r"\bphi0\b.*\binteraction\b"),
    ("drive_v_zero", lambda p: _drive(v=0.0), ParameterError, r"\bv\b"),
    # the path in spacings overflows a float: was an OverflowError from math.ceil
    ("drive_alpha_subnormal", lambda p: _drive(alpha=5e-324), ParameterError,
     r"\balpha=4\.9\d*e-324 is too small\b"),
    ("drive_tau_max_negative", lambda p: _drive(tau_max=-1.0), ParameterError, r"\btau_max\b"),
    ("precompute_n_max_negative", lambda p: _precompute(p, n_max=-1), ParameterError,
     r"\bn_max\b"),
    ("precompute_tau_max_inf", lambda p: _precompute(p, tau_max=math.inf), ParameterError,
     r"\btau_max\b"),
    ("precompute_omega_fast_below_one", lambda p: _precompute(p, omega_fast=0.5),
     ParameterError, r"\bomega_fast\b"),
    ("precompute_d_two", lambda p: _precompute(p, d=2), ParameterError, r"\bd\b"),
    ("open_store_missing", lambda p: __import__("chaindrag.kernel", fromlist=["x"])
     .open_store(p / "missing.zarr"), StoreError, r"missing\.zarr"),
    ("load_trajectory_missing", lambda p: __import__("chaindrag.stores", fromlist=["x"])
     .load_trajectory(p / "none.zarr"), StoreError, r"none\.zarr"),
    ("single_pass_loss_v_zero", lambda p: analytic.single_pass_loss(0.0, 2.0, 4.0),
     ParameterError, r"\bv\b"),
    ("single_pass_loss_lam_negative", lambda p: analytic.single_pass_loss(30.0, 2.0, -4.0),
     ParameterError, r"\blam\b"),
    ("single_pass_loss_omega_fast_nan",
     lambda p: analytic.single_pass_loss(30.0, 2.0, 4.0, omega_fast=math.nan),
     ParameterError, r"\bomega_fast\b"),
    ("steady_state_alpha_zero", lambda p: analytic.steady_state_loss(30.0, 2.0, 4.0, 0.0),
     ParameterError, r"\balpha\b"),
    ("steady_state_v_nan", lambda p: analytic.steady_state_loss(math.nan, 2.0, 4.0, 40.0),
     ParameterError, r"\bv\b"),
    ("capture_speed_mu_zero", lambda p: analytic.capture_speed(2.0, mu=0.0), ParameterError,
     r"\bmu\b"),
    ("velocity_profile_v0_negative",
     lambda p: analytic.velocity_profile(0.1, -30.0, 2.0, 4.0), ParameterError, r"\bv0\b"),
    ("drift_velocities_bias_negative",
     lambda p: analytic.drift_velocities(-0.01, 2.0, 4.0, 40.0), ParameterError, r"\bbias\b"),
    ("fast_resonances_l_max_negative",
     lambda p: analytic.fast_resonance_speeds(40.0, 10.0, -1), ParameterError, r"\bl_max\b"),
]


@pytest.mark.parametrize("call, error, name", [c[1:] for c in API_CASES],
                         ids=[c[0] for c in API_CASES])
def test_bad_api_input_raises_its_error_class_naming_the_parameter(call, error, name,
                                                                   tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TimeStepWarning)
        with pytest.raises(error) as info:
            call(tmp_path)
    assert re.search(name, str(info.value)), f"{name!r} not named in: {info.value}"


def test_too_coarse_step_names_the_numbers():
    with pytest.raises(ParameterError) as info:
        _simulate(v0=V_TOO_FAST, tau_max=0.01)
    msg = str(info.value)
    # delta * v0 = 6 exceeds lam = 4: the message must let the user see both.
    assert re.search(r"\b4(\.0)?\b", msg) and re.search(r"\b6(\.0+)?\b|6000|3600", msg), msg


def test_marginal_step_warns_with_numbers():
    # delta * v0 = 0.6 lam: legal but coarse; the run completes and says why it is marginal.
    with pytest.warns(TimeStepWarning, match=r"lam|delta"):
        traj = _simulate(v0=0.6 * 4.0 * 600, tau_max=0.01)
    assert np.all(np.isfinite(traj.sigma))


@pytest.mark.parametrize("call", [_simulate, lambda **kw: _drive(**kw, tau_max=8.0)])
def test_a_temperature_whose_thermal_motion_outruns_the_time_step_is_refused_or_warned(call):
    # masses move 2 pi sqrt(omega_T) / 600 per step at d = 60 (classical): 1.66 lam at
    # omega_T = 4e5 (refused: the final speed then moved by 2.6e-3 of itself from d = 60 to
    # 480), 0.52 lam at 4e4 (warned: 5e-6, still second order), 0.026 lam at 100 (silent)
    with pytest.raises(ParameterError, match=r"omega_T=400000 .*1\.66 x .*lam=4.*raise d"):
        call(omega_T=4e5, statistics="classical")
    with pytest.warns(TimeStepWarning, match=r"omega_T=40000 .*0\.52 x"):
        call(omega_T=4e4, statistics="classical", seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TimeStepWarning)
        call(omega_T=100.0, statistics="classical", seed=1)


# ----------------------------------------------------------------------- kernel stores
@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    from chaindrag.kernel import open_store, precompute
    path = tmp_path_factory.mktemp("kstore") / "omega10_d60_n40_tau0.5.zarr"
    precompute(path, n_max=40, tau_max=0.5, omega_fast=10.0, d=60)
    return open_store(path)


@pytest.mark.parametrize("changes, names", [
    (dict(omega_fast=8.0), r"omega_fast"),
    (dict(d=120), r"\bd\b|delta"),
    (dict(tau_max=2.0), r"tau_max"),
], ids=["other_omega_fast", "other_d", "store_too_short"])
def test_kernel_solver_refuses_a_store_made_for_other_parameters(small_store, changes, names):
    with pytest.raises(StoreError) as info:
        _simulate(solver="kernel", kernel_store=small_store, **changes)
    assert re.search(names, str(info.value)), str(info.value)


# ------------------------------------------------------------------------ runtime guards
def test_runaway_past_the_step_limit_stops_the_run_saying_when():
    # Legal start (delta * v0 = lam/80), but a bias of 1000 accelerates the particle by
    # (2 pi)^2 bias/(alpha mu) ~ 987 per unit tau: delta * v passes lam near tau ~ 2.4.
    # Integrating on would be garbage; the run must stop and say at which time.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TimeStepWarning)
        with pytest.raises((SimulationError, ParameterError)) as info:
            _simulate(bias=1000.0, tau_max=3.0)
    msg = str(info.value)
    assert re.search(r"\btau\b|\bbias\b", msg), msg
    if isinstance(info.value, SimulationError):
        assert re.search(r"tau\s*=?\s*\d", msg), f"no time given: {msg}"


# ------------------------------------------------------------- wrong types, no coercion
# (id, call, regex naming the parameter, regex of the allowed range or type in the message)
TYPE_CASES = [
    ("sim_alpha_bool", lambda: _simulate(alpha=True), r"\balpha\b", r"real number.*bool"),
    ("sim_mu_bool", lambda: _simulate(mu=True), r"\bmu\b", r"real number > 0\b"),
    ("sim_alpha_numpy_bool", lambda: _simulate(alpha=np.bool_(True)), r"\balpha\b", r"bool"),
    ("sim_energy_text", lambda: _simulate(energy="no"), r"\benergy\b", r"True or False"),
    ("sim_alpha_text", lambda: _simulate(alpha="40"), r"\balpha\b", r"real number"),
    ("sim_bias_text", lambda: _simulate(bias="0.1"), r"\bbias\b", r"real number"),
    ("sim_omega_T_text", lambda: _simulate(omega_T="1"), r"\bomega_T\b", r"\[0, inf\)"),
    ("sim_sigma0_text", lambda: _simulate(sigma0="220"), r"\bsigma0\b", r"real number"),
    ("sim_v0_bool_list", lambda: _simulate(v0=[True]), r"\bv0\b", r"bool"),
    ("sim_d_bool", lambda: _simulate(d=True), r"\bd\b", r">= 4"),
    ("sim_seed_bool", lambda: _simulate(omega_T=1.0, seed=True), r"\bseed\b", r">= 0"),
    ("sim_memory_text", lambda: _simulate(memory="inf"), r"\bmemory\b", r"> 0"),
    ("thermal_omega_T_bool", lambda: _thermal(omega_T=True), r"\bomega_T\b", r"\[0, inf\)"),
    ("thermal_check_ring_text", lambda: _thermal(n_modes=64).field(0, 4, [0.0], check_ring="no"),
     r"\bcheck_ring\b", r"True or False"),
    ("sim_alpha_list", lambda: _simulate(alpha=[40.0]), r"\balpha\b", r"one real number"),
    ("sim_bias_list", lambda: _simulate(bias=[0.01]), r"\bbias\b", r"one real number"),
    ("sim_tau_max_text", lambda: _simulate(tau_max="1"), r"\btau_max\b", r"real number > 0\b"),
    ("sim_tau_max_list", lambda: _simulate(tau_max=[1.0]), r"\btau_max\b", r"one real number"),
    ("sim_tau_max_array", lambda: _simulate(tau_max=np.array([1.0, 2.0])), r"\btau_max\b",
     r"one real number"),
    ("sim_omega_fast_list", lambda: _simulate(omega_fast=[10.0]), r"\bomega_fast\b",
     r"one real number > 1\b"),
    ("sim_lam_list", lambda: _simulate(lam=[4.0]), r"\blam\b", r"real number > 0\b"),
    ("sim_v_runaway_list", lambda: _simulate(v_runaway=[50.0]), r"\bv_runaway\b",
     r"real number > 0\b"),
    ("drive_v_list", lambda: _drive(v=[25.0]), r"\bv\b", r"one real number"),
    ("drive_v_text", lambda: _drive(v="25"), r"\bv\b", r"real number > 0\b"),
    ("drive_window_list", lambda: _drive(window=[0.5]), r"\bwindow\b", r"in \(0, 1\]"),
    ("sim_progress_not_callable", lambda: _simulate(progress=5), r"\bprogress\b",
     r"callable"),
    ("drive_progress_not_callable", lambda: _drive(progress=5), r"\bprogress\b", r"callable"),
    ("sim_stop_not_callable", lambda: _simulate(solver="transparent", stop=5), r"\bstop\b",
     r"callable"),
    ("sim_boundary_store_number", lambda: _simulate(solver="transparent", boundary_store=5),
     r"\bboundary_store\b", r"path"),
    ("sim_record_sites_text", lambda: _simulate(record_sites="abc"), r"\brecord_sites\b",
     r"integer"),
    ("sim_record_sites_2d", lambda: _simulate(record_sites=[[1, 2], [3, 4]]),
     r"\brecord_sites\b", r"one-dimensional"),
    ("sim_record_sites_bools", lambda: _simulate(record_sites=[True, False]),
     r"\brecord_sites\b", r"integer"),
    ("sim_record_sites_fraction", lambda: _simulate(record_sites=[1.7]),
     r"\brecord_sites\b", r"integer"),
]


@pytest.mark.parametrize("call, name, allowed", [c[1:] for c in TYPE_CASES],
                         ids=[c[0] for c in TYPE_CASES])
def test_wrong_type_is_refused_naming_parameter_and_range(call, name, allowed):
    with pytest.raises(ParameterError) as info:
        call()
    msg = str(info.value)
    assert re.search(name, msg) and re.search(allowed, msg), msg


def test_real_helpers_keep_accepting_numbers_and_yaml_values():
    from chaindrag.params import (require_flag, require_int_range, require_positive,
                                  require_real_scalar)
    assert require_int_range("d", 60.0, 4) == 60 and require_int_range("d", np.int32(8), 4) == 8
    assert require_positive("alpha", np.float32(2.5), scalar=True) == 2.5
    assert require_real_scalar("memory", math.inf) == math.inf
    assert require_flag("energy", np.bool_(False)) is False
    assert require_positive("x", [1, 2.5]) == [1, 2.5]  # sequences pass unchanged



# (call, the whole message): the range in plain words, no bracket that admits inf, no
# "in >=", no "finite (finite)"
WORDING_CASES = [
    (lambda: _simulate(omega_T=1.0, seed=-1), "seed must be an integer >= 0, got -1"),
    (lambda: _simulate(d=2), "d must be an integer >= 4, got 2"),
    (lambda: analytic.single_pass_loss(30.0, math.nan, 4.0), "phi0 must be finite, got nan"),
    (lambda: _simulate(omega_fast=math.inf), "omega_fast must be a finite number > 1, got inf"),
    (lambda: _simulate(omega_fast=1.0), "omega_fast must be a finite number > 1, got 1.0"),
    (lambda: _simulate(mu=-1.0), "mu must be a finite number > 0, got -1.0"),
    (lambda: _drive(window=2.0), "window must be a finite number in (0, 1], got 2.0"),
]


@pytest.mark.parametrize("call, message", WORDING_CASES, ids=[c[1].split()[0] + "_" + str(i)
                                                             for i, c in enumerate(WORDING_CASES)])
def test_messages_state_the_allowed_range_in_plain_words(call, message):
    with pytest.raises(ParameterError) as info:
        call()
    assert str(info.value) == message


def test_record_sites_keep_their_order_and_a_single_integer_is_one_site():
    a = _simulate(record_sites=[7, 5, 3, 5])
    b = _simulate(record_sites=3)
    assert a.chain_sites.tolist() == [7, 5, 3, 5]
    np.testing.assert_array_equal(a.chain_displacement[2], b.chain_displacement[0])
    np.testing.assert_array_equal(a.chain_displacement[1], a.chain_displacement[3])
