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

# The Jinja2 templates compiled ahead of time, so a source run starts as fast as an installed one.
TEMPLATES_BUILT := resources/compiled_templates/manifest.json
$(TEMPLATES_BUILT): $(STAMP) $(wildcard resources/templates/*.html) src/familyprivacy/content/templating.py
	$(PY) -m familyprivacy.content.templating --compile

install: system-deps $(STAMP) $(TEMPLATES_BUILT)

system-deps:
	@sh tools/system-deps.sh

run: install
	$(VENV)/bin/familyprivacy

lint: install
	$(VENV)/bin/ruff check src tests bench packaging
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

check: install
	$(VENV)/bin/familyprivacy check

test: install lint
	$(VENV)/bin/familyprivacy check
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest
	$(MAKE) --no-print-directory bundle-test wheel-test

bench: install
	for b in bench/*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache

# Translations: .po files are the source of truth; .mo files are built.
LANGS ?= pl ro pa ur pt es ar bn
BABEL := $(VENV)/bin/pybabel
.PHONY: pot po
pot: install
	$(BABEL) extract -F translations/babel-ui.cfg -k N_ -k _ -k ngettext:1,2 -k pgettext:1c,2 \
		--add-comments=Translators: --sort-by-file --no-wrap --project=FamilyPrivacy \
		-o translations/familyprivacy.pot .
	$(BABEL) extract -F translations/babel-content.cfg --sort-by-file --no-wrap \
		--project=FamilyPrivacy -o translations/content.pot .
po: pot
	for l in $(LANGS); do for d in familyprivacy content; do \
		if [ -f translations/$$l/LC_MESSAGES/$$d.po ]; then \
			$(BABEL) update -D $$d -i translations/$$d.pot -d translations -l $$l --no-wrap --ignore-obsolete; \
		else $(BABEL) init -D $$d -i translations/$$d.pot -d translations -l $$l --no-wrap; fi; \
	done; done

# Packaging: a one-folder PyInstaller bundle of the app (packaging/, README "Installing and packaging").
BUILD_STAMP := $(VENV)/.build-extra-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
.PHONY: bundle-test wheel-test
$(BUILD_STAMP): $(STAMP)
	$(PY) -m pip install --quiet -e '.[test,build]'
	@rm -f $(VENV)/.build-extra-*; touch $@

bundle: install $(BUILD_STAMP)
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/familyprivacy.spec
	$(PY) packaging/measure.py dist/familyprivacy

bundle-test: bundle
	$(PY) packaging/bundle_test.py dist/familyprivacy

wheel-test: install
	$(PY) packaging/wheel_test.py
