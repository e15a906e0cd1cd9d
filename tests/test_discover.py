"""Feed lists (OPML, TOML, lines) and feed links in HTML pages."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsdesk.errors import ConfigError
from newsdesk.ingest.discover import (
    feeds_from_lines,
    feeds_from_opml,
    feeds_from_toml,
    find_feed_links,
    load_feed_list,
)
from newsdesk.records import FeedSource

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feeds"

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Desk feeds</title></head>
  <body>
    <outline text="Loose feed" type="rss" xmlUrl="https://loose.example/rss"/>
    <outline text="World" title="World news">
      <outline type="rss" text="Coast Wire" title="Coast Wire" xmlUrl="https://coast.example/feed"/>
      <outline text="Europe">
        <outline type="rss" text="Valley Courier" xmlurl="https://valley.example/rdf"/>
      </outline>
      <outline type="rss" text="Again" xmlUrl="https://coast.example/feed"/>
    </outline>
    <outline text="Science">
      <outline type="rss" title="Ridge Post" XMLURL=" https://ridge.example/atom "/>
      <outline text="no feed here" htmlUrl="https://ridge.example/"/>
    </outline>
  </body>
</opml>
"""


def test_opml_nested_outlines_and_categories() -> None:
    assert feeds_from_opml(OPML) == [
        FeedSource("https://loose.example/rss", "Loose feed", None),
        FeedSource("https://coast.example/feed", "Coast Wire", "World"),
        FeedSource("https://valley.example/rdf", "Valley Courier", "Europe"),
        FeedSource("https://ridge.example/atom", "Ridge Post", "Science"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<opml><body><outline text='x' xmlUrl='javascript:alert(1)'/></body></opml>", "http"),
        (b"<opml><body><outline text='x' xmlUrl='/relative'/></body></opml>", "http"),
        (b"<rss><channel/></rss>", "not OPML"),
        (b"<opml><head/></opml>", "<body>"),
        (b"<opml><body><outline", "not valid OPML"),
        (b"", "not valid OPML"),
    ],
)
def test_bad_opml_is_a_config_error(data: bytes, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        feeds_from_opml(data)


def test_opml_entities_are_refused_not_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET")
    bombs = [
        b'<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        b'<opml><body><outline text="&d;" xmlUrl="https://a.example/"/></body></opml>',
        f'<!DOCTYPE opml [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        '<opml><body><outline text="&x;" xmlUrl="https://a.example/"/></body></opml>'.encode(),
    ]
    for data in bombs:
        started = time.perf_counter()
        with pytest.raises(ConfigError) as excinfo:
            feeds_from_opml(data)
        assert "TOP-SECRET" not in str(excinfo.value)
        assert time.perf_counter() - started < 1


def test_shared_feed_list_opml_matches_its_tsv() -> None:
    if not (CORPUS / "feed-list.opml").is_file():
        pytest.skip(f"feed corpus not found at {CORPUS} (CI clones shared/ next to the repo)")
    sources = load_feed_list(CORPUS / "feed-list.opml")
    with (CORPUS / "feed-list.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(sources) == len(rows) == 865
    assert [(s.url, s.category) for s in sources] == [(r["url"], r["category"]) for r in rows]
    assert all(s.title for s in sources)


TOML = """
# feeds the desk polls
[[feeds]]
url = "https://coast.example/feed"
title = "Coast Wire"
category = "World"

[[feeds]]
url = "https://valley.example/rdf"
"""


def test_toml_feed_list() -> None:
    assert feeds_from_toml(TOML) == [
        FeedSource("https://coast.example/feed", "Coast Wire", "World"),
        FeedSource("https://valley.example/rdf"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[feeds]]\nurl = "https://a.example/"\ntittle = "x"\ncolour = 1', "tittle"),
        ('[[feeds]]\nurl = "https://a.example/"\ntittle = "x"\ncolour = 1', "colour"),
        ('extra = 1\n[[feeds]]\nurl = "https://a.example/"', "extra: unknown key"),
        ('[[feeds]]\ntitle = "no url"', r"feeds\[0\]\.url: missing"),
        ('[[feeds]]\nurl = "https://a.example/"\n[[feeds]]\nurl = "ftp://b/"', r"feeds\[1\]\.url"),
        ('[[feeds]]\nurl = "https://a.example/"\ntitle = 3', r"feeds\[0\]\.title"),
        ("feeds = 3", "feeds"),
        ("not = toml = here", "not valid TOML"),
    ],
)
def test_bad_toml_is_a_config_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as excinfo:
        feeds_from_toml(text)
    assert "\n" not in str(excinfo.value)


def test_unknown_toml_keys_are_all_named() -> None:
    with pytest.raises(ConfigError) as excinfo:
        feeds_from_toml('[[feeds]]\nurl = "https://a.example/"\ntittle = "x"\ncolour = 1')
    assert str(excinfo.value) == "feeds[0].tittle: unknown key; feeds[0].colour: unknown key"


def test_lines_feed_list() -> None:
    text = (
        "# morning feeds\n"
        "https://coast.example/feed\n"
        "\n"
        "   https://valley.example/rdf   # the valley one\n"
        "https://coast.example/feed\n"
        "\t# indented comment\n"
    )
    assert feeds_from_lines(text) == [
        FeedSource("https://coast.example/feed"),
        FeedSource("https://valley.example/rdf"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("https://a.example/\nftp://files.example/x\n", "line 2"),
        ("coast.example/feed", "line 1"),
        ("https://a.example/ https://b.example/", "line 1"),
    ],
)
def test_bad_lines_are_a_config_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        feeds_from_lines(text)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("feeds.opml", OPML),
        ("feeds.xml", OPML),
        ("feeds", OPML),  # sniffed: starts with '<'
        ("feeds.toml", TOML.encode()),
        ("feeds.conf", TOML.encode()),  # sniffed: has [[feeds]]
        ("feeds.txt", b"https://coast.example/feed\n"),
        ("feeds", b"\xef\xbb\xbfhttps://coast.example/feed\n"),
    ],
)
def test_load_feed_list_by_suffix_or_content(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    sources = load_feed_list(path)
    assert sources[0].url in ("https://loose.example/rss", "https://coast.example/feed")


def test_load_feed_list_errors_name_the_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"feed list not found: .*missing\.opml"):
        load_feed_list(tmp_path / "missing.opml")
    with pytest.raises(ConfigError, match="cannot read feed list"):
        load_feed_list(tmp_path)  # a directory
    cases = {
        "empty.txt": (b"# nothing yet\n", "names no feeds"),
        "latin1.txt": (b"https://caf\xe9.example/\n", "not UTF-8"),
        "bad.toml": (b'[[feeds]]\nurl = "https://a.example/"\nwhat = 1\n', "what: unknown key"),
        "bad.opml": (b"<opml><body>", "not valid OPML"),
    }
    for name, (content, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(ConfigError, match=message) as excinfo:
            load_feed_list(path)
        assert str(path) in str(excinfo.value)


PAGE = """<!doctype html>
<html><head>
<title>Coast Wire</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="RSS" href="/feed.rss">
<link rel="Alternate" type="application/atom+xml; charset=utf-8" href="atom.xml">
<link rel="alternate" type="application/feed+json" href="https://coast.example/feed.json">
<link rel="alternate" type="application/json" href="//cdn.coast.example/feed.json">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="/feed.rss">
<link rel="feed alternate" type="application/rss+xml" href="/other.rss">
<link rel="alternate" type="application/rss+xml">
</head><body><p>News</p></body></html>
"""


def test_find_feed_links() -> None:
    assert find_feed_links(PAGE, "https://coast.example/news/") == [
        "https://coast.example/feed.rss",
        "https://coast.example/news/atom.xml",
        "https://coast.example/feed.json",
        "https://cdn.coast.example/feed.json",
        "https://coast.example/other.rss",
    ]


def test_find_feed_links_bytes_and_base_element() -> None:
    page = (
        b'<html><head><base href="https://mirror.example/site/">'
        b'<link rel=alternate type="application/rss+xml" href="feed"></head></html>'
    )
    assert find_feed_links(page, "https://coast.example/") == ["https://mirror.example/site/feed"]
    unsafe = page.replace(b"https://mirror.example/site/", b"javascript:alert(1)//")
    assert find_feed_links(unsafe, "https://coast.example/") == ["https://coast.example/feed"]


def test_find_feed_links_none() -> None:
    assert find_feed_links("", "https://coast.example/") == []
    assert find_feed_links("<html><p>no feeds</p>", "https://coast.example/") == []


@given(st.text(max_size=500))
@settings(max_examples=200, deadline=None)
def test_find_feed_links_never_raises(text: str) -> None:
    page = f'<link rel="alternate" type="application/rss+xml" href="{text}">{text}'
    for link in find_feed_links(page, "https://coast.example/"):
        assert link.startswith(("http://", "https://"))


@given(st.text(max_size=300))
@settings(max_examples=200, deadline=None)
def test_feed_list_parsers_raise_only_config_error(text: str) -> None:
    for parse in (feeds_from_lines, feeds_from_toml):
        try:
            parse(text)
        except ConfigError as exc:
            assert str(exc)
    try:
        feeds_from_opml(text.encode("utf-8", errors="surrogatepass"))
    except ConfigError as exc:
        assert str(exc)
