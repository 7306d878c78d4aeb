# Two commands that work on a fresh machine with Python 3.11 and make:
#   make run   - set up the virtual environment if needed, then start the assistant
#   make serve - the same assistant in a browser, on http://127.0.0.1:8000 (PORT=8001 to change)
#   make test  - set up the virtual environment if needed, then run the whole test suite, then check
#                that the built wheel installs and runs outside the checkout
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run serve test pytest check-wheel bench bench-serve lint-knowledge clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/ilr-assistant

PORT ?= 8000
serve: $(STAMP)
	$(BIN)/ilr-assistant serve --port $(PORT)

test: check-wheel lint-code pytest

lint-code: $(STAMP)
	$(BIN)/ruff check assistant tests benchmarks scripts
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest

check-wheel: $(STAMP)
	scripts/check_wheel.sh $(BIN)/python

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_diagnose.py

bench-serve: $(STAMP)
	$(BIN)/python benchmarks/bench_serve.py

lint-knowledge: $(STAMP)
	$(BIN)/ilr-assistant lint

clean:
	rm -rf $(VENV)
