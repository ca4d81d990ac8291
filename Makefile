# Two commands on a fresh clone: `make run` and `make test`. Everything else is set up on the way.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CHILDREN ?= 35000

export DAGSTER_HOME := $(CURDIR)/.dagster_home
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: install manifest system-packages browser run test portability ui sql docs lint format bench bench-linkage bench-suite clean

install: $(STAMP) $(DAGSTER_HOME)/dagster.yaml

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode -e '.[dev]'
	touch $(STAMP)

# The repo-local Dagster instance (no telemetry, one run at a time, the run history's storage).
$(DAGSTER_HOME)/dagster.yaml: pipelines/dagster.yaml
	mkdir -p $(DAGSTER_HOME)
	cp pipelines/dagster.yaml $@

# The dbt manifest must exist before the Dagster definitions import it.
manifest: install
	$(BIN)/python -c "from pipelines.project import prepare_manifest; prepare_manifest()"

# The analysts' warehouse in a read-only SQL shell (statements end with ;).
sql: install
	$(BIN)/send-pipeline sql

run: manifest
	$(BIN)/send-pipeline generate --children $(CHILDREN) --out data --if-missing
	$(BIN)/send-pipeline run

# The system packages the tests need, from Debian's archive in one `apt-get update` and one
# `apt-get install` (a test tool's own browser download cannot work without the internet):
# headless Chromium for the report's browser test, LibreOffice Calc without a GUI to open the
# workbook as a spreadsheet program does, and node and npm for axe-core where the machine has
# none. The install runs when any of the programs is missing.
CHROMIUM := /usr/bin/chromium
SOFFICE  := /usr/bin/soffice
NPM      := $(shell command -v npm || echo /usr/bin/npm)
SUDO     := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SYSTEM_PACKAGES := chromium libreoffice-calc-nogui $(if $(shell command -v npm),,nodejs npm)

$(CHROMIUM) $(SOFFICE) $(NPM) &:
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $(SYSTEM_PACKAGES)

system-packages: $(CHROMIUM) $(SOFFICE) $(NPM)

# axe-core, the accessibility checker the report's browser test runs, from the npm registry.
AXE := .cache/node_modules/axe-core/axe.min.js

$(AXE): | $(NPM)
	mkdir -p .cache
	$(NPM) install --prefix .cache --no-save --no-audit --no-fund --silent axe-core@4.11.0

browser: system-packages $(AXE)

test: manifest browser
	$(BIN)/ruff check pipelines schemas tests bench
	$(BIN)/pytest -q -n 2 --dist loadfile

# The same dbt models on Spark (docs/deployment.md): 2,000 children built on DuckDB and on
# PySpark in local mode, every mart and seed compared row for row, every child_key compared, and
# every compiled model checked against the portable functions. About four minutes; installs the
# spark extra (PySpark, dbt-spark) and needs Java 17 (Debian: default-jre-headless).
JAVA := $(shell command -v java || echo /usr/bin/java)

$(JAVA):
	$(SUDO) apt-get update -q
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends default-jre-headless

$(VENV)/.spark: $(STAMP)
	$(BIN)/uv pip install -q --python $(BIN)/python --compile-bytecode -e '.[dev,spark]'
	touch $@

portability: manifest $(JAVA) $(VENV)/.spark
	$(BIN)/pytest -q -m portability tests/portability

ui: manifest
	$(BIN)/dagster dev -w workspace.yaml -h 127.0.0.1 -p 3000

# The analysts' catalogue: every published table and column, one page that opens offline
# (data/warehouse/docs/analysts_catalogue.html), read from the analysts' warehouse only.
docs: manifest
	$(BIN)/send-pipeline docs

lint: install
	$(BIN)/ruff check pipelines schemas tests bench
	$(BIN)/ruff format --check pipelines schemas tests bench

format: install
	$(BIN)/ruff format pipelines schemas tests bench
	$(BIN)/ruff check --fix pipelines schemas tests bench

bench: manifest
	$(BIN)/python bench/bench_pipeline.py

# Splink is installed for this comparison only; it is never a runtime dependency.
bench-linkage: manifest
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev,bench]'
	$(BIN)/python bench/bench_linkage.py

# The linkage evaluation suite: data the engine was not tuned on (FEBRL, an independent error
# model, twins), the engine beside Splink in one run.
bench-suite: manifest
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev,bench]'
	$(BIN)/python bench/linkage_suite.py

clean:
	rm -rf data/warehouse data/landing data/truth dbt_project/target dbt_project/logs .dagster_home
