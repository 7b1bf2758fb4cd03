# Kreds: `make run` serves a demo on http://127.0.0.1:5000, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
NODE_INSTALLED := client/node_modules/.installed
CLIENT_BUILT := server/static/dist/.built
CATALOGS := $(wildcard server/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=
SOAK_ARGS ?=
PYTHON_CODE := server tests bench
export FLASK_APP := server

.PHONY: run serve install client translations migrate seed test test-postgres lint format hooks bench soak bench-media extract-messages clean

run: install client translations migrate seed serve ## install, build, migrate, seed the demo and serve

serve: ## serve on $(HOST):$(PORT) (eventlet)
	$(BIN)/python -m server --host $(HOST) --port $(PORT)

install: $(INSTALLED)

$(INSTALLED): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

client: $(CLIENT_BUILT)

$(NODE_INSTALLED): client/package.json client/package-lock.json
	cd client && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(CLIENT_BUILT): $(NODE_INSTALLED) $(shell find client/src -type f 2>/dev/null) client/vite.config.ts client/tsconfig.json
	cd client && npm run --silent build
	@touch $@

translations: $(COMPILED)

server/translations/%/LC_MESSAGES/messages.mo: server/translations/%/LC_MESSAGES/messages.po $(INSTALLED)
	$(BIN)/pybabel compile --statistics -i $< -o $@

extract-messages: install ## collect new strings into the catalogues (then translate them)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o server/translations/messages.pot --no-location --sort-output --project=kreds .
	$(BIN)/pybabel update -i server/translations/messages.pot -d server/translations --no-fuzzy-matching --ignore-obsolete

migrate: install
	@mkdir -p instance
	$(BIN)/flask db upgrade

seed: install
	$(BIN)/flask seed-demo

test: install client translations ## every test: client, Python (SQLite, Redis, live servers, browser), then PostgreSQL when it answers
	cd client && npm run --silent test
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m tests.scale.postgres_run --if-reachable $(PYTEST_ARGS)

test-postgres: install client translations ## the database tests against PostgreSQL (KREDS_TEST_DATABASE_URL), in a fresh database
	$(BIN)/python -m tests.scale.postgres_run $(PYTEST_ARGS)

lint: install $(NODE_INSTALLED) ## ruff, mypy, the import rules (docs/architecture.md) and the TypeScript type check
	$(BIN)/ruff check $(PYTHON_CODE)
	$(BIN)/ruff format --check $(PYTHON_CODE)
	$(BIN)/mypy -p server -p bench
	$(BIN)/lint-imports
	cd client && npm run --silent typecheck

format: install ## fix what `make lint` can fix by itself: ruff's fixes and formatting
	$(BIN)/ruff check --fix $(PYTHON_CODE)
	$(BIN)/ruff format $(PYTHON_CODE)

hooks: install ## run `make lint`'s checks before every commit (pre-commit)
	$(BIN)/pre-commit install

bench: install client translations ## capacity and latency benchmark (see docs/benchmarks.md)
	$(BIN)/python -m bench

soak: install client translations ## 2,000 members for 30 minutes: memory, files, latency (docs/benchmarks.md)
	$(BIN)/python -m bench.soak $(SOAK_ARGS)

bench-media: install client translations ## the CPU of background blur and seven-way video in Chromium (see docs/media.md)
	$(BIN)/python -m bench.media_cpu

clean:
	rm -rf $(VENV) client/node_modules server/static/dist instance .pytest_cache .mypy_cache .ruff_cache
