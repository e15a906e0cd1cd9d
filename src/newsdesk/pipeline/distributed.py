"""`newsdesk run --distributed`: the same run as `Pipeline`, its items done by `newsdesk worker`
processes on any number of hosts, through Celery on Redis (pipeline/tasks.py).

    feeds   -> one poll_feed task each            (queue ingest)   wait for all
    entries -> one ingest_entry task each         (queue ingest)   wait for all
    dedupe + clustering -> one cluster task, under the store's advisory lock
    stories to write -> one draft_story task each (queue write)
    published drafts -> one write_voice task per voice (queue write)
    -> this process saves each story's version, once per set of sources

This process holds the run's writer lock, decides what to do from what the store holds, and
writes only the run's bookkeeping and the finished versions; the workers do the fetching,
extracting, clustering and writing. While Redis or PostgreSQL restarts, it waits and tries
again (RETRY_FOR seconds at most).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from celery.result import AsyncResult
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from newsdesk.errors import ConfigError, NewsdeskError, StoreError
from newsdesk.pipeline import Pipeline, RunReport, configured_feeds
from newsdesk.pipeline.tasks import (
    DeskTask,
    cluster_task,
    configure,
    draft_story_task,
    entry_to_json,
    ingest_entry_task,
    poll_feed_task,
    settings_payload,
    version_from_json,
    voice_from_json,
    write_voice_task,
)
from newsdesk.pipeline.voices import VoiceOutcome
from newsdesk.pipeline.writing import stories_todo, with_voices
from newsdesk.records import ItemStatus, StoryVersion
from newsdesk.store import is_postgres

T = TypeVar("T")

RETRY_FOR = 180.0  # seconds a store or broker call is retried while its server restarts
_TRANSIENT = (StoreError, RedisError, OperationalError, OSError)


def retrying(call: Callable[[], T], *, seconds: float = RETRY_FOR) -> T:
    """`call()`, tried again with backoff while the store or the broker is unreachable."""
    deadline = time.monotonic() + seconds
    delay = 0.2
    while True:
        try:
            return call()
        except _TRANSIENT:
            if time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 5.0)


def outcome(result: AsyncResult) -> tuple[bool, Any]:
    """Wait for a task: (True, its value) or (False, the exception it ended with)."""
    delay = 0.02
    while True:
        try:
            if result.ready():
                return bool(result.successful()), result.result
        except (RedisError, OperationalError, OSError):
            pass  # Redis restarting: the result is still there when it is back
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)


class DistributedPipeline(Pipeline):
    """`Pipeline.run` with its stages done by worker tasks. Needs a PostgreSQL store (the
    workers share it) and `broker_url`."""

    def _check(self) -> None:
        if not is_postgres(self.store.location):
            raise ConfigError(
                "run --distributed needs a store the workers share: "
                "store_url = postgresql://USER@HOST:PORT/DB"
            )
        configure(self.settings)

    async def _run(self, report: RunReport) -> None:
        self._check()
        payload = settings_payload(self.settings)
        store = self.store
        report.counts["feeds_new"] = retrying(
            lambda: store.upsert_feeds(configured_feeds(self.settings))
        )
        feeds = retrying(store.feeds)
        self._stage("feeds", report, [(poll_feed_task, (payload, f.url)) for f in feeds])
        pending = retrying(lambda: store.pending_entries(self.settings.max_articles_per_feed))
        self._stage(
            "articles",
            report,
            [(ingest_entry_task, (payload, entry_to_json(e))) for e in pending],
            failed=lambda i, exc: store.record_entry(
                pending[i].id, ItemStatus.FAILED, f"internal error: task failed: {exc}", None
            ),
        )
        self._progress_saved(report)
        self._stage("stories", report, [(cluster_task, (payload,))], failed=self._cluster_failed)
        if report.counts["cluster_failed"]:
            raise NewsdeskError("clustering failed: its task lost its worker too often")
        todo = retrying(lambda: stories_todo(store, self.settings, report.counts))
        self._progress_saved(report)
        self.progress.start("writing", len(todo))
        now = datetime.now(UTC).isoformat()
        drafts = [
            (story.label, urls, self._submit(draft_story_task, (payload, story.id, urls, now)))
            for story, sources in todo
            for urls in [[a.canonical_url for a in sources]]
        ]
        voiced: list[tuple[StoryVersion, list[tuple[str, AsyncResult]]]] = []
        for label, urls, draft in drafts:
            ok, value = outcome(draft)
            if not ok or "failed" in value:
                report.counts["stories_failed"] += 1
                self.progress.advance("writing", f"failed: {label}: {value}")
                continue
            version = version_from_json(value)
            if version.published and self.settings.voices:
                voices = [
                    (key, self._submit(write_voice_task, (payload, urls, key, now)))
                    for key in self.settings.voices
                ]
                voiced.append((version, voices))
            else:
                self._save(version, report)
        for version, voices in voiced:
            told = []
            for key, result in voices:
                ok, value = outcome(result)
                told.append(
                    voice_from_json(value)
                    if ok
                    else VoiceOutcome(key, note=f"voice {key}: not written: task failed: {value}")
                )
            self._save(with_voices(version, told), report)

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _submit(task: DeskTask, args: tuple[Any, ...]) -> AsyncResult:
        return retrying(lambda: task.apply_async(args=args))

    def _stage(
        self,
        stage: str,
        report: RunReport,
        calls: list[tuple[DeskTask, tuple[Any, ...]]],
        failed: Callable[[int, BaseException], None] | None = None,
    ) -> None:
        """Enqueue every call, then wait for each and add up the counts it returns."""
        self.progress.start(stage, len(calls))
        results = [self._submit(task, args) for task, args in calls]
        for i, result in enumerate(results):
            ok, value = outcome(result)
            if ok:
                report.counts.update(value)
            else:
                report.counts[f"{stage}_task_failed"] += 1
                if failed is not None:
                    retrying(partial(failed, i, value))
            self.progress.advance(stage)

    @staticmethod
    def _cluster_failed(_: int, exc: BaseException) -> None:
        raise NewsdeskError(f"clustering failed: {exc}")

    def _save(self, version: StoryVersion, report: RunReport) -> None:
        saved = retrying(lambda: self.store.save_version(version, once=True))
        if saved is not None:
            report.counts["stories_published" if saved.published else "stories_held"] += 1
        self._progress_saved(report)
        outcome_text = "published" if version.published else "held back"
        self.progress.advance("writing", f"{outcome_text}: {version.title}")

    def _progress_saved(self, report: RunReport) -> None:
        retrying(lambda: super(DistributedPipeline, self)._progress_saved(report))
