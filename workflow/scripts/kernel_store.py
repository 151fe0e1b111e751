# Snakemake script (thin): send stdout, stderr and logging to the rule's log, call one package function.
import logging
import os
import sys

os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)  # noqa: F821  (numba reads it at import)

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821
logging.basicConfig(stream=sys.stderr, level=logging.INFO, force=True,
                    format="%(asctime)s %(name)s %(levelname)s: %(message)s")
logging.captureWarnings(True)

from chaindrag import kernel  # noqa: E402

kernel.precompute(snakemake.output[0], n_max=snakemake.params.n_max,  # noqa: F821
                  tau_max=snakemake.params.tau_max, omega_fast=snakemake.params.omega_fast,  # noqa: F821
                  d=snakemake.params.d)  # noqa: F821
