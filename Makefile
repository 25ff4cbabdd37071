# Two entry points: `make serve` and `make test`. Each builds .venv from pyproject.toml when needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test lint install clean bench scenarios test-container

$(STAMP): pyproject.toml client/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,compat]'
	@touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/mock-exchange serve

# The linters run first: a lint failure stops here with ruff's or mypy's own report.
# Then one test worker per core; a module's tests stay on one worker, so its module-scoped
# servers and builds are made once. Plain `pytest` (or `-n0`) runs everything in one process.
test: lint
	$(BIN)/python -m pytest -n auto --dist loadscope

# ruff over every Python tree; mypy (config in pyproject.toml) strict on mock_exchange/core.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

# Builds the image and runs it (needs a Docker engine). Without a registry the base is built
# from Debian packages; elsewhere: make test-container MOCK_EXCHANGE_BASE_IMAGE=python:3.11-slim
MOCK_EXCHANGE_BASE_IMAGE ?= mock-exchange-base:local
test-container: $(STAMP)
	@if [ "$(MOCK_EXCHANGE_BASE_IMAGE)" = mock-exchange-base:local ] && docker info >/dev/null 2>&1; then \
		$(BIN)/python -m tests.container.local_base; fi
	MOCK_EXCHANGE_BASE_IMAGE=$(MOCK_EXCHANGE_BASE_IMAGE) $(BIN)/python -m pytest -m container -rs tests/container

scenarios: $(STAMP)
	$(BIN)/mock-exchange scenario run scenarios/

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV)
