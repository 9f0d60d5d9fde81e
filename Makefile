# The one place that knows how to set up, run, test and benchmark cyberbrief.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
EMULATOR := tests/e2e/emulator
EMULATOR_INSTALLED := $(EMULATOR)/node_modules/.package-lock.json
ARTICLES := data/articles
# The ONNX model, exported and quantised from the packaged weights; outside git, rebuilt if missing.
MODEL_DIR := $(VENV)/share/cyberbrief/onnx
MODEL := $(MODEL_DIR)/manifest.json $(MODEL_DIR)/model-int8.onnx $(MODEL_DIR)/model-fp32.onnx
# The language detector's model, unpacked once (loads in 0.16 s instead of about 1 s).
LANGID := $(VENV)/share/cyberbrief/langid-en-es.npz
STARTER_FEEDS := data/feeds/cybercrime.opml
USER_BIN ?= $(HOME)/.local/bin
XQUAD ?= ../shared/eval/xquad

# Debian packages: Apertium translates questions and Spanish articles (English <-> Spanish).
SYSTEM_PACKAGES := apertium apertium-eng-spa
SYSTEM_CHECK := command -v lt-proc >/dev/null && test -f /usr/share/apertium/modes/spa-eng.mode

# How to call cyberbrief from a new shell: the venv is not on the PATH by itself.
define HOW_TO_CALL
	@echo ""
	@echo "cyberbrief is installed in $(BIN)/, which is not on your PATH. From this folder:"
	@printf '  %-32s %s\n' \
	  "source $(BIN)/activate" 'then, in that shell: cyberbrief ask "How do cartels use social networks?"' \
	  '$(BIN)/cyberbrief ask "..."' "the same, without activating" \
	  "make install-user" "'cyberbrief' in every shell (a link in $(USER_BIN))"
	@echo ""
endef

LOCALES := retrieval/language/locale

.PHONY: install install-user system run test lint bench eval clean messages postgres postgres-stop

install: system $(INSTALLED) $(MODEL) $(LANGID)

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

# The one step that needs torch: answering runs on onnxruntime and tokenizers alone.
$(LANGID): retrieval/language/detection.py | $(INSTALLED)
	$(BIN)/python -m retrieval.language.detection $@

$(MODEL) &: retrieval/core/model_build.py | $(INSTALLED)
	HF_HUB_OFFLINE=1 $(BIN)/python -m retrieval.core.model_build $(MODEL_DIR) --sample $(ARTICLES)

$(EMULATOR_INSTALLED): $(EMULATOR)/package-lock.json
	npm ci --prefix $(EMULATOR) --no-audit --no-fund

# The starter feeds are offered on a terminal while no feed is followed (never asked without one);
# a feed that cannot be reached is reported and does not stop the bot from starting.
run: install
	$(BIN)/cyberbrief ingest $(ARTICLES)
	-$(BIN)/cyberbrief feeds import $(STARTER_FEEDS) --offer
	$(HOW_TO_CALL)
	$(BIN)/cyberbrief run
	$(HOW_TO_CALL)

# cyberbrief on the PATH of every shell: a link to this checkout's command in ~/.local/bin.
install-user: install
	mkdir -p $(USER_BIN)
	ln -sfn $(CURDIR)/$(BIN)/cyberbrief $(USER_BIN)/cyberbrief
	@case ":$$PATH:" in \
	  *":$(USER_BIN):"*) echo "Done: 'cyberbrief' works in any shell now.";; \
	  *) echo "Done, but $(USER_BIN) is not on your PATH. Add this line to ~/.bashrc (or ~/.zshrc):"; \
	     echo "    export PATH=\"$(USER_BIN):\$$PATH\"";; \
	esac

# The tests run against SQLite and a local PostgreSQL (started here, stopped afterwards unless it
# was running before). If it cannot start, its tests fail under CI=true and are skipped elsewhere.
test: install $(EMULATOR_INSTALLED)
	$(BIN)/ruff check bot retrieval tests bench
	$(BIN)/mypy bot retrieval
	@running=no; deploy/postgres.sh running && running=yes; \
	url=$$(deploy/postgres.sh start) || echo "PostgreSQL did not start: its tests cannot run"; \
	CYBERBRIEF_TEST_POSTGRES="$$url" $(BIN)/python -m pytest -q; status=$$?; \
	[ $$running = yes ] || deploy/postgres.sh stop; exit $$status

# A local PostgreSQL 15 with pgvector on 127.0.0.1 (installed if missing, data in .postgres/);
# prints the URL to use as CYBERBRIEF_DB or --db. `make postgres-stop` stops it.
postgres:
	@deploy/postgres.sh start

postgres-stop:
	deploy/postgres.sh stop

bench: install $(EMULATOR_INSTALLED)
	$(BIN)/python -m bench
	$(BIN)/python -m bench.bot_load
	$(BIN)/python -m bench.alerts
	$(BIN)/python -m bench.briefing
	$(BIN)/python -m bench.answer_length
	$(BIN)/python -m bench.cli_start
	@running=no; deploy/postgres.sh running && running=yes; \
	$(BIN)/python -m bench.db_copy && $(BIN)/python -m bench.workers && \
	$(BIN)/python -m bench.pg_ask && $(BIN)/python -m bench.pg_answers; status=$$?; \
	[ $$running = yes ] || deploy/postgres.sh stop; exit $$status
	@if [ -d $(XQUAD) ]; then \
		$(BIN)/python -m bench.language $(XQUAD) && $(BIN)/python -m bench.spanish $(XQUAD); \
	else echo "bench.language, bench.spanish: no XQuAD in $(XQUAD) (XQUAD=DIR to point at it)"; fi

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
