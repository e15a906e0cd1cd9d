"""Faults under the worker fleet: kill -9 of workers in the middle of fetch, extract,
clustering and writing tasks, and a restart of Redis and of PostgreSQL, all in one run of the
demo world (fake writer, the brief voice). Then every article and story must be there exactly
once, the store's integrity checks must pass, and the published stories must be the ones one
process on SQLite publishes.

    python bench/faults.py [--workers 3] [--kills fetch=6,extract=6,cluster=3,write=6]

Workers run bench/fleet_worker.py, which marks each step in a file and pauses 0.3 s in it;
this script reads the marks and kills (SIGKILL, the worker's whole process group) the worker
that has just started a step whose quota is not used up, then starts a replacement.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from desk_support import demo_settings, published_stories  # noqa: E402
from fleet_support import Fleet, integrity_problems  # noqa: E402
from newsdesk.demo import DemoServer  # noqa: E402
from newsdesk.pipeline import RunReport, run_desk  # noqa: E402
from newsdesk.pipeline.tasks import DELIVERIES_KEY  # noqa: E402
from newsdesk.store import Store  # noqa: E402
from postgres_support import PostgresServer  # noqa: E402
from redis_support import RedisServer  # noqa: E402

VISIBILITY = 3.0  # seconds before a dead worker's task is delivered again


def _results(store: Store) -> dict[str, Any]:
    return {
        "stories": [(s.id, s.article_urls) for s in store.stories()],
        "published": published_stories(store),
        "articles": store.snapshot()["articles"],
    }


def _quota(text: str) -> Counter[str]:
    return Counter({k: int(v) for k, v in (p.split("=") for p in text.split(","))})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kills", default="fetch=6,extract=6,cluster=3,write=6")
    args = parser.parse_args()
    quota = _quota(args.kills)
    with (
        tempfile.TemporaryDirectory(prefix="newsdesk-faults-") as tmp_name,
        DemoServer() as demo,
        PostgresServer() as postgres,
        RedisServer() as redis,
    ):
        tmp = Path(tmp_name)
        opml = tmp / "feeds.opml"
        opml.write_bytes(demo.opml())
        started = time.perf_counter()
        reference = demo_settings(tmp / "one", opml, writer="fake")
        run_desk(reference, fail_fast=True)
        with Store(reference.store_location) as store:
            expected = _results(store)
        one_process = time.perf_counter() - started

        settings = demo_settings(
            tmp / "fleet",
            opml,
            writer="fake",
            store_url=postgres.create_database(),
            broker_url=redis.url,
            task_visibility_timeout=VISIBILITY,
        )
        marks = tmp / "marks.txt"
        marks.touch()
        env = {
            "NEWSDESK_BROKER_URL": redis.url,
            "NEWSDESK_TASK_VISIBILITY_TIMEOUT": str(VISIBILITY),
        }
        command = [sys.executable, str(REPO_ROOT / "bench" / "fleet_worker.py")]
        command += ["--marks", str(marks), "--pause", "0.3", "worker"]
        outcome: dict[str, RunReport | BaseException] = {}

        def run() -> None:
            try:
                outcome["report"] = run_desk(settings, distributed=True)
            except BaseException as exc:
                outcome["error"] = exc

        kills: Counter[str] = Counter()
        restarts: list[str] = []
        with (
            Fleet(env, workers=args.workers, command=command, log_dir=tmp) as fleet,
            Store(settings.store_location) as watch,
        ):
            started = time.perf_counter()
            coordinator = threading.Thread(target=run)
            coordinator.start()
            seen = 0
            while coordinator.is_alive():
                lines = marks.read_text().splitlines()
                for line in lines[seen:]:
                    step, pid = line.split()
                    if kills[step] >= quota[step]:
                        continue
                    try:
                        group = os.getpgid(int(pid))
                    except ProcessLookupError:
                        continue
                    victim = next((w for w in fleet.workers if w.pid == group), None)
                    if victim is not None:
                        fleet.kill(victim)
                        fleet.start_one()
                        kills[step] += 1
                seen = len(lines)
                try:
                    articles = watch.counts()["articles"]
                    versions = len(watch.versions())
                except Exception:
                    articles = versions = -1
                if "redis" not in restarts and articles >= 30:
                    redis.restart(down_for=1.0)
                    restarts.append("redis")
                if "postgres" not in restarts and versions >= 3:
                    postgres.restart(down_for=1.0)
                    restarts.append("postgres")
                time.sleep(0.02)
            elapsed = time.perf_counter() - started
        if "error" in outcome:
            raise SystemExit(f"the run failed: {outcome['error']!r}")
        with Store(settings.store_location) as store:
            found = _results(store)
            problems = integrity_problems(store, settings.min_outlets)
        import redis as redis_client

        client = redis_client.Redis.from_url(redis.url)
        deliveries = [int(client.get(k) or 0) for k in client.scan_iter(f"{DELIVERIES_KEY}*")]
        client.close()
    same = {key: found[key] == expected[key] for key in expected}
    print(f"faults: {args.workers} workers, task_visibility_timeout {VISIBILITY:.0f} s")
    print(f"kills (SIGKILL, worker and pool): {sum(kills.values())}: {dict(kills)}")
    print(f"restarts: {', '.join(restarts) or 'none'}")
    print(
        f"tasks run: {len(deliveries)}, delivered more than once: "
        f"{sum(d > 1 for d in deliveries)}, most deliveries of one: {max(deliveries, default=0)}"
    )
    print(f"articles {len(found['articles'])} (one process: {len(expected['articles'])}), "
          f"stories {len(found['stories'])} ({len(expected['stories'])}), "
          f"published {len(found['published'])} ({len(expected['published'])})")  # fmt: skip
    print(f"same as one process on SQLite: {same}")
    print(f"integrity problems: {problems or 'none'}")
    print(f"time: {elapsed:.1f} s with faults; one process without: {one_process:.1f} s")
    if problems or not all(same.values()):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
