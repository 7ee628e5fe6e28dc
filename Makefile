# mockint: `make run` sets everything up and serves; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app app
# npm writes this on every install: the HTML checker (vnu) is in place.
VNU_STAMP := node_modules/.package-lock.json

.PHONY: install vnu migrate banks run serve test lint format bench screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# The W3C HTML checker for the tests (needs Java). Without npm the HTML test is
# skipped locally, like the browser tests without Chromium; CI installs npm.
$(VNU_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --ignore-scripts --no-audit --no-fund --loglevel=error; \
	else echo "npm not found: the HTML validity test will be skipped"; fi

vnu: $(VNU_STAMP)

migrate: install
	$(FLASK) db upgrade

banks: migrate
	$(FLASK) banks sync

run: banks
	$(FLASK) run --host $(HOST) --port $(PORT)

# Production serving: gunicorn with gunicorn.conf.py (workers from the CPU count).
serve: banks
	HOST=$(HOST) PORT=$(PORT) exec $(BIN)/gunicorn --config gunicorn.conf.py

test: install $(VNU_STAMP)
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Every page against a bare Flask app under gunicorn and wrk (bench/RESULTS.md);
# BENCH_ARGS=--quick for 3 s per page. Then the poll, unchanged and changed.
bench: install
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/poll.py

screenshots: install
	$(BIN)/python tools/screenshots.py screenshots
