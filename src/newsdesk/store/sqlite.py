"""The SQLite store: the only code that speaks SQL.

WAL mode so readers (status, the web site) never block the one writer. Every write uses a
natural key (feed URL, feed+entry key, canonical URL) so re-running after a crash finishes the
work without duplicates.
"""

from __future__ import annotations

import fcntl
import json
import os
import sqlite3
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from newsdesk.errors import RunLockedError, StoreError
from newsdesk.records import Article, Entry, FeedSource, ItemStatus
from newsdesk.store.migrations import migrate
from newsdesk.store.stories import StoriesMixin


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass(frozen=True, slots=True)
class FeedRow:
    url: str
    title: str | None
    category: str | None
    etag: str | None
    last_modified: str | None
    last_fetched: str | None
    last_status: str | None
    last_error: str | None
    problems: tuple[str, ...]
    error_count: int
    entry_count: int


@dataclass(frozen=True, slots=True)
class PendingEntry:
    id: int
    feed_url: str
    outlet: str
    title: str
    link: str | None
    published: datetime | None


@dataclass(frozen=True, slots=True)
class StoredArticle:
    id: int
    article: Article
    minhash: bytes | None
    text_group: str | None


class Store(StoriesMixin):
    """A connection to one newsdesk database."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            migrate(self.db)
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"cannot open store {path}: {exc}") from exc
        self._lock_file: IO[str] | None = None

    def close(self) -> None:
        self.release_writer()
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- one writer at a time -------------------------------------------------------------
    def acquire_writer(self) -> None:
        """Take the run lock or raise RunLockedError naming the holder."""
        lock_path = self.path.with_suffix(".lock")
        handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held for the run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise RunLockedError(
                f"another newsdesk run is writing to {self.path} (pid {holder}); "
                "wait for it to finish"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def release_writer(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- feeds -------------------------------------------------------------------------------
    def upsert_feeds(self, sources: Sequence[FeedSource]) -> int:
        """Add feeds not known yet; returns how many were new."""
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT INTO feeds (url, title, category) VALUES (?, ?, ?) "
                "ON CONFLICT(url) DO NOTHING",
                [(s.url, s.title, s.category) for s in sources],
            )
            return db.total_changes - before

    def feeds(self) -> list[FeedRow]:
        rows = self.db.execute(
            "SELECT url, title, category, etag, last_modified, last_fetched, last_status, "
            "last_error, problems, error_count, entry_count FROM feeds ORDER BY url"
        ).fetchall()
        return [
            FeedRow(
                url=r[0],
                title=r[1],
                category=r[2],
                etag=r[3],
                last_modified=r[4],
                last_fetched=r[5],
                last_status=r[6],
                last_error=r[7],
                problems=tuple(json.loads(r[8] or "[]")),
                error_count=r[9],
                entry_count=r[10],
            )
            for r in rows
        ]

    def record_feed_ok(
        self,
        url: str,
        *,
        title: str | None,
        site_url: str | None,
        etag: str | None,
        last_modified: str | None,
        entries: Sequence[Entry],
        problems: Sequence[str],
    ) -> int:
        """Store a fetched feed and its entries in one transaction; returns new entries."""
        with self.transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT INTO entries (feed_url, entry_key, title, link, published, summary, "
                "author) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    (url, e.key, e.title, e.link, _iso(e.published), e.summary, e.author)
                    for e in entries
                ],
            )
            new = db.total_changes - before
            db.execute(
                "UPDATE feeds SET title = COALESCE(title, ?), site_url = ?, etag = ?, "
                "last_modified = ?, last_fetched = ?, last_status = 'ok', last_error = NULL, "
                "problems = ?, error_count = 0, "
                "entry_count = (SELECT COUNT(*) FROM entries WHERE feed_url = ?) WHERE url = ?",
                (
                    title,
                    site_url,
                    etag,
                    last_modified,
                    _now(),
                    json.dumps(list(problems)),
                    url,
                    url,
                ),
            )
            return new

    def record_feed_not_modified(self, url: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE feeds SET last_fetched = ?, last_status = 'not_modified', "
                "last_error = NULL, error_count = 0 WHERE url = ?",
                (_now(), url),
            )

    def record_feed_failed(self, url: str, reason: str) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE feeds SET last_fetched = ?, last_status = 'failed', last_error = ?, "
                "error_count = error_count + 1 WHERE url = ?",
                (_now(), reason, url),
            )

    # -- entries -----------------------------------------------------------------------------
    def pending_entries(self, per_feed: int) -> list[PendingEntry]:
        """Entries not processed yet, newest first, at most `per_feed` per feed."""
        rows = self.db.execute(
            "SELECT e.id, e.feed_url, COALESCE(f.title, f.url), e.title, e.link, e.published "
            "FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY feed_url "
            "      ORDER BY published DESC, id) AS rank FROM entries) AS e "
            "JOIN feeds AS f ON f.url = e.feed_url "
            "WHERE e.status IS NULL AND e.rank <= ? ORDER BY e.id",
            (per_feed,),
        ).fetchall()
        return [PendingEntry(r[0], r[1], r[2], r[3], r[4], _parse_iso(r[5])) for r in rows]

    def known_article_url(self, canonical_url: str) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM articles WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        return row is not None

    def record_entry(
        self, entry_id: int, status: ItemStatus, reason: str | None, article_url: str | None
    ) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE entries SET status = ?, reason = ?, article_url = ? WHERE id = ?",
                (status.value, reason, article_url, entry_id),
            )

    def record_article(
        self, entry_id: int, article: Article, raw_html: bytes, minhash: bytes | None
    ) -> bool:
        """Store an article and mark its entry done, atomically. False if already known."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT INTO articles (canonical_url, url, outlet, title, authors, published, "
                "body, lang, content_hash, raw_html, status, reason, minhash, fetched_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(canonical_url) DO NOTHING",
                (
                    article.canonical_url,
                    article.url,
                    article.outlet,
                    article.title,
                    json.dumps(list(article.authors)),
                    _iso(article.published),
                    article.body,
                    article.lang,
                    article.content_hash,
                    zlib.compress(raw_html, 6),
                    article.status.value,
                    article.reason,
                    minhash,
                    _now(),
                ),
            )
            db.execute(
                "UPDATE entries SET status = 'ok', reason = NULL, article_url = ? WHERE id = ?",
                (article.canonical_url, entry_id),
            )
            return cursor.rowcount == 1

    # -- articles ----------------------------------------------------------------------------
    def articles(self, status: ItemStatus | None = ItemStatus.OK) -> list[StoredArticle]:
        query = (
            "SELECT id, url, canonical_url, outlet, title, authors, published, body, lang, "
            "status, reason, content_hash, minhash, text_group FROM articles"
        )
        params: tuple[Any, ...] = ()
        if status is not None:
            query += " WHERE status = ?"
            params = (status.value,)
        rows = self.db.execute(query + " ORDER BY published, canonical_url", params).fetchall()
        return [
            StoredArticle(
                r[0],
                Article(
                    url=r[1],
                    canonical_url=r[2],
                    outlet=r[3],
                    title=r[4],
                    authors=tuple(json.loads(r[5])),
                    published=_parse_iso(r[6]),
                    body=r[7],
                    lang=r[8],
                    status=ItemStatus(r[9]),
                    reason=r[10],
                    content_hash=r[11],
                ),
                r[12],
                r[13],
            )
            for r in rows
        ]

    def raw_html(self, canonical_url: str) -> bytes | None:
        row = self.db.execute(
            "SELECT raw_html FROM articles WHERE canonical_url = ?", (canonical_url,)
        ).fetchone()
        return zlib.decompress(row[0]) if row and row[0] else None

    def set_text_groups(self, groups: dict[str, str]) -> None:
        """canonical_url -> canonical URL of the group's first article."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE articles SET text_group = ? WHERE canonical_url = ?",
                [(group, url) for url, group in groups.items()],
            )

    # -- runs --------------------------------------------------------------------------------
    def start_run(self) -> int:
        with self.transaction() as db:
            # A run that was killed never finished: say so instead of leaving it "running".
            db.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            cursor = db.execute(
                "INSERT INTO runs (started_at, status) VALUES (?, 'running')", (_now(),)
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

    def finish_run(self, run_id: int, status: str, counts: dict[str, int]) -> None:
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
                (_now(), status, json.dumps(counts, sort_keys=True), run_id),
            )

    def record_run_progress(self, run_id: int, counts: dict[str, int]) -> None:
        """What a run in progress has done so far (finish_run writes the final counts)."""
        with self.transaction() as db:
            db.execute(
                "UPDATE runs SET counts = ? WHERE id = ? AND status = 'running'",
                (json.dumps(counts, sort_keys=True), run_id),
            )

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        rows = self.db.execute(
            "SELECT id, started_at, finished_at, status, counts FROM runs ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [
            {
                "id": r[0],
                "started_at": r[1],
                "finished_at": r[2],
                "status": r[3],
                "counts": json.loads(r[4] or "{}"),
            }
            for r in rows
        ]

    # -- reporting ---------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "feeds": one("SELECT COUNT(*) FROM feeds").fetchone()[0],
            "feeds_failed": one(
                "SELECT COUNT(*) FROM feeds WHERE last_status = 'failed'"
            ).fetchone()[0],
            "entries": one("SELECT COUNT(*) FROM entries").fetchone()[0],
            "entries_pending": one("SELECT COUNT(*) FROM entries WHERE status IS NULL").fetchone()[
                0
            ],
            "articles": one("SELECT COUNT(*) FROM articles WHERE status = 'ok'").fetchone()[0],
            "paywalled": one("SELECT COUNT(*) FROM articles WHERE status = 'paywall'").fetchone()[
                0
            ],
            "texts": one(
                "SELECT COUNT(DISTINCT COALESCE(text_group, canonical_url)) FROM articles "
                "WHERE status = 'ok'"
            ).fetchone()[0],
        }

    def failures(self, limit: int = 50) -> list[tuple[str, str, str]]:
        """(kind, what, reason) for the latest failed feeds and entries."""
        feeds = [
            ("feed", f.url, f"failed: {f.last_error}")
            if f.last_status == "failed"
            else ("feed", f.url, "recovered: " + "; ".join(f.problems))
            for f in self.feeds()
            if f.last_status == "failed" or f.problems
        ]
        entries = self.db.execute(
            "SELECT 'entry', COALESCE(link, title), status || ': ' || reason FROM entries "
            "WHERE status IN ('failed', 'skipped') ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        paywalls = self.db.execute(
            "SELECT 'article', canonical_url, 'held back: ' || COALESCE(reason, status) "
            "FROM articles WHERE status != 'ok' ORDER BY id DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [(str(k), str(w), str(r or "")) for k, w, r in [*feeds, *entries, *paywalls]]

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Content of every table without ids or clocks: equal for two equivalent runs."""
        return {
            "feeds": self.db.execute(
                "SELECT url, title, etag, last_modified, problems FROM feeds ORDER BY url"
            ).fetchall(),
            "entries": self.db.execute(
                "SELECT feed_url, entry_key, title, link, published, status, article_url "
                "FROM entries ORDER BY feed_url, entry_key"
            ).fetchall(),
            "articles": self.db.execute(
                "SELECT canonical_url, outlet, title, authors, published, body, content_hash, "
                "status, text_group FROM articles ORDER BY canonical_url"
            ).fetchall(),
        }
