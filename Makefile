# smedirectory: `make run` serves the site, `make test` runs the tests.
# Both create the virtual environment in .venv when it is missing.

SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
RUNTIME := $(VENV)/.runtime-$(shell cksum requirements.txt | cut -d' ' -f1)
DEVTOOLS := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
# Tests use every core (pytest-xdist); PYTEST_WORKERS=0 runs them in this process.
PYTEST_WORKERS ?= auto
HOST ?= 127.0.0.1
PORT ?= 8000
BENCH_ENTERPRISES ?= 1000000
BENCH_FEEDS_ENTERPRISES ?= 100000

.PHONY: install install-dev messages setup run dev test test-postgres bench bench-million bench-import bench-feeds bench-release bench-download lint format lock vendor clean

define venv
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (python3.11, python3.12, python3.13 or python3)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
endef

$(RUNTIME): requirements.txt
	$(venv)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.runtime-* && touch $@

$(DEVTOOLS): $(RUNTIME) requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.dev-* && touch $@

install: $(RUNTIME) ## Create .venv with what production runs (no test tools).

install-dev: $(DEVTOOLS) ## Add the test, lint and demo-data tools (make test does this).

messages: install ## Compile the translation catalogues (pure Python, no gettext needed).
	$(BIN)/python manage.py compile_translations

setup: messages ## Migrate the database, load the curated directory, collect static files.
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_directory
	$(BIN)/python manage.py rebuild_search_index --missing --verbosity 0
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py ensure_admin

run: setup ## Serve the site with production settings on http://$(HOST):$(PORT)
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C to stop)"
	DJANGO_SECURE_SSL_REDIRECT=$${DJANGO_SECURE_SSL_REDIRECT:-0} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-localhost,127.0.0.1,[::1]} \
	$(BIN)/gunicorn smedirectory.wsgi --bind $(HOST):$(PORT) --workers 2 --worker-class gthread --threads 4 --access-logfile -

dev: setup ## Django's development server with debug pages and auto-reload.
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev messages ## Lint, check migrations and run the whole test suite.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-postgres: install-dev messages ## The suite again on the PostgreSQL at DATABASE_URL (default: local server).
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/smedirectory} \
	TEST_REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/14} $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install-dev messages ## Benchmark at 100,000 enterprises on SQLite and PostgreSQL (needs wrk).
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

bench-million: install-dev messages ## The same at 1,000,000 enterprises.
	$(BIN)/python benchmarks/run.py --enterprises 1000000 $(BENCH_ARGS)

bench-feeds: install-dev messages ## Time the sitemap files and feeds at 100,000 enterprises on SQLite and PostgreSQL.
	$(BIN)/python benchmarks/feeds_sitemaps.py --enterprises $(BENCH_FEEDS_ENTERPRISES)
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS bench_feeds" -c "CREATE DATABASE bench_feeds"
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feeds \
		$(BIN)/python benchmarks/feeds_sitemaps.py --enterprises $(BENCH_FEEDS_ENTERPRISES)
bench-release: install-dev messages ## publish_release at 1,000,000 demo enterprises (SQLite; seeded once into var/bench/).
	$(BIN)/python benchmarks/release.py --enterprises 1000000 --reuse

bench-import: install-dev messages ## Review a 5,000-row official list against 1,000,000 enterprises on SQLite and PostgreSQL.
	$(BIN)/python benchmarks/import_list.py --enterprises $(BENCH_ENTERPRISES)
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS bench_list" -c "CREATE DATABASE bench_list"
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_list \
		$(BIN)/python benchmarks/import_list.py --enterprises $(BENCH_ENTERPRISES)

bench-download: install-dev messages ## Download the whole enterprise list as CSV at 1,000,000 enterprises through gunicorn, on SQLite and PostgreSQL.
	$(BIN)/python benchmarks/download.py --enterprises $(BENCH_ENTERPRISES) --reuse
	psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS bench_download" -c "CREATE DATABASE bench_download"
	DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_download \
		$(BIN)/python benchmarks/download.py --enterprises $(BENCH_ENTERPRISES)

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: ## Re-resolve both pin files from pyproject.toml (needs network access to PyPI).
	rm -rf /tmp/smedirectory-lock && $(PYTHON) -m venv /tmp/smedirectory-lock
	/tmp/smedirectory-lock/bin/pip install --quiet .
	{ echo "# Runtime pins: what production installs (make run). Regenerate with make lock."; \
	  /tmp/smedirectory-lock/bin/pip freeze --exclude smedirectory | sed '/^-e /d'; } > requirements.txt
	/tmp/smedirectory-lock/bin/pip install --quiet ".[dev]" -c requirements.txt
	{ echo "# Development pins: the runtime pins plus the test and lint tools (make test). Regenerate with make lock."; \
	  echo "-r requirements.txt"; /tmp/smedirectory-lock/bin/pip freeze --exclude smedirectory \
	  | sed '/^-e /d' | grep -vxFf requirements.txt; } > requirements-dev.txt
	rm -rf build *.egg-info

vendor: ## Refresh the front-end files vendored under static/vendor and tests/browser/vendor (needs npm).
	npm install --no-save --silent
	cp node_modules/jquery-ui/dist/jquery-ui.min.js node_modules/jquery-ui/LICENSE.txt static/vendor/jquery-ui/
	mkdir -p static/vendor/echarts
	cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE static/vendor/echarts/
	mkdir -p tests/browser/vendor
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE tests/browser/vendor/

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
