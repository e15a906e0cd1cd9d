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

from newsdesk.models.ner import Entity
from newsdesk.text import split_sentences
from newsdesk.verify.checks.normal import name_key, tokens

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
    speaker_label: str = ""  # PERSON or ORG; "" when `speaker` is None
    # When the speaker is only "he" or "she": every person the sentences before name, any of
    # whom the pronoun may point to (`speaker` is the nearest).
    candidates: tuple[str, ...] = ()

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


Mention = tuple[int, int, str]  # start, end, name key


def _mentions(
    doc_sentences: Sequence[Passage], labels: frozenset[str], quotes: Sequence[tuple[int, int]]
) -> list[Mention]:
    """(start, end, name key) of entities with `labels`, in document offsets, outside quotes."""
    found = []
    for sentence in doc_sentences:
        for entity in sentence.entities:
            start, end = sentence.start + entity.start, sentence.start + entity.end
            if entity.label in labels and not any(s <= start < e for s, e in quotes):
                found.append((start, end, name_key(entity.text)))
    return found


# Verbs that attribute a quote. "X said", "X, the mayor, said" and "said [title] X" name the
# speaker; "called", "told" and "found" take an object, so only the subject form counts.
_SPEECH = (
    r"(?:said|says|told|tells|added|adds|wrote|writes|stated|states|found|finds|ruled|rules"
    r"|argued|argues|warned|warns|called|calls|described|describes|insisted|insists|concluded"
    r"|declared|noted|explained|explains|announced|claimed|claims|replied|urged|urges)"
)
_SPEAKS_AFTER = re.compile(rf"(?:,[^,“”\"]{{1,60}},)?\s+(?:\w+ly\s+|also\s+)?{_SPEECH}\b")
# "said X", "according to X"; not "wrote on Twitter" (a place or medium, not a speaker).
_SPEAKS_BEFORE = re.compile(
    r"\b(?:said|says|added|adds|wrote|writes|asked|according\s+to)\s+"
    r"(?!(?:on|in|at|to|from|via|during|after|before|through)\b)"
    r"(?:[\w'’,\s-]|\b(?:Dr|Mr|Mrs|Ms|Prof|Gen|Col|Capt|Lt|Sgt|St)\.){0,60}$"
)
# A speech verb outside the quote, and the word before it: "the court found", "it said".
_ATTRIBUTION = re.compile(rf"(?:^|(?<=\s))(\w+)\s+(?:\w+ly\s+|also\s+)?{_SPEECH}\b")
_PERSON_PRONOUNS = frozenset({"he", "she"})


def _speaks(text: str, mention: Mention) -> bool:
    """Is this mention the one speaking ("Petrak called Halas '...'": Petrak, not Halas)?"""
    start, end, _ = mention
    if re.match(r"['’]s\b", text[end : end + 3]):
        return False  # "said Erdogan's party had ...": the owner of a subject, not a speaker
    before = text[max(0, start - 80) : start]
    return bool(_SPEAKS_AFTER.match(text, end) or _SPEAKS_BEFORE.search(before))


def _outside(text: str, start: int, end: int, quotes: Sequence[tuple[int, int]]) -> str:
    """text[start:end] with quoted spans blanked out (offsets kept)."""
    chars = list(text[start:end])
    for s, e in quotes:
        for i in range(max(s, start), min(e, end)):
            chars[i - start] = " "
    return "".join(chars)


def _own_attribution(
    text: str, around: Sequence[Passage], quotes: Sequence[tuple[int, int]]
) -> bool:
    """Do the quote's sentences say who speaks, other than by "he"/"she" ("the court found",
    "it said", "officials said")? Then an earlier sentence's person is not the speaker."""
    if not around:
        return False
    words = _outside(text, around[0].start, around[-1].end, quotes)
    return any(m.group(1).lower() not in _PERSON_PRONOUNS for m in _ATTRIBUTION.finditer(words))


# Words that may stand between an organisation and its spokesperson's name.
_TITLE_WORDS = re.compile(
    r"(?:\s+|[A-Z][\w'’.-]*|spokes\w*|press|secretary|officer|chief|executive|director"
    r"|president|minister|head|manager|official|representative|of|the|and|for)*"
)


def _named_after(text: str, best: Mention, speaking: Sequence[Mention]) -> Mention:
    """'said PSPC spokesperson Michele LaRose': the name that ends the attribution, not the
    organisation (tagged a person by the small model) in the title before it. Only title
    words may stand between ("Biden wrote on Twitter" names no spokesperson)."""
    for mention in sorted(speaking):
        between = text[best[1] : mention[0]]
        if mention[0] >= best[1] and len(between) <= 40 and _TITLE_WORDS.fullmatch(between):
            best = mention
    return best


def _speaker(
    text: str,
    sentences: Sequence[Passage],
    span: tuple[int, int],
    quotes: Sequence[tuple[int, int]],
) -> tuple[str | None, str, tuple[str, ...]]:
    """Who is quoted, and whether a PERSON or an ORG: in the quote's sentences the person
    who speaks ("X said", "said X"), else the nearest person, else the nearest organisation.
    With no name there, the last person named in the three sentences before, unless the
    sentences give the words to someone unnamed ("the court found"): then nobody."""
    start, end = span
    around = [s for s in sentences if s.start <= end + 1 and start - 1 <= s.end]
    for label in ("PERSON", "ORG"):
        near = _mentions(around, frozenset({label}), quotes)
        if near:
            speaking = [m for m in near if _speaks(text, m)] or near
            # Distance to the quote; a name after it ("..., Marek said") wins a tie.
            best = min(speaking, key=lambda m: (max(start - m[1], m[0] - end, 0), m[0] < start))
            return _named_after(text, best, speaking)[2], label, ()
    if _own_attribution(text, around, quotes):
        return None, "", ()
    first = around[0].index if around else 0
    before = [s for s in sentences if first - 3 <= s.index < first]
    earlier = _mentions(before, frozenset({"PERSON"}), quotes)
    if not earlier:
        return None, "", ()
    return earlier[-1][2], "PERSON", tuple(dict.fromkeys(m[2] for m in earlier))


def build_document(paragraphs: Sequence[str], entities: Sequence[tuple[Entity, ...]]) -> Document:
    """A document from paragraphs and the entities of its sentences (in sentence order)."""
    text, passages = _passages(paragraphs)
    sentences = tuple(
        Passage(p.text, p.start, p.end, p.paragraph, p.index, ents)
        for p, ents in zip(passages, entities, strict=True)
    )
    spans = _quote_spans(text)
    quotes = tuple(
        Quote(text[start:end], start, end, *_speaker(text, sentences, (start, end), spans))
        for start, end in spans
    )
    return Document(text, sentences, quotes)


def sentence_texts(paragraphs: Sequence[str]) -> list[str]:
    """The sentences `build_document` will make, so their entities can be found in one batch."""
    return [p.text for p in _passages(paragraphs)[1]]
