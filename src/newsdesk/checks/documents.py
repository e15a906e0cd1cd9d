"""Sources and drafts as the checks see them: sentences with offsets, entities and quotes.

A `Document` keeps each paragraph whitespace-normalised (as `text.split_sentences` does) and
joined by blank lines, so sentence, entity and quote offsets all point into one string. That
lets a quote that runs over two sentences, or a speaker named in the next sentence, be found.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from newsdesk.checks.entities import Entity
from newsdesk.checks.normal import name_key, tokens
from newsdesk.text import split_sentences

# Lines of the house layout (seed 000) that are not prose and are never checked.
_LAYOUT_LINE = re.compile(r"^(?:Category|Published on|Related articles|Tags):")
_QUOTE_PATTERNS = (
    re.compile(r"“([^”\n]+)(?:”|(?=\n)|$)"),
    re.compile(r'"([^"\n]+)(?:"|(?=\n)|$)'),
    re.compile(r"(?<![\w’])‘(.+?)’(?![a-z])"),
    re.compile(r"(?<![\w'])'([^'\n]+?)'(?!\w)"),
)

Annotate = Callable[[Sequence[str]], list[tuple[Entity, ...]]]


@dataclass(frozen=True, slots=True)
class SourceDoc:
    """One source article, as `newsdesk verify` reads it."""

    title: str
    outlet: str
    url: str
    published: datetime | None
    body: str


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence: `start`/`end` are offsets into its document's text."""

    text: str
    start: int
    end: int
    paragraph: int
    index: int  # position among the document's sentences (citations use it)
    entities: tuple[Entity, ...] = ()  # offsets relative to `text`


@dataclass(frozen=True, slots=True)
class Quote:
    """A quoted span: `text` without the marks, offsets into the document text."""

    text: str
    start: int
    end: int
    speaker: str | None  # name key of the person/organisation it is attributed to

    @property
    def words(self) -> str:
        """The quote as a space-padded token string, for verbatim comparison."""
        return f" {' '.join(tokens(self.text))} "


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    sentences: tuple[Passage, ...]
    quotes: tuple[Quote, ...]


def prose_paragraphs(text: str) -> list[str]:
    """Paragraphs of `text`, whitespace-normalised, without house-layout lines."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.split("\n") if not _LAYOUT_LINE.match(line.strip())]
        if block.strip().startswith("Related articles:"):
            continue  # the list of "headline, Outlet" lines under it is not prose either
        paragraph = " ".join(" ".join(lines).split())
        if paragraph:
            paragraphs.append(paragraph)
    return paragraphs


def _passages(paragraphs: Sequence[str]) -> tuple[str, list[Passage]]:
    text, offset = "", 0
    passages: list[Passage] = []
    for number, paragraph in enumerate(paragraphs):
        if text:
            text += "\n\n"
            offset += 2
        cursor = 0
        for sentence in split_sentences(paragraph):
            start = paragraph.index(sentence, cursor)
            cursor = start + len(sentence)
            passages.append(
                Passage(sentence, offset + start, offset + cursor, number, len(passages))
            )
        text += paragraph
        offset += len(paragraph)
    return text, passages


def _quote_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for pattern in _QUOTE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span(1)
            if not any(s <= start < e or start <= s < end for s, e in spans):
                spans.append((start, end))
    return sorted(spans)


def _mentions(
    doc_sentences: Sequence[Passage], labels: frozenset[str], quotes: Sequence[tuple[int, int]]
) -> list[tuple[int, int, str]]:
    """(start, end, name key) of entities with `labels`, in document offsets, outside quotes."""
    found = []
    for sentence in doc_sentences:
        for entity in sentence.entities:
            start, end = sentence.start + entity.start, sentence.start + entity.end
            if entity.label in labels and not any(s <= start < e for s, e in quotes):
                found.append((start, end, name_key(entity.text)))
    return found


def _speaker(
    sentences: Sequence[Passage], span: tuple[int, int], quotes: Sequence[tuple[int, int]]
) -> str | None:
    """Who is quoted: the nearest person in the quote's sentences, else the nearest
    organisation there, else the last person named in the three sentences before it."""
    start, end = span
    around = [s for s in sentences if s.start <= end + 1 and start - 1 <= s.end]
    for labels in (frozenset({"PERSON"}), frozenset({"ORG"})):
        near = _mentions(around, labels, quotes)
        if near:
            # Distance to the quote; a name after it ("..., Marek said") wins a tie.
            best = min(near, key=lambda m: (max(start - m[1], m[0] - end, 0), m[0] < start))
            return best[2]
    first = around[0].index if around else 0
    before = [s for s in sentences if first - 3 <= s.index < first]
    earlier = _mentions(before, frozenset({"PERSON"}), quotes)
    return earlier[-1][2] if earlier else None


def build_document(paragraphs: Sequence[str], entities: Sequence[tuple[Entity, ...]]) -> Document:
    """A document from paragraphs and the entities of its sentences (in sentence order)."""
    text, passages = _passages(paragraphs)
    sentences = tuple(
        Passage(p.text, p.start, p.end, p.paragraph, p.index, ents)
        for p, ents in zip(passages, entities, strict=True)
    )
    spans = _quote_spans(text)
    quotes = tuple(
        Quote(text[start:end], start, end, _speaker(sentences, (start, end), spans))
        for start, end in spans
    )
    return Document(text, sentences, quotes)


def sentence_texts(paragraphs: Sequence[str]) -> list[str]:
    """The sentences `build_document` will make, so their entities can be found in one batch."""
    return [p.text for p in _passages(paragraphs)[1]]
