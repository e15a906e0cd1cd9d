"""Full-text search over published story versions, and a cheap change marker.

The index is migration 003's: on SQLite the FTS5 table `story_search`, kept in step with
`story_versions` by triggers; on PostgreSQL the `search` tsvector column of `story_versions`
under a GIN index. Both give the same SearchResult: every word must match (the last one as a
prefix), title matches weigh four times body matches, snippets mark the matched words. These
are plain functions taking a Store so the web layer can use them without the Store class
having to grow; they may become a mixin later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from newsdesk.store.core import Store

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
_POSTGRES_LATEST_PUBLISHED = """
    FROM story_versions sv, to_tsquery('newsdesk', ?) AS q
    WHERE sv.search @@ q AND sv.status = 'published'
      AND sv.version = (
          SELECT MAX(v.version) FROM story_versions v
          WHERE v.story_id = sv.story_id AND v.status = 'published')
"""
# ts_rank weights are {D, C, B, A}: the title (A) counts four times the body (B), as in bm25.
_POSTGRES_WEIGHTS = "'{0.1, 0.2, 0.25, 1.0}'"
# ts_headline: one fragment of up to 24 words around the best match, like FTS5's snippet().
_HEADLINE_OPTIONS = (
    f'StartSel="{MARK_START}", StopSel="{MARK_END}", MaxWords=24, MinWords=12, '
    "ShortWord=0, MaxFragments=1"
)
_ELLIPSIS = "…"


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


def tsquery(text: str) -> str | None:
    """A user's words as a PostgreSQL tsquery: every word must match, the last as a prefix.

    Each token is single-quoted (tokens are word characters only, so no quote can end one
    early): to_tsquery takes it as a plain word, never as an operator.
    """
    tokens = _TOKEN.findall(text)[:_MAX_TOKENS]
    if not tokens:
        return None
    return " & ".join(f"'{token}'" for token in tokens) + ":*"


def search_stories(store: Store, text: str, *, limit: int = 20, offset: int = 0) -> SearchResult:
    """Published stories matching `text`, best match first."""
    if store.dialect == "postgres":
        return _search_postgres(store, text, limit, offset)
    query = fts_query(text)
    if query is None:
        return SearchResult(0, ())
    with store.connection() as db:
        count = db.one("SELECT COUNT(*) " + _LATEST_PUBLISHED, (query,))
        rows = db.rows(
            "SELECT story_id, version, title, "
            f"snippet(story_search, 4, '{MARK_START}', '{MARK_END}', '…', 24) "
            + _LATEST_PUBLISHED
            + " ORDER BY bm25(story_search, 0, 0, 0, 4.0, 1.0) LIMIT ? OFFSET ?",
            (query, limit, offset),
        )
    hits = tuple(SearchHit(str(r[0]), int(r[1]), str(r[2]), str(r[3])) for r in rows)
    return SearchResult(int(count[0]) if count else 0, hits)


def _search_postgres(store: Store, text: str, limit: int, offset: int) -> SearchResult:
    query = tsquery(text)
    if query is None:
        return SearchResult(0, ())
    with store.connection() as db:
        count = db.one("SELECT COUNT(*) " + _POSTGRES_LATEST_PUBLISHED, (query,))
        # ts_headline is the costly part: only for the page's hits, after ORDER BY and LIMIT.
        rows = db.rows(
            "SELECT story_id, version, title, text, ts_headline('newsdesk', text, q, ?) FROM ("
            "SELECT sv.story_id, sv.version, sv.title, sv.text, q, "
            f"ts_rank({_POSTGRES_WEIGHTS}, sv.search, q, 1) AS rank "
            + _POSTGRES_LATEST_PUBLISHED
            + " ORDER BY rank DESC, sv.story_id LIMIT ? OFFSET ?) AS hit "
            "ORDER BY rank DESC, story_id",
            (_HEADLINE_OPTIONS, query, limit, offset),
        )
    hits = tuple(
        SearchHit(str(r[0]), int(r[1]), str(r[2]), _with_ellipses(str(r[4]), str(r[3])))
        for r in rows
    )
    return SearchResult(int(count[0]) if count else 0, hits)


def _with_ellipses(snippet: str, text: str) -> str:
    """An ellipsis where the snippet cuts the text, as FTS5's snippet() writes them."""
    plain = snippet.replace(MARK_START, "").replace(MARK_END, "").strip()
    start = text.find(plain)
    if not plain or start < 0:
        return snippet
    before = _ELLIPSIS if _TOKEN.search(text[:start]) else ""
    after = _ELLIPSIS if _TOKEN.search(text[start + len(plain) :]) else ""
    return before + snippet.strip() + after


def data_version(store: Store) -> str:
    """A marker that changes whenever anything the web site shows changes.

    Cheap enough to ask on every cache check: counts and maxima over indexed columns.
    """
    with store.connection() as db:
        row = db.one(
            "SELECT (SELECT COUNT(*) || ':' || COALESCE(MAX(rowid), 0) FROM story_versions), "
            "(SELECT COUNT(*) || ':' || COALESCE(MAX(updated_at), '') FROM stories), "
            "(SELECT COUNT(*) FROM articles), "
            "(SELECT COALESCE(MAX(id), 0) || ':' || COALESCE(MAX(finished_at), '') || ':' || "
            "        COUNT(*) FILTER (WHERE status = 'running') FROM runs), "
            "(SELECT COALESCE(MAX(counts), '') FROM runs WHERE status = 'running'), "
            "(SELECT COALESCE(MAX(last_fetched), '') FROM feeds)"
        )
    assert row is not None
    return "|".join(str(part) for part in row)
