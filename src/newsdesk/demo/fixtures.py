"""A store filled with realistic stories, so the web site can be built and tested without the
writer: the demo world's outlets and articles (our own invented text), its stories as the
clustering would save them, and versions "written" by quoting the sources sentence by sentence.

    with Store(path) as store:
        fill_store(store)
        add_hostile_story(store)   # every field carries an injection payload
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from newsdesk.demo.world import DemoArticle, DemoStory, DemoWorld, load_world
from newsdesk.formats.house import render_house
from newsdesk.records import (
    Article,
    Entry,
    FeedSource,
    HouseArticle,
    RelatedArticle,
    Story,
    StoryVersion,
    as_utc,
)
from newsdesk.store import Store
from newsdesk.text import content_words, split_sentences

HELD_STORY = "seal-pup-rescue"  # its only version is held back
HELD_UPDATE_STORY = "storm-edda"  # v1 published, v2 held: v1 stays on the site
UPDATED_STORY = "ferry-aground"  # v1 and v2 both published: v2 is shown
VOICED_STORY = "ferry-report"  # carries two voices
HOSTILE_STORY = "hostile-payload"
SCRIPT_PAYLOAD = "<script>window.__xss = 1; alert(1)</script>"
IMG_PAYLOAD = '<img src="x" onerror="window.__xss = 2; alert(2)">'


@dataclass(frozen=True, slots=True)
class _Source:
    article: DemoArticle
    outlet: str  # display name
    url: str


def _sources(world: DemoWorld, story: DemoStory) -> list[_Source]:
    found = [
        _Source(
            a, world.outlet(a.outlet).name, f"https://{world.outlet(a.outlet).hostname}{a.path}"
        )
        for a in world.articles_in(story.id)
        if not a.paywalled
    ]
    return sorted(found, key=lambda s: (s.article.published, s.url))


def _store_articles(store: Store, world: DemoWorld) -> None:
    """Feeds, entries and articles, as the ingest stages would have stored them."""
    by_feed: dict[str, list[_Source]] = {}
    for story in world.stories:
        for source in _sources(world, story):
            outlet = world.outlet(source.article.outlet)
            by_feed.setdefault(f"https://{outlet.hostname}/{outlet.feed_path}", []).append(source)
    store.upsert_feeds([FeedSource(url, sources[0].outlet) for url, sources in by_feed.items()])
    for feed_url, sources in by_feed.items():
        entries = [
            Entry(s.article.title, s.url, as_utc(s.article.published), s.article.summary, None)
            for s in sources
        ]
        store.record_feed_ok(
            feed_url,
            title=sources[0].outlet,
            site_url=None,
            etag=None,
            last_modified=None,
            entries=entries,
            problems=(),
        )
    pending = {e.link: e.id for e in store.pending_entries(per_feed=1000)}
    for sources in by_feed.values():
        for s in sources:
            store.record_article(pending[s.url], _article(s), b"<html></html>", None)


def _article(source: _Source) -> Article:
    return Article(
        url=source.url,
        canonical_url=source.url,
        outlet=source.outlet,
        title=source.article.title,
        authors=source.article.authors,
        published=as_utc(source.article.published),
        body=source.article.body,
        lang="en",
    )


def _story(world: DemoWorld, story: DemoStory) -> Story:
    sources = _sources(world, story)
    return Story(
        id=story.id,
        label=story.title,
        article_urls=tuple(s.url for s in sources),
        outlets=tuple(dict.fromkeys(s.outlet for s in sources)),
        first_published=as_utc(sources[0].article.published),
        last_published=as_utc(sources[-1].article.published),
        follows=story.follows,
        category=story.category,
    )


def _sentences(sources: Sequence[_Source]) -> list[dict[str, Any]]:
    """Four paragraphs of two sentences, each quoting (and so citing) one source verbatim."""
    sentences: list[dict[str, Any]] = []
    for number in range(4):
        source = sources[number % len(sources)]
        paragraphs = source.article.paragraphs
        for text in split_sentences(paragraphs[min(number, len(paragraphs) - 1)])[:2]:
            citation = {"url": source.url, "outlet": source.outlet, "quote": text}
            sentences.append(
                {"paragraph": number, "text": text, "verdict": "supported", "citations": [citation]}
            )
    return sentences


def _payload(
    story: DemoStory, sources: Sequence[_Source], voices: dict[str, Any]
) -> dict[str, Any]:
    sentences = _sentences(sources)
    paragraphs = [
        " ".join(s["text"] for s in sentences if s["paragraph"] == number) for number in range(4)
    ]
    published = max(as_utc(s.article.published) for s in sources)
    return {
        "title": story.title,
        "paragraphs": paragraphs,
        "category": story.category,
        "published": published.isoformat(),
        "tags": content_words(story.title)[:3],
        "related": [
            {
                "headline": s.article.title,
                "outlet": s.outlet,
                "url": s.url,
                "published": as_utc(s.article.published).isoformat(),
            }
            for s in sources
        ],
        "sentences": sentences,
        "voices": voices,
        "writer": "fixture",
    }


def version_from_payload(
    story_id: str,
    payload: dict[str, Any],
    *,
    created_at: datetime,
    published: bool = True,
    reasons: Sequence[str] = (),
) -> StoryVersion:
    """A StoryVersion whose `text` is the payload in the house layout."""
    house = HouseArticle(
        title=payload["title"],
        paragraphs=tuple(payload["paragraphs"]),
        category=payload["category"],
        published=datetime.fromisoformat(payload["published"]),
        related=tuple(RelatedArticle(r["headline"], r["outlet"]) for r in payload["related"]),
        tags=tuple(payload["tags"]),
    )
    return StoryVersion(
        story_id=story_id,
        version=0,  # save_version numbers it
        created_at=created_at,
        published=published,
        reasons=tuple(reasons),
        sources=tuple(r["url"] for r in payload["related"]),
        title=payload["title"],
        text=render_house(house),
        payload=json.dumps(payload),
    )


# As pipeline/voices.py stores them (formats/payload.py VoicePayload): sections of paragraphs.
VOICES: dict[str, Any] = {
    "explainer": {
        "name": "Explainer",
        "layout": "sectioned",
        "title": "Why the Corran Star Ran Aground",
        "sections": [
            {
                "heading": "What happened",
                "paragraphs": [
                    "The ferry's crew relied on an old chart and a broken depth sounder."
                ],
            },
            {
                "heading": "What comes next",
                "paragraphs": ["The operator says it accepts every finding."],
            },
        ],
        "coverage": 1.0,
        "unsupported": 0,
    },
    "brief": {
        "name": "In brief",
        "layout": "bullets",
        "title": "The Corran Star Inquiry in Brief",
        "sections": [
            {
                "heading": "",
                "paragraphs": [
                    "An inquiry found two failures on the bridge.",
                    "The route reopens next month.",
                ],
            }
        ],
        "coverage": 0.96,
        "unsupported": 0,
    },
    "unreadable": {"layout": "no such layout"},  # left out by the site, never fatal
}


def _save_versions(store: Store, story: DemoStory, sources: Sequence[_Source]) -> None:
    voices = VOICES if story.id == VOICED_STORY else {}
    payload = _payload(story, sources, voices)
    written = datetime.fromisoformat(payload["published"]) + timedelta(minutes=20)
    if story.id == HELD_STORY:
        reasons = ["2 of 8 sentences have no supporting source", "only one outlet so far"]
        store.save_version(
            version_from_payload(
                story.id, payload, created_at=written, published=False, reasons=reasons
            )
        )
        return
    store.save_version(version_from_payload(story.id, payload, created_at=written))
    if story.id == UPDATED_STORY:
        update = {**payload, "title": payload["title"] + " (updated)"}
        later = written + timedelta(hours=3)
        store.save_version(version_from_payload(story.id, update, created_at=later))
    if story.id == HELD_UPDATE_STORY:
        held = {**payload, "title": "Storm Edda: a rewrite that contradicts its sources"}
        reasons = ["1 sentence contradicts its source"]
        later = written + timedelta(hours=1)
        store.save_version(
            version_from_payload(story.id, held, created_at=later, published=False, reasons=reasons)
        )


def fill_store(store: Store) -> list[str]:
    """Fill an empty store with the demo world as written stories; returns the story ids."""
    world = load_world()
    _store_articles(store, world)
    store.save_stories([_story(world, story) for story in world.stories])
    for story in world.stories:
        _save_versions(store, story, _sources(world, story))
    run_id = store.start_run()
    store.finish_run(run_id, "ok", {"feeds_ok": len(store.feeds()), "stories": len(world.stories)})
    return [story.id for story in world.stories]


def add_hostile_story(store: Store) -> str:
    """A published story whose every outside field carries a script or link payload."""
    payload = {
        "title": f"Harbour {SCRIPT_PAYLOAD} report {IMG_PAYLOAD}",
        "paragraphs": [f"Officials {SCRIPT_PAYLOAD} said <b onmouseover=alert(3)>nothing</b>."],
        "category": "World",
        "published": "2026-03-09T08:00:00+00:00",
        "tags": ["harbour", "<script>alert(4)</script>"],
        "related": [
            {
                "headline": f"Hostile {IMG_PAYLOAD}",
                "outlet": f"Evil {SCRIPT_PAYLOAD} Times",
                "url": "javascript:alert(5)",
                "published": None,
            }
        ],
        "sentences": [
            {
                "paragraph": 0,
                "text": f"Officials {SCRIPT_PAYLOAD} said <b onmouseover=alert(3)>nothing</b>.",
                "verdict": "supported",
                "citations": [
                    {"url": "javascript:alert(6)", "outlet": IMG_PAYLOAD, "quote": SCRIPT_PAYLOAD}
                ],
            }
        ],
        "voices": {
            "hostile": {
                "name": f"Voice {IMG_PAYLOAD}",
                "title": f"Title {SCRIPT_PAYLOAD}",
                "sections": [
                    {"heading": f"Head {SCRIPT_PAYLOAD}", "paragraphs": [f"Body {IMG_PAYLOAD}."]}
                ],
            }
        },
        "writer": "fixture",
    }
    created = datetime(2026, 3, 9, 8, 30, tzinfo=UTC)
    store.save_version(version_from_payload(HOSTILE_STORY, payload, created_at=created))
    return HOSTILE_STORY
