# Every target installs what it needs first, so each works on a fresh clone.
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
ASSETS := web/static/build/.built
# Browser tests drive Debian's Chromium through Playwright (never Playwright's own browser builds).
CHROMIUM := /usr/bin/chromium
SUDO   := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)

.PHONY: install assets run lint test bench bench-web clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Front-end packages come from npm at install time and are bundled into web/static/build.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

$(ASSETS): node_modules/.package-lock.json web/static/build.mjs $(wildcard web/static/src/*.js web/static/src/*.mjs)
	npm run build
	touch $(ASSETS)

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium

install: $(STAMP) $(ASSETS) $(CHROMIUM)

assets: $(ASSETS)

# A local secret for `make run`, made once and kept (owner-only): sessions survive a restart and the
# public development key is never what signs them. SAMSPIL_SECRET_KEY set in the environment wins.
SECRET_FILE := instance/secret_key
WITH_SECRET := SAMSPIL_SECRET_KEY="$${SAMSPIL_SECRET_KEY:-$$(cat $(SECRET_FILE))}"

$(SECRET_FILE):
	mkdir -p instance
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@.tmp && mv $@.tmp $@

run: install $(SECRET_FILE)
	$(WITH_SECRET) $(VENV)/bin/samspil init
	$(WITH_SECRET) $(VENV)/bin/samspil deploy processes
	$(WITH_SECRET) $(VENV)/bin/samspil demo
	# A one-time link that logs a demo young person in to Min Plan (never in production).
	$(WITH_SECRET) $(VENV)/bin/samspil youth invite --demo
	# The worker fires due follow-ups and escalations and sends mail while the app is served.
	export $(WITH_SECRET); $(VENV)/bin/samspil worker --interval 60 & worker=$$!; trap 'kill $$worker' EXIT INT TERM; \
	$(VENV)/bin/samspil serve --host 127.0.0.1 --port 5000

# ruff (with import sorting) and mypy, both configured in pyproject.toml; `make test` runs them first.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

test: lint
	$(PY) -m pytest

bench: install
	$(PY) -m bench

# The web app under load: gunicorn (2 workers) + PostgreSQL, driven over HTTP (see BENCHMARKS.md).
bench-web: install
	$(PY) -m bench.web_load --markdown

clean:
	rm -rf $(VENV) instance test-artifacts .pytest_cache node_modules web/static/build
