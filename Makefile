# Two commands for a fresh clone (only Python 3.11+ and make needed):
#   make run    install, migrate, load the demo clinic, serve on http://127.0.0.1:5000
#   make test   install with the dev extras and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_DEBUG=1 $(BIN)/flask --app clinic
PYTEST_ARGS ?=

.PHONY: run test test-postgres install install-dev lint bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-new
	@echo "Knotwork is on http://127.0.0.1:5000 (Ctrl+C stops it)"
	$(FLASK) run --host 127.0.0.1 --port 5000 --no-debugger --no-reload

test: install-dev
	$(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)

# The same whole suite against PostgreSQL (CI and developer machines with a local server).
test-postgres: install-dev
	CLINIC_TEST_DATABASE_URL=$${CLINIC_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench-load: install-dev
	$(BIN)/python bench/load.py

bench: install-dev
	for script in bench/screening.py bench/frequency.py bench/aftercare_pdf.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .coverage htmlcov
