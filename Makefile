# Samverkan: two commands on a fresh machine — `make run` and `make test`.
# Everything is installed from requirements-dev.lock (exact versions with hashes): the
# production set in requirements.lock (what the Docker image installs) plus the tools.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The embedded default is a development set-up: DEBUG on unless the caller says otherwise.
export DEBUG ?= true

.PHONY: help install system setup run sso-demo test test-at e2e lint format check bench smoke messages lock clean

help:
	@echo "make run    set up (virtualenv, migrations, reference and demo data) and serve http://$(HOST):$(PORT)"
	@echo "make test   set up and run the whole test suite (browser tests included)"
	@echo "make sso-demo  a local OpenID Connect provider for Uppsala kommun's \"Logga in med\" button (beside make run)"
	@echo "make test-at AT='2026-12-31 23:45 Europe/Stockholm'  the suite (browser tests aside) with the clock moved"
	@echo "make bench  seed the national-scale data set and print the benchmark table"
	@echo "make smoke  start the production process set (2 gunicorn, worker, beat) and prove it over HTTP"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make messages  extract and compile the translation catalogues"
	@echo "make lock   re-resolve requirements.lock and requirements-dev.lock from pyproject.toml"

$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $(STAMP)

install: $(STAMP)

# Debian packages beside Python (WeasyPrint's Pango; Chromium for the browser tests),
# installed when missing if we may (root with apt-get), otherwise named.
system:
	scripts/system-packages.sh run

setup: install system
	mkdir -p var
	$(MANAGE) migrate --noinput
	$(MANAGE) load_reference_data
	$(MANAGE) load_regional_themes
	$(MANAGE) seed_demo

run: setup
	$(MANAGE) runserver $(HOST):$(PORT)

# A local OpenID Connect provider for trying single sign-on with `make run` (in a second
# terminal): Uppsala kommun gets a "Logga in med" button; pick an account on its page.
SSO_DEMO_PORT ?= 8001
sso-demo: setup
	scripts/sso-test-idp.sh
	$(MANAGE) sso_demo --issuer http://127.0.0.1:$(SSO_DEMO_PORT) --site http://$(HOST):$(PORT)
	node tests/sso/idp.js var/sso-demo-idp.json

test: install
	scripts/system-packages.sh test
	scripts/sso-test-idp.sh
	mkdir -p var
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(BIN)/pytest $$(scripts/pytest-jobs.sh)

# The suite (browser journeys aside) with the clock moved to AT (any `date -d` moment; a zone
# name at the end reads it as that zone's wall clock); ARGS go to pytest.
AT ?= $(shell python3 scripts/clock-moments.py | head -n 1)
test-at: install
	scripts/system-packages.sh test
	scripts/sso-test-idp.sh
	mkdir -p var
	$(MANAGE) collectstatic --noinput --verbosity 0
	scripts/test-at.sh "$(AT)" $(ARGS)

e2e: install
	scripts/system-packages.sh test
	$(BIN)/pytest -m e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install
	$(MANAGE) makemigrations --check --dry-run
	$(MANAGE) check

# The benchmarks run on their own database (national-scale data, created if missing, seeded
# once) and Redis database, never the demo ones; the app is served by gunicorn with production
# settings and loaded with wrk (see bench/run.py).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/samverkan_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
BENCH_ENV := DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL)
bench: install
	scripts/system-packages.sh test
	mkdir -p var
	$(BENCH_ENV) $(PY) -m bench.database
	$(BENCH_ENV) $(MANAGE) migrate --noinput --verbosity 0
	$(BENCH_ENV) $(MANAGE) load_reference_data
	$(BENCH_ENV) $(PY) -m bench.run $(ARGS)

# The production smoke: a database and a Redis database of its own (created and flushed,
# dropped after), two gunicorn web processes, a Celery worker and beat with production
# settings, a real SMTP server; checked over HTTP (see scripts/smoke.py).
SMOKE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/postgres
SMOKE_REDIS_URL ?= redis://127.0.0.1:6379/12
smoke: install system
	SMOKE_DATABASE_URL=$(SMOKE_DATABASE_URL) SMOKE_REDIS_URL=$(SMOKE_REDIS_URL) $(PY) scripts/smoke.py

messages: install
	$(MANAGE) makemessages --locale sv --locale en --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --ignore 'staticfiles/*' --ignore 'tests/sso/node_modules/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.12 -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml --extra dev -c requirements.lock --generate-hashes --universal --python-version 3.12 -o requirements-dev.lock

clean:
	rm -rf $(VENV) var staticfiles
