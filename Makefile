# kubeplay: install, run, test, bench.
#
# `make install` is idempotent and quick when nothing changed: each step leaves a stamp file that
# is newer than what it was built from (requirements.lock for Python, package-lock.json for npm, the
# front-end sources for the bundle), and Chromium is a file target (/usr/bin/chromium).
#
# Python packages come from requirements.lock (exact versions with hashes, for Python 3.11 on any
# platform), so a new machine installs what the last `make lock` resolved, never a newer release.
# `make lock` re-resolves pyproject.toml's ranges to today's newest releases, on purpose. The
# project itself is not installed: tests, `python -m server` and the benches run from the checkout.

PYTHON   ?= python3
VENV     := .venv
PY       := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium
# the shell tests compare sim/sh.py with the real busybox ash (dash and bash are in every Debian)
BUSYBOX  := /usr/bin/busybox
REDIS    := /usr/bin/redis-server
POSTGRES := /usr/lib/postgresql
NGINX    := /usr/sbin/nginx

PY_STAMP   := $(VENV)/.kubeplay-installed
NPM_STAMP  := node_modules/.kubeplay-installed
DIST_STAMP := static/dist/.kubeplay-built
FRONT_SRC  := $(shell find static/src static/css -type f 2>/dev/null)

# the front end is optional for a checkout that has no package.json yet
NPM_STEPS := $(if $(wildcard package.json),$(NPM_STAMP) $(DIST_STAMP))

.PHONY: install run test bench clean lock

install: $(PY_STAMP) $(NPM_STEPS) $(CHROMIUM)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): requirements.lock pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

# re-resolve the lock (uv is used only here, to resolve with hashes for every platform)
lock: | $(PY)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --generate-hashes --universal \
		--python-version 3.11 --upgrade -o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --generate-hashes --universal --python-version 3.11 \
		--constraint requirements.lock -o requirements-serve.lock

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

$(DIST_STAMP): $(NPM_STAMP) package.json $(FRONT_SRC)
	npm run build
	touch $@

# Playwright drives the Debian chromium (no browser download); we run as root in CI
$(CHROMIUM):
	apt-get update
	apt-get install -y chromium

$(BUSYBOX):
	apt-get update
	apt-get install -y busybox

# the scale-out tests start a real Redis, PostgreSQL and nginx router of their own (tests/services.py)
$(REDIS):
	apt-get update
	apt-get install -y redis-server

$(POSTGRES):
	apt-get update
	apt-get install -y postgresql

$(NGINX):
	apt-get update
	apt-get install -y nginx

run: install
	$(PY) -m server --host 127.0.0.1 --port 8080 --data-dir data

# the tests run on every core (pytest-xdist: one worker per core, `make test TEST_WORKERS=1` for
# one); --dist loadfile keeps a test file in one worker, so its module fixtures are built once
TEST_WORKERS ?= auto

test: install $(BUSYBOX) $(REDIS) $(POSTGRES) $(NGINX)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist loadfile

bench: install
	@for f in bench/*.py; do echo "== $$f"; PYTHONPATH=$(CURDIR) $(PY) $$f || exit 1; done

clean:
	rm -rf static/dist $(PY_STAMP) $(NPM_STAMP)
