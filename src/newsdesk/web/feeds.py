"""Atom (RFC 4287) and JSON Feed 1.1 documents of published stories.

Entry ids are tag: URIs of the story id, so they survive a change of host or path; `updated`
is when the shown version was written, so readers see rewrites as updates, not new entries.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from urllib.parse import quote
from xml.etree import ElementTree as ET

from newsdesk.web.model import StoryView
from newsdesk.web.render import SITE_NAME, story_path
from newsdesk.web.safety import clean_html

ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
TAG_AUTHORITY = "tag:newsdesk,2026:"  # fixed forever: ids must never change
FEED_LIMIT = 50
ET.register_namespace("", ATOM_NS)  # Atom as the default namespace: <feed>, not <ns0:feed>


def tag_uri(kind: str, name: str) -> str:
    return f"{TAG_AUTHORITY}{kind}/{quote(name, safe='')}"


def rfc3339(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def story_html(story: StoryView, base: str) -> str:
    """The article as HTML for feed readers: escaped text, then nh3 as a second guard."""
    parts = [f"<p>{html.escape(' '.join(s.text for s in para))}</p>" for para in story.paragraphs]
    links = []
    for group in story.sources:
        for link in group.links:
            title = html.escape(link.title)
            outlet = html.escape(group.outlet)
            href = f'<a href="{html.escape(link.url)}">{title}</a>' if link.url else title
            links.append(f"<li>{href}, {outlet}</li>")
    if links:
        parts.append("<h3>Sources</h3><ul>" + "".join(links) + "</ul>")
    page = html.escape(base + story_path(story.id))
    parts.append(f'<p><a href="{page}">Every sentence with its source</a></p>')
    return clean_html("".join(parts))


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    element.text = text
    return element


def atom_feed(
    stories: Sequence[StoryView], *, title: str, base: str, self_path: str, page_path: str
) -> bytes:
    """`base` is "" (links relative to the feed) or an absolute URL ending in "/"."""
    chosen = list(stories)[:FEED_LIMIT]
    updated = max((s.updated for s in chosen), default=datetime(2026, 1, 1, tzinfo=UTC))
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _sub(feed, "id", tag_uri("feed", self_path))
    _sub(feed, "title", title)
    _sub(feed, "updated", rfc3339(updated))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=base + self_path)
    _sub(feed, "link", rel="alternate", type="text/html", href=base + page_path)
    _sub(_sub(feed, "author"), "name", SITE_NAME)
    _sub(feed, "generator", SITE_NAME)
    for story in chosen:
        entry = _sub(feed, "entry")
        _sub(entry, "id", tag_uri("story", story.id))
        _sub(entry, "title", story.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=base + story_path(story.id))
        _sub(entry, "published", rfc3339(story.published))
        _sub(entry, "updated", rfc3339(story.updated))
        _sub(entry, "category", term=story.category_slug, label=story.category)
        _sub(entry, "summary", story.summary, type="text")
        _sub(entry, "content", story_html(story, base), type="html")
    document: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return document


def json_feed(
    stories: Sequence[StoryView], *, title: str, base: str, self_path: str, page_path: str
) -> bytes:
    """JSON Feed 1.1; home_page_url and feed_url only when `base` is absolute."""
    document: dict[str, object] = {
        "version": JSON_FEED_VERSION,
        "title": title,
        "description": "Stories written from many outlets' reporting, each sentence sourced.",
        "language": "en",
        "authors": [{"name": SITE_NAME}],
    }
    if base:
        document["home_page_url"] = base + page_path
        document["feed_url"] = base + self_path
    document["items"] = [_json_item(story, base) for story in list(stories)[:FEED_LIMIT]]
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _json_item(story: StoryView, base: str) -> dict[str, object]:
    return {
        "id": tag_uri("story", story.id),
        "url": base + story_path(story.id),
        "title": story.title,
        "summary": story.summary,
        "content_html": story_html(story, base),
        "content_text": story.text,
        "date_published": rfc3339(story.published),
        "date_modified": rfc3339(story.updated),
        "tags": [story.category, *story.tags],
        "_newsdesk": {"version": story.version, "outlets": story.outlet_count},
    }
