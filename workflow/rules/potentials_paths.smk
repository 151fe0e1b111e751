# Paths and job parameters of the potentials branch (potentials.smk), from config
# potentials: one branch per potential, named by its label and a hash of its inputs.

from chaindrag.interactions.config import signed_positive


def _potential_batches():
    """{(label, tag, batch text): single_pass_run keyword arguments}, one tag per potential."""
    c = config["potentials"]
    out = {}
    for label, spec in c["interactions"].items():
        common = dict(alpha=c["alpha"], mu=c["mu"], omega_fast=c["omega_fast"], d=c["d"],
                      solver=c["solver"], run_length=c["run_length"], interaction=spec,
                      label=label)
        runs = [dict(common, v0=v) for v in sweep(c["v0"])]
        # one run that cannot pass; a negative amplitude has no barrier (the channels' the
        # job checks, naming the key)
        if "below_capture" in c and signed_positive(spec):
            runs.insert(0, dict(common, v0_over_capture=c["below_capture"]))
        tag = f"n{len(runs)}_{short_hash(runs)}"
        for i, batch in enumerate(chunks(runs, c["batch_size"])):
            out[(label, tag, f"{i:03d}")] = batch
    return out


def _potential_curves():
    """{label: run_potential_curves keyword arguments (all but the output)}."""
    c = config["potentials"]
    return {label: dict(label=label, interaction=spec, alpha=c["alpha"], mu=c["mu"],
                        omega_fast=c["omega_fast"], eq25=c["eq25"],
                        steady_state=c["steady_state"])
            for label, spec in c["interactions"].items()}


POTENTIAL_BATCHES = _potential_batches()
POTENTIAL_CURVES = _potential_curves()


def potential_batch_paths():
    return [f"results/runs/potentials/{lab}/{t}/batch_{b}.csv"
            for (lab, t, b) in POTENTIAL_BATCHES]


def potential_curve_paths():
    return [f"results/runs/potentials/{label}/curves_{short_hash(kw)}.csv"
            for label, kw in POTENTIAL_CURVES.items()]


POTENTIALS_OUTPUTS = ["results/figures/potentials.pdf", "results/figures/potentials.png",
                      "results/tables/potentials_single_pass.csv",
                      "results/tables/validation_potentials.csv"]
