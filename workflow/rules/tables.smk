# Reductions: collect kernel stores, trajectory stores and batch tables into tidy tables under
# results/tables/ (schemas in results/README.md). Every rule runs workflow/scripts/table.py,
# which calls the chaindrag.tables function named in params.function with the rule's named
# inputs, outputs and params as keyword arguments.
# Resources measured on the quick and paper presets: every reduction < 15 s, < 300 MB peak.


rule table_fig2:
    input:
        kernel=kernel_path(config["fig2"]["kernel"]),
    output:
        table=report("results/tables/fig2_kernel.csv", caption="../report/table_fig2.rst",
                     category="Tables", subcategory="Fig. 2"),
    params:
        function="fig2_table",
        taus=config["fig2"]["taus"],
        n_max=config["fig2"]["n_max"],
    log:
        "results/logs/tables/fig2_kernel.log",
    benchmark:
        "results/benchmarks/tables/fig2_kernel.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_fig4_pass:
    input:
        stores=trajectory_paths("fig4"),
    output:
        table=report("results/tables/fig4_pass.csv", caption="../report/table_fig4_pass.rst",
                     category="Tables", subcategory="Fig. 4"),
    params:
        function="fig4_pass_table",
    log:
        "results/logs/tables/fig4_pass.log",
    benchmark:
        "results/benchmarks/tables/fig4_pass.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_fig4c:
    input:
        batches=single_pass_paths("fig4c"),
    output:
        table=report("results/tables/fig4c_fluctuation.csv",
                     caption="../report/table_fig4c.rst", category="Tables", subcategory="Fig. 4"),
    params:
        function="fig4c_table",
    log:
        "results/logs/tables/fig4c_fluctuation.log",
    benchmark:
        "results/benchmarks/tables/fig4c_fluctuation.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_fig5:
    input:
        batches_a=single_pass_paths("fig5a"),
        batches_b=single_pass_paths("fig5b"),
    output:
        table=report("results/tables/fig5_single_pass.csv", caption="../report/table_fig5.rst",
                     category="Tables", subcategory="Figs. 5, 6"),
    params:
        function="fig5_table",
    log:
        "results/logs/tables/fig5_single_pass.log",
    benchmark:
        "results/benchmarks/tables/fig5_single_pass.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_fig6:
    input:
        batches=single_pass_paths("fig6"),
    output:
        table=report("results/tables/fig6_single_pass.csv", caption="../report/table_fig6.rst",
                     category="Tables", subcategory="Figs. 5, 6"),
    params:
        function="fig6_table",
    log:
        "results/logs/tables/fig6_single_pass.log",
    benchmark:
        "results/benchmarks/tables/fig6_single_pass.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_single_pass:
    input:
        tables=["results/tables/fig5_single_pass.csv", "results/tables/fig6_single_pass.csv"],
    output:
        table=report("results/tables/single_pass.csv", caption="../report/table_single_pass.rst",
                     category="Tables", subcategory="Figs. 5, 6"),
    params:
        function="concat_tables",
    log:
        "results/logs/tables/single_pass.log",
    benchmark:
        "results/benchmarks/tables/single_pass.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_fig7:
    input:
        stores=trajectory_paths("fig3"),
    output:
        table=report("results/tables/fig7_per_pass.csv", caption="../report/table_fig7.rst",
                     category="Tables", subcategory="Fig. 7"),
    params:
        function="fig7_table",
    log:
        "results/logs/tables/fig7_per_pass.log",
    benchmark:
        "results/benchmarks/tables/fig7_per_pass.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_fig8:
    input:
        midpoints=drift_paths("midpoints"),
        runs_fates=drift_paths("fates"),
        drift="results/tables/drift_velocities.csv",
    output:
        table=report("results/tables/fig8_midpoints.csv", caption="../report/table_fig8.rst",
                     category="Tables", subcategory="Fig. 8"),
        fates=report("results/tables/fig8_fates.csv", caption="../report/table_fig8_fates.rst",
                     category="Tables", subcategory="Fig. 8"),
    params:
        function="fig8_tables",
    log:
        "results/logs/tables/fig8_midpoints.log",
    benchmark:
        "results/benchmarks/tables/fig8_midpoints.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


# named target fates: the same runs continued past tau_max to their fates
rule table_fig8_continued:
    input:
        runs_fates=drift_paths("fates", "fig8_continued"),
        runs_long=drift_paths("long", "fig8_continued"),
        drift="results/tables/drift_velocities.csv",
    output:
        fates=report("results/tables/fig8_fates_continued.csv",
                     caption="../report/table_fig8_fates_continued.rst", category="Tables",
                     subcategory="Fig. 8 continued"),
        long=report("results/tables/fig8_long.csv", caption="../report/table_fig8_long.rst",
                    category="Tables", subcategory="Fig. 8 continued"),
    params:
        function="fig8_continued_tables",
    log:
        "results/logs/tables/fig8_fates_continued.log",
    benchmark:
        "results/benchmarks/tables/fig8_fates_continued.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_fig8c:
    output:
        table=report("results/tables/fig8c_steady_state.csv",
                     caption="../report/table_fig8c.rst", category="Tables", subcategory="Fig. 8"),
        drift=report("results/tables/drift_velocities.csv",
                     caption="../report/table_drift_velocities.rst", category="Tables",
                     subcategory="Fig. 8"),
    params:
        function="fig8c_tables",
        alpha=config["fig8"]["alpha"],
        phi0=config["fig8"]["phi0"],
        lam=config["fig8"]["lam"],
        mu=config["fig8"]["mu"],
        bias=config["fig8"]["bias"],
        omega_fast=config["fig8"]["omega_fast"],
        v_min=config["fig8"]["steady_state"]["v_min"],
        v_max=config["fig8"]["steady_state"]["v_max"],
        n_points=config["fig8"]["steady_state"]["n_points"],
        **interaction_param(config["fig8"]),
    log:
        "results/logs/tables/fig8c_steady_state.log",
    benchmark:
        "results/benchmarks/tables/fig8c_steady_state.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_fig9:
    output:
        table=report("results/tables/fig9_broadened.csv", caption="../report/table_fig9.rst",
                     category="Tables", subcategory="Fig. 9"),
    params:
        function="fig9_table",
        alpha=config["fig9"]["alpha"],
        phi0=config["fig9"]["phi0"],
        lam=config["fig9"]["lam"],
        mu=config["fig9"]["mu"],
        omega_fast=config["fig9"]["omega_fast"],
        v_max=config["fig9"]["v_max"],
        v_min_attractive=config["fig9"]["v_min_attractive"],
        capture_margin=config["fig9"]["capture_margin"],
        n_points=config["fig9"]["n_points"],
        **interaction_param(config["fig9"]),
    log:
        "results/logs/tables/fig9_broadened.log",
    benchmark:
        "results/benchmarks/tables/fig9_broadened.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_steady_state_drive:
    input:
        drive=rules.health_drive.output[0],
    output:
        table=report("results/tables/steady_state_drive.csv",
                     caption="../report/table_drive.rst", category="Tables",
                     subcategory="Numerical health"),
    params:
        function="steady_state_drive_table",
    log:
        "results/logs/tables/steady_state_drive.log",
    benchmark:
        "results/benchmarks/tables/steady_state_drive.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"


rule table_numerical_health:
    input:
        energy=rules.health_energy.output[0],
        timestep=single_pass_paths("health_timestep"),
        solvers=rules.health_solvers.output[0],
    output:
        table=report("results/tables/numerical_health.csv", caption="../report/table_health.rst",
                     category="Tables", subcategory="Numerical health"),
    params:
        function="numerical_health_table",
    log:
        "results/logs/tables/numerical_health.log",
    benchmark:
        "results/benchmarks/tables/numerical_health.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/table.py"
