# Thermal branch (issue 13): config.yaml's `thermal` section turned into job parameters and
# output paths; no physics here. Every job output is named by a short readable prefix and a
# hash of exactly the parameters that produced it, so editing one part of the section reruns
# only the jobs whose parameters changed, and the quick and paper presets' runs coexist.
#
# How realizations fan out: single passes in seed batches (`seeds_per_job` seeds, every v0,
# `particles` independent passes per realization; with `mirror_pairs` the mirror images in
# batches of their own), equilibration in seed batches per start,
# drift one job per (phi0, omega_T, statistics, seed index) running every v0, each in its own
# realization. The chain at rest (omega_T = 0) runs once per (phi0, v0). Drive mode (drag):
# one job per (omega_T, seed batch) running every v, and one for the chain at rest.

TH = config["thermal"]


def _thermal_series(section):
    """[(series, omega_T, statistics)]: the rest chain if 0 is listed, then every finite T."""
    out = [("rest", 0.0, "rest")] if 0 in section["omega_T"] else []
    return out + [(f"{st}_T{fmt(t)}", float(t), st) for t in section["omega_T"] if t > 0
                  for st in section["statistics"]]


def _thermal_common(section, keys):
    return dict({k: section[k] for k in keys}, omega_fast=TH["omega_fast"], d=TH["d"],
                solver=TH["solver"])


def _thermal_single_pass_jobs():
    """{name: list of thermal_single_passes() keyword dicts}, one entry per seed batch."""
    c = TH["single_pass"]
    run = _thermal_common(c, ("alpha", "lam", "mu", "run_length"))
    # the section's potential for its one signed phi0 (< 0: the mirror -Phi; common.smk)
    base = potential_run(c, run, float(c["phi0"]))
    jobs = {}
    for series, temp, st in _thermal_series(c):
        seeds = [0] if st == "rest" else list(range(c["seeds"]))
        # the mirror images are jobs of their own: turning mirror_pairs on or off adds or
        # drops them and leaves the realizations' own jobs as they are
        images = [False] + ([True] if c["mirror_pairs"] and st != "rest" else [])
        for mirror in images:
            extra = dict(mirror=True) if mirror else {}
            for batch in _seed_batches(seeds, c["seeds_per_job"]):
                runs = [dict(base, v0=float(v), omega_T=temp, statistics=st, seed=s,
                             n_particles=c["particles"], **extra)
                        for s in batch for v in c["v0"]]
                name = f"{series}{'_mirror' if mirror else ''}_seeds{batch[0]}-{batch[-1]}"
                jobs[f"{name}_{short_hash(runs)}"] = runs
    return jobs


def _seed_batches(seeds, per_job):
    seeds = list(seeds)
    return [seeds[i:i + per_job] for i in range(0, len(seeds), per_job)]


def _thermal_equilibration_jobs():
    """{name: list of thermal_equilibration() keyword dicts}, one per (start, seed batch)."""
    c = TH["equilibration"]
    run = _thermal_common(c, ("alpha", "lam", "mu", "omega_T", "statistics", "v_hot",
                              "spacing", "tau_max", "series_dtau"))
    base = potential_run(c, run, float(c["phi0"]))
    base["n_particles"] = c["particles"]
    jobs = {}
    for start in ("hot", "cold"):
        for batch in _seed_batches(range(c["seeds"]), c["seeds_per_job"]):
            runs = [dict(base, start=start, seed=seed) for seed in batch]
            jobs[f"{start}_seeds{batch[0]}-{batch[-1]}_{short_hash(runs)}"] = runs
    return jobs


def _signs(phi0):
    """``thermal.drift.phi0`` as a list (a single amplitude is accepted)."""
    return [float(p) for p in (phi0 if isinstance(phi0, list) else [phi0])]


def _thermal_drift_jobs():
    """{name: list of thermal_drift() keyword dicts}, one per (phi0, series, seed index): every v0.

    Seed index k runs v0[i] in realization k * len(v0) + i: every run of the ensemble has
    its own realization, so the plateau claim may treat the runs as independent samples
    (and adding seeds adds jobs without renaming the others). Both signs share the seeds.
    """
    c = TH["drift"]
    base = _thermal_common(c, ("alpha", "lam", "mu", "bias", "sigma0", "tau_max"))
    jobs = {}
    n = len(c["v0"])
    for phi0 in _signs(c["phi0"]):
        signed = potential_run(c, base, phi0)
        for series, temp, st in _thermal_series(c):
            # the chain at rest has no realization: one job, seed 0
            for seeds in ([[0] * n] if st == "rest" else
                          [list(range(k * n, (k + 1) * n)) for k in range(c["seeds"])]):
                runs = [dict(signed, v0=float(v), omega_T=temp, statistics=st, seed=s)
                        for v, s in zip(c["v0"], seeds)]
                tag = "" if st == "rest" else f"_seeds{seeds[0]}-{seeds[-1]}"
                pot = potential_name(signed, phi0, "phi0{phi0}")  # phi0+2, morse+
                jobs[f"{series}_{pot}{tag}_{short_hash(runs)}"] = runs
    return jobs


def _thermal_drag_jobs():
    """{name: list of thermal_drag_sample() keyword dicts}: the chain at rest (every v), then
    one job per (omega_T, seed batch) running every v."""
    c = TH["drag"]
    base = _thermal_common(c, ("alpha", "phi0", "lam", "mu", "tau_max", "window"))
    if c.get("interaction") is not None:  # absent: the Gaussian's runs keep their names
        base["interaction"] = c["interaction"]
    rest = [dict(base, v=float(v), omega_T=0.0, statistics="rest", seed=0) for v in c["v"]]
    jobs = {f"rest_{short_hash(rest)}": rest}
    for temp in c["omega_T"]:
        series = f"{c['statistics']}_T{fmt(temp)}"
        for batch in _seed_batches(range(c["seeds"]), c["seeds_per_job"]):
            runs = [dict(base, v=float(v), omega_T=float(temp), statistics=c["statistics"],
                         seed=s) for s in batch for v in c["v"]]
            jobs[f"{series}_seeds{batch[0]}-{batch[-1]}_{short_hash(runs)}"] = runs
    return jobs


THERMAL_JOBS = {"single_pass": _thermal_single_pass_jobs(),
                "equilibration": _thermal_equilibration_jobs(),
                "drift": _thermal_drift_jobs(),
                "drag": _thermal_drag_jobs()}
THERMAL_SAMPLER = canon(dict(TH["sampler"], omega_fast=TH["omega_fast"]))
THERMAL_SOLVERS = canon(potential_run(
    TH["solvers"], {k: v for k, v in TH["solvers"].items()
                    if k not in ("kernel", "phi0", "interaction")}, float(TH["solvers"]["phi0"])))


def thermal_paths(kind, leaf=None):
    """Output files of every job of ``kind``: <name>.csv, or <name>/<leaf> when given."""
    return [f"results/runs/thermal/{kind}/{name}/{leaf}" if leaf
            else f"results/runs/thermal/{kind}/{name}.csv" for name in THERMAL_JOBS[kind]]


def thermal_params(kind):
    """The params.kwargs of a job of ``kind``: its runs."""
    return lambda w: {"runs": canon(THERMAL_JOBS[kind][w.thermal_name])}


def thermal_check_path(name):
    params = THERMAL_SAMPLER if name == "sampler" else dict(
        THERMAL_SOLVERS, kernel_path=kernel_path(TH["solvers"]["kernel"]))
    return f"results/runs/thermal/{name}_{short_hash(params)}.csv"


THERMAL_FIGURES = ["thermal_single_pass", "thermal_equilibration", "thermal_drift",
                   "thermal_drag"]
THERMAL_TABLES = ["thermal_single_pass", "thermal_equilibration",
                  "thermal_equilibration_crossings", "thermal_drift", "thermal_drift_ends",
                  "thermal_drag", "thermal_sampler", "thermal_solver_agreement"]


def thermal_outputs():
    return (expand("results/figures/{fig}.{ext}", fig=THERMAL_FIGURES, ext=["pdf", "png"])
            + expand("results/tables/{table}.csv",
                     table=THERMAL_TABLES + ["validation_thermal"]))
