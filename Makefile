# Two commands for a fresh clone (only Python 3.11+ and make needed):
#   make run    install, migrate, load the demo clinic, serve on http://127.0.0.1:5000 with the worker
#   make test   install with the dev extras and run the whole suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := FLASK_DEBUG=1 $(BIN)/flask --app clinic
PYTEST_ARGS ?=

.PHONY: run test coverage test-postgres test-clocks install install-dev lint bench bench-load clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# setuptools prints a framed warning about editable installs on every install: not ours to act on.
PIP_INSTALL := PYTHONWARNINGS=ignore $(BIN)/pip install --quiet

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(PIP_INSTALL) -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(PIP_INSTALL) -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-new
	@echo "Knotwork is on http://127.0.0.1:5000 with its message worker (Ctrl+C stops both)"
	@$(FLASK) worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(FLASK) run --host 127.0.0.1 --port 5000 --no-debugger --no-reload

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The suite with the coverage report (about half as much CPU again as the tests: not in `make test`,
# which CI runs beside PostgreSQL's run on two cores).
coverage: install-dev
	$(BIN)/python -m pytest --cov --cov-report=term $(PYTEST_ARGS)

# The same whole suite against PostgreSQL (CI and developer machines with a local server).
test-postgres: install-dev
	CLINIC_TEST_DATABASE_URL=$${CLINIC_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} \
		$(BIN)/python -m pytest $(PYTEST_ARGS)

# The date-sensitive tests again at awkward instants of the tests' own clock (CLINIC_TEST_NOW, see
# tests/conftest.py): Monday 08:00, Sunday 23:30 and New Year's Eve 23:59 in London, 29 February, and
# the days the clocks go forward and back (during the repeated or just after the skipped hour).
CLOCKS := 2027-01-04T08:00:00+00:00 2027-01-10T23:30:00+00:00 2026-12-31T23:59:00+00:00 \
	2028-02-29T10:00:00+00:00 2027-03-28T02:30:00+00:00 2027-10-31T00:30:00+00:00
DATE_SENSITIVE := tests/test_clock.py tests/test_schedule.py tests/test_schedule_views.py \
	tests/test_schedule_followups.py tests/test_calendar_grid.py tests/test_recall.py \
	tests/test_intake_links.py tests/test_sessions.py tests/test_ical.py \
	tests/messages/test_reminders.py tests/messages/test_questionnaire_and_recall.py tests/test_password_reset.py \
	tests/e2e/test_calendar_keys.py tests/e2e/test_front_desk_journey.py tests/e2e/test_therapist_journey.py \
	tests/e2e/test_messages_journey.py

# Two instants at a time (CLOCK_JOBS): each run keeps one core busy. A failing instant prints its output.
CLOCK_JOBS ?= 2

test-clocks: install-dev
	@printf '%s\n' $(CLOCKS) | xargs -P $(CLOCK_JOBS) -I{} sh -c '\
		out=$$(mktemp); \
		if CLINIC_TEST_NOW={} $(BIN)/python -m pytest -q -p no:randomly -p no:cacheprovider \
			$(DATE_SENSITIVE) $(PYTEST_ARGS) >$$out 2>&1; \
		then echo "== clock at {}: $$(tail -n 1 $$out)"; rm -f $$out; \
		else echo "== clock at {}: FAILED"; cat $$out; rm -f $$out; exit 1; fi' 

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench-load: install-dev
	$(BIN)/python bench/load.py

bench: install-dev
	for script in bench/screening.py bench/frequency.py bench/aftercare_pdf.py bench/search_fold.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .coverage htmlcov
