# Two entry points: `make serve` and `make test`. Each builds .venv from pyproject.toml when needed.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test install clean bench scenarios

$(STAMP): pyproject.toml client/pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,compat]' -e './client[keys,stream]'
	@touch $(STAMP)

install: $(STAMP)

serve: $(STAMP)
	$(BIN)/mock-exchange serve

test: $(STAMP)
	$(BIN)/python -m pytest

scenarios: $(STAMP)
	$(BIN)/mock-exchange scenario run scenarios/

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV)
