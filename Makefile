# Pantau: two commands on a fresh machine - `make run` and `make test`.
PY      ?= python3.11
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8501

.PHONY: run test lint bench bench-province bench-load demo slides clean

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

## run: create .venv, install, make the demo files, start the app (DuckDB file data/pantau.duckdb)
run: $(VENV)/.installed
	$(BIN)/python -m scripts.make_demo --out data/demo
	$(BIN)/python -m streamlit run serve.py --server.port $(PORT) --server.headless true \
		--browser.gatherUsageStats false

## lint: the quality gates (settings in pyproject.toml): ruff lint, ruff format, mypy on core db etl cli
lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## test: create .venv if needed, install test needs, run the quality gates, then the whole suite
test: lint
	$(BIN)/python -m pytest -q

## bench: performance figures against baselines, written to bench/results.json (ingest, province,
## a 10-session, 30-second load run on the kabupaten demo DB - one process on DuckDB, then two
## replicas on PostgreSQL - and the province recap queries on both engines)
bench: $(VENV)/.installed-test
	$(BIN)/python -m bench.bench

## bench-province: only the province-scale figures (35 kabupaten, 8.6 M realisasi rows; built once in bench/work)
bench-province: $(VENV)/.installed-test
	$(BIN)/python -m bench.bench --only province

## bench-load: 30 browser sessions for 2 minutes while a CLI batch import runs (one headless
## /usr/bin/chromium): the kabupaten demo DB on one process over DuckDB and on two replicas over a
## throwaway PostgreSQL cluster side by side, then the province DB on DuckDB
## (figures in bench/work/load/*.json and in bench/results.json under load_full)
bench-load: $(VENV)/.installed-test
	$(BIN)/python -m bench.load --db kabupaten --engine duckdb --engine postgres --sessions 30 --seconds 120 \
		--json bench/work/load/results.json --results bench/results.json
	$(BIN)/python -m bench.load --db province --sessions 30 --seconds 120 \
		--json bench/work/load/results_province.json --results bench/results.json

## slides: the meeting pack of the demo data rendered to one PNG per slide in tests/artifacts/slides
## (LibreOffice headless with Impress - Debian package libreoffice-impress-nogui - and pdftoppm)
slides: $(VENV)/.installed
	$(BIN)/python -m scripts.render_pack --out tests/artifacts/slides

demo: $(VENV)/.installed
	$(BIN)/python -m scripts.make_demo --out data/demo

clean:
	rm -rf $(VENV) .pytest_cache bench/work
