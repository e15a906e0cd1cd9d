"""Scale: the worker fleet against slow outlets and a slow writer, 1, 2, 4 and 8 workers.

    python bench/scale.py [--workers 1,2,4,8] [--articles 500] [--stories 60]

The outlets are a loopback server of our own (10 outlets, RSS feeds, article pages) that
answers every request after 200 ms; the writer is the fake one taking 2 s more per story
(bench/fleet_worker.py --write-seconds 2), no voices. Each worker runs one task at a time, so
on 2 cores the gain comes from waiting in parallel, not from CPU. Every run starts from an
empty PostgreSQL database and prints its time, its ratio to one worker, and the same world
through one process on SQLite (which fetches concurrently but writes one story at a time).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))
sys.path.insert(0, str(REPO_ROOT / "bench"))
from fleet_support import Fleet, integrity_problems  # noqa: E402
from fleet_worker import install  # noqa: E402
from newsdesk.pipeline import run_desk  # noqa: E402
from newsdesk.settings import Settings  # noqa: E402
from newsdesk.store import Store  # noqa: E402
from postgres_support import PostgresServer  # noqa: E402
from redis_support import RedisServer  # noqa: E402

DELAY = 0.2  # seconds before every answer
WRITE_SECONDS = 2.0
OUTLETS = 10
FILLER = (
    "officials said on the day that the matter would be reviewed again next week",
    "residents told reporters they had been waiting for a decision for some time",
    "the council is expected to publish a fuller statement in the coming days",
    "figures released on the same morning showed a similar pattern across the region",
)


def _word(rng: random.Random) -> str:
    """An invented word: stories share no names (the hashing embedder looks at letters)."""
    return "".join(rng.choice("bcdfghjklmnpqrstvwxz") + rng.choice("aeiou") for _ in range(4))


class World:
    """`articles` pages across OUTLETS outlets about `stories` stories, each story told by
    several outlets in its own invented names."""

    def __init__(self, articles: int, stories: int) -> None:
        rng = random.Random(19)
        start = datetime(2026, 3, 1, 6, tzinfo=UTC)
        self.stories = []
        for k in range(stories):
            names = [_word(rng).capitalize() for _ in range(4)]
            things = [_word(rng) for _ in range(6)]
            self.stories.append((names, things, start + timedelta(hours=3 * k)))
        self.pages: dict[str, bytes] = {}
        self.feeds: dict[int, list[tuple[str, str, datetime]]] = {o: [] for o in range(OUTLETS)}
        for i in range(articles):
            k = i % stories  # story k's articles come from outlets k, k+1, k+2 ...
            outlet = (k + i // stories) % OUTLETS
            names, things, when = self.stories[k]
            when += timedelta(minutes=7 * (i // stories))
            title = f"{names[0]} {things[0]} {names[2]} {things[1]}"
            paragraphs = [
                f"{names[0]} {names[1]} {things[0]} {things[1]} {names[2]} {things[2]} "
                f"{names[3]} {things[3]} {things[4]} {things[5]}.",
                *(
                    f"{names[j % 4]} {things[j % 6]} {things[(j + 1) % 6]}, and "
                    f"{FILLER[(i + j) % len(FILLER)]} for {names[2]}."
                    for j in range(6)
                ),
            ]
            path = f"/o{outlet}/story-{i}.html"
            body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
            self.pages[path] = (
                "<!DOCTYPE html><html><head><meta charset='utf-8'>"
                f"<title>{escape(title)}</title>"
                f"<meta property='article:published_time' content='{when.isoformat()}'>"
                f"</head><body><article><h1>{escape(title)}</h1>{body}</article></body></html>"
            ).encode()
            self.feeds[outlet].append((path, title, when))

    def feed(self, outlet: int, base: str) -> bytes:
        items = "".join(
            f"<item><title>{escape(title)}</title><link>{base}{path}</link>"
            f"<guid>{base}{path}</guid><pubDate>{format_datetime(when)}</pubDate></item>"
            for path, title, when in self.feeds[outlet]
        )
        return (
            f"<?xml version='1.0'?><rss version='2.0'><channel><title>Outlet {outlet}</title>"
            f"<link>{base}/o{outlet}/</link>{items}</channel></rss>"
        ).encode()


class SlowOutlets:
    """The world on a loopback port, every answer DELAY seconds late."""

    def __init__(self, world: World) -> None:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                time.sleep(DELAY)
                if self.path.startswith("/feed/"):
                    body = world.feed(int(self.path.split("/")[2]), outer.base)
                    kind = "application/rss+xml"
                else:
                    found = world.pages.get(self.path)
                    if found is None:
                        self.send_error(404)
                        return
                    body, kind = found, "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def feed_urls(self) -> list[str]:
        return [f"{self.base}/feed/{o}" for o in range(OUTLETS)]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _settings(tmp: Path, outlets: SlowOutlets, **extra: Any) -> Settings:
    return Settings(
        data_dir=tmp,
        feeds=tuple(outlets.feed_urls()),
        allow_private_addresses=True,
        politeness_delay=0.0,
        per_host_concurrency=16,
        retries=0,
        writer="fake",
        embedder="hashing",
        entities="none",
        voices=(),
        max_articles_per_feed=1000,
        **extra,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", default="1,2,4,8")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--stories", type=int, default=60)
    args = parser.parse_args()
    world = World(args.articles, args.stories)
    outlets = SlowOutlets(world)
    rows = []
    try:
        with (
            tempfile.TemporaryDirectory(prefix="newsdesk-scale-") as tmp_name,
            PostgresServer() as postgres,
            RedisServer() as redis,
        ):
            tmp = Path(tmp_name)
            install(write_seconds=WRITE_SECONDS)  # the one-process run's writer stand-in
            started = time.perf_counter()
            report = run_desk(_settings(tmp / "one", outlets))
            one = time.perf_counter() - started
            rows.append(("one process, SQLite", one, report.counts))
            env = {"NEWSDESK_BROKER_URL": redis.url}
            command = [sys.executable, str(REPO_ROOT / "bench" / "fleet_worker.py")]
            command += ["--write-seconds", str(WRITE_SECONDS), "worker"]
            for n in (int(w) for w in args.workers.split(",")):
                settings = _settings(
                    tmp / f"w{n}",
                    outlets,
                    store_url=postgres.create_database(),
                    broker_url=redis.url,
                )
                with Fleet(env, workers=n, command=command, log_dir=tmp):
                    time.sleep(3)  # the workers are up before the clock starts
                    started = time.perf_counter()
                    report = run_desk(settings, distributed=True)
                    elapsed = time.perf_counter() - started
                with Store(settings.store_location) as store:
                    problems = integrity_problems(store, settings.min_outlets)
                if problems:
                    raise SystemExit(f"{n} workers: {problems[:5]}")
                rows.append((f"{n} worker{'s' * (n > 1)}", elapsed, report.counts))
    finally:
        outlets.close()
    base = next((t for name, t, _ in rows if name == "1 worker"), rows[0][1])
    print(
        f"scale: {args.articles} articles, {args.stories} stories planned; outlets answer "
        f"after {DELAY * 1000:.0f} ms, the writer takes {WRITE_SECONDS:.0f} s a story"
    )
    print(
        f"{'run':<22}{'seconds':>9}{'vs 1 worker':>13}{'articles':>10}{'stories':>9}{'written':>9}"
    )
    for name, seconds, counts in rows:
        written = counts.get("stories_published", 0) + counts.get("stories_held", 0)
        print(
            f"{name:<22}{seconds:>9.1f}{base / seconds:>12.2f}x{counts['articles_ok']:>10}"
            f"{counts['stories']:>9}{written:>9}"
        )


if __name__ == "__main__":
    main()
