# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is a helper they call.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench install clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) scripts/devenv.py run

test: $(STAMP)
	$(PY) scripts/devenv.py test $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: $(STAMP)
	@for script in bench/*.py; do \
		echo "== $$script"; $(PY) scripts/devenv.py bench $$script || exit 1; \
	done

clean:
	rm -rf $(VENV) .local staticfiles .pytest_cache .ruff_cache
