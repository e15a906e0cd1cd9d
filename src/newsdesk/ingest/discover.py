"""Discover: the feeds to poll, from a feed list (OPML, TOML, plain text) or an HTML page.

Feed lists are configuration, so they are strict: anything unusable (a missing file, a bad
URL, an unknown TOML key) is a `ConfigError` naming the file and the entry. A URL listed twice
is kept once, at its first position. OPML is parsed with defusedxml, which refuses DTD entity
declarations and external references instead of expanding them.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from newsdesk.errors import ConfigError
from newsdesk.records import FeedSource

__all__ = [
    "feeds_from_lines",
    "feeds_from_opml",
    "feeds_from_toml",
    "find_feed_links",
    "load_feed_list",
]

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/feed+json",
        "application/json",
    }
)


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _unique(sources: Iterable[FeedSource]) -> list[FeedSource]:
    by_url: dict[str, FeedSource] = {}
    for source in sources:
        by_url.setdefault(source.url, source)
    return list(by_url.values())


# --------------------------------------------------------------------------- OPML


def feeds_from_opml(data: bytes) -> list[FeedSource]:
    """Every outline with an xmlUrl; its category is the text of the outline it sits in."""
    try:
        root = safe_xml.fromstring(data, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as exc:
        raise ConfigError(f"OPML refused: {exc}") from exc
    except ParseError as exc:
        raise ConfigError(f"not valid OPML: {exc}") from exc
    if not isinstance(root, Element) or _local(root.tag) != "opml":
        raise ConfigError("not OPML: the root element is not <opml>")
    body = next((c for c in root if _local(c.tag) == "body"), None)
    if body is None:
        raise ConfigError("not valid OPML: no <body> element")
    return _unique(_outlines(body, None))


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].lower()


def _attr(element: Element, name: str) -> str | None:
    # OPML writers disagree on case (xmlUrl, xmlurl, XMLURL).
    for key, value in element.attrib.items():
        if key.lower() == name:
            return value.strip() or None
    return None


def _outlines(parent: Element, category: str | None) -> Iterable[FeedSource]:
    for outline in parent:
        if _local(outline.tag) != "outline":
            continue
        label = _attr(outline, "text") or _attr(outline, "title")
        url = _attr(outline, "xmlurl")
        if url is not None:
            if not _is_http(url):
                raise ConfigError(f"OPML outline {label!r}: not an http(s) feed URL: {url!r}")
            yield FeedSource(url, _attr(outline, "title") or label, category)
        # A feed outline with children is unusual; its children inherit the same category.
        yield from _outlines(outline, category if url is not None else label or category)


# --------------------------------------------------------------------------- TOML


class _TomlFeed(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str
    title: str | None = None
    category: str | None = None

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if not _is_http(value):
            raise ValueError("not an http(s) URL")
        return value


class _TomlFeedList(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    feeds: list[_TomlFeed]


def feeds_from_toml(data: str) -> list[FeedSource]:
    """`[[feeds]]` tables with `url` and optional `title`, `category`; other keys are errors."""
    try:
        document: dict[str, Any] = tomllib.loads(data)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}") from exc
    try:
        parsed = _TomlFeedList.model_validate(document)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from exc
    return _unique(FeedSource(f.url, f.title, f.category) for f in parsed.feeds)


def _describe(exc: ValidationError) -> str:
    """One line naming every bad entry, e.g. `feeds[2].tittle: unknown key`."""
    reasons = []
    for error in exc.errors():
        where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error["loc"])
        where = where.lstrip(".") or "feed list"
        if error["type"] == "extra_forbidden":
            reasons.append(f"{where}: unknown key")
        elif error["type"] == "missing":
            reasons.append(f"{where}: missing")
        else:
            reasons.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return "; ".join(reasons)


# --------------------------------------------------------------------------- plain text


def feeds_from_lines(text: str) -> list[FeedSource]:
    """One URL a line; blank lines and `#` comments (whole-line or trailing) are ignored."""
    sources = []
    for number, line in enumerate(text.splitlines(), start=1):
        url = line.split(" #", 1)[0].split("\t#", 1)[0].strip()
        if not url or url.startswith("#"):
            continue
        if not _is_http(url) or any(c.isspace() for c in url):
            raise ConfigError(f"line {number}: not an http(s) URL: {line.strip()!r}")
        sources.append(FeedSource(url))
    return _unique(sources)


# --------------------------------------------------------------------------- files


def load_feed_list(path: Path) -> list[FeedSource]:
    """Read a feed list, choosing the format by suffix, else by content."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError(f"feed list not found: {path}") from exc
    except OSError as exc:
        raise ConfigError(f"cannot read feed list {path}: {exc.strerror or exc}") from exc
    try:
        sources = _parse_feed_list(path.suffix.lower(), raw)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if not sources:
        raise ConfigError(f"{path}: the feed list names no feeds")
    return sources


def _parse_feed_list(suffix: str, raw: bytes) -> list[FeedSource]:
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if suffix in (".opml", ".xml") or head == b"<":
        return feeds_from_opml(raw)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text (byte {exc.start})") from exc
    if suffix == ".toml" or (suffix != ".txt" and "[[feeds]]" in text):
        return feeds_from_toml(text)
    return feeds_from_lines(text)


# --------------------------------------------------------------------------- HTML pages


def find_feed_links(html: bytes | str, base_url: str) -> list[str]:
    """Absolute http(s) hrefs of `<link rel="alternate" type="...feed type...">`, in order."""
    if isinstance(html, bytes):
        # Only ASCII attribute values matter here, so the page's own charset is not needed.
        html = html.decode("utf-8", errors="replace")
    finder = _FeedLinkFinder()
    finder.feed(html)
    finder.close()
    base = _page_base(base_url, finder.base)
    links: list[str] = []
    for href in finder.hrefs:
        try:
            url = urljoin(base, href)
        except ValueError:
            continue
        if _is_http(url) and url not in links:
            links.append(url)
    return links


def _page_base(base_url: str, base_href: str | None) -> str:
    """The page's <base href> when it is a usable http(s) URL (never javascript:)."""
    if base_href:
        try:
            joined = urljoin(base_url, base_href)
        except ValueError:
            return base_url
        if _is_http(joined):
            return joined
    return base_url


class _FeedLinkFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "").strip() for name, value in attrs}
        if tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"]
        if tag != "link" or not values.get("href"):
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES:
            self.hrefs.append(values["href"])
