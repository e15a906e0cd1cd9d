"""`newsdesk publish`: the site as static files; `newsdesk export`: stories as house-layout text
(each followed by its voices).

The static site is rendered by the same templates as the served one. Links are relative, so
it works from any path prefix or straight from disk; feeds carry absolute links only when a
base URL is given. Search needs a server, so the static pages have no search box.
`404.html` is the "Not found" page for static hosts that show it for any missing path: with a
base URL its links are absolute, so it works at any depth; without one they are relative to
the site's top directory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import quote

from newsdesk.formats.house import render_house
from newsdesk.formats.payload import StoryPayload
from newsdesk.records import HouseArticle, RelatedArticle, StoryVersion
from newsdesk.store import Store
from newsdesk.web import feeds
from newsdesk.web.api import CategoryOut, StoryList, detail_out, summary_out, voice_text
from newsdesk.web.model import Site, VoiceView, load_site
from newsdesk.web.render import (
    INDEX,
    SITE_NAME,
    STATIC_DIR,
    STATUS,
    Pages,
    StatusInfo,
    category_path,
    story_path,
)

STATIC_FILES = ("site.css",)
NOT_FOUND = "404.html"  # the name static hosts (GitHub Pages, Netlify, ...) look for
VOICE_RULE = "=== Voice: {name} ==="


def _api_path(story_id: str) -> str:
    return f"api/v1/stories/{quote(story_id, safe='')}.json"


def _pages(site: Site, status: StatusInfo, base: str) -> Iterator[tuple[str, str | bytes]]:
    """(relative path, content) for every page of the site."""
    pages = Pages(search=False)
    yield INDEX, pages.front(site)
    yield STATUS, pages.status(site, status)
    yield NOT_FOUND, pages.not_found(site, NOT_FOUND, root=base)
    for category in site.categories:
        yield category_path(category.slug), pages.category(site, category)
    for story in site.stories:
        yield story_path(story.id), pages.story(site, story)


def _feeds(site: Site, base: str) -> Iterator[tuple[str, bytes]]:
    targets = [(None, "All stories")] + [(c, c.name) for c in site.categories]
    for category, name in targets:
        stories = site.newest(category.stories if category else None)
        page = category_path(category.slug) if category else INDEX
        for kind, make in (("atom", feeds.atom_feed), ("json", feeds.json_feed)):
            path = category_path(category.slug, kind) if category else f"feed.{kind}"
            title = f"{SITE_NAME}: {name}"
            yield path, make(stories, title=title, base=base, self_path=path, page_path=page)


def _api(site: Site, base: str) -> Iterator[tuple[str, str]]:
    newest = site.newest()
    listing = StoryList(
        stories=[summary_out(s, base, base + _api_path(s.id)) for s in newest],
        total=len(newest),
        page=1,
        per_page=max(1, len(newest)),
        next=None,
    )
    yield "api/v1/stories.json", listing.model_dump_json(indent=1)
    for story in newest:
        yield (
            _api_path(story.id),
            detail_out(story, base, base + _api_path(story.id)).model_dump_json(indent=1),
        )
    categories = [
        CategoryOut(name=c.name, slug=c.slug, stories=len(c.stories)) for c in site.categories
    ]
    yield "api/v1/categories.json", json.dumps([c.model_dump() for c in categories], indent=1)


def _write(out: Path, relative: str, content: str | bytes) -> None:
    path = out / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    path.write_bytes(data)


def publish_site(store: Store, out: Path, *, base_url: str = "") -> int:
    """Write the whole site under `out`; returns how many files were written.

    Files of stories no longer published are left in place: `out` may hold other things.
    """
    base = base_url if not base_url or base_url.endswith("/") else base_url + "/"
    site = load_site(store)
    status = StatusInfo(store.feeds(), store.runs(20), store.counts(), store.failures(30), None)
    count = 0
    for relative, content in [*_pages(site, status, base), *_feeds(site, base), *_api(site, base)]:
        _write(out, relative, content)
        count += 1
    for name in STATIC_FILES:
        _write(out, f"static/{name}", (STATIC_DIR / name).read_bytes())
        count += 1
    return count


def house_text(version: StoryVersion) -> str:
    """The stored house-layout text, or the layout rendered from the payload if none was kept."""
    if version.text.strip():
        return version.text
    payload = StoryPayload.from_json(version.payload)
    return render_house(
        HouseArticle(
            title=payload.title,
            paragraphs=payload.paragraphs,
            category=payload.category,
            published=payload.published,
            related=tuple(RelatedArticle(r.headline, r.outlet) for r in payload.related),
            tags=payload.tags,
        )
    )


def export_text(store: Store, out: Path, *, voices: bool = True) -> int:
    """One `<story id>.txt` per published story, the shown version in the seed-000 layout,
    followed (with `voices`) by each of its voices after a rule line (`with_voices`)."""
    site = load_site(store)
    versions = {(v.story_id, v.version): v for v in store.versions()}
    out.mkdir(parents=True, exist_ok=True)
    for story in site.stories:
        text = house_text(versions[(story.id, story.version)])
        if voices:
            text = with_voices(text, story.voices)
        (out / f"{quote(story.id, safe='')}.txt").write_text(text, encoding="utf-8")
    return len(site.stories)


def with_voices(house: str, voices: Sequence[VoiceView]) -> str:
    """The house article, then each voice under a `=== Voice: Name ===` line: two blank
    lines before each rule, one after, so the house part ends where the first rule starts."""
    parts = [house, *(f"{VOICE_RULE.format(name=v.name)}\n\n{voice_text(v)}" for v in voices)]
    return "\n\n\n".join(parts)
