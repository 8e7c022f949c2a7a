# The one entry point: `make html` builds the book, `make test` runs every test.
# Both first create (or refresh) the virtual environment from requirements.txt.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Offline MNIST: use the genuine IDX files when the shared folder exists
# (tools/booktools/mnist_offline.py); otherwise Keras downloads mnist.npz as usual.
MNIST_DIR ?= $(wildcard $(abspath ../shared/data/mnist))
export MNIST_DIR
# Notebook kernels started by nbval and `make execute` use tools/kernel as
# their IPython profile (offline MNIST, no C++ log lines in cell outputs).
export IPYTHONDIR := $(CURDIR)/tools/kernel
export PYTHONHASHSEED := 0
# Quieter console: TensorFlow C++ log level for the kernels (never in cell outputs).
export TF_CPP_MIN_LOG_LEVEL := 3

NOTEBOOKS := $(sort $(wildcard notebooks/*/*.ipynb))

# The tests run in parallel (pytest-xdist): JOBS worker processes, one per
# core by default, each taking whole files (--dist loadfile), so that a
# notebook's cells run in order in one kernel.  Every TensorFlow process of
# the run (kernels, recipes, tests) gets THREADS threads, so that JOBS x
# THREADS never exceeds the cores.  `make test JOBS=1` runs one test after
# another in a single process, whose TensorFlow uses every core.
CORES   := $(shell nproc 2>/dev/null || echo 1)
JOBS    ?= $(CORES)
THREADS ?= $(shell n=$$(( $(CORES) / $(JOBS) )); echo $$(( n > 0 ? n : 1 )))
ifeq ($(JOBS),1)
XDIST := -n 0
else
XDIST := -n $(JOBS) --dist loadfile
endif
PYTEST := $(BIN)/python -m pytest $(XDIST) --nbval-cell-timeout=1800 \
	-p no:cacheprovider

# The reader's environment: what Binder builds from the reader notebooks'
# slim requirements.txt (what the chapters import, pinned as requirements.txt
# pins it), plus the pinned ipykernel, as the Jupyter kernel `book-reader`.
# The tests run every reader and student notebook in it
# (booktools.testing.reader_runs), from fresh copies in READER_RUN.
READER_VENV  := .venv-reader
READER_STAMP := $(READER_VENV)/.installed
export READER_RUN := _build/reader-run

# The browser tests drive this Chromium, never a browser of their own.
# Debian's package is installed when missing; any Chromium or Chrome works.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

# The browser libraries the book serves from its own site (package.json,
# pinned by package-lock.json): npm installs them when they change.
NODE_STAMP := node_modules/.installed

.PHONY: html notebooks assignments test test-notebooks compat bench spread lint format execute model clean

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium: install it (Debian: apt-get install chromium)" \
		     "or run make test CHROMIUM=/path/to/chromium"; exit 1; \
	fi

# The pinned requirements, then the book's tooling (tools/booktools, declared
# in pyproject.toml) in editable mode: everything imports it by name.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	touch $@

$(READER_STAMP): $(STAMP) $(NOTEBOOKS)
	$(BIN)/python -m booktools.notebooks.publish $(READER_RUN)
	test -x $(READER_VENV)/bin/python || $(PYTHON) -m venv $(READER_VENV)
	$(READER_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(READER_VENV)/bin/python -m pip install --quiet \
		-r $(READER_RUN)/requirements.txt "$$(grep '^ipykernel==' requirements.txt)"
	$(READER_VENV)/bin/python -m ipykernel install --prefix $(READER_VENV) \
		--name book-reader >/dev/null
	touch $@

# `make compat`: an older environment, as a Colab runtime may ship it
# (tools/compat-requirements.txt), on Python 3.12: COMPAT_PYTHON, or the first
# python3.12 found on the PATH or under pyenv.
COMPAT_VENV  := .venv-compat
COMPAT_STAMP := $(COMPAT_VENV)/.installed
COMPAT_RUN   := _build/compat-run
COMPAT_PYTHON ?= $(firstword $(foreach python,python3.12 \
	$(wildcard $(HOME)/.pyenv/versions/3.12*/bin/python3.12),\
	$(shell $(python) -c 'print("$(python)")' 2>/dev/null)))
COMPAT_CHAPTERS := $(foreach notebook,$(NOTEBOOKS),\
	$(if $(filter 01-% 03-%,$(notdir $(notebook))),$(notebook)))

$(COMPAT_STAMP): tools/compat-requirements.txt
	@test -n "$(COMPAT_PYTHON)" || { echo "make compat needs Python 3.12:" \
		"install it or run make compat COMPAT_PYTHON=/path/to/python3.12"; exit 1; }
	test -x $(COMPAT_VENV)/bin/python || $(COMPAT_PYTHON) -m venv $(COMPAT_VENV)
	$(COMPAT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COMPAT_VENV)/bin/python -m pip install --quiet -r tools/compat-requirements.txt
	$(COMPAT_VENV)/bin/python -m ipykernel install --prefix $(COMPAT_VENV) \
		--name book-compat >/dev/null
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "The book needs Node.js and npm" \
		"(Debian: apt-get install npm) to install package.json's libraries"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# Both editions, Spanish and English, into _build/html/es and _build/html/en,
# with the teacher's guide's assignments (make assignments)
html: $(STAMP) $(NODE_STAMP) assignments
	$(BIN)/python -m booktools.build_book

# The teacher's guide's assignments as Otter-Grader notebooks: `otter assign`
# on each source in assignments/<language>/ writes the student notebook and
# the autograder zip into _build/assignments/<language>/, and the site serves
# them from _build/html/assignments/ (booktools.assignments).
assignments: $(STAMP)
	$(BIN)/python -m booktools.assignments _build

# The reader and student notebooks alone, into _build/notebooks (make html
# writes them too): each chapter as Colab, Binder and a download give it.
notebooks: $(STAMP)
	$(BIN)/python -m booktools.notebooks.publish _build/notebooks

# ruff, configured in pyproject.toml: the tooling, the tests and the chapters'
# code cells.  It runs first in `make test`, so a style slip fails in seconds.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Apply what ruff can fix by itself, then format.
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every chapter runs as its readers run it: the reader and student notebooks,
# generated afresh, in the reader's environment, each cell's output compared
# with the stored one (nbval, booktools.testing.reader_runs); then the other tests.
# The table at the end says where the time went.
test: lint $(CHROMIUM) $(NODE_STAMP) $(READER_STAMP)
	$(BIN)/python -m booktools.notebooks.publish $(READER_RUN)
	$(PYTEST) $(READER_RUN) tests

# The notebooks alone, as `make test` runs them.
test-notebooks: $(READER_STAMP)
	$(BIN)/python -m booktools.notebooks.publish $(READER_RUN)
	$(PYTEST) $(READER_RUN)

# A benchmark, not a test: `make test-notebooks` with JOBS=1 and with the
# default JOBS, side by side, and the ratio of their wall times.
bench: $(STAMP)
	$(BIN)/python -m booktools.bench_tests

# A benchmark, not a test: train the chapters' checked networks over many
# seeds (booktools.spread) and add the results to assets/data/seed-spread.csv,
# and the reduced network of autograded assignment 3 to
# assets/data/assignment-spread.csv.  JOBS runs at a time (default 1:
# TensorFlow already uses every core); SEEDS for the one-epoch networks and
# assignment 3, LONG_SEEDS for chapter 2's ten-epoch network.
SEEDS ?= 20
LONG_SEEDS ?= 5
spread: $(STAMP)
	$(BIN)/python -m booktools.spread --jobs $(if $(filter command line,$(origin JOBS)),$(JOBS),1) \
		--seeds-one-epoch $(SEEDS) --seeds-ten-epochs $(LONG_SEEDS) \
		--assignment-seeds $(SEEDS)

# The reader's kernel, where Jupyter looks for kernels
test test-notebooks: export JUPYTER_PATH := $(CURDIR)/$(READER_VENV)/share/jupyter
test test-notebooks: export TF_NUM_INTRAOP_THREADS := $(THREADS)
test test-notebooks: export TF_NUM_INTEROP_THREADS := $(THREADS)
test test-notebooks: export OMP_NUM_THREADS := $(THREADS)

# Not a test: the reader notebooks of chapters 1 and 3, both editions, run
# top to bottom in the older environment; one verdict line per notebook.
compat: $(STAMP) $(COMPAT_STAMP)
	$(BIN)/python -m booktools.notebooks.publish $(COMPAT_RUN)
	JUPYTER_PATH=$(CURDIR)/$(COMPAT_VENV)/share/jupyter \
		$(BIN)/python -m booktools.compat $(COMPAT_RUN) $(COMPAT_CHAPTERS)

execute: $(STAMP) model
	@test -n "$(MNIST_DIR)" || echo "MNIST_DIR is not set: Keras will download mnist.npz."
	$(BIN)/python -m booktools.execute_notebooks $(NOTEBOOKS)

# Chapter 1's network, trained as the chapter trains it, exported to ONNX for
# chapter 3's draw-a-digit widget: assets/widget/model.onnx and the MNIST
# digits the widget offers, assets/widget/examples.json (booktools.export_model).
model: $(STAMP)
	$(BIN)/python -m booktools.export_model

clean:
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
