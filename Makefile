# The one entry point: `make html` builds the book, `make test` runs every test.
# Both first create (or refresh) the virtual environment from requirements.txt.

PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Offline MNIST: use the genuine IDX files when the shared folder exists
# (tests/mnist_offline.py); otherwise Keras downloads mnist.npz as usual.
MNIST_DIR ?= $(wildcard $(abspath ../shared/data/mnist))
export MNIST_DIR
# Notebook kernels started by nbval and `make execute` use tests/kernel as
# their IPython profile (offline MNIST, no C++ log lines in cell outputs).
export IPYTHONDIR := $(CURDIR)/tests/kernel
export PYTHONHASHSEED := 0
# Quieter console: TensorFlow C++ log level for the kernels (never in cell outputs).
export TF_CPP_MIN_LOG_LEVEL := 3

NOTEBOOKS := $(sort $(wildcard notebooks/*/*.ipynb))

# The browser tests drive this Chromium, never a browser of their own.
# Debian's package is installed when missing; any Chromium or Chrome works.
CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: html test execute clean

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

# Both editions, Spanish and English, into _build/html/es and _build/html/en
html: $(STAMP)
	$(BIN)/python tests/build_book.py

# nbval re-runs every notebook and compares each cell's output with the stored one.
test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest tests notebooks --nbval --nbval-current-env \
		--nbval-cell-timeout=1800 -p no:cacheprovider

execute: $(STAMP)
	@test -n "$(MNIST_DIR)" || echo "MNIST_DIR is not set: Keras will download mnist.npz."
	$(BIN)/python tests/execute_notebooks.py $(NOTEBOOKS)

clean:
	rm -rf _build .pytest_cache
	find . -name __pycache__ -not -path './$(VENV)/*' -prune -exec rm -rf {} +
