"""The site as readers see it, read from the Store in one go: ranked stories, categories,
threads, sources and citations. Pages, feeds, the API and the static publisher all render
from one `Site`; none of them touches the store directly.

The writer's JSON payload is a trust boundary, so it is parsed with pydantic; a version whose
payload cannot be read is skipped (and named on the status page), never fatal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from newsdesk.formats.payload import (
    DEFAULT_CATEGORY,
    SentencePayload,
    StoryPayload,
    voice_payloads,
)
from newsdesk.records import Article, Story, StoryVersion, as_utc
from newsdesk.store import Store
from newsdesk.web.safety import safe_url

HALF_LIFE_HOURS = 24.0  # a day-old story needs twice the outlets to rank level with a new one


# -- what pages show ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Footnote:
    number: int  # footnote number, counted through the article
    outlet: str
    quote: str
    url: str | None  # None when the link was not http(s)


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    verdict: str  # supported | unsupported | contradicted | "" (no check recorded)
    citations: tuple[Footnote, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceLink:
    title: str
    url: str | None
    published: datetime | None


@dataclass(frozen=True, slots=True)
class OutletSources:
    outlet: str
    links: tuple[SourceLink, ...]


@dataclass(frozen=True, slots=True)
class VoiceBlock:
    heading: bool
    text: str


@dataclass(frozen=True, slots=True)
class VoiceSection:
    heading: str  # "" for the bullets layout
    paragraphs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class VoiceView:
    key: str  # the voice file's name (casual, brief ...)
    name: str  # its display name
    title: str
    sections: tuple[VoiceSection, ...]
    bullets: bool = False
    coverage: float | None = None  # share of the voice's facts kept (pipeline/voices.py)

    @property
    def blocks(self) -> tuple[VoiceBlock, ...]:
        """Headings and paragraphs (or bullets) in reading order."""
        return tuple(
            block
            for s in self.sections
            for block in (
                *([VoiceBlock(True, s.heading)] if s.heading else []),
                *(VoiceBlock(False, p) for p in s.paragraphs),
            )
        )


@dataclass(frozen=True, slots=True)
class VersionInfo:
    version: int
    created_at: datetime
    published: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ThreadItem:
    id: str
    title: str
    published: datetime
    current: bool


@dataclass(frozen=True, slots=True)
class StoryView:
    id: str
    version: int
    title: str
    category: str
    category_slug: str
    published: datetime
    updated: datetime  # when the shown version was written
    paragraphs: tuple[tuple[Sentence, ...], ...]
    tags: tuple[str, ...]
    sources: tuple[OutletSources, ...]
    voices: tuple[VoiceView, ...]
    versions: tuple[VersionInfo, ...]
    writer: str
    follows: str | None = None
    thread: tuple[ThreadItem, ...] = ()
    score: float = 0.0

    @property
    def outlet_count(self) -> int:
        return len(self.sources)

    @property
    def source_count(self) -> int:
        return sum(len(group.links) for group in self.sources)

    @property
    def text(self) -> str:
        """The article as plain paragraphs (feeds, summaries)."""
        return "\n\n".join(" ".join(s.text for s in para) for para in self.paragraphs)

    @property
    def summary(self) -> str:
        first = " ".join(s.text for s in self.paragraphs[0]) if self.paragraphs else ""
        return first if len(first) <= 280 else first[:279].rsplit(" ", 1)[0] + "…"

    @property
    def citations(self) -> tuple[Footnote, ...]:
        return tuple(c for para in self.paragraphs for s in para for c in s.citations)


@dataclass(frozen=True, slots=True)
class HeldView:
    """A story whose newest version was held back; `live_version` is what readers still see."""

    id: str
    title: str
    version: int
    created_at: datetime
    reasons: tuple[str, ...]
    live_version: int | None


@dataclass(frozen=True, slots=True)
class CategoryView:
    name: str
    slug: str
    stories: tuple[StoryView, ...]


@dataclass(frozen=True, slots=True)
class RunProgress:
    """The run in progress, as far as it got: the front page says what is still being written."""

    run_id: int
    to_write: int | None  # stories it will write; None while it still ingests and clusters
    written: int  # published or held back so far

    @property
    def remaining(self) -> int:
        return max(0, (self.to_write or 0) - self.written)


@dataclass(frozen=True, slots=True)
class Site:
    stories: tuple[StoryView, ...]  # ranked, best first
    categories: tuple[CategoryView, ...]  # ordered by their best story
    held: tuple[HeldView, ...]
    problems: tuple[str, ...]
    by_id: Mapping[str, StoryView] = field(default_factory=dict)
    run: RunProgress | None = None  # the run in progress, if any

    @property
    def updated(self) -> datetime | None:
        return max((s.updated for s in self.stories), default=None)

    def category(self, slug: str) -> CategoryView | None:
        return next((c for c in self.categories if c.slug == slug), None)

    def newest(self, stories: Iterable[StoryView] | None = None) -> list[StoryView]:
        """Newest update first: the order of feeds and the API."""
        chosen = self.stories if stories is None else stories
        return sorted(chosen, key=lambda s: (s.updated, s.id), reverse=True)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "news"


# -- building -----------------------------------------------------------------------------
def _paragraphs(payload: StoryPayload) -> tuple[tuple[Sentence, ...], ...]:
    """Each paragraph as its checked sentences with numbered citations (or as plain text)."""
    by_paragraph: dict[int, list[SentencePayload]] = {}
    for sentence in payload.sentences:
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    number = 0
    paragraphs: list[tuple[Sentence, ...]] = []
    for index, text in enumerate(payload.paragraphs):
        checked = by_paragraph.get(index)
        if not checked:
            paragraphs.append((Sentence(text, ""),))
            continue
        sentences = []
        for sentence in checked:
            citations = []
            for cited in sentence.citations:
                number += 1
                citations.append(Footnote(number, cited.outlet, cited.quote, safe_url(cited.url)))
            sentences.append(Sentence(sentence.text, sentence.verdict, tuple(citations)))
        paragraphs.append(tuple(sentences))
    return tuple(paragraphs)


def _voices(payload: StoryPayload) -> tuple[VoiceView, ...]:
    """The payload's voices that can be read; one that cannot is left out, not fatal."""
    voices = []
    for key, voice in voice_payloads(payload).items():
        sections = tuple(
            VoiceSection(s.heading, s.paragraphs) for s in voice.sections if s.paragraphs
        )
        if sections:
            bullets = voice.layout == "bullets"
            voices.append(
                VoiceView(key, voice.name, voice.title, sections, bullets, voice.coverage)
            )
    return tuple(voices)


def _group(links: Iterable[tuple[str, SourceLink]]) -> tuple[OutletSources, ...]:
    """Sources grouped by outlet, in order of each outlet's first coverage."""
    groups: dict[str, list[SourceLink]] = {}
    for outlet, link in links:
        groups.setdefault(outlet, []).append(link)
    return tuple(OutletSources(outlet, tuple(items)) for outlet, items in groups.items())


def _sources(
    payload: StoryPayload, story: Story | None, articles: Mapping[str, Article]
) -> tuple[OutletSources, ...]:
    """The story's stored coverage; the payload's related list when the store has none."""
    known = [articles[url] for url in story.article_urls if url in articles] if story else []
    if known:
        known.sort(key=lambda a: (a.published or datetime.max.replace(tzinfo=UTC), a.url))
        return _group(
            (a.outlet, SourceLink(a.title, safe_url(a.canonical_url or a.url), a.published))
            for a in known
        )
    return _group(
        (r.outlet, SourceLink(r.headline, safe_url(r.url), r.published and as_utc(r.published)))
        for r in payload.related
    )


def _parse(version: StoryVersion) -> StoryPayload:
    return StoryPayload.from_json(version.payload)


def _view(
    shown: StoryVersion,
    payload: StoryPayload,
    history: Sequence[StoryVersion],
    story: Story | None,
    articles: Mapping[str, Article],
) -> StoryView:
    category = payload.category or (story.category if story else None) or DEFAULT_CATEGORY
    return StoryView(
        id=shown.story_id,
        version=shown.version,
        title=payload.title,
        category=category,
        category_slug=slugify(category),
        published=as_utc(payload.published),
        updated=as_utc(shown.created_at),
        paragraphs=_paragraphs(payload),
        tags=payload.tags,
        sources=_sources(payload, story, articles),
        voices=_voices(payload),
        versions=tuple(
            VersionInfo(v.version, as_utc(v.created_at), v.published, v.reasons) for v in history
        ),
        writer=payload.writer,
        follows=story.follows if story else None,
    )


def _thread(
    view: StoryView, views: Mapping[str, StoryView], follows: Mapping[str, str]
) -> tuple[ThreadItem, ...]:
    """Every published story linked to this one by `follows`, oldest first."""
    children: dict[str, list[str]] = {}
    for child, parent in follows.items():
        children.setdefault(parent, []).append(child)
    root, seen = view.id, {view.id}
    while root in follows and follows[root] not in seen:  # a cycle in bad data must not hang
        root = follows[root]
        seen.add(root)
    members, todo = set(), [root]
    while todo:
        current = todo.pop()
        if current not in members:
            members.add(current)
            todo.extend(children.get(current, []))
    items = [
        ThreadItem(m, views[m].title, views[m].published, m == view.id)
        for m in members
        if m in views
    ]
    if len(items) < 2:
        return ()
    return tuple(sorted(items, key=lambda item: (item.published, item.id)))


def _rank(views: Sequence[StoryView]) -> list[StoryView]:
    """Distinct outlets, discounted by age relative to the newest story (not the wall clock,
    so a store read later ranks the same)."""
    newest = max((v.published for v in views), default=datetime.now(UTC))

    def score(view: StoryView) -> float:
        age_hours = max(0.0, (newest - view.published).total_seconds() / 3600)
        decay: float = 0.5 ** (age_hours / HALF_LIFE_HOURS)
        return max(view.outlet_count, 1) * decay

    scored = [replace(v, score=score(v)) for v in views]
    return sorted(scored, key=lambda v: (-v.score, -v.published.timestamp(), v.id))


def _categories(ranked: Sequence[StoryView]) -> tuple[CategoryView, ...]:
    grouped: dict[str, list[StoryView]] = {}
    names: dict[str, str] = {}
    for view in ranked:  # ranked order, so each category's first story is its best
        grouped.setdefault(view.category_slug, []).append(view)
        names.setdefault(view.category_slug, view.category)
    return tuple(CategoryView(names[slug], slug, tuple(items)) for slug, items in grouped.items())


def _pick(
    history: Sequence[StoryVersion], problems: list[str]
) -> tuple[StoryVersion, StoryPayload] | None:
    """The newest published version whose payload can be read."""
    for version in reversed(history):
        if not version.published:
            continue
        try:
            return version, _parse(version)
        except ValueError as exc:  # pydantic's ValidationError is one
            reason = str(exc).splitlines()[0]
            problems.append(f"{version.story_id} v{version.version}: payload unreadable: {reason}")
    return None


def build_site(
    stories: Sequence[Story], versions: Sequence[StoryVersion], articles: Sequence[Article]
) -> Site:
    """The whole site from the store's three lists."""
    by_story: dict[str, list[StoryVersion]] = {}
    for version in versions:
        by_story.setdefault(version.story_id, []).append(version)
    story_rows = {s.id: s for s in stories}
    article_rows = {a.canonical_url: a for a in articles}
    views: dict[str, StoryView] = {}
    held: list[HeldView] = []
    problems: list[str] = []
    for story_id, history in by_story.items():
        history.sort(key=lambda v: v.version)
        picked = _pick(history, problems)
        if picked:
            views[story_id] = _view(*picked, history, story_rows.get(story_id), article_rows)
        latest = history[-1]
        if not latest.published:
            live = picked[0].version if picked else None
            held.append(
                HeldView(
                    story_id, latest.title, latest.version, latest.created_at, latest.reasons, live
                )
            )
    follows = {s.id: s.follows for s in stories if s.follows}
    threaded = [replace(v, thread=_thread(v, views, follows)) for v in views.values()]
    ranked = _rank(threaded)
    return Site(
        stories=tuple(ranked),
        categories=_categories(ranked),
        held=tuple(sorted(held, key=lambda h: h.created_at, reverse=True)),
        problems=tuple(problems),
        by_id={v.id: v for v in ranked},
    )


def load_site(store: Store) -> Site:
    articles = [stored.article for stored in store.articles(status=None)]
    site = build_site(store.stories(), store.versions(), articles)
    return replace(site, run=run_progress(store.runs(1)))


def run_progress(runs: Sequence[Mapping[str, Any]]) -> RunProgress | None:
    """The newest run's progress when it is still running (counts as the pipeline saves them)."""
    if not runs or runs[0]["status"] != "running":
        return None
    counts: Mapping[str, int] = runs[0]["counts"]
    to_write = counts.get("stories_to_write")
    written = counts.get("stories_published", 0) + counts.get("stories_held", 0)
    return RunProgress(int(runs[0]["id"]), to_write, written)
