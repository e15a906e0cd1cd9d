"""The Store: the only code that speaks SQL, on SQLite (the embedded default) or PostgreSQL.

`Store(location)` opens either: a path (or `sqlite:///path`) is a SQLite file, a
`postgresql://` URL a server. Both run the same migrations and the same statements; every write
uses a natural key (feed URL, feed+entry key, canonical URL) so re-running after a crash
finishes the work without duplicates.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsdesk.errors import StoreError
from newsdesk.records import Article, Entry, FeedSource, ItemStatus
from newsdesk.store.backend import Backend, Connection, Dialect, is_postgres, sqlite_path
from newsdesk.store.migrations import migrate
from newsdesk.store.rows import FeedRow, PendingEntry, StoredArticle
from newsdesk.store.stories import StoriesMixin

if TYPE_CHECKING:
    import sqlite3


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def open_backend(location: Path | str) -> Backend:
    if is_postgres(location):
        assert isinstance(location, str)
        from newsdesk.store.postgres import PostgresBackend  # psycopg loads only when used

        return PostgresBackend(location)
    from newsdesk.store.sqlite import SqliteBackend

    return SqliteBackend(sqlite_path(location))


_COUNTS = {
    "feeds": "SELECT COUNT(*) FROM feeds",
    "feeds_failed": "SELECT COUNT(*) FROM feeds WHERE last_status = 'failed'",
    "entries": "SELECT COUNT(*) FROM entries",
    "entries_pending": "SELECT COUNT(*) FROM entries WHERE status IS NULL",
    "articles": "SELECT COUNT(*) FROM articles WHERE status = 'ok'",
    "paywalled": "SELECT COUNT(*) FROM articles WHERE status = 'paywall'",
    "texts": "SELECT COUNT(DISTINCT COALESCE(text_group, canonical_url)) FROM articles "
    "WHERE status = 'ok'",
}


class Store(StoriesMixin):
    """A connection to one newsdesk database: a SQLite path or a PostgreSQL URL."""

    def __init__(self, location: Path | str) -> None:
        self.backend = open_backend(location)
        self.path = self.backend.path
        self.location = self.backend.shown
        self.dialect: Dialect = self.backend.dialect
        try:
            migrate(self.backend)
        except StoreError:
            self.backend.close()
            raise
        except self.backend.foreign_errors as exc:
            self.backend.close()
            raise StoreError(f"cannot open store {self.location}: {exc}") from exc

    @property
    def db(self) -> sqlite3.Connection:
        """The raw SQLite connection (tests and repair tools); a server store has none."""
        raw: sqlite3.Connection | None = getattr(self.backend, "db", None)
        if raw is None:
            raise StoreError(f"{self.location} is a {self.dialect} store: no SQLite connection")
        return raw

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- connections ---------------------------------------------------------------------------
    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection for reads; each statement stands on its own."""
        with self.backend.connection() as db:
            yield db

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        with self.backend.transaction() as db:
            yield db

    # -- one writer at a time -------------------------------------------------------------
    def acquire_writer(self) -> None:
        """Take the run lock or raise RunLockedError naming the holder."""
        self.backend.acquire_writer()

    def release_writer(self) -> None:
        self.backend.release_writer()

    def step_lock(self, name: str) -> AbstractContextManager[None]:
        """`with store.step_lock("cluster"):` one process at a time runs the block, across
        hosts on PostgreSQL (an advisory lock), on one host on SQLite (an flock)."""
        return self.backend.step_lock(name)

    # -- feeds -------------------------------------------------------------------------------
    def upsert_feeds(self, sources: Sequence[FeedSource]) -> int:
        """Add feeds not known yet; returns how many were new."""
        with self.transaction() as db:
            return db.many(
                "INSERT INTO feeds (url, title, category) VALUES (?, ?, ?) "
                "ON CONFLICT(url) DO NOTHING",
                [(s.url, s.title, s.category) for s in sources],
            )

    def feeds(self, url: str | None = None) -> list[FeedRow]:
        """Every feed, or the one with this URL (none if unknown)."""
        where, params = ("WHERE url = ? ", (url,)) if url is not None else ("", ())
        with self.connection() as db:
            rows = db.rows(
                "SELECT url, title, category, etag, last_modified, last_fetched, last_status, "
                f"last_error, problems, error_count, entry_count FROM feeds {where}ORDER BY url",
                params,
            )
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
            new = db.many(
                "INSERT INTO entries (feed_url, entry_key, title, link, published, summary, "
                "author) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [
                    (url, e.key, e.title, e.link, _iso(e.published), e.summary, e.author)
                    for e in entries
                ],
            )
            db.run(
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
            db.run(
                "UPDATE feeds SET last_fetched = ?, last_status = 'not_modified', "
                "last_error = NULL, error_count = 0 WHERE url = ?",
                (_now(), url),
            )

    def record_feed_failed(self, url: str, reason: str) -> None:
        with self.transaction() as db:
            db.run(
                "UPDATE feeds SET last_fetched = ?, last_status = 'failed', last_error = ?, "
                "error_count = error_count + 1 WHERE url = ?",
                (_now(), reason, url),
            )

    # -- entries -----------------------------------------------------------------------------
    def pending_entries(self, per_feed: int) -> list[PendingEntry]:
        """Entries not processed yet, newest first, at most `per_feed` per feed."""
        with self.connection() as db:
            rows = db.rows(
                "SELECT e.id, e.feed_url, COALESCE(f.title, f.url), e.title, e.link, "
                "e.published FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY feed_url "
                "      ORDER BY published DESC NULLS LAST, id) AS rank FROM entries) AS e "
                "JOIN feeds AS f ON f.url = e.feed_url "
                "WHERE e.status IS NULL AND e.rank <= ? ORDER BY e.id",
                (per_feed,),
            )
        return [PendingEntry(r[0], r[1], r[2], r[3], r[4], _parse_iso(r[5])) for r in rows]

    def known_article_url(self, canonical_url: str) -> bool:
        with self.connection() as db:
            row = db.one("SELECT 1 FROM articles WHERE canonical_url = ?", (canonical_url,))
        return row is not None

    def record_entry(
        self, entry_id: int, status: ItemStatus, reason: str | None, article_url: str | None
    ) -> None:
        with self.transaction() as db:
            db.run(
                "UPDATE entries SET status = ?, reason = ?, article_url = ? WHERE id = ?",
                (status.value, reason, article_url, entry_id),
            )

    def record_article(
        self, entry_id: int, article: Article, raw_html: bytes, minhash: bytes | None
    ) -> bool:
        """Store an article and mark its entry done, atomically. False if already known."""
        with self.transaction() as db:
            added = db.run(
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
            db.run(
                "UPDATE entries SET status = 'ok', reason = NULL, article_url = ? WHERE id = ?",
                (article.canonical_url, entry_id),
            )
            return added == 1

    # -- articles ----------------------------------------------------------------------------
    def articles(
        self, status: ItemStatus | None = ItemStatus.OK, urls: Sequence[str] | None = None
    ) -> list[StoredArticle]:
        """Stored articles (of one status; with these canonical URLs), oldest first."""
        query = (
            "SELECT id, url, canonical_url, outlet, title, authors, published, body, lang, "
            "status, reason, content_hash, minhash, text_group FROM articles"
        )
        where: list[str] = []
        params: tuple[Any, ...] = ()
        if status is not None:
            where.append("status = ?")
            params = (status.value,)
        if urls is not None:
            where.append(f"canonical_url IN ({','.join('?' * len(urls)) or 'NULL'})")
            params = (*params, *urls)
        if where:
            query += " WHERE " + " AND ".join(where)
        with self.connection() as db:
            rows = db.rows(query + " ORDER BY published NULLS FIRST, canonical_url", params)
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
        with self.connection() as db:
            row = db.one("SELECT raw_html FROM articles WHERE canonical_url = ?", (canonical_url,))
        return zlib.decompress(row[0]) if row and row[0] else None

    def set_text_groups(self, groups: dict[str, str]) -> None:
        """canonical_url -> canonical URL of the group's first article."""
        with self.transaction() as db:
            db.many(
                "UPDATE articles SET text_group = ? WHERE canonical_url = ?",
                [(group, url) for url, group in groups.items()],
            )

    # -- runs --------------------------------------------------------------------------------
    def start_run(self) -> int:
        with self.transaction() as db:
            # A run that was killed never finished: say so instead of leaving it "running".
            db.run("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            row = db.one(
                "INSERT INTO runs (started_at, status) VALUES (?, 'running') RETURNING id",
                (_now(),),
            )
            assert row is not None
            return int(row[0])

    def finish_run(self, run_id: int, status: str, counts: dict[str, int]) -> None:
        with self.transaction() as db:
            db.run(
                "UPDATE runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
                (_now(), status, json.dumps(counts, sort_keys=True), run_id),
            )

    def record_run_progress(self, run_id: int, counts: dict[str, int]) -> None:
        """What a run in progress has done so far (finish_run writes the final counts)."""
        with self.transaction() as db:
            db.run(
                "UPDATE runs SET counts = ? WHERE id = ? AND status = 'running'",
                (json.dumps(counts, sort_keys=True), run_id),
            )

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        with self.connection() as db:
            rows = db.rows(
                "SELECT id, started_at, finished_at, status, counts FROM runs "
                "ORDER BY id DESC LIMIT ?",
                (limit,),
            )
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
        with self.connection() as db:
            return {name: int(db.rows(sql)[0][0]) for name, sql in _COUNTS.items()}

    def failures(self, limit: int = 50) -> list[tuple[str, str, str]]:
        """(kind, what, reason) for the latest failed feeds and entries."""
        feeds = [
            ("feed", f.url, f"failed: {f.last_error}")
            if f.last_status == "failed"
            else ("feed", f.url, "recovered: " + "; ".join(f.problems))
            for f in self.feeds()
            if f.last_status == "failed" or f.problems
        ]
        with self.connection() as db:
            entries = db.rows(
                "SELECT 'entry', COALESCE(link, title), status || ': ' || reason FROM entries "
                "WHERE status IN ('failed', 'skipped') ORDER BY id DESC LIMIT ?",
                (limit,),
            )
            paywalls = db.rows(
                "SELECT 'article', canonical_url, 'held back: ' || COALESCE(reason, status) "
                "FROM articles WHERE status != 'ok' ORDER BY id DESC LIMIT ?",
                (limit,),
            )
        return [(str(k), str(w), str(r or "")) for k, w, r in [*feeds, *entries, *paywalls]]

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Content of every table without ids or clocks: equal for two equivalent runs."""
        with self.connection() as db:
            return {
                "feeds": db.rows(
                    "SELECT url, title, etag, last_modified, problems FROM feeds ORDER BY url"
                ),
                "entries": db.rows(
                    "SELECT feed_url, entry_key, title, link, published, status, article_url "
                    "FROM entries ORDER BY feed_url, entry_key"
                ),
                "articles": db.rows(
                    "SELECT canonical_url, outlet, title, authors, published, body, "
                    "content_hash, status, text_group FROM articles ORDER BY canonical_url"
                ),
            }


def open_store(location: Path | str) -> Store:
    """The store at `location`: a SQLite path or `sqlite:///path`, or a `postgresql://` URL."""
    return Store(location)
