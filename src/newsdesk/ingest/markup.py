"""Markup to plain text, one way for every text ingest reads (feed titles and summaries,
page titles and bylines): tags dropped, script, style and embedded objects with their
content, then the markup's entities decoded once."""

from __future__ import annotations

import html

import nh3

__all__ = ["strip_markup"]

_TEXT_ONLY = nh3.Cleaner(
    tags=set(),
    clean_content_tags={
        "script", "style", "iframe", "object", "embed", "applet", "noscript", "svg",
    },
)  # fmt: skip


def strip_markup(text: str) -> str:
    """The text of an HTML fragment: no tags, no script or style content, entities decoded."""
    return html.unescape(_TEXT_ONLY.clean(text))
