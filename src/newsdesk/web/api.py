"""The JSON API's documents (pydantic, so FastAPI publishes their schema) and how a StoryView
becomes one. The static publisher writes the same documents as files.

Only published versions appear here: held-back versions are for the status page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, Field

from newsdesk.formats.house import LayoutError
from newsdesk.formats.voice import Section, VoiceText, render_voice
from newsdesk.web.model import StoryView, VoiceView
from newsdesk.web.render import story_path


class SourceOut(BaseModel):
    outlet: str
    title: str
    url: str | None = Field(description="http(s) link to the source; null when it had none")
    published: datetime | None


class CitationOut(BaseModel):
    number: int
    outlet: str
    quote: str = Field(description="The source's sentence this sentence rests on")
    url: str | None


class SentenceOut(BaseModel):
    paragraph: int
    text: str
    verdict: str = Field(description="supported | unsupported | contradicted, or empty")
    citations: list[CitationOut]


class VoiceBlockOut(BaseModel):
    heading: bool
    text: str


class VoiceSectionOut(BaseModel):
    heading: str = Field(description="Empty for the bullets layout")
    paragraphs: list[str] = Field(description="Paragraphs, or the bullets of a list")


class VoiceOut(BaseModel):
    key: str = Field(description="The voice: casual, explainer, brief, five-ws, plain ...")
    name: str
    title: str
    layout: str = Field(description="sectioned | bullets")
    sections: list[VoiceSectionOut]
    blocks: list[VoiceBlockOut] = Field(description="Headings and paragraphs in reading order")
    text: str = Field(description="The voice in its text layout (docs/voices.md)")
    coverage: float | None = Field(description="Share of the voice's facts it keeps, verified")


class VersionOut(BaseModel):
    version: int
    created_at: datetime


class ThreadItemOut(BaseModel):
    id: str
    title: str
    published: datetime
    current: bool


class StorySummary(BaseModel):
    id: str
    title: str
    category: str
    published: datetime
    updated: datetime
    version: int
    outlets: list[str]
    summary: str
    url: str = Field(description="The story's web page")
    api_url: str


class StoryDetail(StorySummary):
    paragraphs: list[str]
    sentences: list[SentenceOut]
    tags: list[str]
    sources: list[SourceOut]
    voices: list[VoiceOut]
    versions: list[VersionOut]
    follows: str | None
    thread: list[ThreadItemOut]
    writer: str


class StoryList(BaseModel):
    stories: list[StorySummary]
    total: int
    page: int
    per_page: int
    next: str | None = Field(description="URL of the next page, if any")


class CategoryOut(BaseModel):
    name: str
    slug: str
    stories: int


def summary_out(story: StoryView, base: str, api_url: str) -> StorySummary:
    return StorySummary(
        id=story.id,
        title=story.title,
        category=story.category,
        published=story.published,
        updated=story.updated,
        version=story.version,
        outlets=[group.outlet for group in story.sources],
        summary=story.summary,
        url=base + story_path(story.id),
        api_url=api_url,
    )


def detail_out(story: StoryView, base: str, api_url: str) -> StoryDetail:
    summary = summary_out(story, base, api_url)
    return StoryDetail(
        **summary.model_dump(),
        paragraphs=[" ".join(s.text for s in para) for para in story.paragraphs],
        sentences=[
            SentenceOut(
                paragraph=index,
                text=s.text,
                verdict=s.verdict,
                citations=[
                    CitationOut(number=c.number, outlet=c.outlet, quote=c.quote, url=c.url)
                    for c in s.citations
                ],
            )
            for index, para in enumerate(story.paragraphs)
            for s in para
        ],
        tags=list(story.tags),
        sources=[
            SourceOut(outlet=g.outlet, title=link.title, url=link.url, published=link.published)
            for g in story.sources
            for link in g.links
        ],
        voices=[voice_out(v) for v in story.voices],
        versions=[
            VersionOut(version=v.version, created_at=v.created_at)
            for v in story.versions
            if v.published
        ],
        follows=story.follows,
        thread=[
            ThreadItemOut(id=t.id, title=t.title, published=t.published, current=t.current)
            for t in story.thread
        ],
        writer=story.writer,
    )


def voice_out(voice: VoiceView) -> VoiceOut:
    return VoiceOut(
        key=voice.key,
        name=voice.name,
        title=voice.title,
        layout="bullets" if voice.bullets else "sectioned",
        sections=[
            VoiceSectionOut(heading=s.heading, paragraphs=list(s.paragraphs))
            for s in voice.sections
        ],
        blocks=[VoiceBlockOut(heading=b.heading, text=b.text) for b in voice.blocks],
        text=voice_text(voice),
        coverage=voice.coverage,
    )


def voice_text(voice: VoiceView) -> str:
    """The voice in the seed-001 text layout (the brief: title and bullets); its parts came
    from a stored payload, so a part the layout cannot hold is flattened, never fatal."""
    sections = tuple(Section(s.heading, s.paragraphs) for s in voice.sections)
    text = VoiceText(voice.title or voice.name, sections, bullets=voice.bullets)
    try:
        return render_voice(text)
    except LayoutError:
        blocks = [text.title, *(b.text for b in voice.blocks)]
        return "\n\n".join(" ".join(b.split()) for b in blocks)


def page_of(
    stories: Sequence[StoryView], page: int, per_page: int
) -> tuple[Sequence[StoryView], bool]:
    """One page of a list, and whether another follows."""
    start = (page - 1) * per_page
    return stories[start : start + per_page], start + per_page < len(stories)
