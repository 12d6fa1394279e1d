# Two commands on a fresh machine: `make run` and `make test`. Everything else is a helper they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup setup-dev migrate seed worker beat lint format check bench browser audit clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is required"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $(VENV)/.runtime $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

migrate: setup
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

## make run: set up, migrate, load the demo mission, print the demo logins, then serve on http://127.0.0.1:8000
## with a real Celery worker and beat on the embedded broker (var/broker/); Ctrl-C stops all three
run: seed
	$(BIN)/python manage.py demo_logins
	$(BIN)/python manage.py serve $(HOST):$(PORT)

## the parts of `make run` one at a time (e.g. a worker on another machine sharing REDIS_URL and DATABASE_URL)
worker: setup
	$(BIN)/celery -A config worker --queues default,reports,planning,imports --loglevel INFO

beat: setup
	$(BIN)/celery -A config beat --loglevel INFO

## make test: set up and run the whole suite (PostgreSQL / Redis when DATABASE_URL / REDIS_URL are set), in parallel:
## one pytest-xdist worker per core, each with its own test database and broker (TEST_WORKERS=0 runs it serially)
TEST_WORKERS ?= auto
test: setup-dev
	$(BIN)/python manage.py check --settings=config.settings.test
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings.test
	$(BIN)/ruff check .
	$(BIN)/pytest -q -n $(TEST_WORKERS) $(PYTEST_ARGS)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench: benchmarks on PostgreSQL and Redis; prints the table and writes bench/results.json (see bench/README.md)
## (SCALE=tiny|standard|large: large adds compiling 1,000,000 forms; BENCH_ARGS="--only ingest,pages --seconds 10")
SCALE ?= standard
bench: export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/eom_bench
bench: export REDIS_URL ?= redis://127.0.0.1:6379/5
bench: export DJANGO_SETTINGS_MODULE = config.settings.bench
bench: setup-dev
	$(BIN)/python -m bench.prepare
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python -m bench --scale $(SCALE) $(BENCH_ARGS)

## make audit: known vulnerabilities in the pinned dependencies (pip-audit) and a static security scan (bandit)
audit: setup-dev
	$(BIN)/bandit -q -c pyproject.toml -r .
	@log=$$(mktemp); \
	$(BIN)/pip-audit --strict --progress-spinner off -r requirements.txt -r requirements-dev.txt >$$log 2>&1; status=$$?; \
	if grep -q "^Found [0-9]* known vulnerabilit" $$log; then cat $$log; rm -f $$log; exit 1; fi; \
	if [ $$status -ne 0 ] && grep -q "could not be audited" $$log; then \
		echo "make audit: PyPI's vulnerability data is not reachable from this machine ($$(grep -m1 'could not be audited' $$log))." >&2; \
		echo "            The dependencies were NOT audited. Run 'make audit' where https://pypi.org/pypi/<name>/<version>/json answers (this environment's PyPI mirror has no vulnerability data)." >&2; \
		rm -f $$log; test "$$EOM_REQUIRE_SERVICES" != "1"; \
	else cat $$log; rm -f $$log; exit $$status; fi

## Debian's chromium for the real-browser tests (needs root; skipped by the suite when absent)
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
