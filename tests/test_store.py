import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from newsdesk.errors import RunLockedError
from newsdesk.records import Article, Entry, FeedSource, ItemStatus
from newsdesk.store import Store
from newsdesk.store.migrations import MIGRATIONS


def entry(n: int) -> Entry:
    return Entry(
        title=f"Headline {n}",
        link=f"https://outlet.example/{n}",
        published=datetime(2026, 3, n, 9, tzinfo=UTC),
        summary="summary",
        author=None,
        guid=f"guid-{n}",
    )


def article(n: int) -> Article:
    return Article(
        url=f"https://outlet.example/{n}?utm_source=x",
        canonical_url=f"https://outlet.example/{n}",
        outlet="Outlet",
        title=f"Headline {n}",
        authors=("A. Writer",),
        published=datetime(2026, 3, n, 9, tzinfo=UTC),
        body=f"Body of article {n}.",
        lang="en",
    )


def test_migrations_are_versioned_and_rerunnable(tmp_path: Path) -> None:
    path = tmp_path / "d.db"
    Store(path).close()
    Store(path).close()
    db = sqlite3.connect(path)
    assert db.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_postgres_migrations_are_versioned_and_rerunnable(postgres_url: str) -> None:
    Store(postgres_url).close()
    Store(postgres_url).close()
    with psycopg.connect(postgres_url) as db:
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(len(MIGRATIONS),)]
        columns = dict(
            db.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'story_versions'"
            ).fetchall()
        )
    assert columns["search"] == "tsvector"


def test_writes_are_idempotent(store_location: Path | str) -> None:
    with Store(store_location) as store:
        for _ in range(2):
            store.upsert_feeds([FeedSource("https://outlet.example/feed", "Outlet")])
            store.record_feed_ok(
                "https://outlet.example/feed",
                title="Outlet",
                site_url=None,
                etag='"v1"',
                last_modified=None,
                entries=[entry(1), entry(2)],
                problems=[],
            )
        pending = store.pending_entries(per_feed=10)
        assert [p.title for p in pending] == ["Headline 1", "Headline 2"]
        assert store.record_article(pending[0].id, article(1), b"<html>1</html>", None)
        assert not store.record_article(pending[1].id, article(1), b"<html>1</html>", None)
        assert store.counts()["articles"] == 1
        assert store.counts()["entries"] == 2
        assert store.pending_entries(per_feed=10) == []
        assert store.raw_html("https://outlet.example/1") == b"<html>1</html>"


def test_pending_entries_take_newest_per_feed(store_location: Path | str) -> None:
    with Store(store_location) as store:
        store.upsert_feeds([FeedSource("https://outlet.example/feed")])
        store.record_feed_ok(
            "https://outlet.example/feed",
            title=None,
            site_url=None,
            etag=None,
            last_modified=None,
            entries=[entry(n) for n in (1, 2, 3)],
            problems=[],
        )
        assert [p.title for p in store.pending_entries(per_feed=2)] == ["Headline 2", "Headline 3"]


def test_failures_are_recorded_with_reasons(store_location: Path | str) -> None:
    with Store(store_location) as store:
        store.upsert_feeds([FeedSource("https://broken.example/feed")])
        store.record_feed_failed("https://broken.example/feed", "not a feed: HTML page")
        store.record_feed_failed("https://broken.example/feed", "not a feed: HTML page")
        (feed,) = store.feeds()
        assert (feed.last_status, feed.error_count) == ("failed", 2)
        assert (
            "feed",
            "https://broken.example/feed",
            "failed: not a feed: HTML page",
        ) in store.failures()


def test_one_writer_at_a_time(store_location: Path | str) -> None:
    with Store(store_location) as first, Store(store_location) as second:
        first.acquire_writer()
        with pytest.raises(RunLockedError, match="another newsdesk run"):
            second.acquire_writer()
        first.release_writer()
        second.acquire_writer()


def test_interrupted_runs_are_marked(store_location: Path | str) -> None:
    with Store(store_location) as store:
        store.start_run()  # never finished: killed
        second = store.start_run()
        store.finish_run(second, "ok", {"articles_ok": 3})
        runs = store.runs()
        assert [r["status"] for r in runs] == ["ok", "interrupted"]
        assert runs[0]["counts"] == {"articles_ok": 3}


def test_paywalled_articles_are_kept_but_not_listed_as_ok(store_location: Path | str) -> None:
    with Store(store_location) as store:
        store.upsert_feeds([FeedSource("https://outlet.example/feed")])
        store.record_feed_ok(
            "https://outlet.example/feed",
            title=None,
            site_url=None,
            etag=None,
            last_modified=None,
            entries=[entry(1)],
            problems=[],
        )
        (pending,) = store.pending_entries(10)
        store.record_article(
            pending.id, replace(article(1), status=ItemStatus.PAYWALL, reason="paywall"), b"", None
        )
        assert store.articles() == []
        assert [a.article.reason for a in store.articles(status=None)] == ["paywall"]
        assert store.counts()["paywalled"] == 1


def test_stories_versions_and_embeddings_round_trip(store_location: Path | str) -> None:
    import numpy as np

    from newsdesk.records import Story, StoryVersion

    with Store(store_location) as store:
        store.upsert_feeds([FeedSource("https://outlet.example/feed", "Outlet")])
        store.record_feed_ok(
            "https://outlet.example/feed",
            title=None,
            site_url=None,
            etag=None,
            last_modified=None,
            entries=[entry(1), entry(2)],
            problems=[],
        )
        for pending, n in zip(store.pending_entries(10), (1, 2), strict=True):
            store.record_article(pending.id, article(n), b"", None)
        story = Story(
            id="s1",
            label="Headline 1",
            article_urls=("https://outlet.example/1", "https://outlet.example/2"),
            outlets=("Outlet",),
            first_published=datetime(2026, 3, 1, 9, tzinfo=UTC),
            last_published=datetime(2026, 3, 2, 9, tzinfo=UTC),
            category="World",
        )
        store.save_stories([story])
        store.save_stories([story])  # idempotent: the state is replaced, not appended
        assert store.stories() == [story]
        draft = StoryVersion(
            "s1",
            0,
            datetime(2026, 3, 2, 10, tzinfo=UTC),
            True,
            (),
            story.article_urls,
            "T",
            "text",
            "{}",
        )
        assert store.save_version(draft).version == 1
        assert store.save_version(draft).version == 2
        assert [v.version for v in store.versions("s1")] == [1, 2]
        assert store.latest_versions()["s1"].version == 2
        vector = np.arange(4, dtype=np.float32)
        store.save_embeddings("m", {"h1": vector})
        store.save_embeddings("m", {"h1": vector * 2})  # first one kept: same content, same vector
        assert store.embeddings("m", ["h1", "h2"])["h1"].tolist() == [0, 1, 2, 3]
        assert store.embeddings("other", ["h1"]) == {}
