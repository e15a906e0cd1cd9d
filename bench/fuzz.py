"""A long hypothesis run over our parsers; every crasher found is kept as a regression test.

Usage (from the repo root):

    .venv/bin/python bench/fuzz.py [--minutes 5] [--examples 500] [--targets a,b]

Targets (tests/fuzz_targets.py): parse_feed, canonicalize_url, extract_article,
parse_house_file. Round after round, each target gets `--examples` generated inputs (random
bytes and text, mutated real feeds and pages, structured JSON Feeds), deadline off, until the
time is up. An input that raises anything but the target's documented errors, or takes over
10 s twice in a row, is shrunk by hypothesis and saved as tests/crashers/<target>/<key>.json,
one file per distinct failure (exception type and where it was raised);
tests/test_crashers.py replays them all. Prints per-target examples, time and failures;
exits 1 if anything was found.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import signal
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings

REPO_ROOT = Path(__file__).resolve().parents[1]
# The targets are shared with tests/test_crashers.py, which replays what this run saves.
sys.path.insert(0, str(REPO_ROOT / "tests"))
from fuzz_targets import (  # noqa: E402
    CRASHERS,
    SLOW_SECONDS,
    TARGETS,
    Hang,
    Target,
    encode_args,
)


@dataclass
class Tally:
    examples: int = 0
    seconds: float = 0.0
    failures: dict[str, tuple[dict[str, Any], str]] = field(default_factory=dict)


def failure_key(target: str, exc: BaseException) -> str:
    """Same exception type raised at the same line = the same bug."""
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "/newsdesk/" in f.filename] or frames
    where = f"{Path(ours[-1].filename).name}:{ours[-1].lineno}" if ours else "?"
    return f"{target}|{type(exc).__name__}|{where}"


@contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """Interrupt a call that runs away (pure-Python loops; C code finishes its step first)."""

    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"still running after {seconds:.0f}s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def fuzz_round(target: Target, examples: int, tally: Tally) -> None:
    """One hypothesis run; failures are recorded (smallest input per key), not raised."""

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    @given(target.inputs())
    def run(args: dict[str, Any]) -> None:
        tally.examples += 1
        try:
            with alarm(SLOW_SECONDS * 6):  # check() may time a slow input twice
                target.check(args)
        except Exception as exc:
            key = failure_key(target.name, exc)
            message = f"{type(exc).__name__}: {exc}"[:300]
            known = tally.failures.get(key)
            if known is None or len(repr(args)) < len(repr(known[0])):
                tally.failures[key] = (args, message)
            raise

    began = time.monotonic()
    # hypothesis re-raises what it found; it is already recorded.
    with contextlib.suppress(Exception):
        run()
    tally.seconds += time.monotonic() - began


def save(key: str, args: Mapping[str, Any], message: str) -> tuple[Path, bool]:
    """Write the crasher unless a file for this key exists with a smaller input."""
    target = key.split("|", 1)[0]
    path = CRASHERS / target / (hashlib.sha256(key.encode()).hexdigest()[:16] + ".json")
    record = {
        "target": target,
        "key": key,
        "args": encode_args(args),
        "error": message,
        "found": datetime.now(UTC).date().isoformat(),
        "xfail": f"found by bench/fuzz.py: {message[:200]} (remove this key once fixed)",
    }
    text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    if path.exists():
        if len(path.read_text(encoding="utf-8")) <= len(text):
            return path, False
        record["xfail"] = json.loads(path.read_text(encoding="utf-8")).get("xfail")
        text = json.dumps(record, indent=2, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path, True


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--examples", type=int, default=500, help="per target per round")
    parser.add_argument("--targets", default=",".join(TARGETS))
    return parser.parse_args()


def main() -> int:
    args = arguments()
    names = [n for n in args.targets.split(",") if n]
    tallies = {name: Tally() for name in names}
    stop = time.monotonic() + args.minutes * 60
    rounds = 0
    while time.monotonic() < stop:
        for name in names:
            fuzz_round(TARGETS[name], args.examples, tallies[name])
        rounds += 1
        print(f"round {rounds}: " + ", ".join(f"{n} {t.examples}" for n, t in tallies.items()))
    return report(tallies, rounds)


def report(tallies: Mapping[str, Tally], rounds: int) -> int:
    print(f"\n{'target':<18}{'examples':>10}{'seconds':>9}{'per s':>8}{'failures':>10}")
    new = Counter[str]()
    for name, tally in tallies.items():
        rate = tally.examples / tally.seconds if tally.seconds else 0.0
        print(
            f"{name:<18}{tally.examples:>10}{tally.seconds:>9.0f}{rate:>8.1f}"
            f"{len(tally.failures):>10}"
        )
        for key, (failing, message) in tally.failures.items():
            path, written = save(key, failing, message)
            new[name] += written
            print(f"    {key}: {message[:120]}\n      -> {path.relative_to(REPO_ROOT)}")
    print(f"{rounds} rounds; new or smaller crashers saved: {sum(new.values())}")
    return 1 if any(t.failures for t in tallies.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
