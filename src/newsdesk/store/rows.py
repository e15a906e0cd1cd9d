"""The rows the store hands out besides the records: a feed's state, an entry to fetch, an
article with what dedupe stored next to it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from newsdesk.records import Article


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
