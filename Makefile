# The one entry point: `make html` builds the book, `make test` runs every test.
# Both first create (or refresh) the virtual environment from requirements.txt.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Offline MNIST: use the genuine IDX files when the shared folder exists
# (tools/mnist_offline.py); otherwise Keras downloads mnist.npz as usual.
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
PYTEST := $(BIN)/python -m pytest $(XDIST) --nbval --nbval-current-env \
	--nbval-cell-timeout=1800 -p no:cacheprovider

# The browser tests drive this Chromium, never a browser of their own.
# Debian's package is installed when missing; any Chromium or Chrome works.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

# The browser libraries the book serves from its own site (package.json,
# pinned by package-lock.json): npm installs them when they change.
NODE_STAMP := node_modules/.installed

.PHONY: html notebooks test test-notebooks bench spread lint format execute model clean

$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else \
		echo "The browser tests need Chromium: install it (Debian: apt-get install chromium)" \
		     "or run make test CHROMIUM=/path/to/chromium"; exit 1; \
	fi

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { echo "The book needs Node.js and npm" \
		"(Debian: apt-get install npm) to install package.json's libraries"; exit 1; }
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# Both editions, Spanish and English, into _build/html/es and _build/html/en
html: $(STAMP) $(NODE_STAMP)
	$(BIN)/python tools/build_book.py

# The reader and student notebooks alone, into _build/notebooks (make html
# writes them too): each chapter as Colab, Binder and a download give it.
notebooks: $(STAMP)
	$(BIN)/python tools/reader_notebooks.py _build/notebooks

# ruff, configured in pyproject.toml: the tooling, the tests and the chapters'
# code cells.  It runs first in `make test`, so a style slip fails in seconds.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Apply what ruff can fix by itself, then format.
format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# nbval re-runs every notebook and compares each cell's output with the
# stored one; the table at the end says where the time went.
test: lint $(CHROMIUM) $(NODE_STAMP)
	$(PYTEST) notebooks tests

# The notebooks alone (nbval), as `make test` runs them.
test-notebooks: $(STAMP)
	$(PYTEST) notebooks

# A benchmark, not a test: `make test-notebooks` with JOBS=1 and with the
# default JOBS, side by side, and the ratio of their wall times.
bench: $(STAMP)
	$(BIN)/python tools/bench_tests.py

# A benchmark, not a test: train the chapters' checked networks over many
# seeds (tools/spread.py) and add the results to assets/data/seed-spread.csv.
# JOBS runs at a time (default 1: TensorFlow already uses every core); SEEDS
# for the one-epoch networks, LONG_SEEDS for chapter 2's ten-epoch network.
SEEDS ?= 20
LONG_SEEDS ?= 5
spread: $(STAMP)
	$(BIN)/python tools/spread.py --jobs $(if $(filter command line,$(origin JOBS)),$(JOBS),1) \
		--seeds-one-epoch $(SEEDS) --seeds-ten-epochs $(LONG_SEEDS)

test test-notebooks: export TF_NUM_INTRAOP_THREADS := $(THREADS)
test test-notebooks: export TF_NUM_INTEROP_THREADS := $(THREADS)
test test-notebooks: export OMP_NUM_THREADS := $(THREADS)

execute: $(STAMP) model
	@test -n "$(MNIST_DIR)" || echo "MNIST_DIR is not set: Keras will download mnist.npz."
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

# Chapter 1's network, trained as the chapter trains it, exported to ONNX for
# chapter 3's draw-a-digit widget: assets/widget/model.onnx and the MNIST
# digits the widget offers, assets/widget/examples.json (tools/export_model.py).
model: $(STAMP)
	$(BIN)/python tools/export_model.py

clean:
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
