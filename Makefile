# tugraph-bolt: every target creates .venv and installs what it needs by itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: venv run test test-quick tck bench lint clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

## Start a local three-node cluster from the seed's configs, show it working, keep it running.
run: $(STAMP)
	$(PY) examples/run_cluster.py $(ARGS)

## The whole test suite: unit tiers, Cypher, the TCK, in-process clusters, real processes.
## Two runs: the fast tiers on two workers, then the process tiers one test at a time (two
## clusters electing leaders side by side on two cores only make timing flaky; pytest 9.2
## with xdist 3.8 ignores xdist_group, so the split is done here). Naming tests/tck as well
## (pytest collects it once) loads its conftest in the xdist controller, which then prints
## the TCK pass count per directory.
test: $(STAMP)
	$(PY) -m pytest -n 2 -q -ra -m "not slow and not docker" tests tests/tck
	$(PY) -m pytest -q -ra -m "slow or docker" tests

## The fast loop: everything but the TCK and the slow process/cluster tests.
test-quick: $(STAMP)
	$(PY) -m pytest -q -m "not slow and not tck and not docker" tests

tck: $(STAMP)
	$(PY) -m pytest -n 2 -q -m tck tests/tck

bench: $(STAMP)
	$(PY) -m benchmarks $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check tugraph_bolt tests benchmarks examples

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
