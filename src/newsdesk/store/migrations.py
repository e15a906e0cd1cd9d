"""Ordered schema migrations. Append new ones; never edit one that has shipped."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Migration = Callable[[sqlite3.Connection], None]


def _run_script(db: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT the migration's transaction half way; run statements one by one.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _001_initial(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE feeds (
            url            TEXT PRIMARY KEY,
            title          TEXT,          -- outlet display name once known
            category       TEXT,
            site_url       TEXT,
            etag           TEXT,
            last_modified  TEXT,
            last_fetched   TEXT,
            last_status    TEXT,          -- ok | not_modified | failed
            last_error     TEXT,
            problems       TEXT,          -- JSON list: what the parser had to recover from
            error_count    INTEGER NOT NULL DEFAULT 0,
            entry_count    INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE entries (
            id          INTEGER PRIMARY KEY,
            feed_url    TEXT NOT NULL REFERENCES feeds(url),
            entry_key   TEXT NOT NULL,    -- guid, else link, else title
            title       TEXT NOT NULL,
            link        TEXT,
            published   TEXT,
            summary     TEXT NOT NULL,
            author      TEXT,
            status      TEXT,             -- NULL = not processed yet, else ok | skipped | failed
            reason      TEXT,
            article_url TEXT,             -- canonical URL of the article it led to
            UNIQUE (feed_url, entry_key)
        );
        CREATE TABLE articles (
            id             INTEGER PRIMARY KEY,
            canonical_url  TEXT NOT NULL UNIQUE,
            url            TEXT NOT NULL,
            outlet         TEXT NOT NULL,
            title          TEXT NOT NULL,
            authors        TEXT NOT NULL,  -- JSON list
            published      TEXT,
            body           TEXT NOT NULL,
            lang           TEXT,
            content_hash   TEXT NOT NULL,
            raw_html       BLOB,           -- zlib-compressed page as fetched
            status         TEXT NOT NULL,  -- ok | paywall | failed
            reason         TEXT,
            minhash        BLOB,           -- MinHash signature, so dedupe never recomputes it
            text_group     TEXT,           -- canonical URL of the first article with this text
            fetched_at     TEXT NOT NULL
        );
        CREATE INDEX articles_content_hash ON articles(content_hash);
        CREATE INDEX articles_text_group ON articles(text_group);
        CREATE INDEX entries_status ON entries(status);
        CREATE TABLE runs (
            id          INTEGER PRIMARY KEY,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            status      TEXT NOT NULL,    -- running | ok | failed | interrupted
            counts      TEXT              -- JSON: what the run did
        );
        """,
    )


def _002_stories(db: sqlite3.Connection) -> None:
    _run_script(
        db,
        """
        CREATE TABLE embeddings (
            content_hash TEXT NOT NULL,
            model        TEXT NOT NULL,
            vector       BLOB NOT NULL,     -- float32, L2-normalised
            PRIMARY KEY (content_hash, model)
        );
        CREATE TABLE stories (
            id              TEXT PRIMARY KEY,  -- stable: derived from the founding article
            follows         TEXT,              -- earlier story this one continues (a thread)
            label           TEXT NOT NULL,     -- most central headline, for people
            category        TEXT,
            first_published TEXT,
            last_published  TEXT,
            outlet_count    INTEGER NOT NULL,
            article_count   INTEGER NOT NULL,
            status          TEXT NOT NULL,     -- open | quiet
            updated_at      TEXT NOT NULL
        );
        CREATE TABLE story_articles (
            canonical_url TEXT PRIMARY KEY REFERENCES articles(canonical_url),
            story_id      TEXT NOT NULL
        );
        CREATE INDEX story_articles_story ON story_articles(story_id);
        CREATE TABLE story_versions (
            story_id    TEXT NOT NULL,
            version     INTEGER NOT NULL,
            created_at  TEXT NOT NULL,
            status      TEXT NOT NULL,         -- published | held
            reasons     TEXT NOT NULL,         -- JSON list: why it was held back
            sources     TEXT NOT NULL,         -- JSON list of canonical URLs it was written from
            title       TEXT NOT NULL,
            text        TEXT NOT NULL,         -- the house text layout
            payload     TEXT NOT NULL,         -- JSON: article, citations, checks, timings
            PRIMARY KEY (story_id, version)
        )
        """,
    )


_SEARCH_ROW = "(rowid, story_id, version, status, title, body)"
_SEARCH_STATEMENTS = (
    """CREATE VIRTUAL TABLE story_search USING fts5(
        story_id UNINDEXED, version UNINDEXED, status UNINDEXED, title, body,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    f"""INSERT INTO story_search {_SEARCH_ROW}
        SELECT rowid, story_id, version, status, title, text FROM story_versions""",
    f"""CREATE TRIGGER story_search_insert AFTER INSERT ON story_versions BEGIN
        INSERT INTO story_search {_SEARCH_ROW}
        VALUES (new.rowid, new.story_id, new.version, new.status, new.title, new.text);
    END""",
    """CREATE TRIGGER story_search_delete AFTER DELETE ON story_versions BEGIN
        DELETE FROM story_search WHERE rowid = old.rowid;
    END""",
    f"""CREATE TRIGGER story_search_update AFTER UPDATE ON story_versions BEGIN
        DELETE FROM story_search WHERE rowid = old.rowid;
        INSERT INTO story_search {_SEARCH_ROW}
        VALUES (new.rowid, new.story_id, new.version, new.status, new.title, new.text);
    END""",
)


def _003_search(db: sqlite3.Connection) -> None:
    # Full-text index of written versions. Triggers keep it in step with story_versions, so no
    # writer has to remember it; rowid ties each index row to its version row. Trigger bodies
    # hold semicolons, so these statements cannot go through _run_script's split.
    for statement in _SEARCH_STATEMENTS:
        db.execute(statement)


MIGRATIONS: tuple[Migration, ...] = (_001_initial, _002_stories, _003_search)


def migrate(db: sqlite3.Connection) -> int:
    """Bring the schema to the newest version; returns that version."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = db.execute("SELECT version FROM schema_version").fetchone()
    current = row[0] if row else 0
    for version, step in enumerate(MIGRATIONS, start=1):
        if version <= current:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            step(db)
            db.execute("DELETE FROM schema_version")
            db.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return len(MIGRATIONS)
