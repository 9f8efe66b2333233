# gmm-teach: `make lab` opens the course in JupyterLab, `make test` runs every test.
# Both first set up .venv (once; again only when requirements.txt or pyproject.toml change).
# `make test-all` is what CI runs: make test, then the course on every machine it promises
# (BLAS kernels and threads, a built wheel, Python 3.10-3.13, the lowest dependency versions).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The tests also need the instructor tools (nbgrader) and Dask (lesson 09); learners never do.
TEST_STAMP := $(VENV)/.installed-test
# Wheels for the install test (tests/test_wheel.py): fetched once here, so it runs offline.
WHEELHOUSE := $(VENV)/wheelhouse

# JupyterLab refuses to run as root (containers, CI) unless told it is fine.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
LAB_ARGS  ?=

# nbval: run every lesson and solution in this interpreter's kernel, compare with stored outputs.
NOTEBOOKS := $(wildcard notebooks/*.ipynb solutions/*/*.ipynb)
NBVAL     := --nbval --nbval-current-env --nbval-cell-timeout=120 --nbval-sanitize-with=.nbval_sanitize.cfg
# One worker per core; a notebook (or a test module) stays on one worker, its cells in order.
XDIST     ?= -n auto --dist loadscope
# The venv's bin/ goes first on PATH: nbgrader runs `alembic` by name. One BLAS thread by
# default: the course's matrices are tiny, and on a busy 2-core machine BLAS threads only contend.
RUN       := PATH="$(CURDIR)/$(BIN):$$PATH" OPENBLAS_NUM_THREADS=$${OPENBLAS_NUM_THREADS:-1}

.PHONY: lab test lint notebooks bench setup clean help test-all setup-all \
        test-kernels test-slow test-pythons test-floors book slides test-site

help:
	@echo "make lab        set up .venv and open the course in JupyterLab"
	@echo "make test       set up .venv and run every test (library, notebooks, exercises, grading, browser, lint)"
	@echo "make test-all   what CI runs: make test, the wheel and a graded class, BLAS kernels, Python 3.10-3.13, floors"
	@echo "make notebooks  re-execute lessons and solutions, regenerate exercises/ (maintainers)"
	@echo "make book       the course as a static website -> build/book/html/index.html (offline, from disk)"
	@echo "make slides     one static reveal.js deck per lesson -> build/slides/index.html"
	@echo "make test-site  build both, then test them in Chromium (offline, axe-core audit, live RISE slides)"
	@echo "make bench      speed and accuracy against scikit-learn -> benchmarks/results/REPORT.md"
	@echo "make clean      remove the venvs and caches"

# etc/jupyter hides nbgrader's menus and server pages from learners, should it be installed
# (make test installs it): instructors use nbgrader from the command line (INSTRUCTORS.md).
lab: $(STAMP)
	JUPYTER_CONFIG_PATH="$(CURDIR)/etc/jupyter$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir=. \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(LAB_ARGS)

# The two slowest modules (a wheel in a fresh venv; a class graded, interrupted and resumed)
# run in test-all, keeping make test near 10 minutes on 2 cores.
SLOW_TESTS := tests/test_wheel.py tests/test_grading_class.py
# The website and slides tests need the built site (make test-site builds it): not in make test.
SITE_TESTS := tests/test_site.py tests/test_slides.py

test: $(TEST_STAMP) lint
	$(RUN) $(BIN)/python -m pytest $(XDIST) tests $(foreach t,$(SLOW_TESTS) $(SITE_TESTS),--ignore=$(t)) \
	  $(if $(NOTEBOOKS),$(NOTEBOOKS) $(NBVAL))

lint: $(STAMP)
	$(BIN)/ruff check gmm_teach gmm_grading tests tools

notebooks: $(TEST_STAMP)
	OPENBLAS_NUM_THREADS=1 $(BIN)/python tools/execute_notebooks.py

# ------------------------------------------------------------------ website and slides
# Built from the committed notebooks (never executed), everything served from disk: Sphinx +
# MyST-NB + sphinx-book-theme (the book extra), MathJax and reveal.js from npm (package.json).
BOOK_STAMP := $(VENV)/.installed-book

$(BOOK_STAMP): $(STAMP) package.json package-lock.json
	$(BIN)/python -m pip install --quiet -e ".[book]"
	npm ci --no-audit --no-fund --silent
	touch $@

book: $(BOOK_STAMP)
	$(RUN) $(BIN)/python tools/build_site.py book

slides: $(BOOK_STAMP)
	$(RUN) $(BIN)/python tools/build_site.py slides

# The site and decks in headless Chromium with the network blocked (see tests/test_site.py).
test-site: book slides $(TEST_STAMP)
	$(RUN) $(BIN)/python -m pytest -q -p no:cacheprovider -n 0 $(SITE_TESTS)

# Not part of make test: timings are measured, not asserted.
bench: $(TEST_STAMP)
	$(BIN)/python benchmarks/run_all.py

setup: $(STAMP)

$(TEST_STAMP): $(STAMP) package-lock.json
	$(BIN)/python -m pip install --quiet -e ".[instructor,scale]"
	# axe-core for the HTML export audit (tests/test_export_a11y.py), from the lock file, no CDN at test time
	npm ci --no-audit --no-fund --silent
	$(BIN)/python -m pip download --quiet -d $(WHEELHOUSE) . "setuptools>=77" ipykernel nbclient
	touch $(TEST_STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 10))' || \
	  { echo "gmm-teach needs Python >= 3.10; '$(PYTHON)' is $$($(PYTHON) --version 2>&1)." \
	         "Try: make PYTHON=python3.12 $(MAKECMDGOALS)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=23"
	$(BIN)/python -m pip install --quiet -r requirements.txt -e .
	touch $(STAMP)

# ------------------------------------------------------------------ every machine (CI)
# Everything below installs in setup-all (network) and then runs offline in test-all.

# BLAS kernels this CPU can run; SkylakeX only where it has AVX-512 (elsewhere it crashes).
AVX512  := $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo yes)
KERNELS ?= Prescott Sandybridge Haswell $(if $(AVX512),SkylakeX)
THREADS ?= 1 2
# Workers x BLAS threads never exceed the cores: oversubscribed OpenBLAS threads spin, and a
# 2-thread run with 2 workers on 2 cores took over 120 s for one of lesson 06's cells.
NPROC   := $(shell nproc 2>/dev/null || echo 2)
# Simulated kernel: every Cholesky factor and SVD perturbed by 1e-13 (relative), deterministically,
# through an IPython start-up file (copied to a scratch IPYTHONDIR, where IPython keeps its
# history): catches outputs that a CPU we cannot run here would change.
PERTURB_STARTUP := tools/perturbed_ipython/profile_default/startup/00-perturb.py

# Python versions the package claims (requires-python >= 3.10); .venv already is one of them.
PYTHONS   := 3.10 3.11 3.12 3.13
MAIN_PY    = $(shell $(BIN)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
UV        := $(VENV)/bin/uv
# An interpreter for version $(1): pyenv's, else python3.X on PATH.
py_for     = $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/$(1).*/bin/python$(1)) \
                         $(shell command -v python$(1) 2>/dev/null))
# The library's tests need no Jupyter server, nbgrader, nbconvert, sandbox or browser.
LIB_TESTS := tests --ignore=tests/test_browser.py --ignore=tests/test_site.py --ignore=tests/test_slides.py --ignore=tests/test_grading.py \
             --ignore=tests/test_exercises.py --ignore=tests/test_wheel.py --ignore=tests/test_grading_class.py \
             --ignore=tests/test_export_a11y.py
# requirements.txt's lines for the packages named in $(1): its ranges are the only copy.
req_lines  = grep -E '^($(subst $() $(),|,$(strip $(1))))[<>=]' requirements.txt
TEST_REQ  := pytest pytest-xdist hypothesis nbval
LIB_REQ   := scikit-learn ipywidgets threadpoolctl $(TEST_REQ)
# The floors: the lowest versions requirements.txt's ranges allow, under the oldest Python.
FLOOR_PY  := 3.10
FLOOR_REQ := numpy scipy matplotlib scikit-learn jupyterlab ipywidgets threadpoolctl

setup-all: $(TEST_STAMP) $(BOOK_STAMP) $(VENV)/.installed-uv $(foreach v,$(PYTHONS),.venv-py$(v)/.installed) \
           .venv-floor/.installed

$(VENV)/.installed-uv: $(STAMP)
	$(BIN)/python -m pip install --quiet "uv>=0.4,<1"
	touch $@

.venv-py%/.installed: requirements.txt pyproject.toml $(VENV)/.installed-uv
	@py="$(call py_for,$*)"; \
	if [ -z "$$py" ]; then echo "Python $* not found (pyenv or python$* on PATH)"; \
	  if [ -n "$$CI" ]; then exit 1; fi; exit 0; fi; \
	if [ "$*" = "$(MAIN_PY)" ]; then mkdir -p $(@D); touch $@; exit 0; fi; \
	rm -rf .venv-py$* && $(UV) venv --quiet -p "$$py" .venv-py$* && \
	$(call req_lines,$(LIB_REQ)) > .venv-py$*/lib.in && \
	$(UV) pip install --quiet --python .venv-py$*/bin/python -e . -r .venv-py$*/lib.in && touch $@

.venv-floor/.installed: requirements.txt pyproject.toml $(VENV)/.installed-uv
	rm -rf .venv-floor && $(UV) venv --quiet -p "$(call py_for,$(FLOOR_PY))" .venv-floor
	$(call req_lines,$(FLOOR_REQ)) > .venv-floor/floor.in
	$(call req_lines,$(TEST_REQ)) > .venv-floor/test.in
	$(UV) pip install --quiet --python .venv-floor/bin/python --resolution lowest-direct -r .venv-floor/floor.in
	$(UV) pip install --quiet --python .venv-floor/bin/python --no-deps -e .
	$(UV) pip install --quiet --python .venv-floor/bin/python -r .venv-floor/test.in \
	  "dask[array]>=2024,<2027" "distributed>=2024,<2027"
	touch $@

test-all: test test-slow test-kernels test-pythons test-floors
	@echo "make test-all: every check passed"

# Every lesson and solution, outputs compared, under each kernel x thread count, then perturbed.
test-kernels: $(TEST_STAMP)
	@set -e; for k in $(KERNELS); do for t in $(THREADS); do \
	  workers=$$(( $(NPROC) / t )); [ $$workers -ge 1 ] || workers=1; \
	  echo "== notebooks: OPENBLAS_CORETYPE=$$k, $$t BLAS thread(s), $$workers worker(s)"; \
	  PATH="$(CURDIR)/$(BIN):$$PATH" OPENBLAS_CORETYPE=$$k OPENBLAS_NUM_THREADS=$$t \
	    $(BIN)/python -m pytest -q -p no:cacheprovider -n $$workers --dist loadscope $(NOTEBOOKS) $(NBVAL); \
	done; done; \
	echo "== notebooks: every Cholesky factor and SVD perturbed by 1e-13"; \
	ipy=$$(mktemp -d); mkdir -p $$ipy/profile_default/startup; cp $(PERTURB_STARTUP) $$ipy/profile_default/startup/; \
	status=0; $(RUN) IPYTHONDIR=$$ipy PERTURB_SCALE=1e-13 $(BIN)/python -m pytest -q -p no:cacheprovider \
	  $(XDIST) $(NOTEBOOKS) $(NBVAL) || status=$$?; rm -rf $$ipy; exit $$status

# The package as users install it (a wheel in a fresh venv, no -e), and a class graded at scale.
test-slow: $(TEST_STAMP)
	$(RUN) $(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) $(SLOW_TESTS)

test-pythons: $(foreach v,$(PYTHONS),.venv-py$(v)/.installed)
	@set -e; for v in $(PYTHONS); do \
	  if [ "$$v" = "$(MAIN_PY)" ]; then py=$(BIN)/python; else py=.venv-py$$v/bin/python; fi; \
	  [ -x "$$py" ] || { echo "== Python $$v: not installed here, skipped"; continue; }; \
	  echo "== library tests under $$($$py --version) ($$py)"; \
	  OPENBLAS_NUM_THREADS=1 $$py -m pytest -q -p no:cacheprovider $(XDIST) $(LIB_TESTS); \
	done

# Library tests and every lesson run (not compared: older libraries print other reprs) at the floors.
test-floors: .venv-floor/.installed
	@.venv-floor/bin/python -c 'import sys, numpy, scipy, matplotlib, sklearn, ipywidgets, jupyterlab; \
	  print("== floors: Python %d.%d," % sys.version_info[:2], ", ".join(f"{m.__name__} {m.__version__}" \
	  for m in (numpy, scipy, matplotlib, sklearn, ipywidgets, jupyterlab)))'
	OPENBLAS_NUM_THREADS=1 .venv-floor/bin/python -m pytest -q -p no:cacheprovider $(XDIST) $(LIB_TESTS)
	OPENBLAS_NUM_THREADS=1 .venv-floor/bin/python -m pytest -q -p no:cacheprovider $(XDIST) \
	  --nbval-lax --nbval-current-env --nbval-cell-timeout=300 notebooks

clean:
	rm -rf $(VENV) .venv-py3.* .venv-floor .pytest_cache .hypothesis .ruff_cache *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
