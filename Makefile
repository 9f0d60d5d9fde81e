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
STARTER_FEEDS := data/feeds/cybercrime.opml
USER_BIN ?= $(HOME)/.local/bin

.PHONY: install install-user run test lint bench eval clean postgres postgres-stop

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

install: $(INSTALLED) $(MODEL)

# torch first: the CPU build on this machine's disk; a plain requirement would pull CUDA.
$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

# The one step that needs torch: answering runs on onnxruntime and tokenizers alone.
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

clean:
	rm -rf $(VENV) $(EMULATOR)/node_modules
