"""The desk's work as Celery tasks on Redis: one task per feed poll, per entry's article (fetch
and extract), for the clustering, per story to write and per voice. Each task calls the same
step functions as the one-process run (`pipeline/ingest.py`, `stories.py`, `writing.py`,
`voices.py`); `pipeline/distributed.py` enqueues them and saves what comes back.

    queue ingest: poll_feed, ingest_entry, cluster      queue write: draft_story, write_voice

Every task may run twice (a worker killed after the work but before the acknowledgement) and
is safe to: the store's natural keys (feed URL, entry key, canonical URL, content hash) absorb
a repeated ingest, the clustering is a pure function of the store under an advisory lock, and
the writing tasks store nothing (the coordinator saves a story's version once per set of
sources). Tasks are acknowledged late (a lost worker's task is delivered again after
`task_visibility_timeout`), a store error is retried with backoff, and a task delivered
MAX_DELIVERIES times without finishing (a poison message that kills its worker) is recorded as
failed instead of being tried forever.
"""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import asdict
from datetime import datetime
from typing import Any, TypeVar, cast

from celery import Celery, Task
from celery.signals import worker_process_shutdown

from newsdesk.errors import ConfigError, StoreError
from newsdesk.ingest.fetch import Fetcher, FetchPolicy
from newsdesk.models.embedding import Embedder
from newsdesk.models.registry import story_models, text_model
from newsdesk.pipeline import fetch_policy
from newsdesk.pipeline.ingest import dedupe_texts, ingest_entry, poll_feed
from newsdesk.pipeline.stories import cluster_step
from newsdesk.pipeline.voices import VoiceOutcome, write_voice
from newsdesk.pipeline.writing import draft_version
from newsdesk.records import Article, ItemStatus, StoryVersion
from newsdesk.settings import Settings
from newsdesk.store import PendingEntry, Store

T = TypeVar("T")

INGEST, WRITE = "ingest", "write"
QUEUES = (INGEST, WRITE)
MAX_DELIVERIES = 5  # deliveries of one try that never finished: then it is a poison message
MAX_RETRIES = 8  # tries after a store error (backoff 1, 2, 4 ... 30 s)
DELIVERIES_KEY = "newsdesk:deliveries:"
KEEP_SECONDS = 24 * 3600  # task results and delivery counts expire from Redis after a day

app = Celery("newsdesk", set_as_current=False)
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_acks_late=True,
    task_reject_on_worker_lost=True,  # a killed pool process: the task goes back to the queue
    worker_prefetch_multiplier=1,  # a worker holds only what it is running
    task_default_queue=INGEST,
    task_routes={
        "newsdesk.draft_story": {"queue": WRITE},
        "newsdesk.write_voice": {"queue": WRITE},
    },
    result_expires=KEEP_SECONDS,
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=None,  # a restarting Redis is waited for
    redis_retry_on_timeout=True,
    redis_socket_connect_timeout=5,
    redis_backend_health_check_interval=5,
    worker_hijack_root_logger=False,
    worker_send_task_events=False,
)

# What the worker process was started with: its own secrets stay out of the messages.
_worker_settings: Settings | None = None


def configure(settings: Settings, *, worker: bool = False) -> Celery:
    """The app pointed at the settings' Redis (broker and result backend)."""
    global _worker_settings
    if settings.broker_url is None:
        raise ConfigError("the worker fleet needs broker_url (NEWSDESK_BROKER_URL=redis://...)")
    timeout = settings.task_visibility_timeout
    app.conf.update(
        broker_url=settings.broker_url,
        result_backend=settings.broker_url,
        broker_transport_options={
            "visibility_timeout": timeout,
            # How often a worker looks for tasks a lost worker held (kombu's sweep).
            "unacked_restore_interval": max(1.0, min(10.0, timeout / 4)),
            "unacked_restore_throttle": 1,
        },
        worker_concurrency=settings.worker_concurrency,
    )
    if worker:
        _worker_settings = settings
    return app


def settings_payload(settings: Settings) -> dict[str, Any]:
    """The run's settings as a task argument (JSON), without secrets."""
    return settings.model_dump(mode="json", exclude={"openai_api_key"})


def _settings(payload: dict[str, Any]) -> Settings:
    key = _worker_settings.openai_api_key if _worker_settings else None
    return Settings(**payload, openai_api_key=key)


# -- what a worker process keeps between tasks ---------------------------------------------------
class _Process:
    """One store per location, one event loop and one fetcher (connections, robots.txt, the
    per-host limits) per worker process, made after the fork on first use."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.stores: dict[str, Store] = {}
        self.loop = asyncio.new_event_loop()
        self.fetchers: dict[FetchPolicy, Fetcher] = {}
        self.embedders: dict[str, Embedder] = {}

    def embedder(self, settings: Settings) -> Embedder:
        """The embedding model verification reads paraphrase with, loaded once a process."""
        if settings.embedder not in self.embedders:
            self.embedders[settings.embedder] = story_models(settings)[0]
        return self.embedders[settings.embedder]

    def store(self, settings: Settings) -> Store:
        location = str(settings.store_location)
        if location not in self.stores:
            self.stores[location] = Store(settings.store_location)
        return self.stores[location]

    def fetch(self, settings: Settings, work: Callable[[Fetcher], Awaitable[T]]) -> T:
        policy = fetch_policy(settings)
        if policy not in self.fetchers:
            fetcher = Fetcher(policy)
            self.fetchers[policy] = self.loop.run_until_complete(fetcher.__aenter__())
        return self.loop.run_until_complete(work(self.fetchers[policy]))

    def close(self) -> None:
        for fetcher in self.fetchers.values():
            self.loop.run_until_complete(fetcher.__aexit__(None, None, None))
        self.loop.close()
        for store in self.stores.values():
            store.close()


_process: _Process | None = None


@worker_process_shutdown.connect  # type: ignore[untyped-decorator]  # celery: no hints
def close_process(**_: Any) -> None:
    """Close this process's stores, fetchers and event loop (a worker process ending)."""
    global _process
    if _process is not None and _process.pid == os.getpid():
        _process.close()
    _process = None


def _here() -> _Process:
    global _process
    if _process is None or _process.pid != os.getpid():
        _process = _Process()
    return _process


# -- the task class --------------------------------------------------------------------------
class DeskTask(Task):  # type: ignore[misc]  # celery ships no type hints
    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = (StoreError,)
    retry_backoff = 1
    retry_backoff_max = 30
    retry_jitter = True
    max_retries = MAX_RETRIES

    def poisoned(self) -> bool:
        """True when this try was delivered MAX_DELIVERIES times already without finishing:
        its worker died each time (or Redis lost the acknowledgement)."""
        key = f"{DELIVERIES_KEY}{self.request.id}:{self.request.retries}"
        try:
            client = self.app.backend.client
            seen = int(client.incr(key))
            client.expire(key, KEEP_SECONDS)
        except Exception:  # a counter we cannot read is no reason to stop
            return False
        return seen > MAX_DELIVERIES


def _task(name: str) -> Callable[[Callable[..., Any]], DeskTask]:
    return cast(
        Callable[[Callable[..., Any]], DeskTask],
        app.task(name=f"newsdesk.{name}", base=DeskTask, bind=True),
    )


LOST = f"its task lost its worker {MAX_DELIVERIES} times"


@_task("poll_feed")
def poll_feed_task(self: DeskTask, payload: dict[str, Any], url: str) -> dict[str, int]:
    settings = _settings(payload)
    here = _here()
    store = here.store(settings)
    if self.poisoned():
        store.record_feed_failed(url, f"internal error: {LOST}")
        return {"feeds_failed": 1}
    counts: Counter[str] = Counter()
    known = store.feeds(url)
    if known:
        here.fetch(settings, lambda fetcher: poll_feed(store, fetcher, known[0], counts))
    return dict(counts)


@_task("ingest_entry")
def ingest_entry_task(
    self: DeskTask, payload: dict[str, Any], entry: dict[str, Any]
) -> dict[str, int]:
    settings = _settings(payload)
    here = _here()
    store = here.store(settings)
    pending = entry_from_json(entry)
    if self.poisoned():
        store.record_entry(pending.id, ItemStatus.FAILED, f"internal error: {LOST}", None)
        return {"entries_failed": 1}
    counts: Counter[str] = Counter()
    here.fetch(
        settings,
        lambda fetcher: ingest_entry(
            store, fetcher, pending, counts, min_body_words=settings.min_body_words
        ),
    )
    return dict(counts)


@_task("cluster")
def cluster_task(self: DeskTask, payload: dict[str, Any]) -> dict[str, int]:
    settings = _settings(payload)
    store = _here().store(settings)
    if self.poisoned():
        return {"cluster_failed": 1}
    with store.step_lock("cluster"):
        texts = dedupe_texts(store, settings.near_duplicate_threshold)
        counts = cluster_step(store, settings)
    return {"texts": texts, **counts}


def _sources(store: Store, urls: list[str]) -> list[Article]:
    """The story's articles in the order the coordinator gave."""
    articles = {s.article.canonical_url: s.article for s in store.articles(urls=urls)}
    return [articles[url] for url in urls if url in articles]


@_task("draft_story")
def draft_story_task(
    self: DeskTask, payload: dict[str, Any], story_id: str, urls: list[str], now: str
) -> dict[str, Any]:
    """The story's next version without voices, as JSON; nothing is stored here."""
    settings = _settings(payload)
    store = _here().store(settings)
    if self.poisoned():
        return {"failed": LOST}
    model = text_model(settings.writer, settings)
    version = draft_version(
        story_id,
        _sources(store, urls),
        model,
        model,
        now=datetime.fromisoformat(now),
        embedder=_here().embedder(settings),
    )
    return version_to_json(version)


@_task("write_voice")
def write_voice_task(
    self: DeskTask, payload: dict[str, Any], urls: list[str], key: str, now: str
) -> dict[str, Any]:
    settings = _settings(payload)
    store = _here().store(settings)
    if self.poisoned():
        return asdict(VoiceOutcome(key, note=f"voice {key}: not written: {LOST}"))
    model = text_model(settings.writer, settings)
    told = write_voice(
        _sources(store, urls),
        key,
        model,
        model,
        now=datetime.fromisoformat(now),
        embedder=_here().embedder(settings),
    )
    return asdict(told)


# -- records as task arguments and results (JSON) -------------------------------------------
def entry_to_json(entry: PendingEntry) -> dict[str, Any]:
    found = asdict(entry)
    found["published"] = entry.published.isoformat() if entry.published else None
    return found


def entry_from_json(data: dict[str, Any]) -> PendingEntry:
    published = data.get("published")
    return PendingEntry(
        **{**data, "published": datetime.fromisoformat(published) if published else None}
    )


def version_to_json(version: StoryVersion) -> dict[str, Any]:
    found = asdict(version)
    found["created_at"] = version.created_at.isoformat()
    found["reasons"], found["sources"] = list(version.reasons), list(version.sources)
    return found


def version_from_json(data: dict[str, Any]) -> StoryVersion:
    return StoryVersion(
        **{
            **data,
            "created_at": datetime.fromisoformat(data["created_at"]),
            "reasons": tuple(data["reasons"]),
            "sources": tuple(data["sources"]),
        }
    )


def voice_from_json(data: dict[str, Any]) -> VoiceOutcome:
    return VoiceOutcome(**data)
