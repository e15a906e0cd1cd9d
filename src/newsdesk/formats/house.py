"""The house text layout (seed 000), written and read back byte for byte.

    Title
    <blank>
    paragraph            (4-5 of them, one blank line between)
    <blank>
    Category: World
    <blank>
    Published on: 2025-04-28 10:06:22
    <blank><blank>
    Related articles:
    headline, Outlet     (one line per source)
    <blank><blank>
    Tags: three lowercase words

Several stories in one file are joined by one blank line; the file has no final newline.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime

from newsdesk.errors import NewsdeskError
from newsdesk.records import HouseArticle, RelatedArticle

PUBLISHED_FORMAT = "%Y-%m-%d %H:%M:%S"
_STORY_END = re.compile(r"^Tags: [^\n]*$", re.MULTILINE)


class LayoutError(NewsdeskError):
    """Text that does not follow the house layout."""


def render_house(article: HouseArticle) -> str:
    """One story in the house layout, without a final newline."""
    published = article.published.astimezone(UTC).strftime(PUBLISHED_FORMAT)
    related = "\n".join(f"{r.headline}, {r.outlet}" for r in article.related)
    body = "\n\n".join(article.paragraphs)
    return (
        f"{article.title}\n\n{body}\n\nCategory: {article.category}\n\n"
        f"Published on: {published}\n\n\nRelated articles:\n{related}\n\n\n"
        f"Tags: {' '.join(article.tags)}"
    )


def render_house_file(articles: Sequence[HouseArticle]) -> str:
    return "\n\n".join(render_house(a) for a in articles)


def parse_house_file(text: str) -> list[HouseArticle]:
    """Every story in a house-layout file, in order."""
    stories, start = [], 0
    for match in _STORY_END.finditer(text):
        stories.append(parse_house(text[start : match.end()]))
        start = match.end()
    if text[start:].strip():
        raise LayoutError("text after the last 'Tags:' line")
    if not stories:
        raise LayoutError("no story found (no 'Tags:' line)")
    return stories


def _field(block: str, name: str) -> str:
    prefix = f"{name}: "
    if not block.startswith(prefix) or "\n" in block:
        raise LayoutError(f"expected one '{name}:' line, got {block[:60]!r}")
    return block[len(prefix) :]


def _related(block: str) -> tuple[RelatedArticle, ...]:
    lines = block.split("\n")
    if lines[0] != "Related articles:":
        raise LayoutError(f"expected 'Related articles:', got {lines[0][:60]!r}")
    related = []
    for line in lines[1:]:
        # Headlines may hold commas; outlet names rarely do, so split at the last one.
        headline, sep, outlet = line.rpartition(", ")
        if not sep or not headline or not outlet:
            raise LayoutError(f"related article line is not 'headline, Outlet': {line!r}")
        related.append(RelatedArticle(headline, outlet))
    return tuple(related)


def parse_house(text: str) -> HouseArticle:
    """One story in the house layout."""
    text = text.strip("\n")
    head, sep, tags_block = text.rpartition("\n\n\n")
    head, sep2, related_block = head.rpartition("\n\n\n")
    if not sep or not sep2:
        raise LayoutError("missing the double blank lines around 'Related articles:'")
    blocks = head.split("\n\n")
    if len(blocks) < 4:
        raise LayoutError("a story needs a title, paragraphs, Category and Published on")
    title, *paragraphs, category_block, published_block = blocks
    if "\n" in title or not paragraphs:
        raise LayoutError("the title must be one line followed by paragraphs")
    try:
        published = datetime.strptime(_field(published_block, "Published on"), PUBLISHED_FORMAT)
    except ValueError as exc:
        raise LayoutError(f"bad 'Published on' time: {published_block!r}") from exc
    return HouseArticle(
        title=title,
        paragraphs=tuple(paragraphs),
        category=_field(category_block, "Category"),
        published=published.replace(tzinfo=UTC),
        related=_related(related_block),
        tags=tuple(_field(tags_block, "Tags").split()),
    )
