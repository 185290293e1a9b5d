# Every target bootstraps .venv itself; run `make run` or `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Recert needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "Could not create .venv: on Debian/Ubuntu run 'apt-get install python3-venv'."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools

# Stamp files: installs run again only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(BIN)/flask --app tracker db upgrade
	$(BIN)/flask --app tracker run --host $(HOST) --port $(PORT)

# Production (see README): gunicorn with tracker/gunicorn_conf.py, RECERT_WORKERS workers.
serve: export RECERT_ENV ?= production
serve: $(VENV)/.installed
	@if [ "$$RECERT_ENV" = production ] && [ -z "$$RECERT_SECRET_KEY" ]; then \
		echo "make serve: set RECERT_SECRET_KEY first (a long random value, the same on every server; see README)."; \
		exit 1; fi
	$(BIN)/flask --app tracker db upgrade
	$(BIN)/gunicorn --config python:tracker.gunicorn_conf --bind $(HOST):$(PORT)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .

# pip-audit: known vulnerabilities fail; an unreachable vulnerability database is only a note.
test: lint
	$(BIN)/python tools/audit_dependencies.py
	$(BIN)/python -m pytest -n auto

# Not part of `make test`. The suite writes bench/results.json; BENCH_ARGS passes it options,
# e.g. make bench BENCH_ARGS="--postgres postgresql+psycopg://postgres@127.0.0.1:5432/test".
bench: $(VENV)/.installed
	$(BIN)/python bench/engine_bench.py
	$(BIN)/python bench/suite.py $(BENCH_ARGS)
	$(BIN)/python bench/report_bench.py
	$(BIN)/python bench/import_bench.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
