"""Feed parsing speed: newsdesk's `parse_feed` against feedparser on the same files.

Usage (from the repo root):

    .venv/bin/python bench/feeds.py [CORPUS] [--rounds N]

CORPUS is the feeds corpus folder (default: ../shared/corpora/feeds relative to the repo
root); every file in CORPUS/real is parsed by both parsers, N rounds each (default 5), with
the rounds of the two parsers interleaved so machine noise hits both alike. Prints feeds per
second for each (median round), the speed ratio, and the entries each found. feedparser has
no JSON Feed support, so it finds no entries in the .json files; they are timed all the same.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import feedparser

from newsdesk.errors import FeedError
from newsdesk.ingest.feeds import parse_feed

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpora" / "feeds"


def newsdesk_entries(data: bytes) -> int:
    try:
        return len(parse_feed(data).entries)
    except FeedError:
        return 0


def feedparser_entries(data: bytes) -> int:
    return len(feedparser.parse(data).entries)


def one_round(parse: Callable[[bytes], int], documents: list[bytes]) -> tuple[float, int]:
    started = time.perf_counter()
    entries = sum(parse(document) for document in documents)
    return time.perf_counter() - started, entries


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    files = sorted(p for p in (args.corpus / "real").iterdir() if p.suffix in (".xml", ".json"))
    if not files:
        print(f"no feeds found in {args.corpus / 'real'}", file=sys.stderr)
        return 1
    documents = [path.read_bytes() for path in files]
    contenders = {"newsdesk": newsdesk_entries, "feedparser": feedparser_entries}
    times: dict[str, list[float]] = {name: [] for name in contenders}
    entries: dict[str, int] = {}
    warnings.simplefilter("ignore")  # feedparser warns about some of these feeds
    for _ in range(args.rounds):
        for name, parse in contenders.items():
            elapsed, entries[name] = one_round(parse, documents)
            times[name].append(elapsed)
    size_mb = sum(len(d) for d in documents) / 1e6
    print(f"{len(files)} feeds, {size_mb:.1f} MB, {args.rounds} rounds (median round shown)")
    median = {name: statistics.median(values) for name, values in times.items()}
    for name in contenders:
        rate = len(files) / median[name]
        print(
            f"{name:>10}: {rate:8.1f} feeds/s  {median[name] * 1000:8.1f} ms/round  "
            f"{entries[name]} entries"
        )
    print(f"     ratio: newsdesk is {median['feedparser'] / median['newsdesk']:.1f}x feedparser")
    return 0


if __name__ == "__main__":
    sys.exit(main())
