"""Full-text search over published story versions (SQLite FTS5), and a cheap change marker.

The index itself is the `story_search` table of migration 003, kept in step with
`story_versions` by triggers. These are plain functions taking a Store so the web layer can
use them without the Store class having to grow; they may become a mixin later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdesk.store.sqlite import Store

# Snippet highlight markers: control characters never occur in stored text, so the web layer
# can escape the snippet first and then turn these into <mark> safely.
MARK_START = "\x02"
MARK_END = "\x03"
_TOKEN = re.compile(r"\w+", re.UNICODE)
_MAX_TOKENS = 12

# Only a story's latest *published* version is searchable: a held-back rewrite never leaks.
_LATEST_PUBLISHED = """
    FROM story_search
    WHERE story_search MATCH ? AND story_search.status = 'published'
      AND story_search.version = (
          SELECT MAX(v.version) FROM story_versions v
          WHERE v.story_id = story_search.story_id AND v.status = 'published')
"""


@dataclass(frozen=True, slots=True)
class SearchHit:
    story_id: str
    version: int
    title: str
    snippet: str  # plain text with MARK_START / MARK_END around matched words


@dataclass(frozen=True, slots=True)
class SearchResult:
    total: int
    hits: tuple[SearchHit, ...]


def fts_query(text: str) -> str | None:
    """A user's words as an FTS5 query: every word must match, the last one as a prefix.

    Quoting each token means FTS5 operators and punctuation in the input are taken as plain
    text, so no input can raise a query syntax error.
    """
    tokens = _TOKEN.findall(text)[:_MAX_TOKENS]
    if not tokens:
        return None
    quoted = [f'"{token}"' for token in tokens]
    quoted[-1] += "*"
    return " ".join(quoted)


def search_stories(store: Store, text: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
    """Published stories matching `text`, best match first."""
    query = fts_query(text)
    if query is None:
        return SearchResult(0, ())
    (total,) = store.db.execute("SELECT COUNT(*) " + _LATEST_PUBLISHED, (query,)).fetchone()
    rows = store.db.execute(
        "SELECT story_id, version, title, "
        f"snippet(story_search, 4, '{MARK_START}', '{MARK_END}', '…', 24) "
        + _LATEST_PUBLISHED
        + " ORDER BY bm25(story_search, 0, 0, 0, 4.0, 1.0) LIMIT ? OFFSET ?",
        (query, limit, offset),
    ).fetchall()
    hits = tuple(SearchHit(str(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows)
    return SearchResult(int(total), hits)


def data_version(store: Store) -> str:
    """A marker that changes whenever anything the web site shows changes.

    Cheap enough to ask on every cache check: counts and maxima over indexed columns.
    """
    row = store.db.execute(
        "SELECT (SELECT COUNT(*) || ':' || COALESCE(MAX(rowid), 0) FROM story_versions), "
        "(SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), '') FROM stories), "
        "(SELECT COUNT(*) FROM articles), "
        "(SELECT COALESCE(MAX(id), 0) || ':' || COALESCE(MAX(finished_at), '') || ':' || "
        "        COUNT(*) FILTER (WHERE status = 'running') FROM runs), "
        "(SELECT COALESCE(MAX(counts), '') FROM runs WHERE status = 'running'), "
        "(SELECT COALESCE(MAX(last_fetched), '') FROM feeds)"
    ).fetchone()
    return "|".join(str(part) for part in row)
