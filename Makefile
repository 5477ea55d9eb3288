# The two commands of the README:
#   make demo   set up and run the demo marketplace on http://127.0.0.1:8000 (SQLite)
#   make test   set up and run the tests (lint, import contracts, pytest on SQLite)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: demo test install lint test-browser test-topology

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/entrepot demo $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

test: lint
	$(BIN)/pytest $(PYTEST_ARGS)

# needs Debian's chromium and fonts-wqy-microhei (.ci/run installs them)
test-browser: $(STAMP)
	$(BIN)/pytest -m browser tests/browser --liveserver=127.0.0.1 $(PYTEST_ARGS)

# the production topology (Procfile, `entrepot topology`) and the read replica; needs
# DATABASE_URL=postgres://... and REDIS_URL=redis://... (.ci/run sets them)
test-topology: $(STAMP)
	$(BIN)/pytest -m topology tests/topology $(PYTEST_ARGS)
