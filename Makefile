# kubeplay: install, run, test, bench.
#
# `make install` is idempotent and quick when nothing changed: each step leaves a stamp file that
# is newer than what it was built from (pyproject.toml for Python, package-lock.json for npm, the
# front-end sources for the bundle), and Chromium is a file target (/usr/bin/chromium).

PYTHON   ?= python3
VENV     := .venv
PY       := $(VENV)/bin/python
CHROMIUM := /usr/bin/chromium

PY_STAMP   := $(VENV)/.kubeplay-installed
NPM_STAMP  := node_modules/.kubeplay-installed
DIST_STAMP := static/dist/.kubeplay-built
FRONT_SRC  := $(shell find static/src static/css -type f 2>/dev/null)

# the front end is optional for a checkout that has no package.json yet
NPM_STEPS := $(if $(wildcard package.json),$(NPM_STAMP) $(DIST_STAMP))

.PHONY: install run test bench clean

install: $(PY_STAMP) $(NPM_STEPS) $(CHROMIUM)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(PY_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

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

run: install
	$(PY) -m server --host 127.0.0.1 --port 8080 --data-dir data

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest

bench: install
	@for f in bench/*.py; do echo "== $$f"; PYTHONPATH=$(CURDIR) $(PY) $$f || exit 1; done

clean:
	rm -rf static/dist $(PY_STAMP) $(NPM_STAMP)
