"""Store throughput on SQLite and on PostgreSQL: article inserts and story reads.

    .venv/bin/python bench/store.py                 # about half a minute on 2 cores
    .venv/bin/python bench/store.py --articles 500  # smaller

Each backend gets the same synthetic data through the public Store API, as a run writes it:
`record_article` one article per transaction (with its compressed page), then stories and
two versions per story, then the readers the web site and a run call: `stories()`,
`latest_versions()` and `search_stories()`. PostgreSQL is a throwaway local server
(tests/postgres_support.py) reached over TCP on loopback, once with its durable defaults
(every commit waits for its WAL flush) and once with synchronous_commit=off, which is what
SQLite's WAL with synchronous=NORMAL gives (a crash can lose the last commits, never
consistency).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsdesk.records import Article, Entry, FeedSource, Story, StoryVersion
from newsdesk.store import Store
from newsdesk.store.search import search_stories

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from postgres_support import PostgresServer, PostgresUnavailable  # noqa: E402

FEED = "https://outlet.example/feed"
START = datetime(2026, 3, 1, tzinfo=UTC)
WORDS = [
    "harbour",
    "ferry",
    "council",
    "storm",
    "minister",
    "budget",
    "rail",
    "station",
    "hospital",
    "school",
    "river",
    "bridge",
    "market",
    "festival",
    "court",
    "police",
    "election",
    "factory",
    "battery",
    "vaccine",
    "museum",
    "library",
    "port",
]


def _body(n: int) -> str:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(450)]  # ~3 kB, as a report
    return " ".join(words).capitalize() + "."


def _article(n: int) -> Article:
    return Article(
        url=f"https://outlet.example/{n}?utm_source=x",
        canonical_url=f"https://outlet.example/{n}",
        outlet=f"Outlet {n % 8}",
        title=f"Headline {n}: {WORDS[n % len(WORDS)]} {WORDS[(n * 5) % len(WORDS)]}",
        authors=("A. Writer",),
        published=START + timedelta(minutes=n),
        body=_body(n),
        lang="en",
        content_hash=hashlib.sha256(str(n).encode()).hexdigest(),
    )


def _entry(n: int) -> Entry:
    return Entry(
        title=f"Headline {n}",
        link=f"https://outlet.example/{n}",
        published=START + timedelta(minutes=n),
        summary="summary",
        author=None,
        guid=f"guid-{n}",
    )


def _timed(action: Callable[[], object], repeat: int) -> float:
    """Seconds per call, best of three rounds of `repeat` calls."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for _ in range(repeat):
            action()
        best = min(best, (time.perf_counter() - started) / repeat)
    return best


def measure(location: Path | str, articles: int, per_story: int, reads: int) -> dict[str, float]:
    """Operations per second on one new store."""
    page = (b"<html><body>" + _body(1).encode() * 10 + b"</body></html>") * 3  # ~100 kB
    out: dict[str, float] = {}
    with Store(location) as store:
        store.upsert_feeds([FeedSource(FEED, "Outlet")])
        store.record_feed_ok(
            FEED,
            title="Outlet",
            site_url=None,
            etag=None,
            last_modified=None,
            entries=[_entry(n) for n in range(articles)],
            problems=[],
        )
        pending = store.pending_entries(per_feed=articles)
        started = time.perf_counter()
        for item in pending:
            store.record_article(item.id, _article(item.id), page, b"\x00" * 512)
        out["record_article"] = len(pending) / (time.perf_counter() - started)

        urls = [f"https://outlet.example/{p.id}" for p in pending]
        stories = [
            Story(
                id=f"s{start}",
                label=f"Story {start}",
                article_urls=tuple(urls[start : start + per_story]),
                outlets=tuple(f"Outlet {n % 8}" for n in range(per_story)),
                first_published=START + timedelta(minutes=start),
                last_published=START + timedelta(minutes=start + per_story),
                category="World",
            )
            for start in range(0, len(urls), per_story)
        ]
        store.save_stories(stories)
        payload = json.dumps({"paragraphs": [_body(n)[:600] for n in range(8)]})  # ~5 kB
        for story in stories:
            for published in (True, True):
                store.save_version(
                    StoryVersion(
                        story.id,
                        0,
                        START,
                        published,
                        (),
                        story.article_urls,
                        story.label,
                        f"{story.label}\n\n{_body(len(story.id))[:2500]}",
                        payload,
                    )
                )
        out["stories()"] = 1 / _timed(store.stories, reads)
        out["latest_versions()"] = 1 / _timed(store.latest_versions, reads)
        out["search_stories()"] = 1 / _timed(lambda: search_stories(store, "harbour ferry"), reads)
        out["stories"] = len(stories)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=2000, help="articles inserted")
    parser.add_argument("--per-story", type=int, default=10, help="articles per story")
    parser.add_argument("--reads", type=int, default=10, help="calls per read measurement")
    args = parser.parse_args()
    columns: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        columns["sqlite (WAL, sync=NORMAL)"] = measure(
            Path(tmp) / "bench.db", args.articles, args.per_story, args.reads
        )
    servers = (
        ("postgres (durable)", PostgresServer(durable=True)),
        (
            "postgres (sync_commit=off)",
            PostgresServer(durable=True, settings=["synchronous_commit=off"]),
        ),
    )
    for name, server in servers:
        try:
            with server:
                url = server.create_database("bench")
                columns[name] = measure(url, args.articles, args.per_story, args.reads)
        except PostgresUnavailable as exc:
            print(f"{name}: skipped ({exc})", file=sys.stderr)
    stories = int(next(iter(columns.values()))["stories"])
    print(
        f"{args.articles} articles (one transaction each, ~100 kB page), {stories} stories of "
        f"{args.per_story} articles, 2 versions each; reads: best of 3 x {args.reads} calls\n"
    )
    rows = ("record_article", "stories()", "latest_versions()", "search_stories()")
    print(f"{'operation':<20}" + "".join(f"{name:>29}" for name in columns))
    for row in rows:
        cells = []
        for values in columns.values():
            rate = values[row]
            unit = "rows/s" if row == "record_article" else "calls/s"
            cells.append(f"{rate:,.0f} {unit} ({1000 / rate:.2f} ms)")
        print(f"{row:<20}" + "".join(f"{cell:>29}" for cell in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
