# Tonearm: `make run` serves everything on the embedded default; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0

.PHONY: run install test test-sqlite test-postgres lint bench web web-client clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

run: install
	$(VENV)/bin/tonearm serve

test: install test-sqlite test-postgres

test-sqlite: install
	$(PY) -m pytest -q

# Runs when PostgreSQL and Redis answer; in CI (CI=1) they must answer.
test-postgres: install
	@if $(PY) -m tests.services_up "$(PG_URL)" "$(REDIS_URL)"; then \
		TONEARM_TEST_DATABASE_URL="$(PG_URL)" TONEARM_TEST_REDIS_URL="$(REDIS_URL)" $(PY) -m pytest -q; \
	elif [ -n "$$CI" ]; then echo "PostgreSQL/Redis not reachable in CI" >&2; exit 1; \
	else echo "skipping the PostgreSQL + Redis run: services not reachable"; fi

lint: install
	$(VENV)/bin/ruff check src tests migrations bench
	$(VENV)/bin/ruff format --check src tests migrations bench
	$(VENV)/bin/mypy

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) web/node_modules web/dist .pytest_cache .mypy_cache .ruff_cache
