# Two commands for a newcomer (see README):
#   make run    set up .venv if needed, then run the default community
#   make test   set up .venv if needed, then run the tests
#   make app    set up .venv if needed, then start the workshop app on http://localhost:8765
PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python3.12 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed

.PHONY: run test app setup bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), f"Python >= 3.12 needed, found {sys.version.split()[0]} ($(PYTHON))"'
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -e '.[test,slurm,docs,calibrate]'
	@# the app's browser files (Solara's bundle, RequireJS, icons) come from the npm registry
	$(VENV)/bin/python -m app.assets || echo "warning: app browser files not fetched (needs npm); the app page may stay blank"
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/sim $(ARGS)

test: $(STAMP)
	$(VENV)/bin/python -m pytest $(ARGS)

app: $(STAMP)
	$(VENV)/bin/python -m app $(ARGS)

bench: $(STAMP)
	$(VENV)/bin/python benchmarks/core.py

clean:
	rm -rf $(VENV) outputs multirun
