# Other pair potentials (issue 14, beyond the paper): single passes of every potential of
# config potentials.interactions on the chain solver, their Eq. (25) and Eq. (33) curves, one
# table, one figure and validation_potentials.csv. Not part of the default target: run it with
# `snakemake --cores N potentials`. Each potential is its own branch (its label and a hash of
# its inputs name its paths), so changing one potential reruns only its jobs and the
# reductions. Every job is single-threaded; measured resources in results/README.md.


include: "potentials_paths.smk"


rule potentials:
    input:
        POTENTIALS_OUTPUTS,


rule potentials_batch:
    output:
        "results/runs/potentials/{label}/{tag}/batch_{batch}.csv",
    params:
        runs=lambda w: canon(POTENTIAL_BATCHES[(w.label, w.tag, w.batch)]),
    log:
        "results/logs/potentials/{label}/{tag}/batch_{batch}.log",
    benchmark:
        "results/benchmarks/potentials/{label}/{tag}/batch_{batch}.tsv",
    wildcard_constraints:
        label=r"[a-z][a-z0-9_]*",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    conda:
        "../../environment.yml"
    script:
        "../scripts/single_pass_batch.py"


rule potentials_curves:
    output:
        "results/runs/potentials/{label}/curves_{chash}.csv",
    params:
        curves=lambda w: canon(POTENTIAL_CURVES[w.label]),
    log:
        "results/logs/potentials/{label}/curves_{chash}.log",
    benchmark:
        "results/benchmarks/potentials/{label}/curves_{chash}.tsv",
    wildcard_constraints:
        label=r"[a-z][a-z0-9_]*",
        chash=r"[0-9a-f]{8}",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../environment.yml"
    script:
        "../scripts/potentials_curves.py"


rule table_potentials:
    input:
        batches=potential_batch_paths(),
        curves=potential_curve_paths(),
    output:
        table=report("results/tables/potentials_single_pass.csv",
                     caption="../report/potentials_table.rst", category="Potentials"),
    params:
        function="potentials_table",
    log:
        "results/logs/tables/potentials_single_pass.log",
    benchmark:
        "results/benchmarks/tables/potentials_single_pass.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule potentials_figure:
    input:
        table="results/tables/potentials_single_pass.csv",
    output:
        pdf="results/figures/potentials.pdf",
        png=report("results/figures/potentials.png", caption="../report/potentials.rst",
                   category="Potentials"),
    params:
        figure="potentials",
        cfg=canon(config["potentials"]),
    log:
        "results/logs/figures/potentials.log",
    benchmark:
        "results/benchmarks/figures/potentials.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule validation_potentials:
    input:
        table="results/tables/potentials_single_pass.csv",
    output:
        table=report("results/tables/validation_potentials.csv",
                     caption="../report/potentials_validation.rst", category="Potentials"),
    params:
        preset=PRESET,
        config_sha256=config_sha256,
    log:
        "results/logs/tables/validation_potentials.log",
    benchmark:
        "results/benchmarks/tables/validation_potentials.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/potentials_validate.py"
