"""Stand-in model backends for the probe's child process (models/probe.py `--target`)."""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path


def dies_by_sigill(path: Path, threads: int) -> None:
    """What a llama.cpp built for another CPU does on its first decode."""
    os.kill(os.getpid(), signal.SIGILL)


def runs(path: Path, threads: int) -> None:
    """A backend that works; leaves a mark so a test can count the probes."""
    with (path.parent / "probes.log").open("a") as log:
        log.write(f"{threads}\n")


def raises(path: Path, threads: int) -> None:
    print("something went wrong", file=sys.stderr)
    raise SystemExit("cannot map the model file")
