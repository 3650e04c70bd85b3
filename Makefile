# seci-lab: the two commands of the README quick start, and helpers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8866
# axe-core for the accessibility tests, at the version tests/js/package-lock.json pins.
AXE    := tests/js/node_modules/.installed

.PHONY: serve test install install-test bench clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "seci-lab needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(AXE): tests/js/package.json tests/js/package-lock.json
	npm ci --prefix tests/js --no-audit --no-fund
	touch $@

## serve: start the dashboards with Voila at http://127.0.0.1:$(PORT)
serve: install
	$(BIN)/seci-lab serve --port $(PORT)

## test: install the test extras, make sure Chromium, PostgreSQL, nginx, JupyterHub's proxy and axe-core
## exist, run the whole suite
test: install-test
	./scripts/ensure-chromium.sh || true
	./scripts/ensure-postgres.sh || true
	./scripts/ensure-nginx.sh || true
	./scripts/ensure-proxy.sh $(VENV)/proxy || true
	$(MAKE) --no-print-directory $(AXE) || echo "npm failed: the accessibility tests will skip (fail when CI=true)" >&2
	$(BIN)/python -m pytest

## bench: run the benchmarks and print their tables (see bench/README.md)
bench: install-test
	./scripts/ensure-chromium.sh || true
	$(BIN)/python bench/bench_spiral.py
	$(BIN)/python bench/bench_voila.py
	$(BIN)/python bench/bench_workshop_store.py
	$(BIN)/python bench/bench_workshop_pages.py --pages 50 --timeout 600
	./scripts/ensure-postgres.sh || true
	$(BIN)/python bench/bench_workshop_scaleout.py
	$(BIN)/python bench/bench_classroom.py
	$(BIN)/python bench/bench_rubric.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache tests/js/node_modules
