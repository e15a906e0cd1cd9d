"""Article extraction: one HTML page in, one `Extracted` record out.

Layers, first usable answer wins (the orders are what measured best on the shared corpus,
see bench/extraction.py):

- body: an outlet spec's paragraph selector, else trafilatura on a pruned tree, then generic
  clean-up (title echo, calls to action, captions). When the page's JSON-LD `articleBody` is
  much longer than what trafilatura found, trafilatura stopped early and `articleBody` is used.
- title: JSON-LD headline, og:title, <h1>, <title>, trafilatura's title; site-name suffixes
  ('... | The Outlet') are cut from og:title and <title>.
- authors: JSON-LD (with @id references resolved), meta tags, then trafilatura.
- date: JSON-LD datePublished, meta tags, microdata, then trafilatura (htmldate).

Paywall rule (`paywalled=True`): the page carries gating evidence AND the body is a stub
(under STUB_WORDS words). Gating evidence is any of: JSON-LD isAccessibleForFree false, an
element whose class/id names a paywall (paywall, regwall, subscriber-only, ...), or a
subscribe prompt in the text ("subscribe to continue", "already a subscriber", ...).
Evidence alone is not enough: metered sites declare isAccessibleForFree=false on pages that
carry the full text (12 of the 64 corpus pages do), and those articles are usable.
"""

from __future__ import annotations

import codecs
import html as htmllib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from lxml import etree

from newsdesk.errors import ExtractError
from newsdesk.ingest.dates import parse_date
from newsdesk.ingest.decoding import decode
from newsdesk.ingest.markup import strip_markup
from newsdesk.ingest.outlets import OutletSpec, spec_for_host
from newsdesk.records import Extracted
from newsdesk.text import count_words
from newsdesk.urls import canonicalize_url

__all__ = ["MAX_HTML_CHARS", "MIN_BODY_WORDS", "STUB_WORDS", "decode_html", "extract_article"]

MAX_HTML_CHARS = 5_000_000  # 3x the largest corpus page; beyond this it is scripts or junk
MAX_INPUT_CHARS = 50_000_000  # never even scan more than this
STUB_WORDS = 150  # shorter bodies plus gating evidence count as a paywall stub
MIN_BODY_WORDS = 10  # less is a menu or an error page, not an article
_ARTICLEBODY_MIN_WORDS = 80
_ARTICLEBODY_RECALL = 0.6  # below this share of articleBody covered, trafilatura stopped early

_ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "SatiricalArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
        "TechArticle",
        "ScholarlyArticle",
    }
)
# Embeds and furniture no article body should contain. Removed before trafilatura sees the
# tree: trafilatura keeps tweet blockquotes and caption text as if they were paragraphs.
_PRUNE_XPATH = (
    "//iframe|//object|//embed|//template|//svg|//canvas|//figcaption|//dialog"
    "|//blockquote[contains(@class,'twitter-tweet') or contains(@class,'instagram-media')"
    " or contains(@class,'tiktok-embed') or contains(@class,'bluesky-embed')]"
    # Section labels above the headline ("National", "Health"): short, never article text.
    "|//*[contains(@class,'kicker') or contains(@class,'eyebrow')]"
    "[string-length(normalize-space(.)) < 40]"
)
_PAYWALL_CLASS = re.compile(
    r"(?:^|[\s_-])(?:paywall|paywalled|regwall|reg-wall|access-wall|registration-wall|"
    r"subscriber-only|subscribers-only|"
    r"premium-content|locked-content|meteredcontent|metered-content|piano-offer)(?:$|[\s_-])",
    re.IGNORECASE,
)
_SUBSCRIBE_PROMPT = re.compile(
    r"\b(?:subscribe (?:now |today )?to (?:continue|read|keep reading|unlock)"
    r"|already an? (?:subscriber|member)"
    r"|to continue reading"
    r"|(?:this|the) (?:article|story|content) is (?:only )?(?:available|reserved|exclusive)"
    r" (?:to|for) (?:subscribers|members)"
    r"|(?:log|sign) in (?:or (?:create an account|register) )?to (?:continue|read)"
    r"|create a free account to (?:continue|read))",
    re.IGNORECASE,
)
# Lines that are page furniture wherever they appear: calls to action, link teasers,
# captions' credit lines. Anchored and length-limited so prose is never caught.
_BOILERPLATE_LINE = re.compile(
    r"^(?:(?:read|see) (?:more|also|next)\s*(?::|$)|also read\s*:|more\s*:|related\s*:"
    r"|(?:recommended|related) (?:videos?|stories|articles|reading)$|most read\b"
    r"|article content$|advertisement$|story continues below|continue reading below"
    r"|(?:click|tap) here\b|got a story\b|do you have a story\b"
    r"|get in touch with our\b|for more stories like this\b|follow [\w.]+ on (?:twitter|x|facebook)"
    r"|join (?:our|the) (?:commenting|conversation)|comments?$|share this (?:article|story)"
    r"|this is a breaking news? story|sign up (?:for|to) (?:our|the)\b.*(?:newsletter|emails?)"
    r"|get the latest .{0,60} in your inbox|sign up for our emails"
    r"|(?:photo|image|picture|file photo|credit)s?\s*:\s*\S.{0,60}$"
    # A blog engine's byline under or after the text: "Posted by Fran Doyle on 11/03/2026
    # 10:00 in Local".
    r"|posted by .{1,60}? on \d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b.{0,50}$)",
    re.IGNORECASE,
)
_BOILERPLATE_ANYWHERE = re.compile(
    r"\bmay earn (?:us )?a commission\b|\bcheck out more of the .{0,40} by signing up\b",
    re.IGNORECASE,
)
_BOILERPLATE_MAX_WORDS = 30
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—*•·:/]{1,2}\s+")
# After a site name at the start of a title: ' - ', ' | ', ' — ', ': ' ('Site: Headline').
_LEADING_SEPARATOR = re.compile(r"\s+[|\-–—•·:]{1,2}\s+|(?<=\w):\s+")
_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|/|\band\b|&|\|)\s*", re.IGNORECASE)
_AUTHOR_PREFIX = re.compile(r"^(?:by|written by)\s+", re.IGNORECASE)
# "Jane Doe, Staff Writer": the part after the comma is a role, not a second author.
_AUTHOR_ROLE = re.compile(
    r"^(?:(?:senior|chief|staff|political|special|contributing|foreign|deputy|news|business"
    r"|sports?|health|science|technology)\s+)*"
    r"(?:writer|reporter|correspondent|editor|contributor|journalist)s?$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BULKY_BLOCKS = re.compile(
    r"<(script|style)\b(?![^>]*ld\+json)[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)

_MICRO_DATE_XPATHS = (
    "//*[@itemprop='datePublished']/@datetime",
    "//article//time/@datetime",
    "//time/@datetime",
)
_DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "publish-date",
    "publishdate",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)
_AUTHOR_META = (
    "author",
    "article:author",
    "parsely-author",
    "sailthru.author",
    "byl",
    "dc.creator",
)


def extract_article(
    html: bytes | str, url: str | None = None, *, specs: Iterable[OutletSpec] | None = None
) -> Extracted:
    """Extract title, authors, date, language and plain-text body from one article page.

    `specs` replaces the packaged outlet specs (pass () for the generic path alone).
    Raises ExtractError when the page holds no article body (and is not a paywall stub).
    """
    text = decode_html(html) if isinstance(html, bytes) else html
    tree = _parse(_shrink(text))
    page = _read_page(tree)
    canonical = _canonical_url(page, url)
    page.host = urlsplit(canonical or url or "").hostname
    spec = spec_for_host(page.host, specs)
    page.site_keys = _site_keys(page, spec)
    page.site_names = _home_link_names(tree, canonical or url or "")
    _prune(tree, spec)
    generic = _trafilatura_run(tree, url or canonical)  # also the metadata fallbacks
    lines = _clean_lines(_spec_paragraphs(tree, spec), page)
    if not lines:  # no spec, or its selector found nothing (a redesign): the generic path
        lines = _prefer_article_body(_clean_lines(generic.lines, page), page.article_body)
    lines = _with_standfirst(lines, page.standfirst)
    body = "\n\n".join(lines)
    paywalled = _looks_paywalled(page, body)
    words = count_words(body)
    if words < MIN_BODY_WORDS and not paywalled:
        raise ExtractError(f"no article body on the page ({words} words of text)")
    return Extracted(
        url=url or canonical,
        canonical_url=canonical,
        title=_spec_title(tree, spec, page) or _choose_title(page, generic.title),
        authors=_spec_authors(tree, spec) or _choose_authors(page, generic.author),
        published=_spec_date(tree, spec) or _choose_date(page, generic.date),
        body=body,
        lang=page.lang,
        site_name=page.site_name or generic.site_name,
        paywalled=paywalled,
    )


# --- decoding and parsing ---------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w:.+-]+)""", re.IGNORECASE)
_XML_CHARSET = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w:.+-]+)""", re.IGNORECASE)


def decode_html(data: bytes) -> str:
    """Decode a page (ingest.decoding) by its BOM, its bytes and its declared charset."""
    data = data[:MAX_INPUT_CHARS]
    return decode(data, [(_declared_charset(data[:4096]), "meta charset")])


def _declared_charset(head: bytes) -> str | None:
    match = _XML_CHARSET.search(head) or _META_CHARSET.search(head)
    if not match:
        return None
    try:
        codec = codecs.lookup(match.group(1).decode("ascii"))
    except (LookupError, UnicodeDecodeError):
        return None
    if not codec._is_text_encoding:
        return None  # rot13, base64, hex, zlib...: bytes-to-bytes codecs, not charsets
    name = codec.name.replace("-", "_")
    # A UTF-16/32 label in a meta tag we could read as ASCII is false by construction.
    return "utf_8" if name.startswith(("utf_16", "utf_32")) else name


def _shrink(text: str) -> str:
    """Cap the page size; drop scripts and styles first since they are what makes pages huge."""
    if len(text) <= MAX_HTML_CHARS:
        return text
    text = _BULKY_BLOCKS.sub("", text[:MAX_INPUT_CHARS])
    return text[:MAX_HTML_CHARS]


def _parse(text: str) -> lxml.html.HtmlElement:
    # lxml refuses str input that carries an XML encoding declaration, and characters XML
    # cannot hold (NUL, most C0 controls) truncate its input or break later tree edits.
    text = _XML_INVALID.sub("", _XML_DECL.sub("", text, count=1))
    if not text.strip():
        raise ExtractError("empty page")
    # trafilatura's own parser settings: comment nodes left in the tree split paragraphs
    # and cost it whole sections (measured: up to 25% body recall on corpus pages).
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, collect_ids=False, default_doctype=False
    )
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractError(f"page is not parseable HTML: {exc}") from exc
    return tree


# --- what the page declares about itself ------------------------------------------------


@dataclass(slots=True)
class _Page:
    """Metadata read from the untouched tree, before any pruning."""

    articles: list[dict[str, Any]] = field(default_factory=list)  # JSON-LD article objects
    others: list[dict[str, Any]] = field(default_factory=list)  # other JSON-LD objects
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    meta: dict[str, list[str]] = field(default_factory=dict)
    canonical: str | None = None
    title_tag: str | None = None
    h1: str | None = None
    micro_date: str | None = None
    micro_author: list[str] = field(default_factory=list)
    lang: str | None = None
    site_name: str | None = None
    host: str | None = None
    paywall_marker: bool = False
    standfirst: str | None = None
    site_keys: set[str] = field(default_factory=set)  # see _site_keys
    site_names: frozenset[str] = frozenset()  # keys of home-link texts (_home_link_names)

    @property
    def article_body(self) -> str | None:
        bodies = [a["articleBody"] for a in self.articles if isinstance(a.get("articleBody"), str)]
        return max(bodies, key=len) if bodies else None

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name, []):
                if value.strip():
                    return value.strip()
        return None


def _read_page(tree: lxml.html.HtmlElement) -> _Page:
    page = _Page()
    _read_json_ld(tree, page)
    for node in tree.iter("meta"):
        key = node.get("property") or node.get("name") or node.get("itemprop")
        content = node.get("content")
        if key and content is not None:
            page.meta.setdefault(key.strip().lower(), []).append(_squash(htmllib.unescape(content)))
    page.canonical = _first(
        tree.xpath("//link[contains(concat(' ',@rel,' '),' canonical ')]/@href")
    )
    page.title_tag = _first_text(tree.xpath("//title"))
    page.h1 = _first_text(tree.xpath("//h1"))
    # In priority order (an XPath union would return document order instead).
    page.micro_date = next((v for x in _MICRO_DATE_XPATHS if (v := _first(tree.xpath(x)))), None)
    # Only the first author block: later ones belong to related-article cards.
    first_author = tree.xpath("(//*[@itemprop='author'])[1]")
    names = first_author[0].xpath(".//*[@itemprop='name']") if first_author else []
    page.micro_author = [_squash(n.get("content") or n.text_content()) for n in names]
    page.lang = _language(tree, page)
    page.site_name = page.first_meta("og:site_name", "application-name") or _publisher_name(page)
    page.paywall_marker = _has_paywall_marker(tree)
    page.standfirst = _visible_description(tree, page)
    return page


def _read_json_ld(tree: lxml.html.HtmlElement, page: _Page) -> None:
    for script in tree.xpath("//script[contains(translate(@type,'LDJSON','ldjson'),'ld+json')]"):
        for obj in _walk_json_ld(_load_json(script.text or "")):
            if isinstance(obj.get("@id"), str):
                page.by_id.setdefault(obj["@id"], obj)
            (page.articles if _types(obj) & _ARTICLE_TYPES else page.others).append(obj)


def _load_json(text: str) -> Any:
    # Pages wrap JSON-LD in comments or CDATA and leave raw newlines inside strings.
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
    try:
        return json.loads(text, strict=False)
    except (ValueError, RecursionError):
        return None


def _walk_json_ld(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object of a JSON-LD document: top level, lists, @graph and the usual nestings."""
    if depth > 8:  # real documents nest two or three levels; this bounds hostile ones
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_json_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key in ("@graph", "mainEntity", "hasPart"):
            if isinstance(data.get(key), list | dict):
                yield from _walk_json_ld(data[key], depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind.removeprefix("schema:")}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def _language(tree: lxml.html.HtmlElement, page: _Page) -> str | None:
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    candidates += [page.first_meta("content-language", "og:locale", "language")]
    candidates += [a.get("inLanguage") for a in page.articles]
    for value in candidates:
        if isinstance(value, str):
            primary = re.split(r"[-_]", value.strip().lower())[0]
            if re.fullmatch(r"[a-z]{2,3}", primary):
                return primary
    return None


def _publisher_name(page: _Page) -> str | None:
    for article in page.articles:
        publisher = _resolve(article.get("publisher"), page)
        if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
            return _squash(publisher["name"])
    return None


def _has_paywall_marker(tree: lxml.html.HtmlElement) -> bool:
    # A cheap case-sensitive XPath prefilter ('wall' also catches 'Paywall'), then the regex.
    candidates = tree.xpath(
        "//*[contains(@class,'wall') or contains(@id,'wall') or contains(@class,'subscriber')"
        " or contains(@class,'premium') or contains(@class,'etered') or contains(@class,'locked')"
        " or contains(@class,'piano')]"
    )
    return any(_PAYWALL_CLASS.search(f"{n.get('class', '')} {n.get('id', '')}") for n in candidates)


def _visible_description(tree: lxml.html.HtmlElement, page: _Page) -> str | None:
    """The page's description when it is also shown on the page: that is the standfirst.

    trafilatura often leaves the standfirst out because it sits in the header, not in the
    body container; the description meta tags tell us which header line it is.
    """
    ld = next(
        (a["description"] for a in page.articles if isinstance(a.get("description"), str)), None
    )
    description = page.first_meta("og:description", "description", "twitter:description") or ld
    if not description or len(description.split()) < 5:
        return None
    shown = tree.xpath(
        "//body//*[self::p or self::h2 or self::h3 or self::div or self::span]"
        "[normalize-space(.)=$text]",
        # XML-invalid characters ('&#x2;') cannot go into an XPath variable: lxml raises.
        text=_squash(_XML_INVALID.sub("", htmllib.unescape(description))),
    )
    return _first_text(shown)


def _canonical_url(page: _Page, url: str | None) -> str:
    """The page's canonical link or og:url (resolved against `url`), else `url` itself."""
    fallback = _safe_canonical(url, None) if url else None
    for candidate in (page.canonical, page.first_meta("og:url")):
        resolved = _safe_canonical(candidate, url)
        # A canonical pointing at the site's front page is a CMS template bug, not a hint.
        if resolved and not (urlsplit(resolved).path == "/" and fallback and fallback != resolved):
            return resolved
    return fallback or url or ""


def _safe_canonical(candidate: str | None, base: str | None) -> str | None:
    if not candidate:
        return None
    try:
        return canonicalize_url(candidate, base)
    except ValueError:
        return None


# --- body -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _TrafilaturaResult:
    lines: tuple[str, ...] = ()
    title: str | None = None
    author: str | None = None
    date: str | None = None
    site_name: str | None = None


def _prune(tree: lxml.html.HtmlElement, spec: OutletSpec | None) -> None:
    xpaths = [_PRUNE_XPATH, *(spec.drop if spec else ())]
    for xpath in xpaths:
        for node in tree.xpath(xpath):
            if isinstance(node, etree._Element):
                _drop_node(node)


def _drop_node(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    # Keep the tail: it is text of the parent that merely follows this element.
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _trafilatura_run(tree: lxml.html.HtmlElement, url: str | None) -> _TrafilaturaResult:
    """Body lines and metadata from trafilatura (it works on its own copy of `tree`)."""
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,  # reader comments are never the article
            include_tables=True,
            include_images=False,
            include_links=False,
        )
    except (ValueError, TypeError, RecursionError, etree.LxmlError):
        # trafilatura gives up on pathological trees; a spec, articleBody or the metadata
        # layers may still carry the page, and an empty body ends in ExtractError anyway.
        return _TrafilaturaResult()
    if doc is None or isinstance(doc, dict):  # dict only with as_dict=True
        return _TrafilaturaResult()
    text = doc.text or ""
    return _TrafilaturaResult(
        lines=tuple(line.strip() for line in text.splitlines() if line.strip()),
        title=doc.title,
        author=doc.author,
        date=doc.date,
        site_name=doc.sitename,
    )


def _spec_paragraphs(tree: lxml.html.HtmlElement, spec: OutletSpec | None) -> list[str]:
    if spec is None or spec.paragraphs is None:
        return []
    texts = _xpath_texts(tree, spec.paragraphs)
    return [t for t in texts if not any(p.search(t) for p in spec.drop_text)]


def _clean_lines(lines: Sequence[str], page: _Page) -> list[str]:
    """Drop echoes of the title (section pages repeat it above the text) and page furniture."""
    # As the page shows them too: an <h1> 'Harbour &lt;b&gt;vote' reaches the body as text.
    shown = [page.h1, page.title_tag, page.first_meta("og:title")]
    titles = {_title_key(t) for t in [*_title_candidates(page, None), *shown] if t}
    return [line for line in lines if _title_key(line) not in titles and not _is_boilerplate(line)]


def _is_boilerplate(line: str) -> bool:
    if len(line.split()) > _BOILERPLATE_MAX_WORDS:
        return False
    if line in ("___", "—", "--"):
        return True
    stripped = line.lstrip("-–—•* ").strip()
    return bool(_BOILERPLATE_LINE.match(stripped) or _BOILERPLATE_ANYWHERE.search(stripped))


def _prefer_article_body(lines: list[str], article_body: str | None) -> list[str]:
    """Use JSON-LD articleBody when the extracted text covers too little of it.

    trafilatura picks one container; on pages that split the story across several (long
    features with interstitials), it returns only the first part. articleBody, when present,
    is the publisher's own full text.
    """
    if not article_body:
        return lines
    declared = _strip_tags(article_body)
    declared_words = _WORD.findall(declared.lower())
    if len(declared_words) < _ARTICLEBODY_MIN_WORDS:
        return lines
    paragraphs = [p for p in (_squash(part) for part in declared.splitlines()) if p]
    if len(lines) < len(paragraphs) and " ".join(lines) == " ".join(paragraphs):
        return paragraphs  # same text, but the publisher's paragraph breaks survived
    found = Counter(_WORD.findall(" ".join(lines).lower()))
    covered = sum((Counter(declared_words) & found).values()) / len(declared_words)
    return lines if covered >= _ARTICLEBODY_RECALL else paragraphs


def _with_standfirst(lines: list[str], standfirst: str | None) -> list[str]:
    if not lines or not standfirst:
        return lines
    body_words = " ".join(_WORD.findall(" ".join(lines).lower()))
    if " ".join(_WORD.findall(standfirst.lower())) in body_words:
        return lines
    return [standfirst, *lines]


def _strip_tags(text: str) -> str:
    if "<" in text:
        text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.IGNORECASE)
        text = re.sub(r"<[^>]+>", " ", text)
    return htmllib.unescape(text)


def _looks_paywalled(page: _Page, body: str) -> bool:
    if count_words(body) >= STUB_WORDS:
        return False
    # Google's paywall markup puts the flag on the article or on a hasPart WebPageElement.
    objects = [*page.articles, *page.others]
    declared_gated = any(_is_false(o.get("isAccessibleForFree")) for o in objects)
    return declared_gated or page.paywall_marker or bool(_SUBSCRIBE_PROMPT.search(body))


def _is_false(value: object) -> bool:
    return value is False or (isinstance(value, str) and value.strip().lower() == "false")


# --- title ------------------------------------------------------------------------------


def _choose_title(page: _Page, fallback: str | None) -> str | None:
    """The first title source that has one, in the order of `_title_candidates`.

    JSON-LD headline first: og:title is often a social-media variant and <title> an SEO
    one. (A vote between sources scored lower on the corpus: og:title and <h1> are often
    the same alternative wording, so agreement there is no evidence.)
    """
    return next((t for t in _title_candidates(page, fallback) if t), None)


def _title_candidates(page: _Page, fallback: str | None) -> list[str | None]:
    headline = next((_headline(a) for a in page.articles if _headline(a)), None)
    og_title = page.first_meta("og:title", "twitter:title")  # decoded twice, like all meta
    # <title> and trafilatura's title are decoded once more too: CMSs double-escape them.
    titles = [headline, og_title, page.h1, _unescape(page.title_tag), _unescape(fallback)]
    return [_title_text(title, page) for title in titles]


def _unescape(text: str | None) -> str | None:
    return htmllib.unescape(text) if text else text


def _title_text(title: str | None, page: _Page) -> str | None:
    """A title source as plain text, without a site-name segment at either end."""
    if not title:
        return None
    return _strip_site(_plain_text(title), page.site_keys, page.site_names) or None


def _headline(article: dict[str, Any]) -> str | None:
    value = article.get("headline") or article.get("name")
    return _squash(htmllib.unescape(value)) if isinstance(value, str) and value.strip() else None


def _title_key(title: str | None) -> str:
    """Comparison key: case, quotes, dashes, whitespace and trailing ellipses do not count."""
    text = (title or "").lower()
    text = text.translate(str.maketrans("‘’‚‛“”„‟–—", "''''\"\"\"\"--"))
    return " ".join(text.split()).rstrip(".… ")


def _site_keys(page: _Page, spec: OutletSpec | None) -> set[str]:
    """Keys a site-name segment may contain (or, when long, be contained in): the names the
    page gives itself, the outlet spec's name and the host name."""
    names = [page.site_name, page.first_meta("og:site_name"), _publisher_name(page)]
    keys = {_alnum(n) for n in [*names, spec.name if spec else None] if n}
    if page.host and not _is_ip_address(page.host):
        keys.add(_alnum(_host_label(page.host)))
    return {k for k in keys if len(k) >= 3}


def _is_ip_address(host: str) -> bool:
    return ":" in host or host.replace(".", "").isdigit()


def _host_label(host: str) -> str:
    labels = [label for label in host.lower().split(".") if label not in ("www", "amp", "m")]
    # The registrable name is the longest label before the public suffix ('co.uk', 'com').
    core = [label for label in labels[:-1] if len(label) > 3] or labels[:1]
    return max(core, key=len) if core else host


def _home_link_names(tree: lxml.html.HtmlElement, page_url: str) -> frozenset[str]:
    """Keys of the texts of links to the site's home page ('Tidewater Times', 'Home').

    The home page is the shortest folder above the page that a link points to: '/' on most
    sites, '/outlet/' where a site lives under a path. Link texts are short names, so they
    count as a site name only when a title segment is exactly one of them.
    """
    page = urlsplit(page_url)
    links: dict[str, list[etree._Element]] = {}
    # Only links to folders ('/', '/outlet/'): the many links to articles are not the home.
    for link in tree.xpath("//a[substring(@href, string-length(@href)) = '/']"):
        links.setdefault(link.get("href", "").strip(), []).append(link)
    by_path: dict[str, list[etree._Element]] = {}
    for href, anchors in links.items():
        try:
            target = urlsplit(urljoin(page_url, href))
        except ValueError:
            continue
        path = target.path or "/"
        if target.netloc == page.netloc and path.endswith("/") and page.path.startswith(path):
            by_path.setdefault(path, []).extend(anchors)
    if not by_path:
        return frozenset()
    keys = (_alnum(a.text_content()) for a in by_path[min(by_path, key=len)])
    return frozenset(k for k in keys if len(k) >= 3)


def _strip_site(title: str, sites: set[str], names: frozenset[str]) -> str:
    """Cut a site name from the end ('... | Section | Site Name') or the start ('Site - ...')."""
    separators = list(_TITLE_SEPARATOR.finditer(title))
    starts = [0, *(m.end() for m in separators)]
    segments = [title[s : m.start()] for s, m in zip(starts, separators, strict=False)]
    segments.append(title[starts[-1] :])
    for index in range(1, len(segments)):
        tail = segments[index:]
        if _is_site(tail[0], sites, names) and all(len(s.split()) <= 4 for s in tail):
            while index > 1 and len(segments[index - 1].split()) <= 3:
                index -= 1  # '... - National | Globalnews.ca': the section goes too
            title = title[: separators[index - 1].start()]
            break
    lead = _LEADING_SEPARATOR.search(title)
    if lead and _is_site_name(title[: lead.start()], sites, names):
        rest = title[lead.end() :]
        if len(rest.split()) >= 2:  # 'Site: Live' is not worth a guess
            return rest
    return title


def _is_site(segment: str, sites: set[str], names: frozenset[str]) -> bool:
    key = _alnum(segment)
    if key in names:
        return True
    return bool(key) and any(site in key or (len(key) >= 5 and key in site) for site in sites)


def _is_site_name(segment: str, sites: set[str], names: frozenset[str]) -> bool:
    """Stricter than `_is_site`, for a title's first segment: 'BBC Proms review: ...' holds the
    site's name and 'Harbour: ...' part of it, but both start the headline itself. Segment
    and name must mostly be the same."""
    key = _alnum(segment)
    if not key or len(segment.split()) > 4:
        return False
    if key in names:
        return True
    return any(
        (site in key or key in site) and min(len(site), len(key)) >= 0.6 * max(len(site), len(key))
        for site in sites
    )


_MARKUP_TAG = re.compile(r"<\s*/?\s*[A-Za-z!?]")


def _plain_text(text: str) -> str:
    """A title-like value as plain text: markup removed the way the feed parser removes it from
    entry titles (tags dropped, script and style with their content, then the entities of
    the markup decoded once), control characters dropped, whitespace squashed.

    A <title> holding '&lt;b&gt;' is escaped markup, not text about tags, and it would be
    markup again in any HTML page that shows the stored title without escaping it.
    """
    for _ in range(3):  # each round undoes one level of escaping ('&amp;lt;b&amp;gt;')
        if not _MARKUP_TAG.search(text):
            break
        text = strip_markup(text)
    else:
        text = _MARKUP_TAG.sub(" ", text)  # deeper nesting than any real page: just defuse
    return _squash(_XML_INVALID.sub("", text))


# --- authors and date -------------------------------------------------------------------


def _choose_authors(page: _Page, fallback: str | None) -> tuple[str, ...]:
    for article in page.articles:
        names = _author_names(article.get("author"), page)
        if names:
            return names
    for source in ([page.first_meta(*_AUTHOR_META)], page.micro_author):
        names = _split_authors(s for s in source if s)
        if names:
            return names
    return _split_authors([fallback.replace(";", ",")] if fallback else [])


def _author_names(value: Any, page: _Page) -> tuple[str, ...]:
    raw: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        item = _resolve(item, page)
        if isinstance(item, str):
            raw.append(item)
        elif isinstance(item, dict) and isinstance(item.get("name"), str):
            raw.append(item["name"])
    return _split_authors(raw)


def _resolve(value: Any, page: _Page) -> Any:
    """Follow a JSON-LD {"@id": ...} reference to the full object, when the page defines it."""
    if isinstance(value, dict) and "name" not in value and isinstance(value.get("@id"), str):
        return page.by_id.get(value["@id"], value)
    return value


def _split_authors(raw: Iterable[str]) -> tuple[str, ...]:
    names: list[str] = []
    seen: set[str] = set()
    for entry in raw:
        entry = _squash(htmllib.unescape(entry))
        if not entry or entry.startswith(("http://", "https://", "/")):
            continue  # profile URLs in article:author are not names
        for part in _AUTHOR_SPLIT.split(entry):
            name = _AUTHOR_PREFIX.sub("", part).strip(" .")
            if name and name.lower() not in seen and not _AUTHOR_ROLE.match(name):
                seen.add(name.lower())
                names.append(name)
    return tuple(names)


def _choose_date(page: _Page, fallback: str | None) -> datetime | None:
    declared = [a.get("datePublished") for a in page.articles]
    declared += [o.get("datePublished") for o in page.others]
    declared += [page.first_meta(*_DATE_META), page.micro_date, fallback]
    for value in declared:
        parsed = _parse_date(value)
        if parsed is not None:
            return parsed
    return None


def _parse_date(value: object) -> datetime | None:
    """A page's date value (a string, or the first of a JSON-LD list) by ingest.dates."""
    if isinstance(value, list):
        value = value[0] if value else None
    return parse_date(value, to_utc=False) if isinstance(value, str) else None


# --- outlet spec metadata ---------------------------------------------------------------


def _xpath_texts(tree: lxml.html.HtmlElement, xpath: str) -> list[str]:
    """Non-empty, whitespace-squashed texts of what `xpath` selects (nodes or strings)."""
    try:
        result = tree.xpath(xpath)
    except etree.XPathEvalError:
        return []  # a spec that no longer fits the page: the generic layers take over
    items = result if isinstance(result, list) else [result]
    texts = (i.text_content() if isinstance(i, etree._Element) else str(i) for i in items)
    return [t for t in map(_squash, texts) if t]


def _spec_text(tree: lxml.html.HtmlElement, xpath: str | None) -> str | None:
    return next(iter(_xpath_texts(tree, xpath)), None) if xpath else None


def _spec_title(tree: lxml.html.HtmlElement, spec: OutletSpec | None, page: _Page) -> str | None:
    return _title_text(_spec_text(tree, spec.title if spec else None), page)


def _spec_authors(tree: lxml.html.HtmlElement, spec: OutletSpec | None) -> tuple[str, ...]:
    if spec is None or not spec.authors:
        return ()
    return _split_authors(_xpath_texts(tree, spec.authors))


def _spec_date(tree: lxml.html.HtmlElement, spec: OutletSpec | None) -> datetime | None:
    return _parse_date(_spec_text(tree, spec.published if spec else None))


# --- small helpers ----------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.split())


def _alnum(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _first(values: Any) -> str | None:
    for value in values if isinstance(values, list) else []:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _first_text(nodes: Any) -> str | None:
    for node in nodes if isinstance(nodes, list) else []:
        if isinstance(node, etree._Element):
            text = _squash(node.text_content())
            if text:
                return text
    return None
