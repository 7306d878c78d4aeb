# Two commands that work on a fresh machine with Python 3.11 and make:
#   make run   - set up the virtual environment if needed, then start the assistant
#   make test  - set up the virtual environment if needed, then run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint-knowledge clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ilr-assistant

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_diagnose.py

lint-knowledge: $(STAMP)
	$(BIN)/ilr-assistant lint

clean:
	rm -rf $(VENV)
