"""Parse: feed bytes (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON Feed 1.x) into a `ParsedFeed`.

Two paths. Well-formed UTF-8 XML without a DOCTYPE (most real feeds) goes straight to a strict
lxml parse. Anything else is repaired first: decoded (BOM, HTTP charset, XML declaration, then
detection), its prolog cut off (junk text, comments, XML declaration, DOCTYPE), entity references
rewritten (HTML names to characters, undeclared names dropped, bare `&` escaped) and control
characters removed; then lxml parses it strictly, else in recover mode. Every repair is written
to `ParsedFeed.problems`; only a document that is not a feed at all raises `FeedError`.

DTDs are never read and entities never expanded: the DOCTYPE is removed before parsing, and the
parser itself runs with resolve_entities=False, load_dtd=False, no_network=True as a second line
of defence. HTML that reaches users (summaries) is sanitised with nh3; titles, authors and the
feed title are reduced to plain text.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from html.entities import html5 as _HTML5_ENTITIES
from typing import Any
from urllib.parse import urljoin, urlsplit

import nh3
from lxml import etree  # type: ignore[import-untyped]

from newsdesk.errors import FeedError
from newsdesk.ingest.dates import parse_date
from newsdesk.ingest.decoding import codec_name, decode
from newsdesk.ingest.markup import strip_markup
from newsdesk.records import Entry, ParsedFeed

__all__ = ["parse_feed"]

# lxml ships no type information; elements are `Any` at this boundary.
_El = Any

# A gzip body saved without Content-Encoding is unpacked, up to this size (bounded memory).
MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024

_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_RDF_ABOUT = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}about"
_ATOM_NS = frozenset({"http://www.w3.org/2005/Atom", "http://purl.org/atom/ns#"})
_RSS_NS = frozenset(
    {
        "http://purl.org/rss/1.0/",
        "http://my.netscape.com/rdf/simple/0.9/",
        "http://channel.netscape.com/rdf/simple/0.9/",
        "http://backend.userland.com/rss2",
        "http://backend.userland.com/rss",
    }
)
# Elements in these namespaces (or with these undeclared prefixes, as a recovered tree keeps
# them) are the format's own; everything else is keyed "prefix:local".
_PRIMARY = {
    "rss": _RSS_NS | {"", "rss"},
    "atom": _ATOM_NS | {"", "atom"},
}
_PREFIXES = {
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://www.w3.org/2005/Atom": "atom",
    "http://purl.org/atom/ns#": "atom",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
}

# --------------------------------------------------------------------------- entry point


def parse_feed(
    data: bytes, *, url: str | None = None, content_type: str | None = None
) -> ParsedFeed:
    """Parse one feed document (RSS, RDF, Atom or JSON Feed; the format is sniffed).

    `url` is where the document came from (the base for relative links; ignored unless
    http(s)); `content_type` is the HTTP header, whose charset beats the XML declaration.
    Broken but readable documents parse, with what was repaired in `problems`; a document
    that is not a feed at all raises FeedError with a one-line reason.
    """
    problems: list[str] = []
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, problems)
    head = data[:256].lstrip(b" \t\r\n\x00").removeprefix(codecs.BOM_UTF8).lstrip()
    if not head:
        raise FeedError("empty document")
    base = _http_url(url)
    if head[:1] in (b"{", b"["):
        return _parse_json_feed(data, base, problems)
    root = _parse_xml(data, _charset(content_type), problems)
    return _from_tree(root, base, problems)


def _gunzip(data: bytes, problems: list[str]) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_DECOMPRESSED_BYTES)
    except zlib.error as exc:
        raise FeedError(f"corrupt gzip body: {_one_line(str(exc))}") from exc
    if inflater.unconsumed_tail:
        raise FeedError(f"gzip body unpacks to more than {MAX_DECOMPRESSED_BYTES} bytes")
    if not out:
        raise FeedError("corrupt gzip body: nothing could be unpacked")
    problems.append("body was gzip-compressed without Content-Encoding; unpacked")
    if not inflater.eof:
        problems.append("gzip body truncated; parsed what was unpacked")
    return out


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I)
    return match.group(1) if match else None


def _finish(
    title: str, link: str | None, fmt: str, entries: list[Entry], problems: list[str]
) -> ParsedFeed:
    unique = tuple(dict.fromkeys(p for p in problems if p))
    return ParsedFeed(title, link, fmt, tuple(entries), unique)


# --------------------------------------------------------------------------- XML: bytes to tree


def _parser(*, recover: bool) -> _El:
    # A fresh parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        recover=recover,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def _parse_xml(data: bytes, http_charset: str | None, problems: list[str]) -> _El:
    if _fast_path_ok(data, http_charset):
        try:
            return etree.fromstring(data, _parser(recover=False))
        except etree.XMLSyntaxError:
            pass  # not well-formed as it stands: repair below
    text = _repair(_decode(data, http_charset, problems), problems)
    if not text:
        raise FeedError("not XML: no root element found")
    try:
        return etree.fromstring(text.encode("utf-8"), _parser(recover=False))
    except etree.XMLSyntaxError as exc:
        reason = _one_line(str(exc))
    parser = _parser(recover=True)
    try:
        root = etree.fromstring(_quote_attribute_values(text).encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FeedError(f"not XML: {_one_line(str(exc))}") from exc
    if root is None:
        raise FeedError(f"not XML: {reason}")
    problems.append(f"XML not well-formed ({reason}); recovered what could be parsed")
    return root


_DOCTYPE_BYTES = re.compile(rb"<!doctype", re.I)
_DECLARED_ENCODING = re.compile(
    rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[^A-Za-z0-9>]{0,4}([A-Za-z][\w.:-]{0,40})"
)
_UTF8_NAMES = frozenset({"utf-8", "ascii"})


def _fast_path_ok(data: bytes, http_charset: str | None) -> bool:
    """True when lxml may read the bytes as they are: UTF-8, no DOCTYPE, nothing to override."""
    if not data.startswith((b"<", codecs.BOM_UTF8 + b"<")):
        return False
    match = _DECLARED_ENCODING.match(data[:512].removeprefix(codecs.BOM_UTF8))
    for name in (match.group(1).decode("ascii") if match else None, http_charset):
        if name is not None and codec_name(name) not in _UTF8_NAMES:
            return False
    return _DOCTYPE_BYTES.search(data) is None


def _one_line(message: str) -> str:
    return " ".join(message.split())[:200]


# --------------------------------------------------------------------------- decoding


def _decode(data: bytes, http_charset: str | None, problems: list[str]) -> str:
    match = _DECLARED_ENCODING.match(data[:512])
    declared = match.group(1).decode("ascii") if match else None
    return decode(data, [(http_charset, "HTTP charset"), (declared, "XML declaration")], problems)


# --------------------------------------------------------------------------- repairing text

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# CDATA sections are matched so they are passed through untouched; everything else is a
# stray "]]>" or a reference or a bare ampersand. The five predefined entities, by far the
# most common, are skipped by the pattern itself to save a Python call each.
_REFERENCE = re.compile(
    r"<!\[CDATA\[.*?(?:\]\]>|\Z)|\]\]>|&(?!(?:amp|lt|gt|quot|apos);)"
    r"(?:(#[0-9]{1,10}|#[xX][0-9a-fA-F]{1,8}|[A-Za-z][\w.-]{0,40});)?",
    re.S,
)
_DTD_TOKEN = re.compile(r"""<!--.*?(?:-->|\Z)|"[^"]*"?|'[^']*'?|[\[\]>]|[^"'\[\]<>]+|<""", re.S)


def _repair(text: str, problems: list[str]) -> str:
    text = _strip_prolog(text, problems)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
        problems.append("control characters removed")
    return _fix_references(text, problems)


def _strip_prolog(text: str, problems: list[str]) -> str:
    """Everything before the root element goes: declarations, comments, PIs, DOCTYPE, junk."""
    pos, size = 0, len(text)
    while pos < size:
        start = text.find("<", pos)
        if start < 0:
            return ""
        if text[pos:start].strip():
            problems.append("text before the root element ignored")
        if text.startswith("<!--", start):
            end = text.find("-->", start + 4)
            pos = size if end < 0 else end + 3
        elif text.startswith("<?", start):
            end = text.find("?>", start + 2)
            pos = size if end < 0 else end + 2
            if (
                start > 0
                and text.startswith("<?xml", start)
                and not text[start + 5 : start + 6].isalpha()
            ):
                problems.append("XML declaration not at the start of the document")
        elif text[start + 1 : start + 9].upper() == "!DOCTYPE":
            pos = _doctype_end(text, start + 9)
            problems.append("DOCTYPE removed; DTD entities are never expanded")
        else:
            return text[start:]
    return ""


def _doctype_end(text: str, pos: int) -> int:
    """Index after the DOCTYPE's closing '>', skipping its internal subset and quoted ids."""
    depth = 0
    for token in _DTD_TOKEN.finditer(text, pos):
        value = token.group()
        if value == "[":
            depth += 1
        elif value == "]":
            depth = max(0, depth - 1)
        elif value == ">" and depth == 0:
            return token.end()
    return len(text)


def _fix_references(text: str, problems: list[str]) -> str:
    seen: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            if match.group().startswith("<"):
                return match.group()  # CDATA section
            if match.group() == "]]>":
                seen.add("']]>' outside CDATA escaped")
                return "]]&gt;"
            seen.add("bare '&' escaped")
            return "&amp;"
        if name[0] == "#":
            code = int(name[2:], 16) if name[1] in "xX" else int(name[1:])
            return match.group() if _is_xml_char(code) else ""
        chars = _HTML5_ENTITIES.get(name + ";")
        if chars is None:
            seen.add("undeclared entity references dropped")
            return ""
        seen.add("HTML entities converted")
        return "".join(f"&#{ord(c)};" for c in chars)

    fixed = _REFERENCE.sub(replace, text)
    problems.extend(sorted(seen))
    return fixed


def _is_xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


_START_TAG = re.compile(r"<[A-Za-z][^<>]*>")
_ATTRIBUTE_VALUE = re.compile(r"""("[^"]*"|'[^']*')|=\s*([^\s"'=<>`][^\s<>]*?)(?=\s|/?>|$)""")


def _quote_attribute_values(text: str) -> str:
    """Quote `name=value` attributes, which libxml2's recover mode gives up on."""

    def quote(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return match.group()
        return '="' + match.group(2).replace('"', "&quot;") + '"'

    def fix_tag(match: re.Match[str]) -> str:
        tag = match.group()
        return _ATTRIBUTE_VALUE.sub(quote, tag) if "=" in tag else tag

    return _START_TAG.sub(fix_tag, text)


# --------------------------------------------------------------------------- tree to feed


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


@lru_cache(maxsize=4096)
def _key(tag: str, fmt: str) -> str:
    """'title' for the format's own elements, 'dc:date', 'content:encoded' ... for others."""
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
    elif ":" in tag:  # undeclared prefix, kept literally by lxml's recover mode
        namespace, _, local = tag.partition(":")
    else:
        namespace, local = "", tag
    if namespace in _PRIMARY[fmt]:
        return local
    return f"{_PREFIXES.get(namespace, namespace)}:{local}"


@dataclass(slots=True)
class _Fields:
    """An element's children by key, first occurrence wins; plus every link element."""

    first: dict[str, _El]
    links: list[_El]


def _fields(parent: _El, fmt: str, link_key: str) -> _Fields:
    first: dict[str, _El] = {}
    links: list[_El] = []
    for child in parent:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        key = _key(tag, fmt)
        if key == link_key:
            links.append(child)
        first.setdefault(key, child)
    return _Fields(first, links)


def _from_tree(root: _El, base: str | None, problems: list[str]) -> ParsedFeed:
    tag = root.tag if isinstance(root.tag, str) else ""
    name = _local(tag)
    if name == "rss" or name == "channel":
        return _rss_feed(root, "rss", base, problems)
    if name == "RDF":
        return _rss_feed(root, "rdf", base, problems)
    if name == "feed" and _namespace(tag) in _ATOM_NS | {""}:
        return _atom_feed(root, base, problems)
    if name == "entry" and _namespace(tag) in _ATOM_NS:
        problems.append("an Atom entry document, not a feed; read as a feed of one entry")
        return _atom_feed(root, base, problems, lone_entry=True)
    if name.lower() == "html":
        raise FeedError("not a feed: an HTML page")
    raise FeedError(f"not a feed: the root element is <{name or '?'}>")


def _namespace(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


def _xml_base(element: _El, base: str | None) -> str | None:
    """The base URL in effect inside `element`; a non-http(s) xml:base is ignored."""
    value = element.get(_XML_BASE)
    if value is None:
        return base
    return _absolute_http(value, base) or base


# --------------------------------------------------------------------------- RSS 0.9x/1.0/2.0


def _rss_feed(root: _El, fmt: str, base: str | None, problems: list[str]) -> ParsedFeed:
    channel = root if _local(root.tag) == "channel" else _child(root, "channel")
    if channel is None:
        problems.append("no <channel> element")
        channel_base = _xml_base(root, base)
        fields = _Fields({}, [])
    else:
        channel_base = _xml_base(channel, _xml_base(root, base))
        fields = _fields(channel, "rss", "atom:link")
    link = _rss_link(fields, channel_base)
    title = _element_plain(fields.first.get("title"), untyped=None)
    item_base = _rss_item_base(root, channel, channel_base, link)
    item_base = item_base or _atom_link(fields.links, None, rel="self")
    items = [c for c in (channel if channel is not None else ()) if _is_item(c)]
    if channel is not root:
        items += [c for c in root if _is_item(c)]  # RSS 0.90/1.0 keep items beside the channel
    entries = _entries((_rss_entry(item, item_base) for item in items), problems)
    return _finish(title, link, fmt, entries, problems)


def _rss_item_base(
    root: _El, channel: _El | None, channel_base: str | None, link: str | None
) -> str | None:
    """Relative item links: an explicit xml:base wins, then the site link, then the feed URL.

    The channel link names the site the items belong to; the feed URL often sits elsewhere
    (a /feeds/ folder, a feed proxy), so path-relative links resolve better against the link.
    """
    explicit = root.get(_XML_BASE) is not None or (
        channel is not None and channel.get(_XML_BASE) is not None
    )
    return channel_base if explicit else link or channel_base


def _child(parent: _El, local: str) -> _El | None:
    for child in parent:
        if isinstance(child.tag, str) and _key(child.tag, "rss") == local:
            return child
    return None


def _is_item(element: _El) -> bool:
    return isinstance(element.tag, str) and _key(element.tag, "rss") == "item"


def _entries(candidates: Iterable[Entry], problems: list[str]) -> list[Entry]:
    # Entries are kept even when empty (feedparser does the same); later stages skip what
    # has no link. Counting them here makes a feed full of empty items visible in status.
    entries = list(candidates)
    empty = sum(1 for e in entries if not (e.title or e.link or e.guid or e.summary))
    if empty:
        problems.append(f"{empty} item(s) without title, link, id or summary")
    return entries


# Publication date first; a modification date is better than none.
_RSS_DATES = ("pubDate", "dc:date", "dcterms:issued", "atom:published", "atom:updated")
_ATOM_DATES = ("published", "issued", "created", "dc:date", "updated", "modified")


def _rss_entry(item: _El, base: str | None) -> Entry:
    base = _xml_base(item, base)
    fields = _fields(item, "rss", "atom:link")
    first = fields.first
    title_el = _pick(first, ("title", "dc:title"))
    guid_el = first.get("guid")
    guid = _identifier(_text(guid_el) or item.get(_RDF_ABOUT) or "")
    link = _rss_link(fields, base)
    if link is None and guid_el is not None and guid_el.get("isPermaLink", "true") != "false":
        link = _absolute_http(guid or "", base)
    if link is None and item.get(_RDF_ABOUT):
        link = _absolute_http(item.get(_RDF_ABOUT), base)
    summary_el = _first_nonempty(first, ("description", "dc:description", "content:encoded"))
    return Entry(
        title=_element_plain(title_el, untyped=None),
        link=link,
        published=_first_date(first, _RSS_DATES),
        summary=_element_html(summary_el, base, untyped_is_html=True),
        author=_author_text(_pick(first, ("author", "dc:creator"))),
        guid=guid,
    )


def _rss_link(fields: _Fields, base: str | None) -> str | None:
    link_el = fields.first.get("link")
    if link_el is not None:
        href = _text(link_el).strip() or link_el.get("href") or ""
        link = _absolute_http(href, _xml_base(link_el, base))
        if link:
            return link
    return _atom_link(fields.links, base)


def _pick(first: dict[str, _El], keys: tuple[str, ...]) -> _El | None:
    # lxml elements without children are falsy, so `a or b` would skip present elements.
    for key in keys:
        element = first.get(key)
        if element is not None:
            return element
    return None


def _first_nonempty(first: dict[str, _El], keys: tuple[str, ...]) -> _El | None:
    for key in keys:
        element = first.get(key)
        if element is not None and (len(element) or _text(element).strip()):
            return element
    return None


# --------------------------------------------------------------------------- Atom 0.3/1.0


def _atom_feed(
    root: _El, base: str | None, problems: list[str], *, lone_entry: bool = False
) -> ParsedFeed:
    base = _xml_base(root, base)
    fields = _fields(root, "atom", "link")
    # Without the document's URL, the feed's self link is the next best base for relative links.
    base = base or _atom_link(fields.links, None, rel="self")
    link = _atom_link(fields.links, base)
    if lone_entry:
        return _finish("", link, "atom", [_atom_entry(root, base, None)], problems)
    title = _element_plain(fields.first.get("title"), untyped=False)
    # Atom entries without an author inherit the feed's.
    author = _atom_author(fields.first)
    entries_el = [c for c in root if isinstance(c.tag, str) and _key(c.tag, "atom") == "entry"]
    entries = _entries((_atom_entry(e, base or link, author) for e in entries_el), problems)
    return _finish(title, link, "atom", entries, problems)


def _atom_entry(entry: _El, base: str | None, feed_author: str | None) -> Entry:
    base = _xml_base(entry, base)
    fields = _fields(entry, "atom", "link")
    first = fields.first
    summary_el = _first_nonempty(first, ("summary", "content", "dc:description"))
    return Entry(
        title=_element_plain(first.get("title"), untyped=False),
        link=_atom_link(fields.links, base),
        published=_first_date(first, _ATOM_DATES),
        summary=_element_html(summary_el, base, untyped_is_html=False),
        author=_atom_author(first) or feed_author,
        guid=_identifier(_text(first.get("id"))),
    )


def _atom_link(links: list[_El], base: str | None, rel: str = "alternate") -> str | None:
    """The first `rel` link, preferring an HTML one; a link without rel counts as alternate."""
    fallback: str | None = None
    for element in links:
        if (element.get("rel") or "alternate").strip().lower() != rel:
            continue
        href = element.get("href") or _text(element)
        url = _absolute_http(href.strip(), _xml_base(element, base))
        if url is None:
            continue
        if (element.get("type") or "text/html").lower() in ("text/html", "application/xhtml+xml"):
            return url
        fallback = fallback or url
    return fallback


def _atom_author(first: dict[str, _El]) -> str | None:
    author = first.get("author")
    if author is not None:
        name = _fields(author, "atom", "").first.get("name")
        return _author_text(name if name is not None else author)
    return _author_text(first.get("dc:creator"))


# --------------------------------------------------------------------------- text and HTML

_DANGEROUS_TAGS = (
    "script style iframe object embed applet frame frameset meta link base form input button "
    "textarea select svg math noscript template title"
)
# Feedparser's idea: text without the format's own type counts as HTML only when it has a
# known tag or an entity, so a title like "x<y" survives.
_LOOKS_LIKE_HTML = re.compile(
    r"</?(?:"
    + "|".join(sorted(set(_DANGEROUS_TAGS.split()) | nh3.ALLOWED_TAGS, key=len, reverse=True))
    + r")\b|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);",
    re.I,
)
# Code points 0x80-0x9f are C1 controls, nearly always windows-1252 punctuation mislabelled;
# C0 controls and DEL (JSON and XML 1.0 let some through) are dropped.
_CONTROLS_TO_TEXT: dict[int, str | None] = {
    code: bytes([code]).decode("cp1252", errors="ignore") or None for code in range(0x80, 0xA0)
}
_CONTROLS_TO_TEXT.update(dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]))
_CONTROLS_TO_TEXT[0x7F] = None
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _text(element: _El | None) -> str:
    """The element's whole text content, descendants included."""
    if element is None:
        return ""
    if len(element) == 0:
        text = element.text
        return text if isinstance(text, str) else ""
    return "".join(t for t in element.itertext() if isinstance(t, str))


def _inner_markup(element: _El) -> str:
    """The element's content as HTML: text escaped, child elements serialised."""
    parts = [html.escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(etree.tostring(child, encoding="unicode", with_tail=False))
        parts.append(html.escape(child.tail or "", quote=False))
    return "".join(parts)


# What a value is: True = HTML, False = plain text, None = untyped (the format decides).
Markup = bool | None


def _content(element: _El) -> tuple[str, Markup]:
    """(value, markup) of a text construct: Atom 1.0 type, Atom 0.3 type/mode, inline XHTML."""
    if len(element):
        return _inner_markup(element), True
    kind = (element.get("type") or "").lower()
    mode = (element.get("mode") or "").lower()
    value = _text(element)
    if mode == "base64":
        try:
            value = base64.b64decode(value).decode("utf-8", errors="replace")
        except (binascii.Error, ValueError):
            value = ""
    if "xhtml" in kind:
        return html.escape(value, quote=False), True
    if kind in ("html", "text/html") or mode == "escaped":
        return value, True
    return value, (None if not kind else False)


def _element_plain(element: _El | None, *, untyped: Markup) -> str:
    """Plain text of a title-like element; `untyped` says how to read it without a type."""
    if element is None:
        return ""
    value, markup = _content(element)
    return _plain(value, markup=untyped if markup is None else markup)


def _plain(value: str, *, markup: Markup) -> str:
    """Plain text, whitespace collapsed. markup None: HTML only if it looks like HTML."""
    if ("<" in value or "&" in value) and (
        markup or (markup is None and _LOOKS_LIKE_HTML.search(value))
    ):
        value = strip_markup(value)
    return " ".join(_demoronize(value).split())


def _identifier(value: str) -> str | None:
    """A GUID / id: control characters removed, surrounding whitespace stripped."""
    return _CONTROLS.sub("", value).strip() or None


def _demoronize(value: str) -> str:
    return value.translate(_CONTROLS_TO_TEXT) if _CONTROLS.search(value) else value


def _element_html(element: _El | None, base: str | None, *, untyped_is_html: bool) -> str:
    """Sanitised HTML of a summary-like element (plain text is escaped into HTML)."""
    if element is None:
        return ""
    value, markup = _content(element)
    if not (untyped_is_html if markup is None else markup):
        value = html.escape(value, quote=False)
    return _sanitize(value, _xml_base(element, base))


def _sanitize(markup: str, base: str | None) -> str:
    markup = markup.strip()
    if not markup:
        return ""
    return _cleaner(base).clean(_demoronize(markup)).strip()


@lru_cache(maxsize=256)
def _cleaner(base: str | None) -> nh3.Cleaner:
    """nh3's defaults drop script/style/iframe/object/embed/meta/link, on* and javascript:."""
    if base is not None:
        try:
            return nh3.Cleaner(url_relative=("rewrite_with_base", base))
        except ValueError:
            pass  # a base Python accepts but the WHATWG URL parser does not: leave links be
    return nh3.Cleaner(url_relative="pass_through")


_EMAIL_WITH_NAME = re.compile(r"^\S+@\S+\s*\((.+)\)$")


def _author_text(element: _El | None) -> str | None:
    if element is None:
        return None
    return _author(_element_plain(element, untyped=None))


def _author(name: str) -> str | None:
    # RSS <author> is "email (Name)"; the name is what a reader wants.
    match = _EMAIL_WITH_NAME.match(name)
    return (match.group(1).strip() if match else name) or None


# --------------------------------------------------------------------------- URLs


def _http_url(url: str | None) -> str | None:
    return _absolute_http(url, None) if url else None


_URL_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\s]")
# Most links are already absolute; recognising them here skips urljoin, the parser's top cost.
_PLAIN_ABSOLUTE_HTTP = re.compile(r"https?://(?:[^/?#@\s]*@)?[\w.-]+(?::\d{1,5})?(?=[/?#]|$)", re.I)


def _absolute_http(href: str | None, base: str | None) -> str | None:
    """`href` made absolute against `base`; None unless the result is an http(s) URL."""
    href = (href or "").strip().replace(" ", "%20")
    if not href or _URL_UNSAFE.search(href):
        return None
    if _PLAIN_ABSOLUTE_HTTP.match(href):
        return href
    try:
        url = urljoin(base, href) if base else href
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url


# --------------------------------------------------------------------------- dates


def _first_date(first: dict[str, _El], keys: tuple[str, ...]) -> datetime | None:
    for key in keys:
        element = first.get(key)
        if element is not None:
            parsed = parse_date(_text(element))
            if parsed is not None:
                return parsed
    return None


# --------------------------------------------------------------------------- JSON Feed


def _parse_json_feed(data: bytes, base: str | None, problems: list[str]) -> ParsedFeed:
    document = _load_json(data, problems)
    if not isinstance(document, dict):
        raise FeedError("not a feed: a JSON document that is not an object")
    version, items = document.get("version"), document.get("items")
    if not (isinstance(version, str) and "jsonfeed.org/version/" in version):
        if not isinstance(items, list):
            raise FeedError("not a feed: JSON without a JSON Feed version or items")
        problems.append("JSON Feed version missing")
    if not isinstance(items, list):
        problems.append("JSON Feed without an items list")
        items = []
    link = _absolute_http(_json_str(document, "home_page_url"), base)
    item_base = base or _absolute_http(_json_str(document, "feed_url"), None) or link
    title = _plain(_json_str(document, "title"), markup=None)
    candidates = (_json_entry(item, item_base) for item in items if isinstance(item, dict))
    return _finish(title, link, "json", _entries(candidates, problems), problems)


def _load_json(data: bytes, problems: list[str]) -> object:
    try:
        try:
            return json.loads(data)
        except UnicodeDecodeError:
            problems.append("JSON is not valid UTF-8; undecodable bytes replaced")
            return json.loads(data.decode("utf-8", errors="replace"))
    except ValueError as exc:
        raise FeedError(f"invalid JSON: {_one_line(str(exc))}") from exc
    except RecursionError as exc:
        raise FeedError("invalid JSON: nested too deeply") from exc


def _json_str(mapping: dict[str, object], key: str) -> str:
    value = mapping.get(key)
    if isinstance(value, bool):
        return ""
    return str(value) if isinstance(value, str | int | float) else ""


def _json_entry(item: dict[str, object], base: str | None) -> Entry:
    link = _absolute_http(_json_str(item, "url"), base) or _absolute_http(
        _json_str(item, "external_url"), base
    )
    if _json_str(item, "summary"):
        summary = html.escape(_json_str(item, "summary"), quote=False)
    elif _json_str(item, "content_html"):
        summary = _json_str(item, "content_html")
    else:
        summary = html.escape(_json_str(item, "content_text"), quote=False)
    published = parse_date(_json_str(item, "date_published")) or parse_date(
        _json_str(item, "date_modified")
    )
    return Entry(
        title=_plain(_json_str(item, "title"), markup=None),
        link=link,
        published=published,
        summary=_sanitize(summary, base),
        author=_json_author(item),
        guid=_identifier(_json_str(item, "id")),
    )


def _json_author(item: dict[str, object]) -> str | None:
    authors = item.get("authors")
    author = authors[0] if isinstance(authors, list) and authors else item.get("author")
    if isinstance(author, dict):
        return _author(_plain(_json_str(author, "name"), markup=None))
    return None
