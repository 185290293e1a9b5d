# Every target bootstraps .venv itself; run `make run` or `make test` on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run serve test lint bench lock clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
		|| { echo "Recert needs Python 3.11 or newer (found: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "Could not create .venv: on Debian/Ubuntu run 'apt-get install python3-venv'."; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools

# Stamp files: installs run again only when pyproject.toml or requirements.lock changes.
# The lock is a constraints file: every package gets its locked version, the one audited.
$(VENV)/.installed: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --constraint requirements.lock --editable .
	@touch $@

$(VENV)/.installed-test: pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --constraint requirements.lock --editable '.[test]'
	@touch $@ $(VENV)/.installed

# requirements.lock: the exact version of everything `pip install -e '.[test]'` brings in,
# resolved by pip-compile (pip-tools, in a throwaway venv: it never lands in .venv). Pins
# already in the file are kept while pyproject.toml allows them; LOCK_ARGS=--upgrade moves
# everything to the newest allowed, LOCK_ARGS='--upgrade-package NAME' one package.
PIP_TOOLS ?= pip-tools==7.6.2
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT \
		&& $(PYTHON) -m venv "$$tmp" && "$$tmp/bin/python" -m pip install --quiet '$(PIP_TOOLS)' \
		&& CUSTOM_COMPILE_COMMAND="make lock" "$$tmp/bin/pip-compile" --quiet --extra test \
			--strip-extras --no-emit-index-url --no-emit-find-links --no-emit-trusted-host \
			$(LOCK_ARGS) --output-file requirements.lock pyproject.toml

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

# pip-audit over requirements.lock: known vulnerabilities fail; an unreachable vulnerability
# database is only a note.
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
