# Works from any directory: every recipe runs in the project root.
ROOT := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
VENV := $(ROOT)/.venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

# Python 3.12+: pyenv's python3.12 shim answers here because .python-version names it.
PYTHON ?= $(shell cd "$(ROOT)" && for p in python3.12 python3.13 python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)

# Development defaults for the local commands; a real deployment sets its own.
DEV_ENV := DEBUG=$${DEBUG:-1}

BENCH_ROWS ?= 10000 100000

.PHONY: install lock lock-check run serve test test-programs lint format migrations-check messages check clean bench bench-pages

# Every dependency, dev tools included, pinned with hashes: what `make install` installs.
LOCK := $(ROOT)/requirements.lock
# The lock's own tool, pinned here (it is not a dependency of the registry).
UV_VERSION ?= 0.13.9
UV := $(VENV)/bin/uv
# One package to move to its newest allowed version: make lock UPGRADE=django
UPGRADE ?=
LOCK_COMPILE = cd "$(ROOT)" && $(UV) pip compile pyproject.toml --extra dev --generate-hashes \
	--python-version 3.12 --custom-compile-command "make lock" --quiet \
	$(if $(UPGRADE),--upgrade-package $(UPGRADE))

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is required" >&2; exit 1; }
	cd "$(ROOT)" && $(PYTHON) -m venv "$(VENV)"

$(VENV)/.installed: $(ROOT)/pyproject.toml $(LOCK) | $(BIN)/python
	cd "$(ROOT)" && $(BIN)/python -m pip install --quiet --upgrade pip
	cd "$(ROOT)" && $(BIN)/python -m pip install --quiet --require-hashes -r "$(LOCK)"
	cd "$(ROOT)" && $(BIN)/python -m pip install --quiet --no-deps -e .
	touch "$@"

install: $(VENV)/.installed

$(UV): | $(BIN)/python
	$(BIN)/python -m pip install --quiet "uv==$(UV_VERSION)"

# Resolves pyproject.toml again, keeping every pin the lock has that still fits:
# after adding or changing a dependency, or with UPGRADE=package to move one.
lock: | $(UV)
	$(LOCK_COMPILE) --output-file "$(LOCK)"

# The lock holds what pyproject.toml asks for, no more and no less (CI runs it).
lock-check: | $(UV)
	@tmp=$$(mktemp) && cp "$(LOCK)" "$$tmp" && $(LOCK_COMPILE) --output-file "$$tmp" \
		&& if diff -u "$(LOCK)" "$$tmp"; then rm -f "$$tmp"; else rm -f "$$tmp"; \
		echo "requirements.lock does not match pyproject.toml: run make lock" >&2; exit 1; fi

run: install
	cd "$(ROOT)" && $(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	cd "$(ROOT)" && $(DEV_ENV) $(BIN)/python manage.py load_registry_data
	# The import worker (manage.py db_worker) runs beside the server and stops with it;
	# it does not reload itself: restart after changing import code.
	cd "$(ROOT)" && { $(DEV_ENV) $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap 'kill $$worker' EXIT INT TERM; \
		$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT); }

# Production mode: needs SECRET_KEY, DATABASE_URL and ALLOWED_HOSTS in the environment
# (see README, Deployment). Migrations are a separate step, run once per upgrade.
serve: install
	cd "$(ROOT)" && $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	# Admin imports run in the worker (manage.py db_worker), beside gunicorn; more
	# workers may run on any machine that shares the database.
	cd "$(ROOT)" && { $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
		trap 'kill $$worker' EXIT INT TERM; \
		$(BIN)/gunicorn kkkregistry.wsgi --bind $(HOST):$(PORT) \
		--workers $${WEB_CONCURRENCY:-3} --access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"; }

# The browser tests drive Debian's Chromium and the shared page cache test starts a
# redis-server: installed here when this is root with apt-get, else named and refused.
TEST_PROGRAMS := chromium redis-server

test-programs:
	@missing=""; for program in $(TEST_PROGRAMS); do \
		command -v $$program >/dev/null 2>&1 || missing="$$missing $$program"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "== installing$$missing for the tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing >/dev/null \
				|| { echo "Installing$$missing failed; run: sudo apt-get install -y$$missing" >&2; exit 1; }; \
		else \
			echo "The tests need$$missing. Install with: sudo apt-get install -y$$missing" >&2; exit 1; \
		fi; \
	fi

# Every core runs tests (pytest-xdist), then the load test runs alone: it measures
# answers under load, and the other cores' tests would be load of their own.
test: install lock-check test-programs
	cd "$(ROOT)" && $(BIN)/python -m pytest $(PYTEST_ARGS)
	cd "$(ROOT)" && $(BIN)/python -m pytest -m load -n 0

lint: install
	cd "$(ROOT)" && $(BIN)/ruff check . && $(BIN)/ruff format --check .

format: install
	cd "$(ROOT)" && $(BIN)/ruff check --fix . && $(BIN)/ruff format .

migrations-check: install
	cd "$(ROOT)" && $(DEV_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

messages: install
	cd "$(ROOT)" && $(DEV_ENV) $(BIN)/python manage.py makemessages -l pl -l en --ignore=.venv --no-obsolete
	cd "$(ROOT)" && $(DEV_ENV) $(BIN)/python manage.py compilemessages --ignore=.venv

BENCH_SIZES ?= builtin 1000 10000 100000

# Import throughput beside bare bulk_create, then the public pages and the admin
# changelist at each size; both write bench/results.json (git-ignored).
bench: install
	cd "$(ROOT)" && for rows in $(BENCH_ROWS); do $(BIN)/python bench/import_bench.py --rows $$rows || exit 1; done
	cd "$(ROOT)" && $(BIN)/python bench/kinds_bench.py --rows 10000
	cd "$(ROOT)" && $(BIN)/python bench/pages_bench.py --sizes $(BENCH_SIZES)

# Public pages under gunicorn beside a trivial view, queries per page, admin changelist.
bench-pages: install
	cd "$(ROOT)" && $(BIN)/python bench/pages_bench.py --sizes $(BENCH_SIZES)

check: lint migrations-check test

clean:
	rm -rf "$(VENV)" "$(ROOT)/db.sqlite3" "$(ROOT)/staticfiles"
