"""`newsdesk worker` with stand-ins for the benches (never used by the desk itself):

    python bench/fleet_worker.py [--write-seconds S] [--marks FILE --pause S] worker ...

--write-seconds: each story's draft takes S seconds more (bench/scale.py's writer stand-in).
--marks: before each step (poll, fetch, extract, cluster, write, voice) the process appends
"<step> <pid>" to FILE and waits --pause seconds, so bench/faults.py can kill -9 the worker
in the middle of that step.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _marked(step: Callable[..., Any], name: str, marks: Path, pause: float) -> Callable[..., Any]:
    def mark() -> None:
        with marks.open("a", encoding="utf-8") as out:
            out.write(f"{name} {os.getpid()}\n")
        time.sleep(pause)

    if name in ("poll", "fetch"):  # Fetcher.fetch is a coroutine: polls and article pages

        @functools.wraps(step)
        async def fetch(self: Any, url: str, **kwargs: Any) -> Any:
            if bool(kwargs.get("robots")) == (name == "fetch"):
                mark()
            return await step(self, url, **kwargs)

        return fetch

    @functools.wraps(step)
    def run(*args: Any, **kwargs: Any) -> Any:
        mark()
        return step(*args, **kwargs)

    return run


def _slow(step: Callable[..., Any], seconds: float) -> Callable[..., Any]:
    @functools.wraps(step)
    def run(*args: Any, **kwargs: Any) -> Any:
        time.sleep(seconds)
        return step(*args, **kwargs)

    return run


def install(write_seconds: float = 0.0, marks: Path | None = None, pause: float = 0.0) -> None:
    """Patch the step functions where the tasks (and the one-process run) look them up."""
    from newsdesk.ingest import fetch as fetch_module
    from newsdesk.pipeline import ingest, stories, tasks, writing

    if write_seconds:
        slow = _slow(writing.draft_version, write_seconds)
        writing.draft_version = slow  # type: ignore[assignment]
        tasks.draft_version = slow  # type: ignore[assignment]
    if marks is not None:
        fetch = fetch_module.Fetcher.fetch
        fetch_module.Fetcher.fetch = _marked(  # type: ignore[method-assign]
            _marked(fetch, "poll", marks, pause), "fetch", marks, pause
        )
        ingest.extract_article = _marked(ingest.extract_article, "extract", marks, pause)
        tasks.cluster_step = _marked(stories.cluster_step, "cluster", marks, pause)
        tasks.draft_version = _marked(tasks.draft_version, "write", marks, pause)
        tasks.write_voice = _marked(tasks.write_voice, "voice", marks, pause)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-seconds", type=float, default=0.0)
    parser.add_argument("--marks", type=Path)
    parser.add_argument("--pause", type=float, default=0.3)
    known, rest = parser.parse_known_args()
    install(known.write_seconds, known.marks, known.pause)
    from newsdesk.cli.main import main as newsdesk

    sys.argv = ["newsdesk", *rest]
    newsdesk()


if __name__ == "__main__":
    main()
