# Figure rules: render results/figures/figN.{pdf,png} from tables and stores only (no simulation),
# through chaindrag.plotting.render (one module per figure, Wong palette).
# Resources measured: every figure < 5 s, < 300 MB peak.


rule fig2:
    input:
        table="results/tables/fig2_kernel.csv",
    output:
        pdf="results/figures/fig2.pdf",
        png=report("results/figures/fig2.png", caption="../report/fig2.rst", category="Figures"),
    params:
        figure="fig2",
        cfg=canon(config["fig2"]),
    log:
        "results/logs/figures/fig2.log",
    benchmark:
        "results/benchmarks/figures/fig2.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule fig3:
    input:
        stores=trajectory_paths("fig3"),
    output:
        pdf="results/figures/fig3.pdf",
        png=report("results/figures/fig3.png", caption="../report/fig3.rst", category="Figures"),
    params:
        figure="fig3",
        cfg=canon(config["fig3"]),
    log:
        "results/logs/figures/fig3.log",
    benchmark:
        "results/benchmarks/figures/fig3.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule fig4:
    input:
        table="results/tables/fig4_pass.csv",
        fluctuation="results/tables/fig4c_fluctuation.csv",
        stores=trajectory_paths("fig3"),
    output:
        pdf="results/figures/fig4.pdf",
        png=report("results/figures/fig4.png", caption="../report/fig4.rst", category="Figures"),
    params:
        figure="fig4",
        cfg=canon({"fig4": config["fig4"]}),  # fig3 reaches it through the stores
    log:
        "results/logs/figures/fig4.log",
    benchmark:
        "results/benchmarks/figures/fig4.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule fig5:
    input:
        table="results/tables/fig5_single_pass.csv",
    output:
        pdf="results/figures/fig5.pdf",
        png=report("results/figures/fig5.png", caption="../report/fig5.rst", category="Figures"),
    params:
        figure="fig5",
        cfg=canon(config["fig5"]),
    log:
        "results/logs/figures/fig5.log",
    benchmark:
        "results/benchmarks/figures/fig5.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule fig6:
    input:
        table="results/tables/fig6_single_pass.csv",
    output:
        pdf="results/figures/fig6.pdf",
        png=report("results/figures/fig6.png", caption="../report/fig6.rst", category="Figures"),
    params:
        figure="fig6",
        cfg=canon(config["fig6"]),
    log:
        "results/logs/figures/fig6.log",
    benchmark:
        "results/benchmarks/figures/fig6.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule fig7:
    input:
        table="results/tables/fig7_per_pass.csv",
    output:
        pdf="results/figures/fig7.pdf",
        png=report("results/figures/fig7.png", caption="../report/fig7.rst", category="Figures"),
    params:
        figure="fig7",
        cfg=canon(config["fig7"]),
    log:
        "results/logs/figures/fig7.log",
    benchmark:
        "results/benchmarks/figures/fig7.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule fig8:
    input:
        table="results/tables/fig8_midpoints.csv",
        fates="results/tables/fig8_fates.csv",
        steady="results/tables/fig8c_steady_state.csv",
        drift="results/tables/drift_velocities.csv",
    output:
        pdf="results/figures/fig8.pdf",
        png=report("results/figures/fig8.png", caption="../report/fig8.rst", category="Figures"),
    params:
        figure="fig8",
        cfg=fig8_panels_config(),
    log:
        "results/logs/figures/fig8.log",
    benchmark:
        "results/benchmarks/figures/fig8.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule fig8_long:
    input:
        long="results/tables/fig8_long.csv",
        fates="results/tables/fig8_fates_continued.csv",
        drift="results/tables/drift_velocities.csv",
    output:
        pdf="results/figures/fig8_long.pdf",
        png=report("results/figures/fig8_long.png", caption="../report/fig8_long.rst",
                   category="Figures"),
    params:
        figure="fig8_long",
        cfg=canon(config["fig8"]),
    log:
        "results/logs/figures/fig8_long.log",
    benchmark:
        "results/benchmarks/figures/fig8_long.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"


rule fig9:
    input:
        table="results/tables/fig9_broadened.csv",
    output:
        pdf="results/figures/fig9.pdf",
        png=report("results/figures/fig9.png", caption="../report/fig9.rst", category="Figures"),
    params:
        figure="fig9",
        cfg=canon(config["fig9"]),
    log:
        "results/logs/figures/fig9.log",
    benchmark:
        "results/benchmarks/figures/fig9.tsv",
    threads: 1
    resources:
        mem_mb=600,
        runtime=5,
    conda:
        "../../environment.yml"
    script:
        "../scripts/figure.py"
