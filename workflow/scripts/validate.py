# Snakemake script (thin): send stdout, stderr and logging to the rule's log, run every claim
# check once (chaindrag.validation.run_all) and report the failed claims at the end of the log
# and on the terminal. A failed claim does not fail the rule: the other outputs stand.
# Every row names the rule's params preset and config_sha256 (the whole configuration's digest).
import logging
import sys

terminal = sys.stderr  # snakemake's own stderr: the failed claims are shown there too
sys.stdout = sys.stderr = open(snakemake.log[0], "w", buffering=1)  # noqa: F821
logging.basicConfig(stream=sys.stderr, level=logging.INFO, force=True,
                    format="%(asctime)s %(name)s %(levelname)s: %(message)s")
logging.captureWarnings(True)

from chaindrag.validation import failed_claims, run_all, summary  # noqa: E402

smk = snakemake  # noqa: F821
stores = list(smk.input.stores) if hasattr(smk.input, "stores") else None
df = run_all(tables=list(smk.input.tables), output=smk.output.table, config=smk.params.config,
             stores=stores, figures=smk.params.get("figures"), rename=smk.params.get("rename"),
             preset=smk.params.preset, config_sha256=smk.params.config_sha256)
text = summary(df)
print(text)
if len(failed_claims(df)):
    print(f"WARNING: {text}\n(see {smk.output.table} and {smk.log[0]})", file=terminal)
else:
    print(f"{text.splitlines()[0]} ({smk.output.table})", file=terminal)
