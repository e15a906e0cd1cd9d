"""The stored story payload: what the writer keeps with each story version, one definition for
the side that writes it (pipeline/writing.py, pipeline/voices.py) and the sides that read it
(web/, `newsdesk show`).

A stored payload is a trust boundary (it outlives the code that wrote it), so reading is
lenient: unknown keys are ignored, missing ones take defaults, and each voice is read on its
own (`voice_payloads`) so one that cannot be read never hides the story.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

DEFAULT_CATEGORY = "News"


class _Payload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class CitationPayload(_Payload):
    """A source sentence a published sentence rests on."""

    url: str = ""
    outlet: str = ""
    quote: str = ""


class SentencePayload(_Payload):
    """One sentence of the body with the verifier's verdict."""

    paragraph: int
    text: str
    verdict: Literal["supported", "unsupported", "contradicted"] = "supported"
    problems: tuple[str, ...] = ()
    citations: tuple[CitationPayload, ...] = ()
    # Originality (writing/originality.py): the sentence's words outside quotation marks, and
    # the longest run of them one source has in the same order. None in older versions.
    words: int | None = None
    copied_words: int | None = None


class RelatedPayload(_Payload):
    """A source article, listed under "Related articles"."""

    headline: str
    outlet: str
    url: str = ""
    published: datetime | None = None


class RepairPayload(_Payload):
    """A sentence the verifier's repair changed (replacement None: dropped)."""

    original: str | None = None
    replacement: str | None = None
    reason: str | None = None


class SectionPayload(_Payload):
    heading: str = ""
    paragraphs: tuple[str, ...] = ()


class VoicePayload(_Payload):
    """A published voice: sections of paragraphs (bullets: one list) and how it was checked."""

    name: str
    layout: Literal["sectioned", "bullets"] = "sectioned"
    title: str = ""
    sections: tuple[SectionPayload, ...] = ()
    text: str = ""
    coverage: float | None = None
    facts: int | None = None
    sentences: int | None = None
    unsupported: int | None = None
    caught: int | None = None
    writer: str = ""
    seconds: float | None = None
    repairs: tuple[str, ...] = ()


class StoryPayload(_Payload):
    """Everything a story version says beyond its record: the house article, every sentence
    with its verdict and citations, the sources, the voices and how it was written."""

    title: str
    paragraphs: tuple[str, ...]
    category: str = DEFAULT_CATEGORY
    published: datetime
    tags: tuple[str, ...] = ()
    related: tuple[RelatedPayload, ...] = ()
    sentences: tuple[SentencePayload, ...] = ()
    # Raw here, read one by one (voice_payloads): a voice that cannot be read must not hide
    # the story.
    voices: dict[str, Any] = {}
    writer: str = ""
    repairs: tuple[RepairPayload, ...] = ()
    notes: tuple[str, ...] = ()
    timings: dict[str, float] = {}
    tokens: dict[str, int] = {}

    def to_json(self) -> str:
        """The stored form: JSON, non-ASCII kept as it is."""
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> StoryPayload:
        """Read a stored payload; ValidationError (a ValueError) when it is not one."""
        return cls.model_validate_json(text)


def voice_payloads(payload: StoryPayload) -> dict[str, VoicePayload]:
    """The payload's voices that can be read, by key; the others are left out."""
    readable: dict[str, VoicePayload] = {}
    for key, raw in payload.voices.items():
        try:
            readable[key] = VoicePayload.model_validate(raw)
        except ValidationError:
            continue
    return readable
