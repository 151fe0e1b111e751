# Two commands reproduce everything on a machine with only Python >= 3.11 and pip:
#   make figures   # full workflow at the paper's parameters -> results/figures/fig2..fig9
#   make test      # the test suite
# Both create the local virtual environment .venv on first use.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
CORES  ?= all
SNAKEMAKE := $(BIN)/snakemake --workflow-profile workflow/profiles/default
# compile the numba kernels into their disk cache once (two processes, ~20 s on a fresh
# checkout, ~2 s once cached) rather than in every parallel job or test worker at once
WARM := $(BIN)/python -m chaindrag._jit_warm

.PHONY: figures quick report test test-slurm bench lint docs venv clean-results

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

## the paper's figures (Figs. 2-9) in results/figures/, plus results/report.html
figures: $(STAMP)
	$(WARM)
	$(SNAKEMAKE) --cores $(CORES)
	$(SNAKEMAKE) --cores $(CORES) --report results/report.html

## the quick preset: coarser sweeps, shorter runs, same code paths (a few minutes)
quick: $(STAMP)
	$(WARM)
	$(SNAKEMAKE) --cores $(CORES) --config preset=quick
	$(SNAKEMAKE) --cores $(CORES) --config preset=quick --report results/report-quick.html

report: $(STAMP)
	$(SNAKEMAKE) --cores $(CORES) --report results/report.html

## the test suite (includes one quick-preset workflow run); test files share the cores
## (pytest-xdist; tests/conftest.py keeps each file on one worker, and the files that share
## the session's quick-preset run together). One BLAS thread per worker: the workers fill
## the cores, and threaded BLAS calls of two workers stall each other (the boundary tests took
## 50 s instead of 34 on 2 cores); numpy is loaded before any conftest (zarr's pytest plugin).
test: $(STAMP)
	$(WARM)
	OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1} OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} \
	  MKL_NUM_THREADS=$${MKL_NUM_THREADS:-1} $(BIN)/pytest -n auto --maxprocesses 4

## the workflow through a real single-node Slurm (root + apt needed; skips otherwise)
test-slurm: $(STAMP)
	bash tests/slurm/run_slurm_test.sh

## solver benchmarks: prints a table of wall times and ratios
bench: $(STAMP)
	$(BIN)/python benchmarks/solvers.py

## the API reference and the paper-to-code map, from the docstrings -> docs/_build/html
docs: $(STAMP)
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

lint: $(STAMP)
	$(BIN)/snakemake --lint

clean-results:
	rm -rf results/kernels results/runs results/tables results/figures results/logs results/report*.html
