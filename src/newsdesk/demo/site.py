"""Render the demo world to in-memory web pages and feeds, keyed by URL path.

Each outlet has its own article template (demo/templates/<outlet>.html) and its own feed
format, so the desk meets the same variety it would meet on the web. Text is HTML-escaped
here, once, before it reaches a template; feeds are built with escaping for the good
formats and deliberately without it for the outlet whose feed is broken.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import cache
from importlib import resources
from string import Template
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from newsdesk.demo.world import DATA_PACKAGE, DemoArticle, DemoOutlet, DemoWorld, load_world

HTML = "text/html; charset=utf-8"
# The robots.txt and index pages are "as old as the site": a fixed date keeps builds stable.
SITE_EPOCH = datetime(2026, 3, 1, tzinfo=UTC)
RELATED_LINKS = 4
WORDS_PER_MINUTE = 200

FEED_TYPES = {
    "rss": "application/rss+xml",
    "broken-rss": "application/rss+xml",
    "atom": "application/atom+xml",
    "json": "application/feed+json",
}


@dataclass(frozen=True, slots=True)
class Page:
    """One response the demo server can give."""

    body: bytes
    content_type: str
    last_modified: datetime


# --- helpers -------------------------------------------------------------------------------


@cache
def _template(name: str) -> Template:
    path = resources.files(DATA_PACKAGE).joinpath("templates", name)
    return Template(path.read_text(encoding="utf-8"))


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _byline(authors: Sequence[str]) -> str:
    if len(authors) <= 1:
        return "".join(authors)
    return ", ".join(authors[:-1]) + " and " + authors[-1]


def _feed_link(outlet: DemoOutlet, url: str) -> str:
    """The link as the feed publishes it: some outlets add tracking parameters."""
    return f"{url}?{outlet.tracking}" if outlet.tracking else url


def _latest(articles: Iterable[DemoArticle]) -> datetime:
    return max((a.modified for a in articles), default=SITE_EPOCH)


def _script_json(data: object) -> str:
    # "</" inside a script element would end it early; JSON allows "<\/" as an escape.
    text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{text}\n</script>'


# --- article pages -------------------------------------------------------------------------


def _paragraph_html(outlet: DemoOutlet, paragraphs: Sequence[str]) -> str:
    if outlet.paragraph_style == "br":
        # An old CMS: one block of text with line breaks instead of paragraph elements.
        return "<br><br>\n".join(_esc(p) for p in paragraphs)
    tag, attrs = ("div", ' class="para"') if outlet.paragraph_style == "div" else ("p", "")
    parts: list[str] = []
    for index, paragraph in enumerate(paragraphs, start=1):
        parts.append(f"<{tag}{attrs}>{_esc(paragraph)}</{tag}>")
        if outlet.ad_every and index % outlet.ad_every == 0 and index < len(paragraphs):
            parts.append(
                '<div class="ad-slot" aria-hidden="true"><span>Advertisement</span>'
                "<!-- ad slot: inline --></div>"
            )
    return "\n".join(parts)


def _paywall_html(outlet: DemoOutlet) -> str:
    return (
        '<div class="paywall" id="paywall">\n'
        "<h3>Subscribe to continue reading</h3>\n"
        f"<p>This article is for subscribers to {_esc(outlet.name)}. "
        "Get unlimited access from 49 crowns a month. Cancel anytime.</p>\n"
        f'<a class="button" href="{outlet.home_path}subscribe">Subscribe</a> '
        f'<a href="{outlet.home_path}login">Already a subscriber? Log in</a>\n'
        "</div>"
    )


def _body_html(outlet: DemoOutlet, article: DemoArticle, related: Sequence[DemoArticle]) -> str:
    body = _paragraph_html(outlet, article.paragraphs)
    if "inline-read-more" in outlet.quirks and related and len(article.paragraphs) > 3:
        # A "Read more" link inside the text: boilerplate the extractor has to drop.
        teaser = related[0]
        read_more = (
            f'<div class="inline-related"><strong>Read more:</strong> '
            f'<a href="{teaser.path}">{_esc(teaser.title)}</a></div>'
        )
        paragraphs = body.split("\n")
        body = "\n".join([*paragraphs[:2], read_more, *paragraphs[2:]])
    if article.paywalled:
        body += "\n" + _paywall_html(outlet)
    return body


def _person(name: str, outlets: Sequence[DemoOutlet]) -> dict[str, str]:
    kind = "Organization" if any(o.name == name for o in outlets) else "Person"
    return {"@type": kind, "name": name}


def _news_article(
    outlet: DemoOutlet, article: DemoArticle, canonical: str, world: DemoWorld
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.summary,
        "datePublished": article.published.isoformat(),
        "dateModified": article.modified.isoformat(),
        "author": [_person(name, world.outlets) for name in article.authors],
        "publisher": {"@type": "Organization", "name": outlet.name},
        "articleSection": world.story(article.story).category,
        "inLanguage": outlet.lang,
        "isAccessibleForFree": not article.paywalled,
    }
    if article.paywalled:
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".paywall",
        }
    data["mainEntityOfPage"] = canonical
    return data


def _jsonld(outlet: DemoOutlet, article: DemoArticle, canonical: str, world: DemoWorld) -> str:
    data = {"@context": "https://schema.org"} | _news_article(outlet, article, canonical, world)
    return _script_json(data)


def _jsonld_graph(
    outlet: DemoOutlet, article: DemoArticle, canonical: str, world: DemoWorld
) -> str:
    news = _news_article(outlet, article, canonical, world)
    news["mainEntityOfPage"] = {"@id": canonical}
    graph = [
        {"@type": "WebPage", "@id": canonical, "url": canonical, "name": article.title},
        news,
        {"@type": "Organization", "name": outlet.name, "url": f"https://{outlet.hostname}/"},
    ]
    return _script_json({"@context": "https://schema.org", "@graph": graph})


def _related_html(outlet: DemoOutlet, related: Sequence[DemoArticle]) -> str:
    if outlet.paragraph_style == "br":
        return "<br>\n".join(f'<a href="{a.path}">{_esc(a.title)}</a>' for a in related)
    return "\n".join(f'<li><a href="{a.path}">{_esc(a.title)}</a></li>' for a in related)


def _related(world: DemoWorld, article: DemoArticle) -> list[DemoArticle]:
    others = [a for a in world.articles_of(article.outlet) if a.id != article.id]
    return others[:RELATED_LINKS]


def render_article(world: DemoWorld, article: DemoArticle, base_url: str) -> str:
    """The article's HTML page in its outlet's template."""
    outlet = world.outlet(article.outlet)
    canonical = article.url(base_url)
    related = _related(world, article)
    values = {
        "lang": outlet.lang,
        "title": _esc(article.title),
        "summary": _esc(article.summary),
        "outlet_name": _esc(outlet.name),
        "site_description": _esc(outlet.description),
        "hostname": _esc(outlet.hostname),
        "canonical": _esc(canonical),
        "home_url": outlet.home_path,
        "feed_url": outlet.feed_url_path,
        "feed_type": FEED_TYPES[outlet.feed_format],
        "published_iso": article.published.isoformat(),
        "published_human": _esc(article.published.strftime(outlet.date_format)),
        "modified_iso": article.modified.isoformat(),
        "authors": _esc(_byline(article.authors)),
        "section": _esc(world.story(article.story).category),
        "body_html": _body_html(outlet, article, related),
        "related_html": _related_html(outlet, related),
        "jsonld": _jsonld(outlet, article, canonical, world),
        "jsonld_graph": _jsonld_graph(outlet, article, canonical, world),
        "article_id": _esc(article.id),
        "year": str(article.published.year),
        "reading_time": str(max(1, round(article.word_count / WORDS_PER_MINUTE))),
    }
    return _template(outlet.template).substitute(values)


# --- home pages, index, robots, OPML -------------------------------------------------------


def render_home(world: DemoWorld, outlet: DemoOutlet, base_url: str) -> str:
    items = "\n".join(
        f'<li><a href="{a.path}">{_esc(a.title)}</a> '
        f'<time datetime="{a.published.isoformat()}">'
        f"{_esc(a.published.strftime(outlet.date_format))}</time>"
        f"<p>{_esc(a.summary)}</p></li>"
        for a in world.articles_of(outlet.id)
    )
    values = {
        "lang": outlet.lang,
        "outlet_id": outlet.id,
        "outlet_name": _esc(outlet.name),
        "site_description": _esc(outlet.description),
        "hostname": _esc(outlet.hostname),
        "canonical": _esc(base_url + outlet.home_path),
        "home_url": outlet.home_path,
        "feed_url": outlet.feed_url_path,
        "feed_type": FEED_TYPES[outlet.feed_format],
        "items_html": items,
        "year": "2026",
    }
    return _template("home.html").substitute(values)


def render_index(world: DemoWorld) -> str:
    outlets = "\n".join(
        f'<li><a href="{o.home_path}">{_esc(o.name)}</a> ({_esc(o.hostname)}) &middot; '
        f'<a href="{o.feed_url_path}">{o.feed_format} feed</a></li>'
        for o in world.outlets
    )
    return _template("index.html").substitute(outlets_html=outlets, opml_url="/feeds.opml")


def render_robots(world: DemoWorld) -> str:
    """One robots.txt for the whole loopback host, since outlets share it by path prefix."""
    lines = ["# newsdesk demo world", "User-agent: *"]
    lines += [f"Disallow: /{o.id}/{o.private_path}" for o in world.outlets if o.private_path]
    lines += ["Allow: /", ""]
    return "\n".join(lines)


def render_private(outlet: DemoOutlet) -> str:
    return (
        f"<!DOCTYPE html><html><head><title>Staff only - {_esc(outlet.name)}</title></head>"
        "<body><h1>Staff only</h1><p>Draft copy. Not for publication.</p></body></html>"
    )


def render_opml(world: DemoWorld, base_url: str) -> str:
    outlines = "\n".join(
        f'    <outline type="rss" text={quoteattr(o.name)} '
        f"title={quoteattr(o.name)} xmlUrl={quoteattr(base_url + o.feed_url_path)} "
        f"htmlUrl={quoteattr(base_url + o.home_path)}/>"
        for o in world.outlets
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">\n  <head>\n'
        "    <title>newsdesk demo feeds</title>\n"
        f"    <dateCreated>{format_datetime(SITE_EPOCH, usegmt=True)}</dateCreated>\n"
        f"  </head>\n  <body>\n{outlines}\n  </body>\n</opml>\n"
    )


# --- feeds ---------------------------------------------------------------------------------


def _rss_item(world: DemoWorld, outlet: DemoOutlet, article: DemoArticle, base_url: str) -> str:
    """One RSS 2.0 item; each RSS outlet uses a different mix of the optional elements."""
    url = article.url(base_url)
    lines = [
        f"<title>{xml_escape(article.title)}</title>",
        f"<link>{xml_escape(_feed_link(outlet, url))}</link>",
        f"<description>{xml_escape(article.summary)}</description>",
        f"<category>{xml_escape(world.story(article.story).category)}</category>",
    ]
    if "permalink-guid" in outlet.quirks:
        lines.append(f'<guid isPermaLink="true">{xml_escape(url)}</guid>')
        author = f"newsdesk@{outlet.hostname} ({_byline(article.authors)})"
        lines.append(f"<author>{xml_escape(author)}</author>")
    else:
        guid = f"{outlet.hostname}:{article.id}"
        lines.append(f'<guid isPermaLink="false">{xml_escape(guid)}</guid>')
        lines.append(f"<dc:creator>{xml_escape(_byline(article.authors))}</dc:creator>")
    lines.append(f"<pubDate>{_rss_time(outlet, article.published)}</pubDate>")
    if "full-text" in outlet.quirks:
        # Full text in content:encoded, as many WordPress-style feeds carry it.
        full = "".join(f"<p>{_esc(p)}</p>" for p in article.paragraphs)
        lines.append(f"<content:encoded>{xml_escape(full)}</content:encoded>")
    return "<item>\n  " + "\n  ".join(lines) + "\n</item>"


def _rss_time(outlet: DemoOutlet, moment: datetime) -> str:
    if "utc-dates" in outlet.quirks:
        return format_datetime(moment.astimezone(UTC), usegmt=True)
    return format_datetime(moment)


def render_rss(world: DemoWorld, outlet: DemoOutlet, base_url: str) -> str:
    articles = world.articles_of(outlet.id)
    items = "\n".join(_rss_item(world, outlet, a, base_url) for a in articles)
    self_url = xml_escape(base_url + outlet.feed_url_path)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/">\n<channel>\n'
        f"<title>{xml_escape(outlet.name)}</title>\n"
        f"<link>{xml_escape(base_url + outlet.home_path)}</link>\n"
        f"<description>{xml_escape(outlet.description)}</description>\n"
        f"<language>{outlet.lang}</language>\n"
        f"<lastBuildDate>{_rss_time(outlet, _latest(articles))}</lastBuildDate>\n"
        f'<atom:link href="{self_url}" rel="self" type="application/rss+xml"/>\n'
        f"{items}\n</channel>\n</rss>\n"
    )


def _atom_time(outlet: DemoOutlet, moment: datetime) -> str:
    if "utc-dates" in outlet.quirks:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def _atom_entry(world: DemoWorld, outlet: DemoOutlet, article: DemoArticle, base_url: str) -> str:
    link = quoteattr(_feed_link(outlet, article.url(base_url)))
    authors = "".join(
        f"<author><name>{xml_escape(name)}</name></author>" for name in article.authors
    )
    category = quoteattr(world.story(article.story).category)
    return (
        "<entry>\n"
        f"  <id>tag:{outlet.hostname},2026:{article.id}</id>\n"
        f'  <title type="text">{xml_escape(article.title)}</title>\n'
        f'  <link rel="alternate" type="text/html" href={link}/>\n'
        f"  <published>{_atom_time(outlet, article.published)}</published>\n"
        f"  <updated>{_atom_time(outlet, article.modified)}</updated>\n"
        f"  {authors}\n"
        f"  <category term={category}/>\n"
        f'  <summary type="text">{xml_escape(article.summary)}</summary>\n'
        "</entry>"
    )


def render_atom(world: DemoWorld, outlet: DemoOutlet, base_url: str) -> str:
    articles = world.articles_of(outlet.id)
    entries = "\n".join(_atom_entry(world, outlet, a, base_url) for a in articles)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet.lang}">\n'
        f"<id>tag:{outlet.hostname},2026:feed</id>\n"
        f"<title>{xml_escape(outlet.name)}</title>\n"
        f"<subtitle>{xml_escape(outlet.description)}</subtitle>\n"
        f"<updated>{_atom_time(outlet, _latest(articles))}</updated>\n"
        f'<link rel="self" type="application/atom+xml" '
        f"href={quoteattr(base_url + outlet.feed_url_path)}/>\n"
        f'<link rel="alternate" type="text/html" href={quoteattr(base_url + outlet.home_path)}/>\n'
        f"{entries}\n</feed>\n"
    )


def _json_item(outlet: DemoOutlet, article: DemoArticle, base_url: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": f"{outlet.hostname}/{article.id}",
        "url": _feed_link(outlet, article.url(base_url)),
        "title": article.title,
        "summary": article.summary,
        "date_published": article.published.isoformat(),
        "date_modified": article.modified.isoformat(),
        "authors": [{"name": name} for name in article.authors],
    }
    if "full-text" in outlet.quirks:
        item["content_text"] = article.body
    else:
        item["content_html"] = f"<p>{_esc(article.summary)}</p>"
    return item


def render_json_feed(world: DemoWorld, outlet: DemoOutlet, base_url: str) -> str:
    articles = world.articles_of(outlet.id)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": outlet.name,
        "home_page_url": base_url + outlet.home_path,
        "feed_url": base_url + outlet.feed_url_path,
        "description": outlet.description,
        "language": outlet.lang,
        "items": [_json_item(outlet, a, base_url) for a in articles],
    }
    return json.dumps(feed, ensure_ascii=False, indent=2) + "\n"


def render_broken_rss(world: DemoWorld, outlet: DemoOutlet, base_url: str) -> str:
    """RSS as a careless CMS writes it: bare ampersands, an HTML entity XML does not know,
    and the file cut off part-way through a final item. Every real item comes before the
    cut, so a lenient parser can still recover all of the outlet's articles."""
    items = "\n".join(
        "<item>\n"
        f"  <title>{a.title}</title>\n"
        f"  <link>{a.url(base_url)}</link>\n"
        f"  <pubDate>{format_datetime(a.published)}</pubDate>\n"
        f"  <author>{_byline(a.authors)}</author>\n"
        f"  <description>{a.summary}&nbsp;Read more &raquo;</description>\n"
        "</item>"
        for a in world.articles_of(outlet.id)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
        f"<title>{outlet.name}</title>\n<link>{base_url}{outlet.home_path}</link>\n"
        f"<description>{outlet.description} News & views</description>\n"
        f"{items}\n<item>\n  <title>Tide tables & harbour notices for the week"
    )


FeedRenderer = Callable[[DemoWorld, DemoOutlet, str], str]
FEED_RENDERERS: dict[str, FeedRenderer] = {
    "rss": render_rss,
    "atom": render_atom,
    "json": render_json_feed,
    "broken-rss": render_broken_rss,
}


# --- the whole site ------------------------------------------------------------------------


def _outlet_pages(world: DemoWorld, outlet: DemoOutlet, base_url: str) -> dict[str, Page]:
    articles = world.articles_of(outlet.id)
    latest = _latest(articles)
    feed = FEED_RENDERERS[outlet.feed_format](world, outlet, base_url)
    pages = {
        outlet.home_path: Page(render_home(world, outlet, base_url).encode(), HTML, latest),
        outlet.feed_url_path: Page(feed.encode(), FEED_TYPES[outlet.feed_format], latest),
    }
    if outlet.private_path:
        private = render_private(outlet).encode()
        pages[f"/{outlet.id}/{outlet.private_path}"] = Page(private, HTML, SITE_EPOCH)
    for article in articles:
        body = render_article(world, article, base_url).encode()
        pages[article.path] = Page(body, HTML, article.modified)
    return pages


def build_pages(base_url: str, world: DemoWorld | None = None) -> dict[str, Page]:
    """Every page of the demo site by path, with the date the server reports as modified."""
    world = world or load_world()
    base_url = base_url.rstrip("/")
    pages = {
        "/": Page(render_index(world).encode(), HTML, SITE_EPOCH),
        "/robots.txt": Page(render_robots(world).encode(), "text/plain; charset=utf-8", SITE_EPOCH),
        "/feeds.opml": Page(
            render_opml(world, base_url).encode(), "text/x-opml; charset=utf-8", SITE_EPOCH
        ),
    }
    for outlet in world.outlets:
        pages.update(_outlet_pages(world, outlet, base_url))
    return pages


def build_site(base_url: str) -> dict[str, tuple[bytes, str]]:
    """Every page of the demo site: path -> (body, content type)."""
    return {path: (p.body, p.content_type) for path, p in build_pages(base_url).items()}
