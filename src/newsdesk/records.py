"""The records that flow between the parts: small, frozen, typed.

The parts take and return these; nothing here knows about SQL, HTTP or models. Stored times
are UTC (`as_utc`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import overload

from newsdesk.text import count_words


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
@overload
def as_utc(value: datetime | None) -> datetime | None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """Stored times are UTC; a time without a zone is taken to be UTC already."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class ItemStatus(StrEnum):
    """Final state of one feed or article after a stage has looked at it."""

    OK = "ok"
    SKIPPED = "skipped"  # e.g. robots.txt disallowed, not modified
    PAYWALL = "paywall"  # stub / paywalled page: kept, never published
    DUPLICATE = "duplicate"  # exact or near copy of another article's text
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A feed the desk should poll, as named in OPML, TOML or on the command line."""

    url: str
    title: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a parsed feed."""

    title: str
    link: str | None
    published: datetime | None
    summary: str
    author: str | None
    guid: str | None = None

    @property
    def key(self) -> str:
        """Natural key inside its feed: the GUID, else the link, else the title."""
        return self.guid or self.link or self.title


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed document after parsing. `problems` lists what was broken but recovered."""

    title: str
    link: str | None
    format: str  # "rss", "rdf", "atom", "json"
    entries: tuple[Entry, ...]
    problems: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one HTTP fetch brought back (after redirects, decompression and size checks)."""

    url: str
    final_url: str
    status: int
    body: bytes
    content_type: str | None = None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class Extracted:
    """Fields pulled out of one article page."""

    url: str
    canonical_url: str
    title: str | None
    authors: tuple[str, ...]
    published: datetime | None
    body: str  # paragraphs joined by blank lines
    lang: str | None
    site_name: str | None = None
    paywalled: bool = False


def content_hash(text: str) -> str:
    """Hash of a text after collapsing whitespace and case, the natural key of a body."""
    normalized = " ".join(text.lower().split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted article as the desk keeps it."""

    url: str
    canonical_url: str
    outlet: str
    title: str
    authors: tuple[str, ...]
    published: datetime | None
    body: str
    lang: str | None
    status: ItemStatus = ItemStatus.OK
    reason: str | None = None
    content_hash: str = field(default="")

    def __post_init__(self) -> None:
        if not self.content_hash:
            object.__setattr__(self, "content_hash", content_hash(self.body))

    @property
    def word_count(self) -> int:
        """Words of the body; text in scripts without spaces is counted by characters."""
        return count_words(self.body)


@dataclass(frozen=True, slots=True)
class RelatedArticle:
    """A source as the house format lists it: "original headline, Outlet"."""

    headline: str
    outlet: str


@dataclass(frozen=True, slots=True)
class HouseArticle:
    """One story written in the house format (seed 000)."""

    title: str
    paragraphs: tuple[str, ...]
    category: str
    published: datetime  # UTC
    related: tuple[RelatedArticle, ...]
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Story:
    """One event as covered by one or more outlets; `follows` links a thread's earlier story."""

    id: str
    label: str  # the most central headline, for people and logs
    article_urls: tuple[str, ...]  # canonical URLs, earliest first
    outlets: tuple[str, ...]  # distinct outlets, in order of first coverage
    first_published: datetime | None
    last_published: datetime | None
    follows: str | None = None
    category: str | None = None
    quiet: bool = False  # no new coverage for longer than the quiet period

    @property
    def outlet_count(self) -> int:
        return len(self.outlets)


@dataclass(frozen=True, slots=True)
class StoryVersion:
    """One written version of a story, published or held back with reasons."""

    story_id: str
    version: int
    created_at: datetime
    published: bool
    reasons: tuple[str, ...]
    sources: tuple[str, ...]  # canonical URLs the version was written from
    title: str
    text: str  # house text layout
    payload: str  # JSON: article, citations, checks, timings
