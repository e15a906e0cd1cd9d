"""run, status, add-feed: the commands that drive and inspect the desk."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from newsdesk.cli.common import reported_errors, settings_from
from newsdesk.pipeline import RunReport, discover_feed, run_desk
from newsdesk.settings import Settings
from newsdesk.store import Store

console = Console(stderr=True)


class RichProgress:
    """One bar per pipeline stage; a step's note (a story written) is printed above the bars."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def start(self, stage: str, total: int) -> None:
        self._tasks[stage] = self._progress.add_task(stage, total=total)

    def advance(self, stage: str, note: str = "") -> None:
        self._progress.advance(self._tasks[stage])
        if note:
            self._progress.console.print(f"{stage}: {escape(note)}", highlight=False)


class LogProgress:
    """Plain lines for logs and pipes: one when a stage ends, one per noted step, with seconds.

    [   1.9 s] feeds: 8 done in 1.9 s
    [  52.0 s] writing 1/15: published in 41.2 s: Storm closes the coast road
    """

    def __init__(self, write: Callable[[str], None], clock: Callable[[], float]) -> None:
        self._write = write
        self._clock = clock
        self._began = clock()
        self._stages: dict[str, tuple[int, int, float]] = {}

    def start(self, stage: str, total: int) -> None:
        self._stages[stage] = (0, total, self._clock())
        if total == 0:
            self._line(f"{stage}: nothing to do")

    def advance(self, stage: str, note: str = "") -> None:
        done, total, started = self._stages[stage]
        done += 1
        self._stages[stage] = (done, total, started)
        if note:
            self._line(f"{stage} {done}/{total}: {note}")
        if done == total:
            self._line(f"{stage}: {total} done in {self._clock() - started:.1f} s")

    def _line(self, text: str) -> None:
        self._write(f"[{self._clock() - self._began:7.1f} s] {text}")


def _log_line(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run_pipeline(
    settings: Settings, *, fail_fast: bool = False, quiet: bool = False, distributed: bool = False
) -> RunReport:
    """`pipeline.run_desk` with progress on stderr: bars on a terminal, plain lines with seconds
    elsewhere (a log, a pipe), nothing when `quiet`. Errors are one line and an exit code."""
    with reported_errors():
        if quiet or console.is_terminal:
            columns = (TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn())
            with Progress(*columns, console=console, disable=quiet) as bars:
                return run_desk(
                    settings,
                    progress=RichProgress(bars),
                    fail_fast=fail_fast,
                    distributed=distributed,
                )
        lines = LogProgress(_log_line, time.monotonic)
        return run_desk(settings, progress=lines, fail_fast=fail_fast, distributed=distributed)


def run_command(
    ctx: typer.Context,
    feeds: Annotated[
        Path | None, typer.Option("--feeds", help="OPML, TOML or text list of feeds.")
    ] = None,
    fail_fast: Annotated[bool, typer.Option(help="Stop at the first unexpected error.")] = False,
    distributed: Annotated[
        bool,
        typer.Option(
            help="Hand the work to `newsdesk worker`s through broker_url (Redis); the store "
            "must be PostgreSQL."
        ),
    ] = False,
) -> None:
    """Poll the feeds, fetch, extract and dedupe new articles, group them into stories, and
    write, verify and publish each corroborated story (see `status` for what was held back)."""
    settings = settings_from(ctx, feeds_file=feeds)
    report = run_pipeline(settings, fail_fast=fail_fast, distributed=distributed)
    summary = ", ".join(f"{k}={v}" for k, v in sorted(report.counts.items()))
    console.print(f"run {report.run_id} done: {summary}")


def status_command(ctx: typer.Context) -> None:
    """Show feeds, counts and failures with their reasons."""
    settings = settings_from(ctx)
    out = Console(width=None if sys.stdout.isatty() else 160)
    with reported_errors(), Store(settings.store_location) as store:
        counts = store.counts()
        out.print(" ".join(f"[bold]{k}[/]={v}" for k, v in counts.items()))
        feeds = Table("outlet", "status", "entries", "errors", "feed", title="Feeds")
        for feed in store.feeds():
            status = feed.last_status or "never fetched"
            if feed.problems and not feed.last_error:
                status += f" ({len(feed.problems)} problems recovered, see below)"
            feeds.add_row(
                feed.title or "", status, str(feed.entry_count), str(feed.error_count), feed.url
            )
        out.print(feeds)
        failures = store.failures()
        if failures:
            table = Table("kind", "item", "reason", title="Failures and held-back items")
            for kind, what, reason in failures:
                table.add_row(kind, what, reason)
            out.print(table)
        runs = Table("run", "started", "finished", "status", "counts", title="Recent runs")
        for run in store.runs(5):
            counts_text = ", ".join(f"{k}={v}" for k, v in sorted(run["counts"].items()))
            runs.add_row(
                str(run["id"]),
                run["started_at"],
                run["finished_at"] or "",
                run["status"],
                counts_text,
            )
        out.print(runs)


def add_feed_command(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="A feed URL or a site's home page.")],
) -> None:
    """Add a feed; a home page is searched for its <link rel="alternate"> feed."""
    settings = settings_from(ctx)
    with reported_errors():
        source = asyncio.run(discover_feed(settings, url))
        with Store(settings.store_location) as store:
            added = store.upsert_feeds([source])
    state = "added" if added else "already known"
    typer.echo(f"{state}: {source.url}" + (f" ({source.title})" if source.title else ""))
