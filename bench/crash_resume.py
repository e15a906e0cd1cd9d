"""Crash and resume: SIGKILL `newsdesk run` at random points, re-run it, compare the stores.

Usage (from the repo root):

    .venv/bin/python bench/crash_resume.py [--trials 30] [--seed 9] [--kills 1]
                                           [--max-articles-per-feed N] [--keep DIR]
                                           [--real-models]

Serves the demo outlets on loopback, makes a reference store with one clean `newsdesk run`
(and a second clean run as a control that the result is reproducible at all), then for each
trial: starts a run in a fresh data dir, kills it with SIGKILL at a random moment (seeded) of
a chosen phase (startup; store open before the first stage; then each stage in turn, as
drawn by the CLI's progress bars), runs
it again to completion and checks that the store equals the clean one (every table Store
knows, plus any newer table), that `PRAGMA integrity_check` says ok, and that the killed run is
marked interrupted. Prints one line per trial and a table of kills per phase; exits 1 if any
trial did not hold or a phase was never hit.

Clustering and writing run with the fast, deterministic stand-ins (hashing embedder, no
entity model, the fake writer) unless --real-models is given: the stages and their writes
are the same, the embedded models would make each run take minutes.

tests/test_reliability.py runs the same harness for a few trials in CI.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from newsdesk.demo import DemoServer

REPO_ROOT = Path(__file__).resolve().parents[1]
# One harness for the test and this long run; it lives beside the tests that use it.
sys.path.insert(0, str(REPO_ROOT / "tests"))
from reliability_support import (  # noqa: E402
    EXITED,
    FAST_MODELS,
    FINISHED,
    CrashHarness,
    Trial,
    hit_counts,
    trial_table,
)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--kills", type=int, default=1, help="kills before the resuming run")
    parser.add_argument("--max-articles-per-feed", type=int, default=None)
    parser.add_argument(
        "--real-models",
        action="store_true",
        help="cluster and write with the configured models (minutes per run on 2 cores)",
    )
    parser.add_argument("--keep", type=Path, default=None, help="keep the stores in this dir")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    settings: dict[str, object] = {"allow_private_addresses": True, "politeness_delay": 0}
    if not args.real_models:
        settings.update(FAST_MODELS)
    if args.max_articles_per_feed:
        settings["max_articles_per_feed"] = args.max_articles_per_feed
    with tempfile.TemporaryDirectory() as scratch, DemoServer() as server:
        workdir = args.keep or Path(scratch)
        workdir.mkdir(parents=True, exist_ok=True)
        feeds = workdir / "feeds.opml"
        feeds.write_bytes(server.opml())
        harness = CrashHarness(workdir, feeds, settings, args.seed)
        began = time.monotonic()
        timeline = harness.prepare()
        print(f"clean run: {timeline.done:.1f}s; stage starts " + _starts(timeline.starts))
        print(f"control run equals clean run: {harness.control_equal}")
        trials = harness.run_trials(args.trials, kills=args.kills, report=_progress)
        print(trial_table(trials, timeline.phases))
        print(f"total {time.monotonic() - began:.0f}s, seed {args.seed}")
    counts = hit_counts(trials, timeline.phases)
    unhit = [p for p, n in counts.items() if n == 0 and p not in (FINISHED, EXITED)]
    if unhit:
        print(f"never hit: {', '.join(unhit)}")
    return 0 if harness.control_equal and all(t.held for t in trials) and not unhit else 1


def _progress(trial: Trial) -> None:
    print(f"  trial {trial.index}: {trial.targets} -> {trial.hits} held={trial.held}", flush=True)


def _starts(starts: Mapping[str, float]) -> str:
    return ", ".join(f"{stage} {at:.2f}s" for stage, at in starts.items())


if __name__ == "__main__":
    sys.exit(main())
