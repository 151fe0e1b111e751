# Snakemake script (thin): send stdout, stderr and logging to the rule's log, call one package function.
import logging
import os
import sys

os.environ["NUMBA_NUM_THREADS"] = str(snakemake.threads)  # noqa: F821  (numba reads it at import)

sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821
logging.basicConfig(stream=sys.stderr, level=logging.INFO, force=True,
                    format="%(asctime)s %(name)s %(levelname)s: %(message)s")
logging.captureWarnings(True)
# matplotlib's PDF font subsetting logs ~250 INFO lines per figure through fontTools
logging.getLogger("fontTools").setLevel(logging.WARNING)

from chaindrag import plotting  # noqa: E402

smk = snakemake  # noqa: F821
plotting.render(smk.params.figure, inputs=dict(smk.input.items()), cfg=smk.params.cfg,
                pdf=smk.output.pdf, png=smk.output.png)
