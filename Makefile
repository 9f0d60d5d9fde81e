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

.PHONY: install run test lint bench eval clean

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

clean:
	rm -rf $(VENV) $(EMULATOR)/node_modules
