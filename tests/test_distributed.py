"""The worker fleet against real servers: PostgreSQL (tests/postgres_support.py), Redis
(tests/redis_support.py) and `newsdesk worker` processes (tests/fleet_support.py).

The demo world with the fake writer through the fleet gives what one process on SQLite gives,
with one worker or four, and with workers killed and both servers restarted during the run.
The larger fault and scale runs are benches: bench/faults.py, bench/scale.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desk_support import demo_settings, published_stories
from fleet_support import Fleet, integrity_problems
from newsdesk.demo import DemoServer
from newsdesk.errors import ConfigError
from newsdesk.pipeline import RunReport, run_desk
from newsdesk.records import FeedSource
from newsdesk.settings import Settings
from newsdesk.store import Store
from postgres_support import PostgresServer
from redis_support import RedisServer


def _results(store: Store) -> dict[str, Any]:
    return {
        "stories": [(s.id, s.article_urls, s.outlets) for s in store.stories()],
        "published": published_stories(store),
        "snapshot": store.snapshot(),
    }


@pytest.fixture(scope="module")
def one_process(tmp_path_factory: pytest.TempPathFactory, demo_server: DemoServer) -> Any:
    """The demo world through one process on SQLite: what the fleet must give too."""
    tmp = tmp_path_factory.mktemp("one-process")
    opml = tmp / "feeds.opml"
    opml.write_bytes(demo_server.opml())
    settings = demo_settings(tmp, opml, writer="fake")
    run_desk(settings, fail_fast=True)
    with Store(settings.store_location) as store:
        return _results(store)


@pytest.fixture
def fleet_settings(
    tmp_path: Path, demo_opml: Path, postgres_url: str, redis_server: RedisServer
) -> Iterator[Settings]:
    yield demo_settings(
        tmp_path,
        demo_opml,
        writer="fake",
        store_url=postgres_url,
        broker_url=redis_server.url,
        task_visibility_timeout=4,
    )


def _env(settings: Settings) -> dict[str, str]:
    assert settings.broker_url is not None
    return {
        "NEWSDESK_BROKER_URL": settings.broker_url,
        "NEWSDESK_TASK_VISIBILITY_TIMEOUT": str(settings.task_visibility_timeout),
    }


@pytest.mark.parametrize("workers", [1, 4])
def test_the_fleet_gives_what_one_process_gives(
    fleet_settings: Settings, workers: int, one_process: dict[str, Any], tmp_path: Path
) -> None:
    with Fleet(_env(fleet_settings), workers=workers, log_dir=tmp_path) as fleet:
        report = run_desk(fleet_settings, distributed=True)
        assert len(fleet.workers) == workers and all(w.poll() is None for w in fleet.workers)
    assert report.counts["stories_published"] == len(one_process["published"]) > 5
    with Store(fleet_settings.store_location) as store:
        found = _results(store)
        assert integrity_problems(store, fleet_settings.min_outlets) == []
    for key in one_process:
        assert found[key] == one_process[key], key
    assert any(cited for _, _, sentences in found["published"].values() for cited in sentences)


def _when(condition: Callable[[], bool], deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except Exception:  # the store restarting under the check: look again
            pass
        time.sleep(0.05)
    return False


def test_killed_workers_and_restarted_servers_lose_and_repeat_nothing(
    fleet_settings: Settings,
    one_process: dict[str, Any],
    redis_server: RedisServer,
    postgres_server: PostgresServer,
    tmp_path: Path,
) -> None:
    outcome: dict[str, RunReport | BaseException] = {}

    def run() -> None:
        try:
            outcome["report"] = run_desk(fleet_settings, distributed=True)
        except BaseException as exc:
            outcome["error"] = exc

    faults = []
    with (
        Fleet(_env(fleet_settings), workers=2, log_dir=tmp_path) as fleet,
        Store(fleet_settings.store_location) as store,
    ):
        coordinator = threading.Thread(target=run)
        coordinator.start()
        deadline = time.monotonic() + 120
        steps: list[tuple[str, Callable[[], bool], Callable[[], None]]] = [
            ("kill -9 a worker while articles come in", lambda: store.counts()["articles"] > 0,
             lambda: (fleet.kill(fleet.workers[0]), fleet.start_one())),
            ("restart Redis", lambda: store.counts()["articles"] >= 20,
             lambda: redis_server.restart(down_for=1)),
            ("restart PostgreSQL", lambda: store.counts()["articles"] >= 40,
             postgres_server.restart),
            ("kill -9 a worker while stories are written", lambda: len(store.versions()) > 0,
             lambda: (fleet.kill(fleet.workers[0]), fleet.start_one())),
        ]  # fmt: skip
        for name, condition, fault in steps:
            if _when(condition, deadline) and coordinator.is_alive():
                fault()
                faults.append(name)
        coordinator.join(timeout=240)
        assert not coordinator.is_alive(), "the run did not finish"
    assert "error" not in outcome, outcome.get("error")
    assert len(faults) >= 3, faults  # the run may end before the last one
    with Store(fleet_settings.store_location) as store:
        assert integrity_problems(store, fleet_settings.min_outlets) == []
        found = _results(store)
    assert found["published"] == one_process["published"]
    assert found["stories"] == one_process["stories"]
    assert found["snapshot"]["articles"] == one_process["snapshot"]["articles"]


def test_a_distributed_run_needs_a_shared_store_and_a_broker(
    tmp_path: Path, demo_opml: Path, redis_server: RedisServer
) -> None:
    on_sqlite = demo_settings(tmp_path, demo_opml, writer="fake", broker_url=redis_server.url)
    with pytest.raises(ConfigError, match="postgresql://"):
        run_desk(on_sqlite, distributed=True)
    from newsdesk.pipeline.tasks import configure

    with pytest.raises(ConfigError, match="broker_url"):
        configure(demo_settings(tmp_path, demo_opml))


def test_a_poison_message_ends_in_a_recorded_failure(
    fleet_settings: Settings, redis_server: RedisServer
) -> None:
    """A task whose try was delivered MAX_DELIVERIES times already (its worker died each
    time) is not run again: its item is recorded as failed, with the reason."""
    import redis

    from newsdesk.pipeline.tasks import (
        DELIVERIES_KEY,
        MAX_DELIVERIES,
        close_process,
        configure,
        poll_feed_task,
        settings_payload,
    )

    settings = fleet_settings.model_copy(update={"retries": 0})
    configure(settings)
    feed = "http://127.0.0.1:9/feed.xml"  # nothing listens on the discard port
    try:
        with Store(settings.store_location) as store:
            store.upsert_feeds([FeedSource(url=feed)])
            client = redis.Redis.from_url(redis_server.url)
            client.set(f"{DELIVERIES_KEY}poisoned-poll:0", MAX_DELIVERIES)
            client.close()
            result = poll_feed_task.apply(
                args=[settings_payload(settings), feed], task_id="poisoned-poll"
            )
            assert result.get() == {"feeds_failed": 1}
            (row,) = store.feeds(feed)
            assert row.last_status == "failed"
            assert "lost its worker 5 times" in (row.last_error or "")
            # A first delivery does the work: here a fetch that fails for its own reason.
            fresh = poll_feed_task.apply(args=[settings_payload(settings), feed])
            assert fresh.get() == {"feeds_failed": 1}
            (row,) = store.feeds(feed)
            assert "lost its worker" not in (row.last_error or "")
    finally:
        close_process()  # the task's store, fetcher and event loop in this process


def test_a_task_message_the_broker_lost_is_sent_again(
    fleet_settings: Settings, redis_server: RedisServer, tmp_path: Path
) -> None:
    """Redis hands a message to a worker before the worker files it as unacknowledged: a
    worker killed (or a Redis restarted) between the two loses it. The coordinator finds the
    task neither queued nor unacknowledged in two looks and sends it again under its id."""
    import redis

    from newsdesk.pipeline.distributed import Broker, DistributedPipeline
    from newsdesk.pipeline.tasks import INGEST, poll_feed_task, settings_payload

    settings = fleet_settings.model_copy(update={"retries": 0})
    feed = "http://127.0.0.1:9/feed.xml"  # nothing listens on the discard port
    client = redis.Redis.from_url(redis_server.url)
    with Store(settings.store_location) as store:
        store.upsert_feeds([FeedSource(url=feed)])
        pipeline = DistributedPipeline(settings, store)
        pipeline._check()
        pipeline._broker = Broker(redis_server.url, every=0.2)
        sent = pipeline._submit(poll_feed_task, (settings_payload(settings), feed))
        (message,) = [m for m in client.lrange(INGEST, 0, -1) if sent.result.id.encode() in m]
        assert client.lrem(INGEST, 1, message) == 1  # lost before any worker filed it
        report = RunReport(run_id=0)
        with Fleet(_env(settings), workers=1, log_dir=tmp_path):
            assert pipeline._outcome(sent, report) == (True, {"feeds_failed": 1})
        assert report.counts["tasks_resent"] == 1
        assert pipeline._broker.looks >= 2 and not pipeline._waiting
        (row,) = store.feeds(feed)
        assert row.last_status == "failed" and row.last_error
    client.close()


def test_a_queued_task_is_not_sent_again(
    fleet_settings: Settings, redis_server: RedisServer
) -> None:
    """A task waiting in the queue (no worker yet) is found there at every look."""
    import redis

    from newsdesk.pipeline.distributed import Broker, DistributedPipeline
    from newsdesk.pipeline.tasks import INGEST, poll_feed_task, settings_payload

    client = redis.Redis.from_url(redis_server.url)
    with Store(fleet_settings.store_location) as store:
        pipeline = DistributedPipeline(fleet_settings, store)
        pipeline._check()
        pipeline._broker = Broker(redis_server.url, every=0.0)
        sent = pipeline._submit(poll_feed_task, (settings_payload(fleet_settings), "x"))
        for _ in range(3):
            assert pipeline._broker.lost([sent]) == []
        assert pipeline._broker.looks == 3 and sent.missed == 0
        (message,) = [m for m in client.lrange(INGEST, 0, -1) if sent.result.id.encode() in m]
        client.lrem(INGEST, 1, message)
        assert pipeline._broker.lost([sent]) == []  # missed once: maybe in a worker's hand
        assert pipeline._broker.lost([sent]) == [sent]
    client.close()
