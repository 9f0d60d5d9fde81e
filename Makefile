# The one place that knows how to set up, run, test and benchmark cyberbrief.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
EMULATOR := tests/e2e/emulator
EMULATOR_INSTALLED := $(EMULATOR)/node_modules/.package-lock.json
ARTICLES := data/articles

# Debian packages: Apertium translates questions and Spanish articles (English <-> Spanish).
SYSTEM_PACKAGES := apertium apertium-eng-spa
SYSTEM_CHECK := command -v lt-proc >/dev/null && test -f /usr/share/apertium/modes/spa-eng.mode

LOCALES := retrieval/language/locale


.PHONY: install system run test lint bench eval clean messages

install: system $(INSTALLED)

# Installed as root or with password-less sudo; otherwise stop and say what to run.
system:
	@if ! ( $(SYSTEM_CHECK) ); then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; \
		elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
		else echo "cyberbrief needs Apertium. Install it, then run make again:"; \
			echo "    sudo apt-get install $(SYSTEM_PACKAGES)"; exit 1; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(SYSTEM_PACKAGES); \
	fi

# torch first: the CPU build on this machine's disk; a plain requirement would pull CUDA.
$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(EMULATOR_INSTALLED): $(EMULATOR)/package-lock.json
	npm ci --prefix $(EMULATOR) --no-audit --no-fund

run: install
	$(BIN)/cyberbrief ingest $(ARTICLES)
	$(BIN)/cyberbrief run

test: install $(EMULATOR_INSTALLED)
	$(BIN)/ruff check bot retrieval tests bench
	$(BIN)/mypy bot retrieval
	$(BIN)/python -m pytest -q

bench: install $(EMULATOR_INSTALLED)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.bot_load
	$(BIN)/python -m bench.alerts
	$(BIN)/python -m bench.briefing

# After changing the program's messages: extract them, merge them into each language's catalog
# (new ones arrive untranslated, and a test fails until they are translated), compile.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --project cyberbrief \
		--msgid-bugs-address "" -o $(LOCALES)/cyberbrief.pot .
	$(BIN)/pybabel update -i $(LOCALES)/cyberbrief.pot -d $(LOCALES) -D cyberbrief --width 100 \
		--ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(LOCALES) -D cyberbrief

clean:
	rm -rf $(VENV) $(EMULATOR)/node_modules
