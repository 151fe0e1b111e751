# Snakemake script (thin): send stdout, stderr and logging to the rule's log, call one package function.
import logging
import os
import sys

os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)  # noqa: F821  (numba reads it at import)

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821
logging.basicConfig(stream=sys.stderr, level=logging.INFO, force=True,
                    format="%(asctime)s %(name)s %(levelname)s: %(message)s")
logging.captureWarnings(True)

from chaindrag.jobs.potentials import run_potential_curves  # noqa: E402

run_potential_curves(snakemake.output[0], **snakemake.params.curves)  # noqa: F821
