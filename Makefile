# newsdesk — `make demo` runs the whole desk on the built-in sample; `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LINTED := $(wildcard src tests bench)
STAMP  := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

# Idempotent: the venv is rebuilt only when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: setup
	$(BIN)/newsdesk demo

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) newsdesk-data .pytest_cache .mypy_cache .ruff_cache
