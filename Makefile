# Two commands do all the set-up on a fresh machine:
#   make run    installs what is needed and starts the app
#   make test   installs what is needed and runs the whole test suite and checks
# Everything is installed from the lock (uv.lock, requirements/*.txt, all hash-pinned); nothing
# resolves "newest" on its own. `make upgrade` moves the lock on purpose (README, "The lock").
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
# uv, the installer, lives in a venv of its own, installed by pip from requirements/uv.txt (hashes).
UV_VENV := .venv-uv
UV := $(UV_VENV)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON_DOWNLOADS := never
LOCK_FILES := pyproject.toml uv.lock
STAMP := $(VENV)/.installed-$(shell cat $(LOCK_FILES) | cksum | cut -d' ' -f1)

.PHONY: run test install system-deps lint check wheel bundle bench clean lock upgrade upgrade-check review-packs fuzz

$(UV): requirements/uv.txt
	@test -x $(UV_VENV)/bin/python || $(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		-r requirements/uv.txt
	@touch $@

# The app, its server, its tests and its bundler, exactly as locked; this package itself is built
# (editable) in isolation, every build requirement pinned and checked by hash (pyproject.toml).
$(STAMP): $(UV) $(LOCK_FILES)
	$(UV) sync --locked --all-extras --python $(PYTHON) --require-build-hashes
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

# A longer fuzzing run of the inbox from its OpenAPI document than `make test` does (40 examples
# an operation there): FUZZ_EXAMPLES=5000 make fuzz for a night's run.
FUZZ_EXAMPLES ?= 1000
fuzz: install
	FAMILYPRIVACY_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest -p no:cacheprovider tests/test_server_fuzz.py

# What each notice's sign-off rests on: a review pack per notice, in English and in each language of
# REVIEW_LANGS (PDF), into build/review-packs/ (README, "The notices").
REVIEW_LANGS ?= ur
review-packs: install
	@mkdir -p build/review-packs
	for n in $$($(PY) -c "from familyprivacy.content.loader import load_all; \
		print(' '.join(x.id for x in load_all().notices))"); do \
		f=build/review-packs/$$(echo $$n | tr / _); \
		$(VENV)/bin/familyprivacy review-pack $$n -o $$f-en.pdf || exit 1; \
		for l in $(REVIEW_LANGS); do $(VENV)/bin/familyprivacy review-pack $$n --lang $$l -o $$f-$$l.pdf || exit 1; done; \
	done

bench: install
	for b in bench/*.py; do QT_QPA_PLATFORM=offscreen $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) $(UV_VENV) build dist .pytest_cache .mypy_cache .ruff_cache

# The lock. `make lock` after editing pyproject.toml's dependencies (keeps every version it can);
# `make upgrade` re-resolves everything to the newest and keeps the new lock only if the whole
# suite passes with it; `make upgrade-check` does the same and always puts the old lock back.
lock: $(UV)
	sh tools/lock.sh $(UV)

upgrade: $(UV)
	sh tools/upgrade.sh $(UV)

upgrade-check: $(UV)
	sh tools/upgrade.sh $(UV) --check

# Translations: .po files are the source of truth; .mo files are built.
LANGS ?= pl ro pa ur pt es ar bn
BABEL := $(VENV)/bin/pybabel
.PHONY: pot po
pot: install
	$(BABEL) extract -F translations/babel-ui.cfg -k N_ -k _ -k W_ -k ngettext:1,2 -k W_ngettext:1,2 \
		-k pgettext:1c,2 \
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
	$(PY) -m familyprivacy.i18n.po_update translations

# Packaging: a one-folder PyInstaller bundle of the app (packaging/, README "Installing and packaging").
.PHONY: bundle-test wheel-test
bundle: install
	$(VENV)/bin/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller \
		packaging/familyprivacy.spec
	$(PY) packaging/measure.py dist/familyprivacy

bundle-test: bundle
	$(PY) packaging/bundle_test.py dist/familyprivacy

wheel-test: install
	UV=$(UV) $(PY) packaging/wheel_test.py
