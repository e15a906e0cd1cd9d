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

from newsdesk.formats.house import render_house
from newsdesk.formats.payload import (
    CitationPayload,
    RelatedPayload,
    RepairPayload,
    SentencePayload,
    StoryPayload,
)
from newsdesk.models.text import TextModel
from newsdesk.pipeline.voices import VoiceOutcome, write_voices
from newsdesk.records import Article, HouseArticle, Story, StoryVersion
from newsdesk.settings import Settings
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
from newsdesk.writing.originality import copying, words

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


def stories_todo(
    store: Store, settings: Settings, counts: Counter[str]
) -> list[tuple[Story, list[Article]]]:
    """What this run writes: `stories_to_write`, capped by `max_stories_per_run` (the rest are
    written by the next run); the numbers go into `counts`."""
    todo = stories_to_write(store, settings.min_outlets)
    cap = settings.max_stories_per_run
    if cap and len(todo) > cap:
        # Most-covered first (stories_to_write's order); the rest are written next run.
        counts["stories_deferred"] = len(todo) - cap
        todo = todo[:cap]
    counts["stories_to_write"] = len(todo)
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
) -> str:
    source_words = [words(a.body) for a in sources]
    copies = [copying(s.text, source_words) for s in verification.sentences]
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
                words=copies[n].words,
                copied_words=copies[n].copied,
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
            for n, s in enumerate(verification.sentences)
        ),
        writer=draft.writer,
        repairs=tuple(
            RepairPayload(original=c.original, replacement=c.replacement, reason=c.reason)
            for c in changes
        ),
        notes=draft.notes,
        timings={step.step: round(step.seconds, 2) for step in draft.steps},
        tokens={"prompt": draft.prompt_tokens, "completion": draft.completion_tokens},
    )
    return payload.to_json()


def draft_version(
    story_id: str,
    sources: Sequence[Article],
    model: TextModel | None,
    judge: TextModel | None,
    *,
    now: datetime,
    embedder: SupportsEmbed | None = None,
) -> StoryVersion:
    """The story's next version, written and checked, without its voices (`with_voices`).
    `embedder` lets verification recognise paraphrase (synonyms, citations by meaning)."""
    draft = write_story(sources, model, now=now, embedder=embedder)
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
    return StoryVersion(
        story_id=story_id,
        version=0,  # numbered by the store
        created_at=now,
        published=not reasons,
        reasons=tuple(dict.fromkeys(reasons)),
        sources=tuple(a.canonical_url for a in sources),
        title=article.title,
        text=render_house(article),
        payload=_payload(article, sources, verification, draft, changes),
    )


def with_voices(version: StoryVersion, told: Sequence[VoiceOutcome]) -> StoryVersion:
    """The version with its voices (in the order given) in its payload, and notes on the
    voices held back."""
    if not told:
        return version
    payload = StoryPayload.from_json(version.payload)
    published = {t.key: t.payload for t in told if t.payload is not None}
    notes = tuple(t.note for t in told if t.note)
    payload = payload.model_copy(update={"voices": published, "notes": (*payload.notes, *notes)})
    return replace(version, payload=payload.to_json())


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
    """The story's next version; `voices` (published ones only) are written next to it."""
    version = draft_version(story.id, sources, model, judge, now=now, embedder=embedder)
    # A held-back version is never shown, so its voices would cost model time for nothing.
    if not version.published:
        return version
    told = write_voices(sources, voices, model, judge, now=now, embedder=embedder)
    return with_voices(version, told)


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
