# smedirectory: `make run` serves the site, `make test` runs the tests.
# Both create the virtual environment in .venv when it is missing.

SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
	&& { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum requirements.txt | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install messages setup run dev test test-postgres bench bench-million lint format lock vendor clean

$(STAMP): requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is required (python3.11, python3.12, python3.13 or python3)."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) ## Create .venv and install the pinned dependencies.

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
	$(BIN)/gunicorn smedirectory.wsgi --bind $(HOST):$(PORT) --workers 2 --access-logfile -

dev: setup ## Django's development server with debug pages and auto-reload.
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: messages ## Lint, check migrations and run the whole test suite.
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: messages ## The suite again on the PostgreSQL at DATABASE_URL (default: local server).
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/smedirectory} \
	TEST_REDIS_URL=$${TEST_REDIS_URL:-redis://127.0.0.1:6379/14} $(BIN)/pytest $(PYTEST_ARGS)

bench: messages ## Benchmark at 100,000 enterprises on SQLite and PostgreSQL (needs wrk).
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

bench-million: messages ## The same at 1,000,000 enterprises.
	$(BIN)/python benchmarks/run.py --enterprises 1000000 $(BENCH_ARGS)

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: ## Re-resolve requirements.txt from pyproject.toml (needs network access to PyPI).
	rm -rf /tmp/smedirectory-lock && $(PYTHON) -m venv /tmp/smedirectory-lock
	/tmp/smedirectory-lock/bin/pip install --quiet ".[dev]"
	/tmp/smedirectory-lock/bin/pip freeze --exclude smedirectory | sed '/^-e /d' > requirements.txt
	rm -rf build *.egg-info

vendor: ## Refresh the front-end files vendored under static/vendor (needs npm).
	npm install --no-save --silent
	cp node_modules/jquery-ui/dist/jquery-ui.min.js node_modules/jquery-ui/LICENSE.txt static/vendor/jquery-ui/

clean:
	rm -rf $(VENV) var/static .pytest_cache .ruff_cache
