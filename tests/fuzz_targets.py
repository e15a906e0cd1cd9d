"""What the fuzzer (bench/fuzz.py) throws at our parsers, and what counts as a crash.

Shared with tests/test_crashers.py, which replays every saved crasher through the same
`check` so a fixed bug stays fixed. Each target documents the only exceptions it may raise:
our own NewsdeskError subclasses (FeedError, ExtractError, LayoutError), and ValueError for
canonicalize_url, whose docstring promises exactly that for non-http(s) input.

Saved crashers are JSON: {"target", "args", "error", "found", "xfail"?}; bytes arguments are
stored as {"base64": ...}. "xfail" names a bug not fixed yet (the replay is then expected to
fail, strictly, so it flips to a failure the day the bug is fixed and the key can go).
"""

from __future__ import annotations

import base64
import contextlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from newsdesk.demo.site import build_pages
from newsdesk.errors import NewsdeskError
from newsdesk.formats.house import parse_house_file, render_house_file
from newsdesk.ingest.extract import extract_article
from newsdesk.ingest.feeds import parse_feed
from newsdesk.records import HouseArticle, RelatedArticle
from newsdesk.urls import canonicalize_url

CRASHERS = Path(__file__).resolve().parent / "crashers"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SLOW_SECONDS = 10.0  # one call taking longer than this is reported as a hang


class Hang(Exception):
    """A single call took longer than SLOW_SECONDS."""


@dataclass(frozen=True)
class Target:
    name: str
    call: Callable[..., object]
    allowed: tuple[type[BaseException], ...]
    inputs: Callable[[], st.SearchStrategy[dict[str, Any]]]  # keyword arguments for `call`

    def check(self, args: Mapping[str, Any]) -> None:
        """Raise if `call` fails in a way it must not: a foreign exception or a hang.

        A slow call is timed a second time before it counts: on a busy machine a first call
        (cold caches, lazy imports) can take seconds that the input is not to blame for.
        """
        seconds = self._timed(args)
        if seconds > SLOW_SECONDS and (again := self._timed(args)) > SLOW_SECONDS:
            raise Hang(f"{self.name} took {seconds:.1f}s, then {again:.1f}s")

    def _timed(self, args: Mapping[str, Any]) -> float:
        began = time.monotonic()
        with contextlib.suppress(*self.allowed):
            self.call(**args)
        return time.monotonic() - began


# --- seeds: real documents to mutate ------------------------------------------------------


@cache
def demo_pages() -> dict[str, tuple[bytes, str]]:
    pages = build_pages("http://demo.example")
    return {path: (page.body, page.content_type) for path, page in pages.items()}


@cache
def feed_seeds() -> tuple[bytes, ...]:
    seeds = [body for body, kind in demo_pages().values() if "xml" in kind or "json" in kind]
    corpus = SHARED / "corpora" / "feeds"
    for folder in ("real", "hostile"):
        seeds += [p.read_bytes() for p in sorted((corpus / folder).glob("*.*"))[:40]]
    return tuple(s[:20_000] for s in seeds if s)


@cache
def page_seeds() -> tuple[bytes, ...]:
    pages = [body for body, kind in demo_pages().values() if kind.startswith("text/html")]
    corpus = SHARED / "corpora" / "extraction"
    pages += [p.read_bytes()[:200_000] for p in sorted(corpus.glob("*.html"))[:10]]
    return tuple(pages)


@cache
def house_seeds() -> tuple[str, ...]:
    seeds = [p.read_text(encoding="utf-8") for p in sorted((SHARED / "seeds").glob("*.txt"))]
    article = HouseArticle(
        title="Harbour vote",
        paragraphs=("One.", "Two, three."),
        category="World",
        published=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        related=(RelatedArticle("Harbour vote passes, at last", "Gazette"),),
        tags=("harbour", "vote", "council"),
    )
    return (*seeds, render_house_file([article, article]))


# --- mutation -----------------------------------------------------------------------------

FEED_TOKENS = [
    *(b"&", b"<", b">", b"]]>", b"<!--", b"&auml;", b"&#0;", b"&#x110000;", b"\x00", b'"'),
    *(b"\xff\xfe", b"\xef\xbb\xbf", b"\x1f\x8b\x08", b"<![CDATA[", b"<!DOCTYPE x [", b"<!ENTITY"),
    *(b' xml:base="javascript:x"', b' href="//[::1"', b"<item>", b"</channel>", b"<entry>"),
    *(b'<?xml version="1.0" encoding="utf-16"?>', b'encoding="x-unknown"', b"{", b'"items":['),
    *(b'encoding="undefined"', b'encoding="rot13"', b'encoding="base64"'),
    *(b'"version":"https://jsonfeed.org/version/1.1"', b"1e999", b"[" * 50, b"\xc3\x28"),
]
HTML_TOKENS = [
    *(b"<script>", b"</script>", b"<style>", b"</html>", b"<html>", b"<body>", b"<p>", b"\x00"),
    *(b'<meta charset="utf-16">', b'<meta charset="x-bogus">', b"<meta http-equiv=refresh>"),
    *(b'<meta charset="undefined">', b'<meta charset="rot13">', b'<meta charset="hex">'),
    *(b'<link rel="canonical" href="javascript:alert(1)">', b'<link rel="canonical" href="//[">'),
    *(b'<script type="application/ld+json">{"@type":"NewsArticle","headline":', b"]]>", b"\xff"),
    *(b'<meta property="article:published_time" content="99999-99-99">', b"<![CDATA[", b"&#0;"),
    *(b"<svg><foreignObject>", b"<template>", b"<table><td>", b"<!--", b"-->", b"\r"),
    *(b'<html lang="\x00">', b'"@graph":[[[[', b"<article>", b"</article>", b"<h1>"),
]
HOUSE_TOKENS = [
    *("\n", "\n\n", "\n\n\n", "Tags: ", "Category: ", "Published on: ", "Related articles:\n"),
    *("2026-02-30 25:61:61", "9999-12-31 23:59:59", ", ", "\r\n", "\u2028", "\x0b", "\x1c"),
]


def _edits(tokens: list[Any], alphabet: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """(position, how many to delete, what to insert) triples."""
    return st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=1 << 20),
            st.integers(min_value=0, max_value=64),
            st.one_of(alphabet, st.sampled_from(tokens)),
        ),
        min_size=1,
        max_size=10,
    )


def mutate(seed: Any, edits: list[tuple[int, int, Any]]) -> Any:
    for position, delete, insert in edits:
        at = position % (len(seed) + 1)
        seed = seed[:at] + insert + seed[at + delete :]
    return seed


def _mutated(seeds: tuple[Any, ...], edits: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    # By index: sampled_from(seeds) would print megabytes of seed in hypothesis' reports.
    seed = st.integers(min_value=0, max_value=len(seeds) - 1).map(seeds.__getitem__)
    return st.builds(mutate, seed, edits)


# --- inputs per target --------------------------------------------------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=30,
)
_json_item_keys = st.sampled_from(
    [
        *("id", "url", "external_url", "title", "content_html", "content_text", "summary"),
        *("date_published", "date_modified", "author", "authors", "tags"),
    ]
)


@st.composite
def json_feeds(draw: st.DrawFn) -> bytes:
    """Structurally plausible JSON Feeds with wrong types and values in every field."""
    items = draw(st.lists(st.dictionaries(_json_item_keys, _json, max_size=8), max_size=5))
    feed = {
        "version": draw(st.sampled_from(["https://jsonfeed.org/version/1.1", "1", ""])),
        "title": draw(_json),
        "home_page_url": draw(_json),
        "items": draw(st.sampled_from([items, {}, None, "x"])),
    }
    return json.dumps(feed).encode()


def feed_inputs() -> st.SearchStrategy[dict[str, Any]]:
    documents = st.one_of(
        st.binary(max_size=3000),
        _mutated(feed_seeds(), _edits(FEED_TOKENS, st.binary(max_size=8))),
        json_feeds(),
    )
    content_types = st.one_of(
        st.none(),
        st.sampled_from(["application/rss+xml", "text/html", "application/json"]),
        st.text(max_size=12).map(lambda c: f"text/xml; charset={c}"),
        st.sampled_from(["undefined", "rot13", "base64", "idna", "mbcs", "utf-7"]).map(
            lambda c: f"application/xml; charset={c}"
        ),
    )
    urls = st.none() | st.sampled_from(["https://news.example/feed", "http://[::1", "x:"])
    return st.fixed_dictionaries({"data": documents, "url": urls, "content_type": content_types})


def page_inputs() -> st.SearchStrategy[dict[str, Any]]:
    pages = st.one_of(
        st.binary(max_size=2000),
        _mutated(page_seeds(), _edits(HTML_TOKENS, st.binary(max_size=8))),
    )
    urls = st.none() | st.sampled_from(
        ["http://demo.example/a", "https://news.example/x?utm_source=y", "javascript:x", ""]
    )
    return st.fixed_dictionaries({"html": pages, "url": urls})


def url_inputs() -> st.SearchStrategy[dict[str, Any]]:
    prefixes = st.sampled_from(["", "http://", "https://", "HTTPS://Ex.com", "http://[", "//"])
    prefixes |= st.sampled_from(["http://a@b@c/", "http://ex.com:99999/", "http://xn--/", "\t"])
    text = st.text(
        alphabet=st.characters(exclude_categories=["Cs"]) | st.sampled_from("%/?#&=.:@[]+\\"),
        max_size=60,
    )
    urls = st.builds(lambda p, t: p + t, prefixes, text)
    return st.fixed_dictionaries({"url": urls, "base": st.none() | urls})


def house_inputs() -> st.SearchStrategy[dict[str, Any]]:
    texts = st.one_of(
        st.text(max_size=400),
        _mutated(house_seeds(), _edits(HOUSE_TOKENS, st.text(max_size=6))),
    )
    return st.fixed_dictionaries({"text": texts})


def canonical_and_idempotent(url: str, base: str | None) -> str:
    """canonicalize_url, plus its promise that a canonical URL canonicalises to itself."""
    once = canonicalize_url(url, base)
    twice = canonicalize_url(once)
    if twice != once:
        raise AssertionError(f"not idempotent: {once!r} -> {twice!r}")
    return once


TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("parse_feed", parse_feed, (NewsdeskError,), feed_inputs),
        Target("canonicalize_url", canonical_and_idempotent, (ValueError,), url_inputs),
        Target("extract_article", extract_article, (NewsdeskError,), page_inputs),
        Target("parse_house_file", parse_house_file, (NewsdeskError,), house_inputs),
    )
}


# --- storing crashers -----------------------------------------------------------------------


def encode_args(args: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: {"base64": base64.b64encode(v).decode("ascii")} if isinstance(v, bytes) else v
        for k, v in args.items()
    }


def decode_args(stored: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: base64.b64decode(v["base64"]) if isinstance(v, dict) and "base64" in v else v
        for k, v in stored.items()
    }


def saved_crashers() -> list[Path]:
    return sorted(CRASHERS.glob("*/*.json"))
