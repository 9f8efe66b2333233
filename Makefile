# gmm-teach: `make lab` opens the course in JupyterLab, `make test` runs every test.
# Both first set up .venv (once; again only when requirements.txt or pyproject.toml change).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The tests also need the instructor tools (nbgrader) and Dask (lesson 09); learners never do.
TEST_STAMP := $(VENV)/.installed-test

# JupyterLab refuses to run as root (containers, CI) unless told it is fine.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS  ?=

# nbval: run every lesson and solution in this interpreter's kernel, compare with stored outputs.
NOTEBOOKS := $(wildcard notebooks/*.ipynb solutions/*/*.ipynb)
NBVAL     := --nbval --nbval-current-env --nbval-cell-timeout=120 --nbval-sanitize-with=.nbval_sanitize.cfg

.PHONY: lab test lint notebooks bench setup clean help

help:
	@echo "make lab        set up .venv and open the course in JupyterLab"
	@echo "make test       set up .venv and run every test (library, notebooks, lint)"
	@echo "make notebooks  re-execute lessons and solutions, regenerate exercises/ (maintainers)"
	@echo "make bench      speed and accuracy against scikit-learn -> benchmarks/results/REPORT.md"
	@echo "make clean      remove .venv and caches"

# etc/jupyter hides nbgrader's menus and server pages from learners, should it be installed
# (make test installs it): instructors use nbgrader from the command line (INSTRUCTORS.md).
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(LAB_ARGS)

# The venv's bin/ goes first on PATH: nbgrader runs `alembic` by name. One BLAS thread:
# the course's matrices are tiny, and on a busy 2-core machine BLAS threads only contend.
test: $(TEST_STAMP) lint
	PATH="$(CURDIR)/$(BIN):$$PATH" OPENBLAS_NUM_THREADS=1 \
	$(BIN)/python -m pytest tests $(if $(NOTEBOOKS),$(NOTEBOOKS) $(NBVAL))

lint: $(STAMP)
	$(BIN)/ruff check gmm_teach gmm_grading tests tools

notebooks: $(TEST_STAMP)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python tools/execute_notebooks.py

# Not part of make test: timings are measured, not asserted.
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run_all.py

setup: $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[instructor,scale]"
	touch $(TEST_STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "gmm-teach needs Python >= 3.10; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." \
	         "Try: make PYTHON=python3.12 $(MAKECMDGOALS)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23"
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
