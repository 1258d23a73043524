# The two commands of the README: `make run` (the portal with the demo community) and `make test`.
# Both start from `make install`, which other tools use too.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint serve lock browser-tools clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt --editable ".[dev]"
	touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

test: install browser-tools
	$(PY) -m pytest $(PYTEST_ARGS)

# Debian's chromium and axe-core from npm, for the browser tests (installed only when missing).
browser-tools:
	scripts/install-browser-tools

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

# Production: ASGI server with several workers (see README, "Production").
serve: install
	scripts/serve

# Re-pin every transitive dependency after changing pyproject.toml.
lock: install
	$(PY) -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
