"""Writing step: one article per corroborated story, verified before anything is published.

    story sources -> write_story (fact sheet, model or extractive) -> verify -> repair
    -> verify again -> publish, or hold back with the reasons

A story gets a new version only when its set of sources changed, so a re-run writes nothing
twice and a story that grows is revised (versions kept), never duplicated.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from newsdesk.formats.house import render_house
from newsdesk.formats.payload import (
    CitationPayload,
    RelatedPayload,
    RepairPayload,
    SentencePayload,
    StoryPayload,
)
from newsdesk.models.text import TextModel
from newsdesk.pipeline.voices import write_voices
from newsdesk.records import Article, HouseArticle, Story, StoryVersion
from newsdesk.store import Store
from newsdesk.text import split_sentences
from newsdesk.verify import (
    Change,
    SupportsEmbed,
    Verdict,
    Verification,
    hold_reasons,
    repair,
    verify,
)
from newsdesk.verify.checks.documents import SourceDoc
from newsdesk.writing.drafts import Draft
from newsdesk.writing.house import write_story

MIN_PARAGRAPHS = 4  # the house format: 4-5 paragraphs


def stories_to_write(store: Store, min_outlets: int) -> list[tuple[Story, list[Article]]]:
    """Corroborated stories whose sources changed since their latest version, the ones most
    outlets covered first, then the newest (the order matters when a run's writing is capped)."""
    articles = {s.article.canonical_url: s.article for s in store.articles()}
    latest = store.latest_versions()
    todo = []
    for story in store.stories():
        if story.outlet_count < min_outlets:
            continue
        sources = [articles[url] for url in story.article_urls if url in articles]
        previous = latest.get(story.id)
        if previous and set(previous.sources) == {a.canonical_url for a in sources}:
            continue
        todo.append((story, sources))
    todo.sort(key=lambda item: _newest_first(item[0]))
    return todo


def _newest_first(story: Story) -> tuple[int, float]:
    last = story.last_published.timestamp() if story.last_published else 0.0
    return (-story.outlet_count, -last)


def _docs(sources: Sequence[Article]) -> list[SourceDoc]:
    return [SourceDoc(a.title, a.outlet, a.canonical_url, a.published, a.body) for a in sources]


def checked_body(
    sources: Sequence[Article],
    draft: Draft,
    model: TextModel | None,
    judge: TextModel | None,
    embedder: SupportsEmbed | None = None,
) -> tuple[str, Verification, tuple[Change, ...]]:
    """The draft's body after verification and repair, the final checks, and what changed."""
    docs = _docs(sources)
    body = "\n\n".join(draft.article.paragraphs)
    verification = verify(docs, body, judge=judge, embedder=embedder)
    changes: tuple[Change, ...] = ()
    if verification.failed:
        repaired = repair(docs, verification, model=model, embedder=embedder)
        changes = repaired.changes
        body = repaired.text
        # Repaired sentences were re-checked inside repair(); the judge need not see the
        # unchanged ones twice.
        verification = verify(docs, body, judge=None, embedder=embedder)
    return body, verification, changes


def _payload(
    article: HouseArticle,
    sources: Sequence[Article],
    verification: Verification,
    draft: Draft,
    changes: Sequence[Change],
    voices: tuple[dict[str, Any], list[str]] | None = None,
) -> str:
    told, voice_notes = voices or ({}, [])
    sentences_of = [split_sentences(a.body) for a in sources]
    payload = StoryPayload(
        title=article.title,
        paragraphs=tuple(article.paragraphs),
        category=article.category,
        published=article.published,
        tags=tuple(article.tags),
        related=tuple(
            RelatedPayload(
                headline=a.title, outlet=a.outlet, url=a.canonical_url, published=a.published
            )
            for a in sources
        ),
        sentences=tuple(
            SentencePayload(
                paragraph=s.paragraph,
                text=s.text,
                verdict=s.verdict.value,
                problems=tuple(str(p) for p in s.problems),
                citations=tuple(
                    CitationPayload(
                        url=sources[c.article].canonical_url,
                        outlet=sources[c.article].outlet,
                        quote=sentences_of[c.article][c.sentence],
                    )
                    for c in s.citations
                    if c.sentence < len(sentences_of[c.article])
                ),
            )
            for s in verification.sentences
        ),
        voices=told,
        writer=draft.writer,
        repairs=tuple(
            RepairPayload(original=c.original, replacement=c.replacement, reason=c.reason)
            for c in changes
        ),
        notes=(*draft.notes, *voice_notes),
        timings={step.step: round(step.seconds, 2) for step in draft.steps},
        tokens={"prompt": draft.prompt_tokens, "completion": draft.completion_tokens},
    )
    return payload.to_json()


def write_version(
    story: Story,
    sources: Sequence[Article],
    model: TextModel | None,
    judge: TextModel | None,
    *,
    now: datetime,
    voices: Sequence[str] = (),
    embedder: SupportsEmbed | None = None,
) -> StoryVersion:
    """The story's next version; `voices` (published ones only) are written next to it.
    `embedder` lets verification recognise paraphrase (synonyms, citations by meaning)."""
    draft = write_story(sources, model, now=now)
    body, verification, changes = checked_body(sources, draft, model, judge, embedder)
    paragraphs = tuple(p for p in body.split("\n\n") if p.strip())
    article = replace(draft.article, paragraphs=paragraphs)
    # Nothing unsupported is ever published: one failed sentence holds the story back.
    reasons = hold_reasons(verification, min_supported_ratio=1.0)
    if len(paragraphs) < MIN_PARAGRAPHS:
        reasons.append(f"only {len(paragraphs)} paragraphs left after verification")
    reasons.extend(
        f"unsupported after repair: {s.text[:80]!r}"
        for s in verification.sentences
        if s.verdict is Verdict.UNSUPPORTED
    )
    # A held-back version is never shown, so its voices would cost model time for nothing.
    told = (
        write_voices(sources, voices, model, judge, now=now, embedder=embedder)
        if not reasons
        else None
    )
    return StoryVersion(
        story_id=story.id,
        version=0,  # numbered by the store
        created_at=now,
        published=not reasons,
        reasons=tuple(dict.fromkeys(reasons)),
        sources=tuple(a.canonical_url for a in sources),
        title=article.title,
        text=render_house(article),
        payload=_payload(article, sources, verification, draft, changes, told),
    )


def write_stories(
    store: Store,
    todo: Sequence[tuple[Story, list[Article]]],
    model: TextModel | None,
    judge: TextModel | None,
    *,
    counts: Counter[str] | None = None,
    advance: Callable[[str], None] | None = None,
    voices: Sequence[str] = (),
    embedder: SupportsEmbed | None = None,
) -> Counter[str]:
    """Write, check and save each story in order; `counts` is updated as each one is saved and
    `advance` told what became of it (one line: published or held back, seconds, title)."""
    counts = Counter() if counts is None else counts
    for story, sources in todo:
        now = datetime.now(UTC)
        started = time.perf_counter()
        version = write_version(
            story, sources, model, judge, now=now, voices=voices, embedder=embedder
        )
        store.save_version(version)
        counts["stories_published" if version.published else "stories_held"] += 1
        if advance is not None:
            outcome = "published" if version.published else "held back"
            seconds = time.perf_counter() - started
            advance(f"{outcome} in {seconds:.1f} s: {version.title}")
    return counts
