"""What the writing desk hands on: the article, the facts it was written from, and citations.

Kept apart from records.py for now so the writing stage can grow without touching the records
every stage shares; the types are small, frozen and typed like those in records.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsdesk.records import HouseArticle

EXTRACTIVE = "extractive"  # the writer's name when no model writes


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One sentence of one source: `article` indexes the sources given to the writer,
    `sentence` indexes `split_sentences(article.body)`."""

    article: int
    sentence: int


@dataclass(frozen=True, slots=True)
class Fact:
    """A source sentence chosen for the fact sheet, with where it came from."""

    text: str
    source: SourceRef
    outlet: str
    score: float
    position: float = 0.0  # where it stood in its article: 0 = first sentence, 1 = last
    # Other sources carrying the same fact (syndicated copies and close paraphrases).
    also_in: tuple[SourceRef, ...] = ()

    @property
    def word_count(self) -> int:
        return len(self.text.split())


@dataclass(frozen=True, slots=True)
class SentenceCitation:
    """One sentence of the body and the source sentences it was written from.

    `index` counts sentences across the whole body, `paragraph` which paragraph holds it;
    sentences are those of `split_sentences(paragraph)`.
    """

    index: int
    paragraph: int
    text: str
    sources: tuple[SourceRef, ...]
    verbatim: bool = False  # the source's own sentence (extractive or a model fallback)


@dataclass(frozen=True, slots=True)
class StepTiming:
    """One model call (or deterministic step) and what it cost."""

    step: str
    seconds: float
    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Draft:
    """An article written for a story, before verification."""

    article: HouseArticle
    facts: tuple[Fact, ...]
    citations: tuple[SentenceCitation, ...]
    steps: tuple[StepTiming, ...]
    writer: str  # the model's name, or "extractive"
    notes: tuple[str, ...] = ()  # what fell back to the extractive writer, and why
    problems: tuple[str, ...] = ()  # house rules the draft still breaks (e.g. thin sources)

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps)

    @property
    def prompt_tokens(self) -> int:
        return sum(step.prompt_tokens for step in self.steps)

    @property
    def completion_tokens(self) -> int:
        return sum(step.completion_tokens for step in self.steps)

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.article.paragraphs)


def fact_runs(facts: list[Fact], parts: int) -> list[tuple[Fact, ...]]:
    """`facts` split in order into at most `parts` runs of similar word count, none empty."""
    out: list[tuple[Fact, ...]] = []
    remaining = list(facts)
    for left in range(min(parts, len(facts)), 0, -1):
        if left == 1:
            out.append(tuple(remaining))
            break
        target = sum(f.word_count for f in remaining) / left
        run = [remaining.pop(0)]
        while len(remaining) > left - 1:
            size = sum(f.word_count for f in run)
            if abs(size + remaining[0].word_count - target) >= abs(size - target):
                break
            run.append(remaining.pop(0))
        out.append(tuple(run))
    return out
