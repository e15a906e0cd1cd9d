"""Feed parsing: our own fixtures with exact fields, the shared hostile and real corpora, and
hypothesis for "never anything but FeedError"."""

from __future__ import annotations

import csv
import gzip
import http.server
import re
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsdesk.errors import FeedError
from newsdesk.ingest.dates import parse_date
from newsdesk.ingest.feeds import parse_feed
from newsdesk.records import ParsedFeed

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feeds"
NO_CORPUS = f"feed corpus not found at {CORPUS} (CI clones shared/ next to the repo)"

# --------------------------------------------------------------------------- helpers

FORBIDDEN_ELEMENT = re.compile(
    r"<\s*/?\s*(script|style|iframe|object|embed|applet|frame|frameset|meta|link)\b", re.I
)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def all_text(feed: ParsedFeed) -> str:
    parts = [feed.title, feed.link or ""]
    for e in feed.entries:
        parts += [e.title, e.link or "", e.summary, e.author or "", e.guid or ""]
    return "\n".join(parts)


def assert_well_formed(feed: ParsedFeed, *, decoded: bool = True) -> None:
    """What every successful parse promises. `decoded`: no U+FFFD either (corpus input)."""
    assert feed.format in ("rss", "rdf", "atom", "json")
    assert not CONTROL_CHARS.search(all_text(feed))
    assert not decoded or "\ufffd" not in all_text(feed)
    for link in [feed.link] + [e.link for e in feed.entries]:
        assert link is None or re.match(r"https?://[^/\s]+", link), link
    for entry in feed.entries:
        assert entry.title == " ".join(entry.title.split())
        if entry.published is not None and entry.published.tzinfo is not None:
            assert entry.published.utcoffset() is not None
            assert entry.published.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert all(p and "\n" not in p for p in feed.problems)


def assert_sanitized(feed: ParsedFeed) -> None:
    for html_field in [e.summary for e in feed.entries]:
        assert not FORBIDDEN_ELEMENT.search(html_field), html_field
        assert not EVENT_HANDLER.search(html_field), html_field
        assert "javascript:" not in html_field.lower(), html_field
    for plain in [feed.title] + [e.title for e in feed.entries]:
        assert not FORBIDDEN_ELEMENT.search(plain), plain
        assert "javascript:" not in plain.lower(), plain


def assert_one_line_error(excinfo: pytest.ExceptionInfo[FeedError]) -> None:
    message = str(excinfo.value)
    assert message and "\n" not in message and len(message) < 300


def header_content_type(data: bytes) -> str | None:
    """feedparser's fixtures carry simulated HTTP headers as `Header:` lines in a comment."""
    match = re.search(rb"^Header:\s*Content-type:\s*(.+?)\s*$", data[:2000], re.M | re.I)
    return match.group(1).decode("ascii") if match else None


def manifest(name: str) -> list[dict[str, str]]:
    with (CORPUS / name / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def corpus_params(name: str) -> list[object]:
    if not (CORPUS / name / "MANIFEST.tsv").is_file():
        return [pytest.param(None, marks=pytest.mark.skip(reason=NO_CORPUS), id="no-corpus")]
    return [pytest.param(row, id=row["file"]) for row in manifest(name)]


# --------------------------------------------------------------------------- our own fixtures

RSS2 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Harbour &amp; Hill Gazette</title>
  <link>https://gazette.example/</link>
  <description>Local news</description>
  <item>
    <title><![CDATA[Council <b>approves</b>   new ferry &amp; bus timetable]]></title>
    <link>/news/ferry-timetable</link>
    <guid isPermaLink="false">gazette-1001</guid>
    <pubDate>Tue, 03 Jun 2025 09:15:00 +0200</pubDate>
    <author>desk@gazette.example (Mara Quill)</author>
    <description><![CDATA[<p onclick="steal()">The <a href="/ferries">ferries</a> run
      hourly.<script>alert(1)</script></p>]]></description>
  </item>
  <item>
    <title>Second item</title>
    <guid>https://gazette.example/news/second</guid>
    <dc:date>2025-06-02T18:00:00Z</dc:date>
    <dc:creator>Ola Brann</dc:creator>
    <content:encoded><![CDATA[<p>Full text</p>]]></content:encoded>
  </item>
</channel>
</rss>
"""

RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://valley.example/">
    <title>Valley Courier</title>
    <link>https://valley.example/</link>
    <description>Valley news</description>
    <items><rdf:Seq><rdf:li rdf:resource="https://valley.example/a"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://valley.example/a">
    <title>Bridge reopens after repairs</title>
    <link>https://valley.example/a</link>
    <description>Traffic resumes &lt;em&gt;today&lt;/em&gt;.</description>
    <dc:date>2025-05-30T07:00:00+01:00</dc:date>
    <dc:creator>Ines Morrow</dc:creator>
  </item>
</rdf:RDF>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://ridge.example/blog/">
  <title type="html">Ridge &lt;i&gt;Post&lt;/i&gt;</title>
  <link rel="alternate" type="text/html" href="./"/>
  <link rel="self" href="https://ridge.example/blog/feed.atom"/>
  <id>tag:ridge.example,2025:feed</id>
  <updated>2025-06-01T12:00:00Z</updated>
  <entry>
    <title>Flood barrier &lt;tested&gt;</title>
    <link rel="enclosure" href="https://cdn.example/audio.mp3"/>
    <link rel="alternate" href="2025/06/flood-barrier"/>
    <id>tag:ridge.example,2025:1</id>
    <published>2025-06-01T10:30:00-04:00</published>
    <updated>2025-06-01T11:00:00-04:00</updated>
    <author><name>Pia Lund</name><email>pia@ridge.example</email></author>
    <summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Barrier <b>held</b>.
      <a href="photos/1" onmouseover="x()">Photos</a></div></summary>
  </entry>
  <entry xml:base="javascript:alert(1)//">
    <title type="text">Unsafe base ignored</title>
    <link href="/2025/05/other"/>
    <id>tag:ridge.example,2025:2</id>
    <updated>2025-05-31T08:00:00Z</updated>
    <content type="html">&lt;p&gt;Body&lt;/p&gt;&lt;iframe src="https://evil.example/"&gt;&lt;/iframe&gt;</content>
  </entry>
</feed>
"""

JSON_FEED = b"""{
  "version": "https://jsonfeed.org/version/1.1",
  "title": "Coast Wire",
  "home_page_url": "https://coast.example/",
  "feed_url": "https://coast.example/feed.json",
  "items": [
    {"id": "cw-7", "url": "https://coast.example/7", "title": "Harbour dredging starts",
     "content_html": "<p>Work <img src=\\"pic.jpg\\" onerror=\\"alert(1)\\"> begins.</p>",
     "date_published": "2025-06-04T06:00:00+02:00", "authors": [{"name": "Rui Sol"}]},
    {"id": 8, "url": "/8", "content_text": "A <plain> note",
     "date_modified": "2025-06-03T00:00:00Z", "author": {"name": "Desk"}}
  ]
}"""


def test_rss2_fields_exact() -> None:
    feed = parse_feed(RSS2)
    assert (feed.format, feed.title, feed.link) == (
        "rss",
        "Harbour & Hill Gazette",
        "https://gazette.example/",
    )
    assert feed.problems == ()
    first, second = feed.entries
    assert first.title == "Council approves new ferry & bus timetable"
    assert first.link == "https://gazette.example/news/ferry-timetable"
    assert first.guid == "gazette-1001"
    assert first.published == datetime(2025, 6, 3, 7, 15, tzinfo=UTC)
    assert first.author == "Mara Quill"
    assert first.summary == (
        '<p>The <a href="https://gazette.example/ferries" rel="noopener noreferrer">ferries</a>'
        " run\n      hourly.</p>"
    )
    assert second.title == "Second item"
    assert second.link == "https://gazette.example/news/second"  # guid is a permalink
    assert second.published == datetime(2025, 6, 2, 18, 0, tzinfo=UTC)
    assert second.author == "Ola Brann"
    assert second.summary == "<p>Full text</p>"


def test_rdf_fields_exact() -> None:
    feed = parse_feed(RDF)
    assert (feed.format, feed.title, feed.link) == (
        "rdf",
        "Valley Courier",
        "https://valley.example/",
    )
    (entry,) = feed.entries
    assert entry.title == "Bridge reopens after repairs"
    assert entry.link == "https://valley.example/a"
    assert entry.guid == "https://valley.example/a"  # rdf:about
    assert entry.published == datetime(2025, 5, 30, 6, 0, tzinfo=UTC)
    assert entry.author == "Ines Morrow"
    assert entry.summary == "Traffic resumes <em>today</em>."


def test_atom_fields_exact() -> None:
    feed = parse_feed(ATOM)
    assert (feed.format, feed.title, feed.link) == (
        "atom",
        "Ridge Post",
        "https://ridge.example/blog/",
    )
    first, second = feed.entries
    assert first.title == "Flood barrier <tested>"  # type="text": angle brackets are text
    assert first.link == "https://ridge.example/blog/2025/06/flood-barrier"
    assert first.guid == "tag:ridge.example,2025:1"
    assert first.published == datetime(2025, 6, 1, 14, 30, tzinfo=UTC)
    assert first.author == "Pia Lund"
    assert first.summary == (
        "<div>Barrier <b>held</b>.\n      "
        '<a href="https://ridge.example/blog/photos/1" rel="noopener noreferrer">Photos</a></div>'
    )
    assert second.link == "https://ridge.example/2025/05/other"  # javascript: base ignored
    assert second.published == datetime(2025, 5, 31, 8, 0, tzinfo=UTC)  # from <updated>
    assert second.summary == "<p>Body</p>"
    assert second.author is None


def test_json_feed_fields_exact() -> None:
    feed = parse_feed(JSON_FEED)
    assert (feed.format, feed.title, feed.link) == ("json", "Coast Wire", "https://coast.example/")
    first, second = feed.entries
    assert first.title == "Harbour dredging starts"
    assert first.link == "https://coast.example/7"
    assert first.guid == "cw-7"
    assert first.published == datetime(2025, 6, 4, 4, 0, tzinfo=UTC)
    assert first.author == "Rui Sol"
    assert first.summary == '<p>Work <img src="https://coast.example/pic.jpg"> begins.</p>'
    assert second.title == ""
    assert second.link == "https://coast.example/8"
    assert second.guid == "8"
    assert second.published == datetime(2025, 6, 3, tzinfo=UTC)
    assert second.summary == "A &lt;plain&gt; note"
    assert second.author == "Desk"


def test_url_argument_is_the_base_for_relative_links() -> None:
    data = b"<rss><channel><title>t</title><item><link>/a/1</link></item></channel></rss>"
    assert parse_feed(data).entries[0].link is None
    feed = parse_feed(data, url="https://news.example/feed.xml")
    assert feed.entries[0].link == "https://news.example/a/1"
    assert parse_feed(data, url="javascript:alert(1)").entries[0].link is None


def test_relative_item_links_prefer_xml_base_then_site_link_then_feed_url() -> None:
    feed_url = "https://site.example/feeds/rss.xml"
    item = b"<item><title>t</title><link>news/1</link></item>"
    with_link = b"<rss><channel><link>/</link>" + item + b"</channel></rss>"
    assert parse_feed(with_link, url=feed_url).entries[0].link == "https://site.example/news/1"
    without_link = b"<rss><channel>" + item + b"</channel></rss>"
    assert (
        parse_feed(without_link, url=feed_url).entries[0].link
        == "https://site.example/feeds/news/1"
    )
    with_base = b'<rss><channel xml:base="https://cdn.example/x/"><link>/</link>' + item
    assert (
        parse_feed(with_base + b"</channel></rss>", url=feed_url).entries[0].link
        == "https://cdn.example/x/news/1"
    )


def test_atom_entries_inherit_the_feed_author() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><author><name>Desk</name></author>'
        b"<entry><title>a</title></entry>"
        b"<entry><title>b</title><author><name>Own</name></author></entry></feed>"
    )
    assert [e.author for e in parse_feed(data).entries] == ["Desk", "Own"]


def test_relative_links_in_corpus_feeds_resolve_with_the_feed_url() -> None:
    path = CORPUS / "hostile" / "extractus-rss-feed-miss-base-url.xml"
    if not path.is_file():
        pytest.skip(NO_CORPUS)
    feed = parse_feed(path.read_bytes(), url="https://huggingface.co/blog/feed.xml")
    assert feed.link == "https://huggingface.co/blog"
    assert feed.entries[0].link == "https://huggingface.co/blog/intro-graphml"
    assert all(e.link and e.link.startswith("https://") for e in feed.entries)


def test_non_http_links_are_dropped() -> None:
    data = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>'
        b'<link href="javascript:alert(1)"/></entry><entry><title>y</title>'
        b'<link href="ftp://files.example/x"/></entry></feed>'
    )
    assert [e.link for e in parse_feed(data).entries] == [None, None]


def test_broken_feed_is_recovered_with_problems() -> None:
    data = (
        b"\n\n  junk <?xml version='1.0' encoding='utf-8'?>\n"
        b"<rss><channel><title>Caf&eacute; &ldquo;news&rdquo; & more\x07</title>"
        b"<item><title>M&auml;rz &undefined; ok</title><link>https://a.example/1?x=1&y=2</link>"
        b"</item><item><title>cut off"
    )
    feed = parse_feed(data)
    assert feed.title == "Café “news” & more"
    assert feed.entries[0].title == "März ok"
    assert feed.entries[0].link == "https://a.example/1?x=1&y=2"
    problems = " | ".join(feed.problems)
    for expected in ("text before the root element", "control characters", "HTML entities"):
        assert expected in problems
    assert "recovered" in problems


def test_http_charset_overrides_declaration() -> None:
    data = b'<?xml version="1.0" encoding="iso-8859-1"?><rss><channel><title>\xe4</title></channel>'
    assert parse_feed(data + b"</rss>").title == "ä"
    koi8 = parse_feed(data + b"</rss>", content_type="text/xml; charset=koi8-r")
    assert koi8.title == "Д"


@pytest.mark.parametrize("codec", ["undefined", "rot13", "base64", "hex", "zlib", "idna"])
def test_charsets_that_are_not_text_encodings_are_ignored(codec: str) -> None:
    """Python's bytes-to-bytes codecs and ones that decode nothing are no charset (issue 9)."""
    body = b"<rss><channel><title>caf\xc3\xa9</title></channel></rss>"
    from_header = parse_feed(body, content_type=f"application/rss+xml; charset={codec}")
    declared = parse_feed(f'<?xml version="1.0" encoding="{codec}"?>'.encode() + body)
    for feed in (from_header, declared):
        assert feed.title == "café"
        assert any(codec.replace("-", "_") in p.replace("-", "_") for p in feed.problems)


def test_gzip_body_without_content_encoding() -> None:
    feed = parse_feed(gzip.compress(RSS2))
    assert len(feed.entries) == 2
    assert any("gzip" in p for p in feed.problems)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"<html><body><p>Hello</p></body></html>", "HTML"),
        (b"<?xml version='1.0'?><note><to>x</to></note>", "<note>"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": [', "invalid JSON"),
        (b'{"hello": "world"}', "JSON"),
        (b"[1, 2, 3]", "JSON"),
        (b"[" * 100_000, "JSON"),
        (b"\x1f\x8b\x08\x00garbage", "gzip"),
        (b"just some text", "XML"),
    ],
)
def test_not_a_feed_raises_feed_error(data: bytes, reason: str) -> None:
    with pytest.raises(FeedError, match=re.escape(reason)) as excinfo:
        parse_feed(data)
    assert_one_line_error(excinfo)


def test_internal_entities_are_never_expanded() -> None:
    data = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "AAAAAAAAAA">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<rss><channel><title>x&c;y</title></channel></rss>"
    )
    feed = parse_feed(data)
    assert feed.title == "xy"
    assert "AAAA" not in all_text(feed)


def test_external_entity_file_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-MARKER")
    data = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        "<rss><channel><title>t&x;</title><item><title>&x;</title></item></channel></rss>"
    ).encode()
    feed = parse_feed(data)
    assert "TOP-SECRET-MARKER" not in all_text(feed)
    assert feed.title == "t"


@pytest.fixture
def recording_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every path requested of it."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = b'<!ENTITY leak "LEAKED">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requests
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_external_dtd_and_entities_are_never_fetched(
    recording_server: tuple[str, list[str]],
) -> None:
    base, requests = recording_server
    documents = [
        f'<!DOCTYPE rss SYSTEM "{base}/dtd"><rss><channel><title>&leak;</title></channel></rss>',
        f'<!DOCTYPE rss [<!ENTITY x SYSTEM "{base}/x">]><rss><channel><title>&x;</title>'
        "</channel></rss>",
        f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{base}/p"> %p;]><rss><channel><title>&leak;'
        "</title></channel></rss>",
        f'<rss xmlns:xi="http://www.w3.org/2001/XInclude"><channel><title>t</title>'
        f'<xi:include href="{base}/xi"/></channel></rss>',
    ]
    for document in documents:
        feed = parse_feed(document.encode())
        assert "LEAKED" not in all_text(feed)
    assert requests == []


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 03 Jun 2025 09:15:00 +0200", datetime(2025, 6, 3, 7, 15, tzinfo=UTC)),
        ("Wed, 17 Jan 2018 15:50:00 EST", datetime(2018, 1, 17, 20, 50, tzinfo=UTC)),
        ("Fri, 17 May 2019 23:21:44 BST", datetime(2019, 5, 17, 22, 21, 44, tzinfo=UTC)),
        ("Tue, 15 Nov 2022 20:15:04 Z", datetime(2022, 11, 15, 20, 15, 4, tzinfo=UTC)),
        ("Thu, 07 Dec 17 10:00:29 -0800", datetime(2017, 12, 7, 18, 0, 29, tzinfo=UTC)),
        ("03 Apr 02 1500 GMT", datetime(2002, 4, 3, 15, 0, tzinfo=UTC)),
        ("Seg, 24 Set 2018 19:42:40 -0300", datetime(2018, 9, 24, 22, 42, 40, tzinfo=UTC)),
        ("mer, 16 nov 2022 00:38:15 +0100", datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)),
        ("January, 29 Jan 2021 17:56:15 +0530", datetime(2021, 1, 29, 12, 26, 15, tzinfo=UTC)),
        ("Sat, Dec 16 2023 02:02:33 PM", datetime(2023, 12, 16, 14, 2, 33)),
        ("Friday, January 29, 2021 04:42 PM", datetime(2021, 1, 29, 16, 42)),
        ("17. Oktober 2018 10:30 MESZ", datetime(2018, 10, 17, 8, 30, tzinfo=UTC)),
        ("sábado, 3 de junho de 2023 10:00 -0300", datetime(2023, 6, 3, 13, 0, tzinfo=UTC)),
        ("2025-06-01T10:30:00-04:00", datetime(2025, 6, 1, 14, 30, tzinfo=UTC)),
        ("2022-07-28T03:40:34.000000000Z", datetime(2022, 7, 28, 3, 40, 34, tzinfo=UTC)),
        ("2003-12-13T18:30:02 +01:00", datetime(2003, 12, 13, 17, 30, 2, tzinfo=UTC)),
        ("2003-12-13", datetime(2003, 12, 13)),
        ("1518478934", datetime(2018, 2, 12, 23, 42, 14, tzinfo=UTC)),
        ("1518478934000", datetime(2018, 2, 12, 23, 42, 14, tzinfo=UTC)),
        ("", None),
        ("soon", None),
        ("Wed, 31 Feb 2020 10:00:00 GMT", None),
        ("2020-13-45T00:00:00Z", None),
        ("99999999999999999999999", None),
        ("0001-01-01T00:00:00Z", None),
        ("Τρι, 29 Ιον 2004 12:53:00 GMT", None),
    ],
)
def test_parse_date(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@given(st.text(max_size=60))
@settings(max_examples=300, deadline=None)
def test_parse_date_never_raises(value: str) -> None:
    result = parse_date(value)
    assert result is None or isinstance(result, datetime)


# --------------------------------------------------------------------------- hostile corpus

# Exact outcomes for cases where the MANIFEST's column alone would let a wrong answer pass.
SPECIFIC_HOSTILE: dict[str, Callable[[ParsedFeed], bool]] = {
    "fp-demoronize-1.xml": lambda f: f.entries[0].summary == "don\u2019t",
    "fp-http_text_xml_charset_overrides_encoding_2.xml": (
        lambda f: f.entries[0].summary == "This is a \xa3\u201ctest.\u201d"
    ),
    "fp-euc-kr.xml": lambda f: f.title == "\ub144",
    "miniflux-windows-1252.xml": lambda f: "€" in f.title,
    "miniflux-windows-1252-incorrect-prolog.xml": lambda f: "€" in f.title,
    "miniflux-koi8r.xml": lambda f: all(re.search("[а-яА-Я]", e.title) for e in f.entries),
    "fp-entity_in_doctype.xml": lambda f: f.entries[0].guid == "2006-05-04:/blog/",
    "fp-unsafe_base.xml": lambda f: f.entries[0].title == "Example test",
    "feedrs-atom_relative.xml": (
        lambda f: f.entries[0].link == "https://example.com/blog/2003/12/13/atom03"
    ),
    "feedrs-atom_xml_base.xml": (
        lambda f: 'src="https://numi.st/post/2022/travel-uke/IMG_1232.jpeg"' in f.entries[0].summary
    ),
    "gofeed-issue_320_legacy_entity_prefix.xml": lambda f: (
        f.title == "?page=1&copy=2;mode=x & done"
    ),
    "gofeed-rss_channel_item_illegal_char.xml": lambda f: f.entries[0].title == "abcd",
    "gofeed-issue_303_encoded_no_namespace.xml": lambda f: f.entries[0].title == "First",
    "nodefp-saxerror.xml": lambda f: len(f.entries) == 3 and f.entries[0].title == "Good Item",
    "rssreader-rss-invalid-xml-escape-string.xml": lambda f: "ä" in f.entries[0].title,
    "feedjira-InvalidDateFormat.xml": (
        lambda f: all(e.published and 2010 < e.published.year < 2030 for e in f.entries)
    ),
    "rssparserjs-heraldsun-rss092.rss": lambda f: len(f.entries) == 2,
    "rome-billion-laughs.atom": lambda f: "lol" not in f.title,
    "rome-xxe-entry.atom": lambda f: f.entries[0].title == "Hello",
    "fp-entry_title_script.xml": lambda f: f.entries[0].title == "safe description",
}


@pytest.mark.parametrize("row", corpus_params("hostile"))
def test_hostile_case(row: dict[str, str]) -> None:
    data = (CORPUS / "hostile" / row["file"]).read_bytes()
    expected = row["expected"]
    started = time.perf_counter()
    try:
        feed: ParsedFeed | None = parse_feed(data, content_type=header_content_type(data))
        error = None
    except FeedError as exc:
        feed, error = None, exc
    elapsed = time.perf_counter() - started
    assert elapsed < 5, f"took {elapsed:.1f} s"

    if expected == "error":
        assert error is not None and str(error) and "\n" not in str(error)
        return
    if expected in ("no-expand", "no-external", "items-or-error"):
        assert elapsed < 2
        if feed is None:
            assert error is not None and str(error) and "\n" not in str(error)
            return
    assert feed is not None, f"expected a feed, got FeedError: {error}"
    assert_well_formed(feed)
    if expected in ("items", "items-sanitized"):
        assert feed.entries, "expected at least one entry"
    if expected.endswith("sanitized"):
        assert_sanitized(feed)
    if expected == "no-expand":
        assert len(all_text(feed)) < 10_000
        assert "lol" not in all_text(feed)
    if expected == "no-external":
        assert "root:" not in all_text(feed)
    check = SPECIFIC_HOSTILE.get(row["file"])
    if check is not None:
        assert check(feed), feed


def test_hostile_no_external_reads_nothing_from_etc_passwd() -> None:
    path = CORPUS / "hostile" / "rome-xxe-entry.atom"
    if not path.is_file():
        pytest.skip(NO_CORPUS)
    feed = parse_feed(path.read_bytes())
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        first_line = passwd.read_text(errors="replace").splitlines()[0]
        assert first_line not in all_text(feed)


# --------------------------------------------------------------------------- real corpus

# Where feedparser counts differently on purpose: it has no JSON Feed support, and it counts
# the empty <item /> FeedBurner nested inside each PCMag item as an entry of its own.
COUNT_EXCEPTIONS = {"inessential-blog-1.json": 20, "pcmag-1.xml": 10}


@pytest.mark.parametrize("row", corpus_params("real"))
def test_real_feed(row: dict[str, str]) -> None:
    data = (CORPUS / "real" / row["file"]).read_bytes()
    feed = parse_feed(data, url=row["feed_url"] or None)
    assert_well_formed(feed)
    assert feed.title
    assert feed.entries
    assert all(e.title and e.link for e in feed.entries)
    match = re.match(r"entries=(\d+)", row["feedparser_6.0.14"])
    assert match is not None
    expected = COUNT_EXCEPTIONS.get(row["file"], int(match.group(1)))
    assert len(feed.entries) == expected


def test_real_feeds_dates_mostly_parse() -> None:
    if not (CORPUS / "real").is_dir():
        pytest.skip(NO_CORPUS)
    entries = [
        e
        for path in sorted((CORPUS / "real").glob("*.*"))
        if path.suffix in (".xml", ".json")
        for e in parse_feed(path.read_bytes()).entries
    ]
    dated = [e for e in entries if e.published is not None]
    # heise-online-2 (RSS 0.90) has no dates at all; everything else should parse.
    assert len(dated) / len(entries) > 0.95
    assert all(2000 < e.published.year < 2030 for e in dated)  # type: ignore[union-attr]


# --------------------------------------------------------------------------- properties

SEEDS = [RSS2, RDF, ATOM, JSON_FEED]


def mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    for position, delete, insert in edits:
        at = position % (len(data) + 1)
        data = data[:at] + insert + data[at + delete :]
    return data


edit = st.tuples(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=40),
    st.one_of(
        st.binary(max_size=8),
        st.sampled_from(
            [b"&", b"<", b">", b"]]>", b"<!--", b"&auml;", b"&#0;", b"\x00", b"\xff\xfe", b'"']
        ),
    ),
)


def assert_feed_or_feed_error(data: bytes) -> None:
    started = time.perf_counter()
    try:
        feed = parse_feed(data)
    except FeedError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert_well_formed(feed, decoded=False)
    # Inputs here are a few KB and parse in milliseconds; the bound is loose so that a busy
    # CI machine does not make it flaky, yet it still catches a hang or a blow-up.
    assert time.perf_counter() - started < 5


@given(st.binary(max_size=2000))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_random_bytes_raise_only_feed_error(data: bytes) -> None:
    assert_feed_or_feed_error(data)


@given(st.sampled_from(SEEDS), st.lists(edit, min_size=1, max_size=6))
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_mutated_feeds_raise_only_feed_error(
    seed: bytes, edits: list[tuple[int, int, bytes]]
) -> None:
    assert_feed_or_feed_error(mutate(seed, edits))
