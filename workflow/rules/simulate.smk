# Simulation jobs: full trajectories (Figs. 3, 4a/b -> zarr stores named by the potential the
# run uses, common.smk potential_name), batches of single passes
# (Figs. 4c, 5, 6 and the time-step check -> one small table per batch), batches of biased
# drift runs (Fig. 8 -> speed and fate tables per batch; with study fig8_continued the same runs
# continued to their fates for the named target fates) and the health runs.
# Every simulation job is single-threaded so that N cores run N jobs at once.


rule trajectory:
    output:
        directory("results/runs/{figure}/{tag}/{potential}.zarr"),
    params:
        run=trajectory_params,
    log:
        "results/logs/trajectory/{figure}/{tag}/{potential}.log",
    benchmark:
        "results/benchmarks/trajectory/{figure}/{tag}/{potential}.tsv",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    conda:
        "../../environment.yml"
    script:
        "../scripts/trajectory.py"


rule single_pass_batch:
    output:
        "results/runs/{figure}/{tag}/batch_{batch}.csv",
    params:
        runs=single_pass_params,
    log:
        "results/logs/single_pass_batch/{figure}/{tag}/batch_{batch}.log",
    benchmark:
        "results/benchmarks/single_pass_batch/{figure}/{tag}/batch_{batch}.tsv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    conda:
        "../../environment.yml"
    script:
        "../scripts/single_pass_batch.py"


rule drift_run:
    output:
        midpoints="results/runs/{study}/{tag}/batch_{batch}_midpoints.csv",
        fates="results/runs/{study}/{tag}/batch_{batch}_fates.csv",
        long="results/runs/{study}/{tag}/batch_{batch}_long.csv",
    params:
        job=drift_params,
    log:
        "results/logs/drift_run/{study}/{tag}/batch_{batch}.log",
    benchmark:
        "results/benchmarks/drift_run/{study}/{tag}/batch_{batch}.tsv",
    threads: 1
    resources:
        # a continued run records every step and its cost grows as tau_cap^2: drift_resources
        mem_mb=lambda wc: drift_resources(wc)[0],
        runtime=lambda wc: drift_resources(wc)[1],
    conda:
        "../../environment.yml"
    script:
        "../scripts/drift_run.py"


rule health_energy:
    output:
        f"results/runs/health/energy_{health_tag('energy')}.csv",
    params:
        check=canon(health_check("energy")),
    log:
        f"results/logs/health_energy/energy_{health_tag('energy')}.log",
    benchmark:
        f"results/benchmarks/health_energy/energy_{health_tag('energy')}.tsv",
    threads: 1
    resources:
        mem_mb=1500,
        runtime=20,
    conda:
        "../../environment.yml"
    script:
        "../scripts/health_energy.py"


rule health_solvers:
    input:
        kernel=kernel_path(config["health"]["solvers"]["kernel"]),
    output:
        f"results/runs/health/solvers_{health_tag('solvers')}.csv",
    params:
        check=canon({k: v for k, v in health_check("solvers").items() if k != "kernel"}),
    log:
        f"results/logs/health_solvers/solvers_{health_tag('solvers')}.log",
    benchmark:
        f"results/benchmarks/health_solvers/solvers_{health_tag('solvers')}.tsv",
    threads: 1
    resources:
        mem_mb=1500,
        runtime=20,
    conda:
        "../../environment.yml"
    script:
        "../scripts/health_solvers.py"


rule health_drive:
    output:
        f"results/runs/health/drive_{health_tag('drive')}.csv",
    params:
        check=canon(config["health"]["drive"]),
    log:
        f"results/logs/health_drive/drive_{health_tag('drive')}.log",
    benchmark:
        f"results/benchmarks/health_drive/drive_{health_tag('drive')}.tsv",
    threads: 1
    resources:
        mem_mb=1500,
        runtime=20,
    conda:
        "../../environment.yml"
    script:
        "../scripts/health_drive.py"
