# The two commands a newcomer needs: `make run` and `make test`.
# Everything else here is a helper they call.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint format bench install lock clean

# The exact versions (with hashes) from requirements-dev.lock, so every machine runs the
# same ones; the lock is the production lock plus the dev extra (pytest, pgserver, ...).
$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $(STAMP)

# After changing pyproject.toml's dependencies: re-pin both locks (uv from PyPI).
lock:
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
		-o requirements.lock
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 \
		--generate-hashes -o requirements-dev.lock

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
