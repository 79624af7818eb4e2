# Two commands do all the set-up on a fresh machine:
#   make run    installs what is needed and starts the app
#   make test   installs what is needed and runs the whole test suite and checks
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: run test install system-deps lint check wheel bundle bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@rm -f $(VENV)/.installed-*; touch $@

install: system-deps $(STAMP)

system-deps:
	@sh tools/system-deps.sh

run: install
	$(VENV)/bin/familyprivacy

lint: install
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

check: install
	$(VENV)/bin/familyprivacy check

test: install lint
	$(VENV)/bin/familyprivacy check
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest

bench: install
	for b in bench/*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
