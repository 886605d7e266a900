# Shanxi Zone Atlas: the two commands a newcomer needs are `make serve` and `make test`.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: serve test test-fast bench lint format boundaries dataset clean system-deps bench-deps

# Debian's own python3.11 ships venv/ensurepip separately (python3.11-venv): install it
# when venv creation fails and we may (root with apt), else say what is missing.
$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "error: $(PYTHON) not found (set PYTHON=...)"; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3.11-venv >/dev/null \
	    && $(PYTHON) -m venv $(VENV); \
	  else echo "error: '$(PYTHON) -m venv' failed: install python3.11-venv"; exit 1; fi; }
	$(BIN)/python -m pip install --quiet --upgrade pip

# A stamp per extra so a changed pyproject.toml reinstalls.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-run

serve: $(VENV)/.installed-run
	$(BIN)/sxmap serve --host $(HOST) --port $(PORT)

# Debian packages the tests drive: chromium (browser tests; Playwright never downloads a
# browser here), gdal-bin (ogrinfo/ogr2ogr against our OGC API), and PostgreSQL with
# PostGIS (the store's second engine: the tests start a throwaway server on a Unix socket
# as an unprivileged user and stop it; nothing listens on a TCP port).
SYSTEM_DEPS := chromium:chromium ogrinfo:gdal-bin
system-deps:
	@missing=""; for pair in $(SYSTEM_DEPS); do \
	  command -v $${pair%%:*} >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1 || missing="$$missing postgis"; \
	if [ -z "$$missing" ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian packages for the tests:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else echo "warning: missing$$missing and not root: their tests will be skipped"; fi

# axe-core (npm) for the accessibility checks of the browser tests; they skip without it.
AXE := .npm/node_modules/axe-core/axe.min.js
$(AXE):
	@command -v npm >/dev/null 2>&1 && npm install --silent --no-audit --no-fund --prefix .npm axe-core@4 \
	  || echo "warning: npm or the registry unavailable: accessibility tests will be skipped"

test: $(VENV)/.installed-test system-deps $(AXE)
	$(BIN)/python -m pytest

test-fast: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m "not browser and not slow"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check geo webmap boundaries tests bench
	$(BIN)/ruff format --check geo webmap boundaries tests bench

format: $(VENV)/.installed-test
	$(BIN)/ruff format geo webmap boundaries tests
	$(BIN)/ruff check --fix geo webmap boundaries tests

boundaries: $(VENV)/.installed-test
	$(BIN)/sxmap boundaries build

# The peer for the OGC API benchmark lives in its own venv, so its pins never touch ours.
BENCH_VENV ?= .venv-bench
$(BENCH_VENV)/bin/pygeoapi:
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/pip install --quiet pygeoapi==0.21.0 gunicorn==23.0.0

bench-deps:
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
	  || echo "warning: wrk missing: throughput figures will be skipped"

bench: $(VENV)/.installed-test $(BENCH_VENV)/bin/pygeoapi bench-deps system-deps
	PYGEOAPI_VENV=$(BENCH_VENV) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(BENCH_VENV) .npm .pytest_cache build *.egg-info
