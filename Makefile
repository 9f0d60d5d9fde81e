# The one place that knows how to set up, run, test and benchmark cyberbrief.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
EMULATOR := tests/e2e/emulator
EMULATOR_INSTALLED := $(EMULATOR)/node_modules/.package-lock.json
ARTICLES := data/articles
STARTER_FEEDS := data/feeds/cybercrime.opml

.PHONY: install run test lint bench eval clean

install: $(INSTALLED)

# torch first: the CPU build on this machine's disk; a plain requirement would pull CUDA.
$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check torch==2.13.0
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

$(EMULATOR_INSTALLED): $(EMULATOR)/package-lock.json
	npm ci --prefix $(EMULATOR) --no-audit --no-fund

# The starter feeds are offered on a terminal while no feed is followed (never asked without one);
# a feed that cannot be reached is reported and does not stop the bot from starting.
run: install
	$(BIN)/cyberbrief ingest $(ARTICLES)
	-$(BIN)/cyberbrief feeds import $(STARTER_FEEDS) --offer
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

clean:
	rm -rf $(VENV) $(EMULATOR)/node_modules
