# Tonearm: `make run` serves everything on the embedded default; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
REDIS_URL ?= redis://127.0.0.1:6379/0
# pytest-xdist workers, each with its own database, data folder and Redis database number
# (at most 15 on a default Redis). On 2 cores 2 was fastest: 3 and 4 only add contention.
TEST_WORKERS ?= 2
PYTEST := $(PY) -m pytest -q -n $(TEST_WORKERS)

WEB_SRC := $(shell find web/src web/public web/index.html web/vite.config.ts web/package.json web/tsconfig*.json -type f 2>/dev/null)

.PHONY: run install test test-sqlite test-postgres test-web check-web-client lint bench web web-client clean

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"
	touch $@

install: $(VENV)/.installed

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SRC)
	cd web && npm run build

web: web/dist/index.html

run: install web
	$(VENV)/bin/tonearm serve

test: install check-web-client test-sqlite test-postgres test-web

# The committed typed client must match what our OpenAPI document generates.
check-web-client: install web/node_modules/.installed
	@tmp=$$(mktemp -d); \
	$(VENV)/bin/tonearm openapi > $$tmp/openapi.json && \
	(cd web && npx openapi-typescript $$tmp/openapi.json -o $$tmp/schema.d.ts >/dev/null) && \
	if ! diff -q $$tmp/openapi.json web/openapi.json >/dev/null || ! diff -q $$tmp/schema.d.ts web/src/api/schema.d.ts >/dev/null; then \
		echo "web client is stale: run 'make web-client' and commit" >&2; rm -rf $$tmp; exit 1; fi; \
	rm -rf $$tmp; echo "web client is up to date"

web-client: install web/node_modules/.installed
	$(VENV)/bin/tonearm openapi > web/openapi.json
	cd web && npm run gen:api

test-web: install web
	cd web && npm test
	cd web && TONEARM_PYTHON=$(abspath $(PY)) npm run e2e

test-sqlite: install
	$(PYTEST)

# Runs when PostgreSQL and Redis answer; in CI (CI=1) they must answer.
test-postgres: install
	@if $(PY) -m tests.services_up "$(PG_URL)" "$(REDIS_URL)"; then \
		TONEARM_TEST_DATABASE_URL="$(PG_URL)" TONEARM_TEST_REDIS_URL="$(REDIS_URL)" $(PYTEST); \
	elif [ -n "$$CI" ]; then echo "PostgreSQL/Redis not reachable in CI" >&2; exit 1; \
	else echo "skipping the PostgreSQL + Redis run: services not reachable"; fi

lint: install
	$(VENV)/bin/ruff check src tests migrations bench tools
	$(VENV)/bin/ruff format --check src tests migrations bench tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-logo

bench: install
	@for f in bench/*.py; do echo "== $$f"; $(PY) $$f || exit 1; done

clean:
	rm -rf $(VENV) web/node_modules web/dist .pytest_cache .mypy_cache .ruff_cache
