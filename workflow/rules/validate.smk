# The paper's claims checked against the tables: results/tables/validation.csv.
# chaindrag.validation.run_all is called by workflow/scripts/validate.py; the Fig. 3 claims
# (sound cone, trapping, |delta rho|) read the Fig. 3 trajectory stores directly.
# Every row names the preset and the SHA-256 of the whole configuration (config_sha256): as
# params, any change of the configuration reruns these rules (3-7 s each).


rule validation:
    input:
        tables=expand("results/tables/{table}.csv", table=TABLES),
        stores=trajectory_paths("fig3"),
    output:
        table=report("results/tables/validation.csv", caption="../report/table_validation.rst",
                     category="Tables", subcategory="Validation"),
    params:
        config=lambda w: canon({**{k: config[k] for k in ["kernels", *FIGURES, "health"]},
                                "fig8": fig8_panels_config()}),
        preset=PRESET,
        config_sha256=config_sha256,
    log:
        "results/logs/tables/validation.log",
    benchmark:
        "results/benchmarks/tables/validation.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=10,
    conda:
        "../../environment.yml"
    script:
        "../scripts/validate.py"


# named target fates: the Fig. 8 runs continued past tau_max to their fates (issue 15),
# their table, figure fig8_long and the Fig. 8 claims on them
rule fates:
    input:
        fates_outputs(),


rule validation_fates:
    input:
        tables=expand("results/tables/{table}.csv",
                      table=["fig8_fates_continued", "fig8_midpoints", "drift_velocities"]),
    output:
        table=report("results/tables/validation_fates.csv",
                     caption="../report/table_validation_fates.rst", category="Tables",
                     subcategory="Validation"),
    params:
        config=lambda w: canon({k: config[k] for k in ["fig8"]}),
        figures=["fig8"],
        rename={"fig8_fates_continued": "fig8_fates"},
        preset=PRESET,
        config_sha256=config_sha256,
    log:
        "results/logs/tables/validation_fates.log",
    benchmark:
        "results/benchmarks/tables/validation_fates.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=10,
    conda:
        "../../environment.yml"
    script:
        "../scripts/validate.py"
