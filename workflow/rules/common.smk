# Turns config.yaml into output paths and job parameters; no physics here.
#
# Every expensive output (kernel store, trajectory store, batch table) lives under a directory
# whose name carries the parameters that produced it plus a short hash of exactly those
# parameters, so editing one figure's section reruns only that figure's branch and the quick
# and paper presets' runs coexist. The collected tables (results/tables/) and figures
# (results/figures/) have fixed names: switching preset only reruns the cheap reductions.

import hashlib
import json
import math

import yaml
from snakemake.logging import logger
from snakemake.utils import validate

from chaindrag._config_relations import quick_shadowed, sweep_speeds
from chaindrag.config import config_digest, merge_patch
from chaindrag.interactions.config import mirror_spec


# The quick overrides are a JSON merge patch (RFC 7386: a null deletes its key), applied by the
# function check_config judged them with; validated by validating the merged configuration,
# whatever the preset.
_QUICK = merge_patch(config, config.get("quick", {}))
validate(_QUICK, "../schemas/config.schema.yaml")
if config["preset"] == "quick":  # in place: rules and report captions see the merged values
    if workflow.is_main_process:  # a user's change that the quick overrides replace: say so
        with open(f"{workflow.basedir}/config.yaml") as f:
            for text in quick_shadowed(config, yaml.safe_load(f)):
                logger.warning(f"config: {text}")
    config.clear()  # a section the patch deletes goes too
    config.update(_QUICK)
PRESET = config["preset"]


def config_sha256(wildcards=None):
    """SHA-256 of the whole configuration as the workflow runs it (preset applied, defaults
    filled in): the validation tables' config_sha256 column. A param of the validation rules,
    so any change of the configuration reruns them (seconds each)."""
    return config_digest(config)


report: "../report/workflow.rst"


def canon(obj):
    """``obj`` with every mapping's keys sorted: params compare equal however config.yaml is ordered."""
    if isinstance(obj, dict):
        return {k: canon(obj[k]) for k in sorted(obj)}
    if isinstance(obj, (list, tuple)):
        return [canon(v) for v in obj]
    return obj


def fmt(x):
    """Compact, stable number text for paths: 120.0 -> '120', 0.01 -> '0.01'."""
    return f"{float(x):.10g}"


def sfmt(x):
    """Signed number text: 20 -> '+20', -0.01 -> '-0.01'."""
    return f"{float(x):+.10g}"


def short_hash(obj):
    """First 8 hex digits of the SHA-1 of ``obj`` as canonical JSON (stable across runs)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    return hashlib.sha1(text.encode()).hexdigest()[:8]


def sweep(spec):
    """Speeds start, start + step, ..., up to and including stop (rounded to 1e-10): the
    speeds check_config judged (chaindrag._config_relations.sweep_speeds), which refuses a
    reversed or oversized sweep at start-up, naming its keys."""
    return sweep_speeds(float(spec["start"]), float(spec["stop"]), float(spec["step"]))


def chunks(runs, size):
    """Split ``runs`` into ceil(len/size) batches, dealt round-robin so batches cost alike."""
    n = max(1, math.ceil(len(runs) / size))
    return [runs[i::n] for i in range(n)]


# ------------------------------------------------------------------------- kernel stores
def kernel_path(name):
    k = config["kernels"][name]
    return (f"results/kernels/omega{fmt(k['omega_fast'])}_d{k['d']}"
            f"_n{k['n_max']}_tau{fmt(k['tau_max'])}.zarr")


# ------------------------------------------------------------- pair potentials (issue 14)
# A section's potential is the Gaussian shorthand phi0, lam or its `interaction:` mapping. A run
# the shorthand makes with phi0 < 0 uses the mirror -Phi (mirror_spec: the signed amplitude
# negated, for morse and lennard_jones the sign flipped, the spec then naming it as the mirror's
# provenance does). A gaussian mapping is turned back into the shorthand (the same runs, paths
# and numbers).
def potential_run(section, run, phi0):
    """``run`` (holding lam) with the section's potential for the shorthand's signed ``phi0``."""
    spec = section.get("interaction")
    if spec is None:
        return dict(run, phi0=phi0)
    rest = {k: v for k, v in run.items() if k not in ("phi0", "lam", "interaction")}
    if spec["kind"] == "gaussian":
        return dict(rest, phi0=spec["phi0"] if phi0 > 0 else -spec["phi0"], lam=spec["lam"])
    return dict(rest, interaction=spec if phi0 > 0 else mirror_spec(spec))


def potential_runs(section, runs_and_signs):
    """[potential_run(section, run, phi0) for (run, phi0)]."""
    return [potential_run(section, run, phi0) for run, phi0 in runs_and_signs]


def with_interaction(section, params):
    """``params`` plus the section's interaction, if any (for a path hash)."""
    spec = section.get("interaction")
    return params if spec is None else dict(params, interaction=spec)


def potential_name(run, sign, gaussian="phi0{phi0}_lam{lam}"):
    """How a run path names the potential ``run`` (a potential_run result) uses: a Gaussian
    (shorthand or spec) by ``gaussian`` filled with its own signed phi0 and lam text; any other
    potential by its kind and + (Phi) or - (the mirror -Phi) for the sign of ``sign`` (the
    shorthand's phi0 that picked it), or the kind alone when ``sign`` is None."""
    spec = run.get("interaction")
    if spec is None:
        return gaussian.format(phi0=sfmt(run["phi0"]), lam=fmt(run["lam"]))
    return spec["kind"] + ("" if sign is None else "+" if sign > 0 else "-")


def interaction_param(section):
    """{"interaction": spec} for a rule's params, {} without one (params, hence reruns, as
    before issue 14)."""
    spec = section.get("interaction")
    return {} if spec is None else {"interaction": spec}


# ------------------------------------------------------------------ full trajectories (Figs. 3, 4)
def _trajectory_figure(figure, section, base, phis, v0, tau_max):
    """{(figure, tag, name): run} of one figure: the tag names the section (lam of a Gaussian,
    else the potential's kind) and hashes the runs' shared inputs; name is phi0_<signed phi0>
    (a Gaussian) or <kind>+ / <kind>- (Phi or its mirror), the potential the run uses."""
    runs = [(phi0, potential_run(section, base, float(phi0))) for phi0 in phis]
    tag = (f"alpha{fmt(section['alpha'])}_{potential_name(runs[0][1], None, 'lam{lam}')}"
           f"_v0{fmt(v0)}_tau{fmt(tau_max)}_d{section['d']}"
           f"_{short_hash(with_interaction(section, base))}")
    return {(figure, tag, potential_name(run, float(phi0), "phi0_{phi0}")): run
            for phi0, run in runs}


def _trajectory_runs():
    """{(figure, tag, name): simulate() keyword arguments} for Fig. 3 and Fig. 4(a, b)."""
    c3 = config["fig3"]
    base3 = {k: c3[k] for k in ("alpha", "lam", "mu", "v0", "sigma0", "tau_max", "omega_fast",
                                "d", "solver", "n_sites", "chain_record_dtau")}
    c4 = config["fig4"]
    base4 = {k: c4[k] for k in ("alpha", "lam", "mu", "sigma0", "omega_fast", "d", "solver")}
    base4.update(v0=c4["pass"]["v0"], tau_max=c4["pass"]["tau_max"], n_sites=0,
                 chain_record_dtau=0.0)
    return {**_trajectory_figure("fig3", c3, base3, c3["phi0"], c3["v0"], c3["tau_max"]),
            **_trajectory_figure("fig4", c4, base4, c4["pass"]["phi0"], c4["pass"]["v0"],
                                 c4["pass"]["tau_max"])}


TRAJECTORIES = _trajectory_runs()


def trajectory_paths(figure):
    return [f"results/runs/{f}/{t}/{n}.zarr" for (f, t, n) in TRAJECTORIES if f == figure]


def trajectory_params(wildcards):
    return canon(TRAJECTORIES[(wildcards.figure, wildcards.tag, wildcards.potential)])


# ------------------------------------------------------------ single passes (Figs. 4c, 5, 6, health)
def _single_pass_runs():
    """{figure: list of run dicts}; each run dict holds every input of one single pass."""
    out = {}
    c4 = config["fig4"]
    f = c4["fluctuation"]
    common4 = dict(alpha=c4["alpha"], lam=c4["lam"], mu=c4["mu"], omega_fast=c4["omega_fast"],
                   d=c4["d"], solver=c4["solver"], run_length=f["run_length"],
                   sigma0=c4["sigma0"])
    out["fig4c"] = potential_runs(c4, [(dict(common4, v0=v), sign * f["phi0"])
                                       for sign, side in ((1.0, "repulsive"), (-1.0, "attractive"))
                                       for v in sweep(f[side])])
    c5 = config["fig5"]
    for panel in ("a", "b"):
        p = c5[panel]
        runs = []
        # with an interaction, one series per sign (lam is not used)
        series = list(zip(c5["lam"], p["v0_start"]))[:1 if "interaction" in c5 else None]
        for lam, start in series:
            for sign in (1.0, -1.0):
                for v in sweep({"start": start, "stop": p["v0_stop"], "step": p["v0_step"]}):
                    runs.append((dict(alpha=c5["alpha"], mu=c5["mu"], omega_fast=c5["omega_fast"],
                                      solver=c5["solver"], run_length=c5["run_length"],
                                      d=p["d"], lam=lam, v0=v), sign * p["phi0"]))
        out[f"fig5{panel}"] = potential_runs(c5, runs)
    c6 = config["fig6"]
    common6 = dict(alpha=c6["alpha"], lam=c6["lam"], mu=c6["mu"], omega_fast=c6["omega_fast"],
                   d=c6["d"], solver=c6["solver"], run_length=c6["run_length"])
    out["fig6"] = potential_runs(c6, [(dict(common6, v0=v), c6["phi0"])
                                      for v in sweep(c6["repulsive"])]
                                 + [(dict(common6, v0=v), -c6["phi0"])
                                    for v in sweep(c6["attractive"])])
    h = config["health"]["timestep"]
    out["health_timestep"] = potential_runs(h, [
        (dict(alpha=h["alpha"], lam=h["lam"], mu=h["mu"], omega_fast=h["omega_fast"],
              solver=h["solver"], run_length=h["run_length"], d=d, v0=v), s * h["phi0"])
        for d in h["d"] for s in (1.0, -1.0) for v in h["v0"]])
    return out


def _batch_size(figure):
    return {"fig4c": config["fig4"]["fluctuation"]["batch_size"],
            "fig5a": config["fig5"]["batch_size"], "fig5b": config["fig5"]["batch_size"],
            "fig6": config["fig6"]["batch_size"], "health_timestep": 100}[figure]


def _single_pass_batches():
    """{(figure, tag, batch text): runs}; tag = short readable prefix + hash of all runs."""
    out = {}
    for figure, runs in _single_pass_runs().items():
        tag = f"n{len(runs)}_{short_hash(runs)}"
        for i, batch in enumerate(chunks(runs, _batch_size(figure))):
            out[(figure, tag, f"{i:03d}")] = batch
    return out


SINGLE_PASS = _single_pass_batches()


def single_pass_paths(figure):
    return [f"results/runs/{f}/{t}/batch_{b}.csv" for (f, t, b) in SINGLE_PASS if f == figure]


def single_pass_params(wildcards):
    return canon(SINGLE_PASS[(wildcards.figure, wildcards.tag, wildcards.batch)])


# --------------------------------------------------------------------------- Fig. 8 drift runs
def _drift_batches(continued):
    """{(tag, batch text): run_drift keyword arguments}; one tag per sign of phi0.

    ``continued`` False: the panels' runs, up to tau_max (default target). True: the same
    runs continued past tau_max until their fates are decided or tau_cap is reached (named
    target ``fates``), in batches of continuation.batch_size. The tag names the sign's
    parameters (with an interaction: its kind and the sign, + for Phi, - for its mirror) and
    hashes every input of its runs, so any change gives new batch files; the panels' runs do
    not depend on the continuation's settings.
    """
    c = config["fig8"]
    out = {}
    base = {k: c[k] for k in ("alpha", "lam", "mu", "bias", "sigma0", "omega_fast", "d",
                              "solver")}
    cont = c["continuation"]
    if continued:
        job = dict(tau_max=c["tau_max"], continuation={k: cont[k] for k in
                                                       ("solver", "stages", "tau_cap")})
        size, cap = cont["batch_size"], f"_cap{fmt(cont['tau_cap'])}"
    else:  # no stage and the cap at tau_max: not continued
        job = dict(tau_max=c["tau_max"], continuation=dict(solver=c["solver"], stages=[],
                                                            tau_cap=c["tau_max"]))
        size, cap = c["batch_size"], ""
    for sign in (1.0, -1.0):
        first = potential_run(c, base, sign * c["phi0"])
        # the runs carry the potential (shorthand or spec), so the hash below names it
        runs = [dict(first, v0=v) for v in sweep(c["v0"])]
        tag = (f"alpha{fmt(c['alpha'])}_{potential_name(first, sign)}"
               f"_bias{fmt(c['bias'])}_d{c['d']}_tau{fmt(c['tau_max'])}{cap}"
               f"_{short_hash([runs, job, size])}")
        for i, batch in enumerate(chunks(runs, size)):
            out[(tag, f"{i:03d}")] = dict(job, runs=batch)
    return out


# study fig8: the panels' runs; fig8_continued: the same runs continued (target fates)
DRIFT = {"fig8": _drift_batches(False), "fig8_continued": _drift_batches(True)}


def drift_paths(kind, study="fig8"):
    """The batch tables of every drift job of ``study``: kind 'midpoints', 'fates' or 'long'."""
    return [f"results/runs/{study}/{t}/batch_{b}_{kind}.csv" for (t, b) in DRIFT[study]]


def drift_params(wildcards):
    return canon(DRIFT[wildcards.study][(wildcards.tag, wildcards.batch)])


def drift_resources(wildcards):
    """(mem_mb, runtime in minutes) of a drift job. A continued run may go to tau_cap,
    recording every one of its 10 d tau_cap steps (~95 bytes a step measured: 2.7 GB at
    tau = 4e4; 150 budgeted), and costs ~30 s x (tau / 1e4)^2 on one core (its segment
    grows with its path), budgeted at 2.4 min; a batch runs its runs one after another."""
    if wildcards.study != "fig8_continued":
        return 1000, 30
    c = config["fig8"]
    cont, units = c["continuation"], (c["continuation"]["tau_cap"] / 1e4) ** 2
    return (round(500 + 150e-6 * 10 * c["d"] * cont["tau_cap"]),
            int(10 + math.ceil(cont["batch_size"] * 2.4 * max(units, 1.0))))


def fig8_panels_config():
    """config fig8 without the continuation: what the default target's Fig. 8 depends on."""
    return canon({k: v for k, v in config["fig8"].items() if k != "continuation"})


# ------------------------------------------------------------------------------ health runs
def health_check(name):
    """The keywords of health job ``name``: with an interaction, the sign of the section's phi0
    picks Phi or its mirror (energy, solvers; the drive job runs both signs itself)."""
    h = config["health"][name]
    if name in ("energy", "solvers") and "interaction" in h:
        return potential_run(h, h, h["phi0"])
    return h


def health_tag(name):
    h = health_check(name)
    if name == "solvers":
        h = dict(h, kernel_path=kernel_path(h["kernel"]))
    return short_hash(h)


# ----------------------------------------------------------------------------------- outputs
FIGURES = [f"fig{i}" for i in range(2, 10)]
TABLES = ["fig2_kernel", "fig4_pass", "fig4c_fluctuation", "fig5_single_pass",
          "fig6_single_pass", "single_pass", "fig7_per_pass", "fig8_midpoints", "fig8_fates",
          "fig8c_steady_state", "drift_velocities", "fig9_broadened",
          "steady_state_drive", "numerical_health"]
# named target fates: the Fig. 8 runs continued to their fates (beyond the paper's tau_max)
FATES_TABLES = ["fig8_fates_continued", "fig8_long", "validation_fates"]


def all_outputs():
    return (expand("results/figures/{fig}.{ext}", fig=FIGURES, ext=["pdf", "png"])
            + expand("results/tables/{table}.csv", table=TABLES + ["validation"]))


def fates_outputs():
    return (expand("results/figures/fig8_long.{ext}", ext=["pdf", "png"])
            + expand("results/tables/{table}.csv", table=FATES_TABLES))


wildcard_constraints:
    figure=r"fig3|fig4|fig4c|fig5a|fig5b|fig6|health_timestep",
    tag=r"[A-Za-z0-9_.+\-]+",
    batch=r"\d+",
    study=r"fig8|fig8_continued",
    # a trajectory store's name: phi0_<signed phi0> (a Gaussian) or <kind>+ / <kind>-
    potential=r"phi0_[+\-][0-9.e+\-]+|[a-z_]+[+\-]",
