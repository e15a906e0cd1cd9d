"""Stories, their embeddings and written versions: the story half of the store."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from newsdesk.records import Article, Story, StoryVersion
from newsdesk.store.backend import Connection, Row


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class StoriesMixin:
    """Mixed into Store: needs its connection() and transaction()."""

    def connection(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[Connection]:
        raise NotImplementedError

    # -- embeddings: keyed by content hash, so no text is ever embedded twice ----------------
    def embeddings(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self.connection() as db:
            for start in range(0, len(hashes), 500):
                chunk = list(hashes[start : start + 500])
                marks = ",".join("?" * len(chunk))
                rows = db.rows(
                    f"SELECT content_hash, vector FROM embeddings WHERE model = ? "
                    f"AND content_hash IN ({marks})",
                    [model, *chunk],
                )
                for content_hash, blob in rows:
                    found[content_hash] = np.frombuffer(blob, dtype=np.float32)
        return found

    def save_embeddings(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        with self.transaction() as db:
            db.many(
                "INSERT INTO embeddings (content_hash, model, vector) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [(h, model, v.astype(np.float32).tobytes()) for h, v in vectors.items()],
            )

    # -- articles from a file, for `newsdesk cluster` on a temporary store -------------------
    def import_articles(self, articles: Sequence[Article]) -> None:
        """Store articles that came from a file rather than a fetch (no entry, no page)."""
        fetched = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            db.many(
                "INSERT INTO articles (canonical_url, url, outlet, title, authors, published, "
                "body, lang, content_hash, status, fetched_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(canonical_url) DO NOTHING",
                [
                    (
                        a.canonical_url,
                        a.url,
                        a.outlet,
                        a.title,
                        json.dumps(list(a.authors)),
                        _iso(a.published),
                        a.body,
                        a.lang,
                        a.content_hash,
                        a.status.value,
                        fetched,
                    )
                    for a in articles
                ],
            )

    # -- stories -------------------------------------------------------------------------------
    def story_assignments(self) -> dict[str, str]:
        """canonical URL -> id of the story the article is in."""
        with self.connection() as db:
            return {
                r[0]: r[1] for r in db.rows("SELECT canonical_url, story_id FROM story_articles")
            }

    def save_stories(self, stories: Sequence[Story]) -> None:
        """Replace the story table and assignments with the clustering's current state."""
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self.transaction() as db:
            db.run("DELETE FROM story_articles")
            db.run("DELETE FROM stories")
            db.many(
                "INSERT INTO stories (id, follows, label, category, first_published, "
                "last_published, outlet_count, article_count, status, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        s.id,
                        s.follows,
                        s.label,
                        s.category,
                        _iso(s.first_published),
                        _iso(s.last_published),
                        s.outlet_count,
                        len(s.article_urls),
                        "quiet" if s.quiet else "open",
                        now,
                    )
                    for s in stories
                ],
            )
            db.many(
                "INSERT INTO story_articles (canonical_url, story_id) VALUES (?, ?)",
                [(url, s.id) for s in stories for url in s.article_urls],
            )

    def stories(self) -> list[Story]:
        members: dict[str, list[tuple[str, str]]] = {}
        with self.connection() as db:
            for story_id, url, outlet in db.rows(
                "SELECT sa.story_id, a.canonical_url, a.outlet FROM story_articles sa "
                "JOIN articles a ON a.canonical_url = sa.canonical_url "
                "ORDER BY a.published NULLS FIRST, a.canonical_url"
            ):
                members.setdefault(story_id, []).append((url, outlet))
            rows = db.rows(
                "SELECT id, label, first_published, last_published, follows, category, status "
                "FROM stories ORDER BY first_published NULLS FIRST, id"
            )
        return [self._story(row, members.get(row[0], [])) for row in rows]

    @staticmethod
    def _story(row: Row, members: list[tuple[str, str]]) -> Story:
        outlets = list(dict.fromkeys(outlet for _, outlet in members))
        return Story(
            id=row[0],
            label=row[1],
            article_urls=tuple(url for url, _ in members),
            outlets=tuple(outlets),
            first_published=_parse(row[2]),
            last_published=_parse(row[3]),
            follows=row[4],
            category=row[5],
            quiet=row[6] == "quiet",
        )

    # -- written versions ------------------------------------------------------------------
    def save_version(self, version: StoryVersion, *, once: bool = False) -> StoryVersion | None:
        """Store a new version numbered after the latest; returns it with its number. `once`:
        not when the latest version has the same sources (None then), so a write delivered
        twice is saved once."""
        with self.transaction() as db:
            row = db.one(
                "SELECT version, sources FROM story_versions WHERE story_id = ? "
                "ORDER BY version DESC LIMIT 1",
                (version.story_id,),
            )
            if once and row is not None and set(json.loads(row[1])) == set(version.sources):
                return None
            numbered = replace(version, version=int(row[0]) + 1 if row else 1)
            db.run(
                "INSERT INTO story_versions (story_id, version, created_at, status, reasons, "
                "sources, title, text, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    numbered.story_id,
                    numbered.version,
                    numbered.created_at.isoformat(timespec="seconds"),
                    "published" if numbered.published else "held",
                    json.dumps(list(numbered.reasons)),
                    json.dumps(list(numbered.sources)),
                    numbered.title,
                    numbered.text,
                    numbered.payload,
                ),
            )
        return numbered

    def versions(self, story_id: str | None = None) -> list[StoryVersion]:
        """Every version (of one story, or all), oldest first."""
        query = (
            "SELECT story_id, version, created_at, status, reasons, sources, title, text, "
            "payload FROM story_versions"
        )
        params: tuple[str, ...] = ()
        if story_id is not None:
            query += " WHERE story_id = ?"
            params = (story_id,)
        with self.connection() as db:
            rows = db.rows(query + " ORDER BY story_id, version", params)
        return [
            StoryVersion(
                story_id=r[0],
                version=r[1],
                created_at=datetime.fromisoformat(r[2]),
                published=r[3] == "published",
                reasons=tuple(json.loads(r[4])),
                sources=tuple(json.loads(r[5])),
                title=r[6],
                text=r[7],
                payload=r[8],
            )
            for r in rows
        ]

    def latest_versions(self) -> dict[str, StoryVersion]:
        latest: dict[str, StoryVersion] = {}
        for version in self.versions():
            latest[version.story_id] = version  # oldest first, so the last one wins
        return latest
