"""The worker fleet for tests and benches: `newsdesk worker` processes started, killed with
SIGKILL and replaced, and the checks a run through them must pass.

Each worker runs in a session of its own, so `kill()` takes the Celery main process and its
pool processes together, as a lost machine would.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from newsdesk.pipeline.writing import stories_to_write
from newsdesk.store import Store

WORKER = (sys.executable, "-m", "newsdesk", "worker")


class Fleet:
    """`with Fleet(env, workers=4) as fleet:` N workers taking tasks from `env`'s broker."""

    def __init__(
        self,
        env: dict[str, str],
        *,
        workers: int = 1,
        concurrency: int = 1,
        command: Sequence[str] = WORKER,
        log_dir: Path | None = None,
    ) -> None:
        self.env = {**os.environ, **env}
        self.count = workers
        self.concurrency = concurrency
        self.command = list(command)
        self.log_dir = log_dir
        self.workers: list[subprocess.Popen[bytes]] = []
        self.started = 0

    def start_one(self) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (
            open(self.log_dir / f"worker-{self.started}.log", "wb")  # noqa: SIM115 - the child's
            if self.log_dir
            else subprocess.DEVNULL
        )
        worker = subprocess.Popen(
            [*self.command, f"--concurrency={self.concurrency}"],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if log is not subprocess.DEVNULL:
            log.close()
        self.workers.append(worker)
        return worker

    def kill(self, worker: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the worker and its pool: no goodbye, no acknowledgement."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        self.workers.remove(worker)

    def stop(self) -> None:
        for worker in self.workers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=30)
        self.workers = []

    def __enter__(self) -> Fleet:
        for _ in range(self.count):
            self.start_one()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def integrity_problems(store: Store, min_outlets: int) -> list[str]:
    """What a finished run must not leave: entries never done, entries pointing at no
    article, an article or a version twice, corroborated stories left unwritten."""
    problems = []
    snapshot = store.snapshot()
    urls = [row[0] for row in snapshot["articles"]]
    if len(urls) != len(set(urls)):
        problems.append("an article stored twice")
    stored = set(urls)
    for feed_url, key, _, _, _, status, article_url in snapshot["entries"]:
        if status is None:
            problems.append(f"entry {feed_url} {key} never done")
        elif status == "ok" and article_url not in stored:
            problems.append(f"entry {feed_url} {key} ok without its article {article_url}")
    versions = Counter((v.story_id, frozenset(v.sources)) for v in store.versions())
    problems += [f"story {story} written {n} times" for (story, _), n in versions.items() if n > 1]
    problems += [f"story {s.id} not written" for s, _ in stories_to_write(store, min_outlets)]
    return problems
