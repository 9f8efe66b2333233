# gmm-teach: `make lab` opens the course in JupyterLab, `make test` runs every test.
# Both first set up .venv (once; again only when requirements.txt or pyproject.toml change).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# JupyterLab refuses to run as root (containers, CI) unless told it is fine.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS  ?=

# nbval: run every lesson in this interpreter's kernel and compare with the stored outputs.
NOTEBOOKS := $(wildcard notebooks/*.ipynb)
NBVAL     := --nbval --nbval-current-env --nbval-cell-timeout=120 --nbval-sanitize-with=.nbval_sanitize.cfg

.PHONY: lab test lint setup clean help

help:
	@echo "make lab    set up .venv and open the course in JupyterLab"
	@echo "make test   set up .venv and run every test (library, notebooks, lint)"
	@echo "make clean  remove .venv and caches"

lab: $(STAMP)
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(LAB_ARGS)

test: $(STAMP) lint
	MPLBACKEND=Agg $(BIN)/python -m pytest tests $(if $(NOTEBOOKS),notebooks $(NBVAL))

lint: $(STAMP)
	$(BIN)/ruff check gmm_teach tests

setup: $(STAMP)

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
