# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
MANAGE := $(BIN)/python manage.py
CATALOGUE_LANGUAGES := km th vi lo
MO := $(foreach lang,$(CATALOGUE_LANGUAGES),portal/locale/$(lang)/LC_MESSAGES/django.mo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install setup lint check browser-deps clean

$(STAMP): pyproject.toml package.json package-lock.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (set PYTHON=/path/to/python3.11)")'
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP) $(MO)

# Interface strings in Khmer, Thai, Vietnamese and Lao (gettext's msgfmt ships with Debian's base
# image); --check refuses a catalogue whose format strings or header do not match.
portal/locale/%/LC_MESSAGES/django.mo: portal/locale/%/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

## Set up (venv, migrate SQLite, reference + demo data once, admin account) and serve on :8000,
## with the background task worker and the scheduler beside the web server (Ctrl-C stops all).
run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) setup_portal --base-url http://$(HOST):$(PORT)
	$(MANAGE) run_portal $(HOST):$(PORT)

## Run the whole test suite (SQLite unless DATABASE_URL says otherwise).
test: install browser-deps
	$(BIN)/pytest

## Headless Chromium for the browser tests (Debian's package; Playwright's own download does not work here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || bash scripts/install-chromium

lint: install
	$(BIN)/ruff check .

check: install
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media static_collected .pytest_cache .ruff_cache
