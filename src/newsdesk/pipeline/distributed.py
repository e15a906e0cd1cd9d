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

A task message can be lost: Redis hands a message to a worker (BRPOP) before the worker files
it as unacknowledged, and a worker killed or a Redis restarted between the two loses it. So
while it waits, this process looks at what the broker holds every LOOK_EVERY seconds, and a
task without a result that is neither queued nor unacknowledged in two looks in a row is sent
again under its id (every task is safe to run twice; tasks/poisoned() bounds the tries).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import redis
from celery.result import AsyncResult
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from newsdesk.errors import ConfigError, NewsdeskError, StoreError
from newsdesk.pipeline import Pipeline, RunReport, configured_feeds
from newsdesk.pipeline.tasks import (
    QUEUES,
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
LOOK_EVERY = 5.0  # seconds between looks at what the broker holds, for lost task messages
_TRANSIENT = (StoreError, RedisError, OperationalError, OSError)
_PRIORITY_SEP = "\x06\x16"  # kombu's Redis transport: queue "q" at priority p is "q\x06\x16p"
_UNACKED = "unacked"  # kombu's hash of delivered, unacknowledged messages


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


@dataclass
class Sent:
    """A task sent to the workers: what to send again if its message is lost."""

    task: DeskTask
    args: tuple[Any, ...]
    result: AsyncResult
    missed: int = 0  # looks in a row that found it neither queued nor unacknowledged


@dataclass
class Broker:
    """What the broker holds, looked at no more often than every `every` seconds."""

    url: str
    every: float = LOOK_EVERY
    looked: float = field(default_factory=time.monotonic)
    looks: int = 0

    def held(self) -> str | None:
        """The raw messages queued or unacknowledged now, as one text to search for task ids;
        None when it is not time to look yet or the broker cannot be read."""
        if time.monotonic() - self.looked < self.every:
            return None
        self.looked = time.monotonic()
        try:
            client = redis.Redis.from_url(self.url)
            try:
                pipe = client.pipeline(transaction=False)
                for queue in QUEUES:
                    for name in (queue, *(f"{queue}{_PRIORITY_SEP}{p}" for p in (3, 6, 9))):
                        pipe.lrange(name, 0, -1)
                pipe.hvals(_UNACKED)
                replies = pipe.execute()
            finally:
                client.close()
        except (RedisError, OSError):
            return None  # Redis restarting: look again next time
        self.looks += 1
        return "\n".join(m.decode("utf-8", "replace") for reply in replies for m in reply)

    def lost(self, waiting: list[Sent]) -> list[Sent]:
        """The tasks of `waiting` whose messages are lost: without a result, and neither
        queued nor unacknowledged in two looks in a row."""
        held = self.held()
        if held is None:
            return []
        lost = []
        for sent in waiting:
            if sent.result.id in held:
                sent.missed = 0
            elif not _ready(sent.result):  # a result stored after the look counts as found
                sent.missed += 1
                if sent.missed >= 2:
                    lost.append(sent)
        return lost


def _ready(result: AsyncResult) -> bool:
    try:
        return bool(result.ready())
    except (RedisError, OperationalError, OSError):
        return True  # unknown: do not send again on a guess


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
        assert self.settings.broker_url is not None  # configure() said so
        self._broker = Broker(self.settings.broker_url)
        self._waiting: dict[str, Sent] = {}

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
        voiced: list[tuple[StoryVersion, list[tuple[str, Sent]]]] = []
        for label, urls, draft in drafts:
            ok, value = self._outcome(draft, report)
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
            for key, sent in voices:
                ok, value = self._outcome(sent, report)
                told.append(
                    voice_from_json(value)
                    if ok
                    else VoiceOutcome(key, note=f"voice {key}: not written: task failed: {value}")
                )
            self._save(with_voices(version, told), report)

    # -- helpers ---------------------------------------------------------------------------
    def _submit(self, task: DeskTask, args: tuple[Any, ...]) -> Sent:
        sent = Sent(task, args, retrying(lambda: task.apply_async(args=args)))
        self._waiting[sent.result.id] = sent
        return sent

    def _outcome(self, sent: Sent, report: RunReport) -> tuple[bool, Any]:
        """Wait for a task: (True, its value) or (False, the exception it ended with). While
        waiting, a task of the run whose message the broker lost is sent again."""
        delay = 0.02
        while True:
            try:
                if sent.result.ready():
                    del self._waiting[sent.result.id]
                    return bool(sent.result.successful()), sent.result.result
            except (RedisError, OperationalError, OSError):
                pass  # Redis restarting: the result is still there when it is back
            for lost in self._broker.lost(list(self._waiting.values())):
                retrying(partial(lost.task.apply_async, args=lost.args, task_id=lost.result.id))
                lost.missed = 0
                report.counts["tasks_resent"] += 1
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def _stage(
        self,
        stage: str,
        report: RunReport,
        calls: list[tuple[DeskTask, tuple[Any, ...]]],
        failed: Callable[[int, BaseException], None] | None = None,
    ) -> None:
        """Enqueue every call, then wait for each and add up the counts it returns."""
        self.progress.start(stage, len(calls))
        sent = [self._submit(task, args) for task, args in calls]
        for i, one in enumerate(sent):
            ok, value = self._outcome(one, report)
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
