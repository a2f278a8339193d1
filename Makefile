# The warehouse of China's government information disclosure annual reports.
#
#   make run    materialise every asset: ingest → dbt (staging, marts, tests) → published copy
#   make test   ruff + pytest (unit tests, dbt parse, and the real CLIs end to end)
#   make dev    the Dagster UI on http://127.0.0.1:3000
#   make docs   dbt docs generate into dbt/target/docs (never Dagster's dbt/target/manifest.json)
#   make docs-serve  serve those docs on http://127.0.0.1:8080 (DOCS_PORT=), generated first if missing
#   make bench  benchmarks on generated corpora (bench/results/<date>.json)
#   make bench-bi  the five BI queries on a generated 2 M-report warehouse (bench/results/<date>-bi-2m.json)
#   make lint   ruff only
#   make bi     the BI site (bi/, docs/bi.md) from WAREHOUSE_PUBLISH_DIR into bi/build; make bi-dev serves it
#   make crawl  collect reports from the portals of CRAWL_CONFIG into WAREHOUSE_LANDING_DIR/<portal>/
#   make clean  remove built data, dbt artifacts, the BI site and the local Dagster instance (keeps .venv)
#
# Needs only python3.11 on PATH: the first run creates .venv from requirements.lock.
# Paths (contract §2): WAREHOUSE_LANDING_DIR, WAREHOUSE_PATH and WAREHOUSE_PUBLISH_DIR from the
# environment (relative ones taken from the directory make runs in), else from warehouse.toml,
# else samples/reports, data/warehouse.duckdb and data/published (dagster_project/settings.py):
# make run, make dev and the ogi-dagster commands resolve them the same way.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := run

PYTHON_BOOT ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SETUP_STAMP := $(VENV)/.setup-stamp

# Given as `make run VAR=...`: to the environment (absolute; dbt runs in dbt/).
$(foreach var,WAREHOUSE_LANDING_DIR WAREHOUSE_PATH WAREHOUSE_PUBLISH_DIR,$(if $(strip $($(var))),\
  $(eval override $(var) := $(abspath $($(var))))$(eval export $(var))))
# Quiet and offline: no telemetry from Dagster or dbt; one Dagster instance, the environment's
# DAGSTER_HOME, else the repo-local one (as ogi-dagster and the tests' helpers decide).
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export DAGSTER_HOME
DAGSTER_YAML := $(DAGSTER_HOME)/dagster.yaml
export DAGSTER_DISABLE_TELEMETRY := 1
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup manifest run test lint dev clean bench docs docs-serve crawl

setup: $(SETUP_STAMP) $(DAGSTER_YAML)

# uv installs the lock in seconds; --compile-bytecode matters (imports cost 2-3x without .pyc).
$(SETUP_STAMP): requirements.lock pyproject.toml
	$(PYTHON_BOOT) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --python $(BIN)/python --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --compile-bytecode --no-deps -e .
	touch $@

# telemetry off, Dagster's default storages (dagster_project.settings.instance_yaml)
$(DAGSTER_YAML): $(SETUP_STAMP) dagster_project/settings.py
	$(BIN)/python -m dagster_project.settings $(DAGSTER_HOME)

# dbt parse (through the offline wrapper) when dbt/target/manifest.json is missing or stale.
manifest: setup
	$(BIN)/python -m dagster_project.dbt_manifest

# Progress lines and a summary; VERBOSE=1 make run: Dagster's whole event log (every DEBUG event) too.
run: manifest
	$(BIN)/python -m dagster_project.materialize

lint: setup
	$(BIN)/ruff check .

# The portals of CRAWL_CONFIG (default crawl/example.yaml) into WAREHOUSE_LANDING_DIR/<portal name>/,
# politely and incrementally (crawl/; settings CRAWL_DELAY_S, CRAWL_MAX_PAGES, … in docs/crawling.md).
# Then make run reads what it collected. Never part of make run or make test: it goes on the network.
$(if $(strip $(CRAWL_CONFIG)),$(eval override CRAWL_CONFIG := $(abspath $(CRAWL_CONFIG)))$(eval export CRAWL_CONFIG))
crawl: setup
	$(BIN)/python -m crawl

# Benchmarks on generated corpora (1,000 and 10,000 reports; BENCH_FULL=1 adds 200,000):
# prints the figures and writes bench/results/<date>.json. Not part of make test.
bench: manifest
	$(BIN)/python -m bench

# The five BI queries on a generated warehouse of 2,000,000 reports (bench/bi_warehouse.py, the
# recipe: ~5 min, ~5 GB under BENCH_BI_DIR), on the star schema and then on the roll-up marts
# that dbt builds on it. The marts take their columns and types from the warehouse make run
# builds (a no-op when it is current). Not part of make test.
BENCH_BI_DIR ?= /tmp/ogi-bench-bi
.PHONY: bench-bi
bench-bi: run
	$(BIN)/python -m bench.bi_warehouse --reports 2000000 --out $(BENCH_BI_DIR)/warehouse.duckdb \
		--template-warehouse "$$($(BIN)/python -m dagster_project.settings --print WAREHOUSE_PATH)" --time --json bench/results/$$(date +%F)-bi-2m.json

test: lint manifest
	$(BIN)/python -m pytest

dev: manifest
	$(BIN)/ogi-dagster dev -h 127.0.0.1 -p 3000 -m dagster_project.definitions

# dbt's docs site in a target path of its own (dbt/target/docs): Dagster's dbt/target/manifest.json
# is never rewritten. The catalog reads the warehouse under the run lock: a running build is waited
# for (WAREHOUSE_LOCK_WAIT_SECONDS) and named, never a lock traceback (dagster_project/dbt_docs.py).
DOCS_PORT ?= 8080
docs: manifest
	$(BIN)/python -m dagster_project.dbt_docs generate

docs-serve: manifest
	$(BIN)/python -m dagster_project.dbt_docs serve --port $(DOCS_PORT)

clean:
	rm -rf data .dagster_home dbt/target dbt/logs .pytest_cache .ruff_cache bi/build

# The BI site (docs/bi.md): Observable Framework pages over the published snapshot, into bi/build
# (npm ci from bi/package-lock.json first, when bi/node_modules is missing or stale). Needs Node.
BI_PORT ?= 3100
.PHONY: bi bi-dev
bi: setup
	$(BIN)/python -m dagster_project.bi_site build

bi-dev: setup
	$(BIN)/python -m dagster_project.bi_site dev --port $(BI_PORT)
