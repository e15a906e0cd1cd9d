"""One run of the desk: wires the parts together. Each item's failure is recorded with its
reason, never fatal.

    feeds -> fetch -> parse -> entries -> fetch -> extract -> articles -> dedupe
          -> embed + cluster (stories.py) -> write + verify (writing.py) -> versions

The parts are pure functions or small objects from `ingest`, `stories`, `writing` and `verify`;
this module owns the order, the concurrency and the bookkeeping in the store. `run_desk` is
the whole run as the CLI, the scheduler and the benchmarks start it: checks first, then the
store's writer lock, then `Pipeline.run`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from newsdesk.errors import ConfigError, FeedError, FetchError, StoreError
from newsdesk.ingest.discover import find_feed_links, load_feed_list
from newsdesk.ingest.feeds import parse_feed
from newsdesk.ingest.fetch import Fetcher, FetchPolicy
from newsdesk.models.registry import check_model_server, story_models, text_model
from newsdesk.pipeline.ingest import best_time, dedupe_texts, ingest_entry, poll_feed
from newsdesk.pipeline.stories import cluster_step
from newsdesk.pipeline.writing import stories_todo, write_stories
from newsdesk.records import FeedSource
from newsdesk.settings import Settings
from newsdesk.store import FeedRow, PendingEntry, Store

__all__ = [
    "NoProgress",
    "Pipeline",
    "Progress",
    "RunReport",
    "best_time",
    "configured_feeds",
    "discover_feed",
    "fetch_policy",
    "open_store",
    "preflight",
    "run_desk",
]

T = TypeVar("T")


class Progress(Protocol):
    """Where the pipeline reports progress (bars or log lines in the CLI, nothing in tests).

    `note` says what one step did when that is worth a line of its own (a story written)."""

    def start(self, stage: str, total: int) -> None: ...
    def advance(self, stage: str, note: str = "") -> None: ...


class NoProgress:
    def start(self, stage: str, total: int) -> None:
        pass

    def advance(self, stage: str, note: str = "") -> None:
        pass


@dataclass
class RunReport:
    run_id: int
    counts: Counter[str] = field(default_factory=Counter)


def fetch_policy(settings: Settings) -> FetchPolicy:
    return FetchPolicy(
        user_agent=settings.user_agent,
        timeout=settings.fetch_timeout,
        max_body_bytes=settings.max_body_bytes,
        max_redirects=settings.max_redirects,
        per_host_concurrency=settings.per_host_concurrency,
        total_concurrency=settings.total_concurrency,
        politeness_delay=settings.politeness_delay,
        retries=settings.retries,
        respect_robots=settings.respect_robots,
        allow_private=settings.allow_private_addresses,
    )


def preflight(settings: Settings) -> None:
    """Raise ConfigError for settings a run would only trip over half way through."""
    configured_feeds(settings)
    if settings.writer == "openai":
        check_model_server(settings)


def configured_feeds(settings: Settings) -> list[FeedSource]:
    sources = load_feed_list(settings.feeds_file) if settings.feeds_file else []
    return sources + [FeedSource(url=url) for url in settings.feeds]


class Pipeline:
    """One run over the store. Not reentrant: take the store's writer lock first."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        progress: Progress | None = None,
        fail_fast: bool = False,
        fetcher: Fetcher | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.progress = progress or NoProgress()
        self.fail_fast = fail_fast
        self._fetcher = fetcher

    def run(self) -> RunReport:
        report = RunReport(self.store.start_run())
        status = "failed"
        try:
            asyncio.run(self._run(report))
            status = "ok"
        finally:
            self.store.finish_run(report.run_id, status, dict(report.counts))
        return report

    async def _run(self, report: RunReport) -> None:
        report.counts["feeds_new"] = self.store.upsert_feeds(configured_feeds(self.settings))
        fetcher = self._fetcher or Fetcher(fetch_policy(self.settings))
        async with fetcher:
            feeds = self.store.feeds()
            self.progress.start("feeds", len(feeds))
            await self._each(feeds, lambda f: self._poll_feed(fetcher, f, report), "feeds")
            pending = self.store.pending_entries(self.settings.max_articles_per_feed)
            self.progress.start("articles", len(pending))
            await self._each(pending, lambda e: self._ingest_entry(fetcher, e, report), "articles")
        self._progress_saved(report)
        self.progress.start("dedupe", 1)
        report.counts["texts"] = dedupe_texts(self.store, self.settings.near_duplicate_threshold)
        self.progress.advance("dedupe")
        self.progress.start("stories", 1)
        embedder, entities = story_models(self.settings)
        report.counts.update(cluster_step(self.store, self.settings, (embedder, entities)))
        self.progress.advance("stories")
        todo = stories_todo(self.store, self.settings, report.counts)
        self._progress_saved(report)
        self.progress.start("writing", len(todo))
        if todo:
            model = text_model(self.settings.writer, self.settings)

            def written(note: str) -> None:
                self._progress_saved(report)
                self.progress.advance("writing", note)

            write_stories(
                self.store,
                todo,
                model,
                model,
                counts=report.counts,
                advance=written,
                voices=self.settings.voices,
                embedder=embedder,
            )

    def _progress_saved(self, report: RunReport) -> None:
        """The run's counts so far, in the store: the site says what is still being written."""
        self.store.record_run_progress(report.run_id, dict(report.counts))

    async def _each(self, items: list[T], work: Callable[[T], Awaitable[None]], stage: str) -> None:
        """Run `work` on every item concurrently; the fetcher enforces the request limits."""

        async def one(item: T) -> None:
            await work(item)
            self.progress.advance(stage)

        await asyncio.gather(*(one(item) for item in items))

    async def _poll_feed(self, fetcher: Fetcher, feed: FeedRow, report: RunReport) -> None:
        await poll_feed(self.store, fetcher, feed, report.counts, fail_fast=self.fail_fast)

    async def _ingest_entry(self, fetcher: Fetcher, entry: PendingEntry, report: RunReport) -> None:
        await ingest_entry(
            self.store,
            fetcher,
            entry,
            report.counts,
            min_body_words=self.settings.min_body_words,
            fail_fast=self.fail_fast,
        )


async def discover_feed(settings: Settings, url: str) -> FeedSource:
    """A feed URL as given, or the first working feed a home page links to."""
    async with Fetcher(fetch_policy(settings)) as fetcher:
        result = await fetcher.fetch(url)
        try:
            parsed = parse_feed(result.body, url=result.final_url, content_type=result.content_type)
            return FeedSource(url=result.final_url, title=parsed.title or None)
        except FeedError as not_a_feed:
            candidates = find_feed_links(result.body, result.final_url)
            if not candidates:
                raise FeedError(
                    f"{url} is neither a feed nor a page that links to one ({not_a_feed})"
                ) from not_a_feed
        problems = []
        for candidate in candidates:
            try:
                found = await fetcher.fetch(candidate)
                parsed = parse_feed(
                    found.body, url=found.final_url, content_type=found.content_type
                )
                return FeedSource(url=found.final_url, title=parsed.title or None)
            except (FetchError, FeedError) as exc:
                problems.append(f"{candidate}: {exc}")
        raise FeedError(f"no working feed linked from {url}: " + "; ".join(problems))


def open_store(settings: Settings) -> Store:
    """The store of the settings; an unusable data_dir is a setting to fix (ConfigError)."""
    try:
        return Store(settings.store_location)
    except StoreError as exc:
        raise ConfigError(str(exc)) from exc


def run_desk(
    settings: Settings,
    *,
    progress: Progress | None = None,
    fail_fast: bool = False,
    distributed: bool = False,
) -> RunReport:
    """Check the settings (ConfigError before anything is written), take the store's writer
    lock (RunLockedError if another run holds it) and run every stage: here, or by the worker
    fleet when `distributed` (pipeline/distributed.py)."""
    preflight(settings)
    kind = Pipeline
    if distributed:
        from newsdesk.pipeline.distributed import DistributedPipeline  # Celery only when used

        kind = DistributedPipeline
    with open_store(settings) as store:
        store.acquire_writer()
        return kind(settings, store, progress=progress, fail_fast=fail_fast).run()
