"""Progress lines of long jobs (chaindrag.jobs.ProgressLog), on a fake clock: no wall-clock."""

from __future__ import annotations

import pytest

from chaindrag.jobs import ProgressLog


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def lines(caplog):
    caplog.set_level("INFO", logger="chaindrag.jobs")
    return lambda: [r.getMessage() for r in caplog.records]


def test_remaining_time_extrapolates_the_work_rate_since_the_first_report(lines):
    clock = FakeClock()
    progress = ProgressLog("drift", every=0.0, clock=clock)
    clock.now = 3.0  # start-up (JIT cache load) before the solver's first report
    progress(0.01)
    clock.now = 13.0
    progress(0.26)
    # 25 % of the work in 10 s: the remaining 74 % take 29.6 s (start-up not counted)
    assert lines()[-1] == "drift: 26.0% done, 13.0 s elapsed, ~29.6 s remaining"


@pytest.mark.parametrize("t, fraction", [(0.5, 0.5),     # under 1 s since the first report
                                         (60.0, 0.04)])  # under 5 % of the work since then
def test_no_estimate_before_it_means_something(lines, t, fraction):
    clock = FakeClock()
    progress = ProgressLog("drift tau=800", every=0.0, clock=clock)
    progress(0.0)
    clock.now = t
    progress(fraction)
    assert [line.endswith("estimate pending") for line in lines()] == [True, True]
    assert lines()[-1].startswith(f"drift tau=800: {100 * fraction:.1f}% done, ")


def test_lines_come_at_most_every_interval_and_completion_once(lines):
    clock = FakeClock()
    progress = ProgressLog("batch", every=10.0, clock=clock)
    for t, fraction in [(1.0, 0.1), (5.0, 0.2), (9.0, 0.3), (12.0, 0.4), (14.0, 1.0),
                        (15.0, 1.0)]:
        clock.now = t
        progress(fraction)
    assert [line.split(":")[1].split(",")[0].strip() for line in lines()] == [
        "10.0% done", "40.0% done", "done in 14.0 s"]


def test_long_durations_are_given_in_minutes_and_hours(lines):
    clock = FakeClock()
    progress = ProgressLog("run", every=0.0, clock=clock)
    progress(0.0)
    clock.now = 120.0
    progress(0.1)  # a tenth of the work in 2 min: 18 min to go
    clock.now = 7200.0
    progress(1.0)
    assert lines()[1].endswith("2.0 min elapsed, ~18.0 min remaining")
    assert lines()[2] == "run: done in 2.0 h"


# --- provenance of the job outputs: inputs in the rows, timing in the log only ------------

import json  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from chaindrag import jobs, tables  # noqa: E402
from chaindrag.params import ParameterError  # noqa: E402

CHAIN = dict(alpha=40.0, mu=1.0, omega_fast=10.0, d=60)


def test_single_pass_rows_carry_bias_and_leave_the_wall_time_to_the_log(tmp_path, lines):
    runs = [dict(CHAIN, phi0=2.0, lam=4.0, v0=v0, solver="chain", run_length=2.2, sigma0=s)
            for v0, s in ((50.0, 220.0), (50.0, 300.0))]
    df = jobs.run_single_pass_batch(runs, tmp_path / "batch.csv")
    assert "wall_time_s" not in df.columns and (df["bias"] == 0.0).all()
    assert list(df["sigma0"]) == [220.0, 300.0]
    assert any(" in " in m and m.endswith(" s") and "Delta=" in m for m in lines())
    again = jobs.run_single_pass_batch(runs, tmp_path / "again.csv")  # same config, same bytes
    assert (tmp_path / "batch.csv").read_bytes() == (tmp_path / "again.csv").read_bytes()
    assert again.equals(df)


def test_drift_batches_carry_sigma0_and_no_wall_time(tmp_path, lines):
    runs = [dict(CHAIN, phi0=2.0, lam=4.0, bias=0.01, v0=35.0, solver="transparent",
                 sigma0=s) for s in (220.0, 260.0)]
    out = [tmp_path / f"{k}.csv" for k in ("mid", "fates", "long")]
    job = dict(runs=runs, tau_max=5.0,
               continuation=dict(solver="transparent", stages=[], tau_cap=5.0))
    fates = jobs.run_drift(*out, **job)
    assert "wall_time_s" not in fates.columns and list(fates["sigma0"]) == [220.0, 260.0]
    mids = pd.read_csv(out[0])
    assert sorted(mids["sigma0"].unique()) == [220.0, 260.0]
    assert mids.columns[-2:].tolist() == ["sigma0", "chaindrag_version"]
    assert "sigma0" in pd.read_csv(out[2]).columns
    assert any(m.endswith(" s") and "v0=35" in m for m in lines())
    first = out[1].read_bytes()
    jobs.run_drift(*out, **job)
    assert out[1].read_bytes() == first  # no timing: the same config writes the same bytes


def test_thermal_jobs_record_spacing_series_dtau_sigma0(tmp_path):
    from chaindrag.jobs.thermal import thermal_drift, thermal_equilibration

    s, c = thermal_equilibration(**CHAIN, phi0=2.0, lam=4.0, omega_T=5.0,
                                 statistics="classical", seed=3, start="hot", v_hot=40.0,
                                 n_particles=1, spacing=200, tau_max=2.0, series_dtau=0.5,
                                 solver="transparent")
    for df in (s, c):
        assert (df["spacing"] == 200).all() and (df["series_dtau"] == 0.5).all()
        assert df.columns[-6:].tolist() == ["spacing", "series_dtau", "omega_fast", "d",
                                            "solver", "chaindrag_version"]
    drift = thermal_drift(**CHAIN, phi0=2.0, lam=4.0, bias=0.01, sigma0=260.0, v0=35.0,
                          omega_T=5.0, statistics="classical", seed=1, tau_max=3.0,
                          solver="transparent")
    assert (drift["sigma0"] == 260.0).all() and drift["n_modes"].notna().all()


def test_energy_check_rows_carry_sigma0(tmp_path):
    chain = dict(CHAIN, d=[60])
    df = jobs.run_energy_check(tmp_path / "e.csv", **chain, phi0=2.0, lam=4.0, v0=50.0,
                               sigma0=260.0, tau_max=1.0, solver="chain")
    assert (df["sigma0"] == 260.0).all()
    assert df.columns[-2:].tolist() == ["sigma0", "chaindrag_version"]


def test_chain_snapshots_finer_than_a_time_step_are_refused_naming_the_bound(tmp_path):
    delta = 1.0 / (CHAIN["d"] * CHAIN["omega_fast"])
    kw = dict(**CHAIN, phi0=2.0, lam=4.0, v0=50.0, sigma0=220.0, tau_max=0.5, solver="chain",
              n_sites=4)
    with pytest.raises(ParameterError, match=r"chain_record_dtau must be >= delta/2"):
        jobs.run_trajectory(tmp_path / "fine.zarr", **kw, chain_record_dtau=0.4 * delta)
    assert not (tmp_path / "fine.zarr").exists()
    traj = jobs.run_trajectory(tmp_path / "ok.zarr", **kw, chain_record_dtau=3.2 * delta)
    assert np.diff(traj.chain_tau) == pytest.approx(3 * delta, rel=1e-9)
    # the bound itself rounds to every step (Python's round(0.5) is 0)
    traj = jobs.run_trajectory(tmp_path / "half.zarr", **kw, chain_record_dtau=0.5 * delta)
    assert np.diff(traj.chain_tau) == pytest.approx(delta, rel=1e-9)


def test_trajectory_stores_and_their_tables_name_the_run_not_the_machine(tmp_path):
    paths = []
    for sigma0, tau_max in ((220.0, 1.5), (300.0, 2.0)):
        path = tmp_path / f"run_{sigma0:g}.zarr"
        jobs.run_trajectory(path, **CHAIN, phi0=2.0 if sigma0 < 250 else -2.0, lam=4.0,
                            v0=50.0, sigma0=sigma0, tau_max=tau_max, solver="transparent",
                            n_sites=0, chain_record_dtau=0.0)
        paths.append(path)
        attrs = json.loads((path / "zarr.json").read_text())["attributes"]
        ends = attrs["transparent_ends"]
        # the cache file's name (its key), not where this machine keeps it
        assert ends["store"] is None or ("/" not in ends["store"]
                                         and ends["store"].startswith("dtbc_v"))
        assert ends["format_version"] >= 1 and ends["kernel_error_max"] > 0
        assert (ends["omega_fast"], ends["d"]) == (10.0, 60)
    fig4 = tables.fig4_pass_table(paths, tmp_path / "fig4.csv")
    got = fig4.groupby("phi0")[["sigma0", "tau_max", "bias"]].first()
    assert got.loc[2.0].tolist() == [220.0, 1.5, 0.0]
    assert got.loc[-2.0].tolist() == [300.0, 2.0, 0.0]
    assert fig4.columns[-4:].tolist() == ["tau_max", "sigma0", "bias", "chaindrag_version"]
    fig7 = tables.fig7_table(paths, tmp_path / "fig7.csv")
    assert fig7.columns[-4:].tolist() == ["tau_max", "sigma0", "bias", "chaindrag_version"]


# --- the same config gives the same bytes, stores included; the time goes to the job's log ---

import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

SCRIPTS = Path(__file__).resolve().parents[1] / "workflow" / "scripts"
# a Snakemake script run as the workflow runs it, with a stand-in `snakemake` object
AS_SNAKEMAKE = """
import json, runpy, sys, types
script, out, log, params = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
snakemake = types.SimpleNamespace(threads=1, output=[out], log=[log],
                                  params=types.SimpleNamespace(**params))
runpy.run_path(script, init_globals={"snakemake": snakemake}, run_name="__main__")
"""


def _tree(path):
    return {p.relative_to(path).as_posix(): p.read_bytes()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("script, params, timing", [
    ("trajectory.py", dict(run=dict(CHAIN, phi0=2.0, lam=4.0, v0=50.0, sigma0=220.0,
                                    tau_max=0.5, solver="chain", n_sites=3,
                                    chain_record_dtau=0.1)),
     r"chaindrag\.solvers\.simulation INFO: simulate: solver=chain, .* in \d+\.\d\d s$"),
    ("kernel_store.py", dict(n_max=12, tau_max=0.2, omega_fast=10.0, d=60),
     r"chaindrag\.kernel INFO: kernel store .*: 100% done in \d+\.\d s$"),
], ids=["trajectory", "kernel_store"])
def test_a_store_job_run_twice_writes_the_same_bytes_and_logs_its_wall_time(
        tmp_path, script, params, timing):
    trees = []
    for run in ("a", "b"):  # two processes, as two workflow runs
        out, log = tmp_path / f"{run}.zarr", tmp_path / f"{run}.log"
        proc = subprocess.run([sys.executable, "-c", AS_SNAKEMAKE, str(SCRIPTS / script),
                               str(out), str(log), json.dumps(params)],
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:] + log.read_text()[-3000:]
        assert re.search(timing, log.read_text(), re.MULTILINE), log.read_text()
        trees.append(_tree(out))
    first, second = trees
    assert "zarr.json" in first and first.keys() == second.keys()
    assert [name for name in first if first[name] != second[name]] == []
    assert not {"wall_time_s", "created", "hostname"} & set(
        json.loads(first["zarr.json"])["attributes"])
