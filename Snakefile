# chaindrag: reproduces the computed figures (Figs. 2-9) of Phys. Rev. Research 5, 013053 (2023).
#   snakemake --cores 2                          # paper's parameters
#   snakemake --cores 2 --config preset=quick    # quick preset (minutes)
#   snakemake --cores 2 fates                    # Fig. 8 runs continued to their fates
#   snakemake --report results/report.html       # HTML report with every figure and table
from snakemake.utils import min_version, validate

from snakemake.logging import logger

from chaindrag.config import check_config, delete_nulls

min_version("9.0")


configfile: "config.yaml"


# a null (~) in a --configfile deletes its key, as in the quick: overrides (JSON merge patch):
# Snakemake's own merge would keep it as a None value
for _key in delete_nulls(config):
    if workflow.is_main_process:
        logger.info(f"config: {_key} = null deletes it")

# check_config names the key, the value and the allowed range of every problem (and checks the
# quick overrides merged in); snakemake's validate then applies the same schema. The pair
# potentials are built once, in the main process (it imports numba: not in every job).
check_config(config, f"{workflow.basedir}/workflow/schemas/config.schema.yaml",
             interactions=workflow.is_main_process)
validate(config, "workflow/schemas/config.schema.yaml")


include: "workflow/rules/common.smk"
include: "workflow/rules/kernels.smk"
include: "workflow/rules/simulate.smk"
include: "workflow/rules/tables.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/validate.smk"
include: "workflow/rules/potentials.smk"  # named target `potentials` only (issue 14)
include: "workflow/rules/thermal.smk"  # named target `thermal` only (issue 13)


rule all:
    input:
        all_outputs(),
    default_target: True
