# Thermal branch (issue 13, beyond the paper): single passes, equilibration and Fig. 8's drift
# in a thermal chain, drive mode against Eq. (33) at temperature T, the checks of the
# realizations, four figures and validation_thermal.csv.
# Not part of the default target: run it with `snakemake --cores N thermal`. Every simulation
# job is single-threaded (N cores run N jobs); measured resources in results/README.md.


include: "thermal_paths.smk"


wildcard_constraints:
    thermal_name=r"[A-Za-z0-9_.+\-]+",


rule thermal:
    input:
        thermal_outputs(),


rule thermal_single_pass_batch:
    output:
        out="results/runs/thermal/single_pass/{thermal_name}.csv",
    params:
        function="run_thermal_single_pass_batch",
        kwargs=thermal_params("single_pass"),
    log:
        "results/logs/thermal/single_pass/{thermal_name}.log",
    benchmark:
        "results/benchmarks/thermal/single_pass/{thermal_name}.tsv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=20,
    conda:
        "../../environment.yml"
    script:
        "../scripts/thermal_job.py"


rule thermal_equilibration_run:
    output:
        series="results/runs/thermal/equilibration/{thermal_name}/series.csv",
        crossings="results/runs/thermal/equilibration/{thermal_name}/crossings.csv",
    params:
        function="run_thermal_equilibration_batch",
        kwargs=thermal_params("equilibration"),
    log:
        "results/logs/thermal/equilibration/{thermal_name}.log",
    benchmark:
        "results/benchmarks/thermal/equilibration/{thermal_name}.tsv",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=20,
    conda:
        "../../environment.yml"
    script:
        "../scripts/thermal_job.py"


rule thermal_drift_run:
    output:
        out="results/runs/thermal/drift/{thermal_name}.csv",
    params:
        function="run_thermal_drift_batch",
        kwargs=thermal_params("drift"),
    log:
        "results/logs/thermal/drift/{thermal_name}.log",
    benchmark:
        "results/benchmarks/thermal/drift/{thermal_name}.tsv",
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    conda:
        "../../environment.yml"
    script:
        "../scripts/thermal_job.py"


rule thermal_drag_batch:
    output:
        out="results/runs/thermal/drag/{thermal_name}.csv",
    params:
        function="run_thermal_drag_batch",
        kwargs=thermal_params("drag"),
    log:
        "results/logs/thermal/drag/{thermal_name}.log",
    benchmark:
        "results/benchmarks/thermal/drag/{thermal_name}.tsv",
    threads: 1
    resources:
        mem_mb=1500,
        runtime=30,
    conda:
        "../../environment.yml"
    script:
        "../scripts/thermal_job.py"


rule thermal_sampler:
    output:
        out=thermal_check_path("sampler"),
    params:
        function="run_thermal_sampler_check",
        kwargs=THERMAL_SAMPLER,
    log:
        "results/logs/thermal/sampler.log",
    benchmark:
        "results/benchmarks/thermal/sampler.tsv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=10,
    conda:
        "../../environment.yml"
    script:
        "../scripts/thermal_job.py"


rule thermal_solvers:
    input:
        kernel=kernel_path(TH["solvers"]["kernel"]),
    output:
        out=thermal_check_path("solvers"),
    params:
        function="run_thermal_solver_check",
        kwargs=THERMAL_SOLVERS,
    log:
        "results/logs/thermal/solvers.log",
    benchmark:
        "results/benchmarks/thermal/solvers.tsv",
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    conda:
        "../../environment.yml"
    script:
        "../scripts/thermal_job.py"


rule table_thermal_single_pass:
    input:
        batches=thermal_paths("single_pass"),
    output:
        table=report("results/tables/thermal_single_pass.csv",
                     caption="../report/thermal_table_single_pass.rst", category="Thermal"),
    params:
        function="thermal_single_pass_table",
    log:
        "results/logs/tables/thermal_single_pass.log",
    benchmark:
        "results/benchmarks/tables/thermal_single_pass.tsv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_thermal_equilibration:
    input:
        series=thermal_paths("equilibration", "series.csv"),
        crossings=thermal_paths("equilibration", "crossings.csv"),
    output:
        table=report("results/tables/thermal_equilibration.csv",
                     caption="../report/thermal_table_equilibration.rst", category="Thermal"),
        crossings_table="results/tables/thermal_equilibration_crossings.csv",
    params:
        function="thermal_equilibration_tables",
    log:
        "results/logs/tables/thermal_equilibration.log",
    benchmark:
        "results/benchmarks/tables/thermal_equilibration.tsv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_thermal_drift:
    input:
        midpoints=thermal_paths("drift"),
    output:
        table="results/tables/thermal_drift.csv",
        ends=report("results/tables/thermal_drift_ends.csv",
                    caption="../report/thermal_table_drift.rst", category="Thermal"),
    params:
        function="thermal_drift_tables",
        tail_fraction=TH["drift"]["tail_fraction"],
        min_points=TH["drift"]["min_points"],
    log:
        "results/logs/tables/thermal_drift.log",
    benchmark:
        "results/benchmarks/tables/thermal_drift.tsv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_thermal_drag:
    input:
        batches=thermal_paths("drag"),
    output:
        table=report("results/tables/thermal_drag.csv",
                     caption="../report/thermal_table_drag.rst", category="Thermal"),
    params:
        function="thermal_drag_table",
    log:
        "results/logs/tables/thermal_drag.log",
    benchmark:
        "results/benchmarks/tables/thermal_drag.tsv",
    threads: 1
    resources:
        mem_mb=1000,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_thermal_sampler:
    input:
        tables=[thermal_check_path("sampler")],
    output:
        table="results/tables/thermal_sampler.csv",
    params:
        function="concat_tables",
    log:
        "results/logs/tables/thermal_sampler.log",
    benchmark:
        "results/benchmarks/tables/thermal_sampler.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_thermal_solver_agreement:
    input:
        tables=[thermal_check_path("solvers")],
    output:
        table="results/tables/thermal_solver_agreement.csv",
    params:
        function="concat_tables",
    log:
        "results/logs/tables/thermal_solver_agreement.log",
    benchmark:
        "results/benchmarks/tables/thermal_solver_agreement.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule thermal_single_pass:
    input:
        table="results/tables/thermal_single_pass.csv",
    output:
        pdf="results/figures/thermal_single_pass.pdf",
        png=report("results/figures/thermal_single_pass.png", caption="../report/thermal_single_pass.rst",
                   category="Thermal"),
    params:
        figure="thermal_single_pass",
        cfg=canon(TH["single_pass"]),
    log:
        "results/logs/figures/thermal_single_pass.log",
    benchmark:
        "results/benchmarks/figures/thermal_single_pass.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule thermal_equilibration:
    input:
        table="results/tables/thermal_equilibration.csv",
        crossings="results/tables/thermal_equilibration_crossings.csv",
    output:
        pdf="results/figures/thermal_equilibration.pdf",
        png=report("results/figures/thermal_equilibration.png", caption="../report/thermal_equilibration.rst",
                   category="Thermal"),
    params:
        figure="thermal_equilibration",
        cfg=canon(TH["equilibration"]),
    log:
        "results/logs/figures/thermal_equilibration.log",
    benchmark:
        "results/benchmarks/figures/thermal_equilibration.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule thermal_drift:
    input:
        table="results/tables/thermal_drift.csv",
        ends="results/tables/thermal_drift_ends.csv",
    output:
        pdf="results/figures/thermal_drift.pdf",
        png=report("results/figures/thermal_drift.png", caption="../report/thermal_drift.rst",
                   category="Thermal"),
    params:
        figure="thermal_drift",
        cfg=canon(TH["drift"]),
    log:
        "results/logs/figures/thermal_drift.log",
    benchmark:
        "results/benchmarks/figures/thermal_drift.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule thermal_drag:
    input:
        table="results/tables/thermal_drag.csv",
    output:
        pdf="results/figures/thermal_drag.pdf",
        png=report("results/figures/thermal_drag.png", caption="../report/thermal_drag.rst",
                   category="Thermal"),
    params:
        figure="thermal_drag",
        cfg=canon(TH["drag"]),
    log:
        "results/logs/figures/thermal_drag.log",
    benchmark:
        "results/benchmarks/figures/thermal_drag.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule validation_thermal:
    input:
        tables=expand("results/tables/{table}.csv", table=THERMAL_TABLES),
    output:
        table=report("results/tables/validation_thermal.csv",
                     caption="../report/thermal_table_validation.rst", category="Thermal"),
    params:
        preset=PRESET,
        config_sha256=config_sha256,
    log:
        "results/logs/tables/validation_thermal.log",
    benchmark:
        "results/benchmarks/tables/validation_thermal.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=10,
    conda:
        "../../environment.yml"
    script:
        "../scripts/thermal_validate.py"
