# Snakemake script (thin): send stdout, stderr and logging to the rule's log, run every claim of
# the potentials study (chaindrag.validation.potentials.run_potentials) and report the failed
# claims on the terminal too. A failed claim does not fail the rule: the other outputs stand.
# Every row names the rule's params preset and config_sha256 (the whole configuration's digest).
import logging
import sys

terminal = sys.stderr  # snakemake's own stderr: the failed claims are shown there too
sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821
logging.basicConfig(stream=sys.stderr, level=logging.INFO, force=True,
                    format="%(asctime)s %(name)s %(levelname)s: %(message)s")
logging.captureWarnings(True)

from chaindrag.validation import failed_claims, summary  # noqa: E402
from chaindrag.validation.potentials import run_potentials  # noqa: E402

smk = snakemake  # noqa: F821
df = run_potentials(smk.input.table, smk.output.table, preset=smk.params.preset,
                    config_sha256=smk.params.config_sha256)
text = summary(df)
print(text)
if len(failed_claims(df)):
    print(f"WARNING: {text}\n(see {smk.output.table} and {smk.log[0]})", file=terminal)
else:
    print(f"{text.splitlines()[0]} ({smk.output.table})", file=terminal)
