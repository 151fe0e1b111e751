# Snakemake script (thin): send stdout, stderr and logging to the rule's log and call the
# chaindrag.jobs function named in params.function with the rule's named inputs, named outputs
# and params.kwargs as keyword arguments (one thermal job: a seed batch, a run or a check).
import logging
import os
import sys

os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)  # noqa: F821  (numba reads it at import)

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821
logging.basicConfig(stream=sys.stderr, level=logging.INFO, force=True,
                    format="%(asctime)s %(name)s %(levelname)s: %(message)s")
logging.captureWarnings(True)

from chaindrag import jobs  # noqa: E402

smk = snakemake  # noqa: F821
getattr(jobs, smk.params.function)(**dict(smk.input.items()), **dict(smk.output.items()),
                                   **smk.params.kwargs)
