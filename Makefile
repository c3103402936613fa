# Two commands do all the set-up on a fresh machine with Python 3.11+:
#   make run    the dashboard, with the fictional sample council loaded into an empty database
#   make test   lint and the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM := /usr/bin/chromium
FAKETIME := /usr/bin/faketime
# A worker a CPU, each taking a whole test file at a time (so a file's shared council is built once): the tests
# outside the browser take about two minutes, so the browser tests, a dashboard and a Chromium each, are spread too.
PARALLEL := -n auto --dist loadfile

.PHONY: run test test-two-years-on lint audit bench clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The browser tests drive Debian's Chromium; install it once where it is missing (needs root, as on CI).
$(CHROMIUM):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# The suite again with the machine's clock moved on (Debian's libfaketime), as CI runs it: a test that passes
# today must pass on any day, so nothing may read the system's date but analytics/clock.py, which the tests pin.
$(FAKETIME):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime

run: $(STAMP)
	$(BIN)/python -m analytics load-sample
	$(BIN)/python -m streamlit run app.py

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m ruff format --check .

test: lint $(CHROMIUM)
	$(BIN)/python -m pytest $(PARALLEL)

test-two-years-on: $(STAMP) $(CHROMIUM) $(FAKETIME)
	$(FAKETIME) -m '2 years' $(BIN)/python -m pytest $(PARALLEL)

# Issue #15's benchmark at national size (not part of make test, which runs it tiny): a table, and artefacts/bench.json.
# BENCH_ARGS passes options on, e.g. make bench BENCH_ARGS="--repeats 1 --out /tmp/bench.json"; see the README.
bench: $(STAMP)
	$(BIN)/python -m tests.benchmarks.run $(BENCH_ARGS)

# The pinned dependencies against PyPI's vulnerability database; says plainly when it could not be reached.
audit: $(STAMP)
	$(BIN)/python .ci/audit.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
