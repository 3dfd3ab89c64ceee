# Digitalakademie – the two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test install translations messages migrate lint test-sqlite test-postgres services bench clean check-wheel

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	bash scripts/test-services.sh --build-deps  # python-ldap is built from source
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/python -c "from academy.translations_build import compile_catalogues; compile_catalogues()"

## after changing user-facing strings: extract them and merge into the German catalogue
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -k lazy_gettext -o academy/translations/messages.pot --no-location --sort-output --omit-header . >/dev/null
	$(BIN)/pybabel update -i academy/translations/messages.pot -d academy/translations -l de --no-fuzzy-matching --width 100

migrate: install
	$(BIN)/flask db upgrade
	$(BIN)/flask academy init

## make run: install, migrate, load demo data into an empty database, serve on :5000
## (the demo city's certificate place and signatory unless the environment sets them)
run: export CERTIFICATE_PLACE ?= Musterstadt
run: export CERTIFICATE_SIGNATORIES ?= [["Dr. Petra Lang", "Leitung Personalentwicklung"]]
run: migrate
	$(BIN)/flask academy demo --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

services:
	bash scripts/test-services.sh

# Two workers (pytest-xdist): each has its own SQLite file, PostgreSQL database and browser.
PYTEST := $(BIN)/pytest -q -p no:cacheprovider -n 2
# The PostgreSQL URL is asked for before pytest starts, so that a failing service stops the
# run instead of leaving TEST_DATABASE_URL empty (which would test SQLite twice).
PG_URL = $$(bash scripts/test-services.sh --url)

test-sqlite: install services
	$(PYTEST)

test-postgres: install services
	url="$(PG_URL)" && TEST_DATABASE_URL="$$url" $(PYTEST)

## make test: install what the tests need, lint, run the whole suite (unit, HTTP, e2e in
## Chromium) on SQLite and on PostgreSQL; exits non-zero if either run fails.
test: install services lint
	@pg_url="$(PG_URL)" || { echo "PostgreSQL test server not available" >&2; exit 1; }; \
	echo "== Tests on SQLite"; \
	sqlite=0; $(PYTEST) || sqlite=$$?; \
	echo "== Tests on PostgreSQL"; \
	postgres=0; TEST_DATABASE_URL="$$pg_url" $(PYTEST) || postgres=$$?; \
	verdict() { if [ "$$1" = 0 ]; then echo passed; else echo "FAILED (pytest exit $$1)"; fi; }; \
	echo "== Summary: SQLite $$(verdict $$sqlite); PostgreSQL $$(verdict $$postgres)"; \
	[ "$$sqlite" = 0 ] && [ "$$postgres" = 0 ]

## the wheel with its dependencies from the index, installed read-only (tests/deploy/test_wheel.py
## runs the same with this environment's dependencies)
check-wheel:
	bash scripts/check-wheel.sh

bench: install
	$(BIN)/python -m bench.pages
	$(BIN)/python -m bench.certificates
	$(BIN)/python -m bench.staff_import
	$(BIN)/python -m bench.demo
	$(BIN)/python -m bench.reports
	$(BIN)/python -m bench.concurrency

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
