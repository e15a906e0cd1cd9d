"""Can the embedded model's llama.cpp run on this CPU? Asked once per process, in a child.

A llama.cpp built for another CPU (or natively on a host that advertises AMX inside a VM that
does not let threads use it) dies by SIGILL or SIGSEGV on its first decode (seen here: a
native build on such a VM, SIGSEGV for both packaged models) and takes the whole process
with it: no error, no cleanup, a half-done run. So before a process first loads the model, a
child process loads it and decodes a few tokens with the same thread count. A child that dies
by a signal becomes a ModelBackendError, one line with the fix; the parent lives on.

    python -m newsdesk.models.probe MODEL.gguf [--threads N] [--target module:function]
"""

from __future__ import annotations

import argparse
import importlib
import signal
import subprocess
import sys
from pathlib import Path

from newsdesk.errors import ModelBackendError, ModelError

# What the child runs: a function taking (model path, threads). Tests point it at a backend
# that dies by SIGILL; production runs the real load and decode in models/llama.py.
PROBE_TARGET = "newsdesk.models.llama:self_test"
PROBE_TIMEOUT = 600.0  # seconds: loading 1.1 GB from a cold disk on a slow machine

FIX = (
    "rebuild llama-cpp-python portable with `rm -f .venv/.llm-installed-* && make "
    "setup-models` (the Makefile builds for any x86-64-v3 CPU and never reuses a wheel built "
    "with other flags), or write without it: --writer extractive, or --writer openai"
)

_passed: set[tuple[Path, int, str]] = set()


def probe_backend(path: Path, *, threads: int = 2) -> None:
    """Return if the model loads and decodes in a child process; raise ModelBackendError if the
    child dies by a signal, ModelError if it fails otherwise. Cached per process."""
    key = (path, threads, PROBE_TARGET)
    if key in _passed:
        return
    command = [sys.executable, "-m", "newsdesk.models.probe", str(path)]
    command += ["--threads", str(threads), "--target", PROBE_TARGET]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=PROBE_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise ModelError(
            f"the embedded model did not load within {PROBE_TIMEOUT:.0f} s in a test run"
        ) from exc
    if done.returncode < 0:
        raise ModelBackendError(
            f"the embedded model cannot run on this CPU: llama.cpp died by "
            f"{_signal_name(-done.returncode)} in a test load of {path.name} (a build for "
            f"another CPU, or a native one where a VM advertises AMX it does not allow, dies "
            f"so); nothing was lost. Fix: {FIX}"
        )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise ModelError(f"the embedded model failed a test load of {path.name}: {last}")
    _passed.add(key)


def _signal_name(number: int) -> str:
    try:
        name = signal.Signals(number).name
    except ValueError:
        return f"signal {number}"
    return f"{name} (illegal instruction)" if name == "SIGILL" else name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newsdesk.models.probe")
    parser.add_argument("model", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--target", default=PROBE_TARGET)
    args = parser.parse_args(argv)
    module, _, function = args.target.partition(":")
    getattr(importlib.import_module(module), function)(args.model, args.threads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
