# Memory-kernel stores Gamma_n(l delta) (Eq. 15), one zarr store per parameter set.


rule kernel_store:
    output:
        directory("results/kernels/omega{omega_fast}_d{d}_n{n_max}_tau{tau_max}.zarr"),
    params:
        omega_fast=lambda w: float(w.omega_fast),
        d=lambda w: int(w.d),
        n_max=lambda w: int(w.n_max),
        tau_max=lambda w: float(w.tau_max),
    log:
        "results/logs/kernel_store/omega{omega_fast}_d{d}_n{n_max}_tau{tau_max}.log",
    benchmark:
        "results/benchmarks/kernel_store/omega{omega_fast}_d{d}_n{n_max}_tau{tau_max}.tsv",
    threads: 1
    resources:
        mem_mb=1500,
        runtime=10,
    conda:
        "../../environment.yml"
    script:
        "../scripts/kernel_store.py"
