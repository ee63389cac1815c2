# The two commands of README.md, each bootstrapping .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FRONTEND := src/baochi/web/frontend
VENDOR := src/baochi/web/static/vendor/.built
SHARED ?= ../shared/data

.PHONY: run test test-pg lint models bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Front-end libraries from npm (lock file committed), copied into git-ignored static/vendor.
# --prefer-offline takes what npm's cache holds (the lock file pins each tarball's hash) and asks
# the registry only for the rest: without network a warm cache installs in 2 s, not 2 minutes.
$(VENDOR): $(FRONTEND)/package.json $(FRONTEND)/package-lock.json $(FRONTEND)/build.mjs
	cd $(FRONTEND) && npm ci --prefer-offline --no-audit --no-fund --loglevel=error && \
		npm run --silent build
	touch $(VENDOR)

run: $(STAMP) $(VENDOR)
	$(BIN)/baochi run

test: $(STAMP) $(VENDOR)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -q

# The same suite on a throw-away PostgreSQL server on 127.0.0.1 (Debian's postgresql package).
test-pg: $(STAMP) $(VENDOR)
	url=$$(.ci/postgres start) && trap '.ci/postgres stop' EXIT && \
	BAOCHI_TEST_DATABASE_URL=$$url $(BIN)/pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

models: $(STAMP)
	$(BIN)/baochi train --data $(SHARED)

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
