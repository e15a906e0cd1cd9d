"""What came from outside, made safe to show: http(s)-only links and sanitised HTML.

Templates escape every value (Jinja2 autoescape); these cover the two places escaping alone is
not enough: a URL in an href (escaping does not stop `javascript:`) and HTML we hand to feed
readers (Atom content, JSON Feed content_html), which we also pass through nh3.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import nh3

_ALLOWED_SCHEMES = frozenset({"http", "https"})
_FEED_TAGS = frozenset({"p", "h2", "h3", "ul", "ol", "li", "a", "em", "strong", "blockquote"})


def safe_url(url: str | None) -> str | None:
    """The URL if it is an absolute http(s) link, else None (the link is dropped)."""
    if not url:
        return None
    url = url.strip()
    if any(ord(ch) < 0x20 or ch.isspace() for ch in url):
        return None  # browsers strip such characters and may then see another scheme
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in _ALLOWED_SCHEMES or not parts.hostname:
        return None
    return url


def clean_html(html: str) -> str:
    """Sanitised HTML for feed readers: a small tag set, http(s) links only."""
    return nh3.clean(
        html,
        tags=set(_FEED_TAGS),
        attributes={"a": {"href"}},
        url_schemes=set(_ALLOWED_SCHEMES),
        link_rel="noopener noreferrer nofollow",
    )
