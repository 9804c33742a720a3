# One command set: the README's commands and .ci/run call these targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.servio-installed

.PHONY: run test lint bench golden clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

## make run: set up, profile the bundled examples in the terminal, then serve them
## (SQLite file ./servio.db; dashboard at http://127.0.0.1:8000/ui/team, Ctrl-C stops)
run: $(STAMP)
	$(BIN)/servio agents --examples --no-progress
	$(BIN)/servio serve --examples --open-dashboard

## make test: set up and run lint, type checks and the whole test suite
test: $(STAMP) lint
	bash scripts/with-test-services.sh $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check servio tests bench
	$(BIN)/mypy servio

## make bench: throughput against the read-and-tokenise baseline on ../shared/data
bench: $(STAMP)
	$(BIN)/python bench/bench_throughput.py

## make golden: regenerate the tagger's golden files after an intended change
golden: $(STAMP)
	$(BIN)/python -m tests.analyze.regenerate_golden

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
