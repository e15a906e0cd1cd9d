"""The text layout of a story told in a voice (seed 001), written and read back exactly.

Sectioned voices:

    Title
    <blank>
    Heading              (one short line, no closing punctuation)
    <blank>
    paragraph            (1-2 per section, one blank line between)
    <blank>
    Heading
    ...

The bullets layout (the brief):

    Title
    <blank>
    - one fact a line

No final newline. A heading is told from a paragraph by its shape: one line of at most
MAX_HEADING_WORDS words that does not end like a sentence; `render_voice` refuses text that
would not read back the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newsdesk.formats.house import LayoutError

MAX_HEADING_WORDS = 12
BULLET = "- "
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$|[\"”’]$")


@dataclass(frozen=True, slots=True)
class Section:
    heading: str  # "" for the bullets layout's one list
    paragraphs: tuple[str, ...]  # in the bullets layout: one bullet each


@dataclass(frozen=True, slots=True)
class VoiceText:
    title: str
    sections: tuple[Section, ...]
    bullets: bool = False


def looks_like_heading(block: str) -> bool:
    """One short line that does not end like a sentence."""
    line = block.strip()
    return (
        bool(line)
        and "\n" not in line
        and len(line.split()) <= MAX_HEADING_WORDS
        and not _SENTENCE_END.search(line)
        and not line.startswith(BULLET)
    )


def _one_line(text: str, what: str) -> str:
    if not text.strip() or "\n" in text or text != text.strip():
        raise LayoutError(f"{what} must be one non-empty line without outer spaces: {text!r}")
    return text


def render_voice(text: VoiceText) -> str:
    """The voice text, without a final newline; LayoutError if it would not read back."""
    title = _one_line(text.title, "the title")
    if text.bullets:
        if len(text.sections) != 1 or text.sections[0].heading:
            raise LayoutError("the bullets layout is one list without a heading")
        lines = [BULLET + _one_line(b, "a bullet") for b in text.sections[0].paragraphs]
        if not lines:
            raise LayoutError("a list needs at least one bullet")
        return f"{title}\n\n" + "\n".join(lines)
    blocks = [title]
    for section in text.sections:
        if not looks_like_heading(section.heading) or not section.paragraphs:
            raise LayoutError(f"not a heading with paragraphs: {section.heading!r}")
        blocks.append(_one_line(section.heading, "a heading"))
        for paragraph in section.paragraphs:
            if looks_like_heading(paragraph):
                raise LayoutError(f"a paragraph that reads as a heading: {paragraph!r}")
            blocks.append(_one_line(paragraph, "a paragraph"))
    if len(blocks) == 1:
        raise LayoutError("a voice text needs at least one section")
    return "\n\n".join(blocks)


def parse_voice(text: str) -> VoiceText:
    """A voice text in either layout; LayoutError says what does not fit."""
    blocks = text.strip("\n").split("\n\n")
    title, rest = blocks[0], blocks[1:]
    if "\n" in title or not title.strip() or not rest:
        raise LayoutError("a voice text starts with a one-line title, a blank line and a body")
    if rest[0].startswith(BULLET):
        lines = rest[0].split("\n")
        if len(rest) > 1 or not all(line.startswith(BULLET) for line in lines):
            raise LayoutError("the bullets layout is one block of '- ' lines")
        bullets = tuple(line[len(BULLET) :] for line in lines)
        return VoiceText(title, (Section("", bullets),), bullets=True)
    sections: list[Section] = []
    for block in rest:
        if looks_like_heading(block):
            sections.append(Section(block, ()))
        elif not sections:
            raise LayoutError(f"a paragraph before the first heading: {block[:60]!r}")
        elif "\n" in block:
            raise LayoutError(f"a paragraph must be one line: {block[:60]!r}")
        else:
            last = sections[-1]
            sections[-1] = Section(last.heading, (*last.paragraphs, block))
    if empty := [s.heading for s in sections if not s.paragraphs]:
        raise LayoutError(f"a heading without paragraphs: {empty[0]!r}")
    return VoiceText(title, tuple(sections))
