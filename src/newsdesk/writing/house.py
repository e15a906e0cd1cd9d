"""The writing stage: one original article per story, in the house format (seed 000).

Our code decides what the article says and how it is built: factsheet.py picks the sources,
the facts and which facts go in which paragraph. The model only rewords one paragraph's facts
at a time, one sentence per fact, and proposes a title and category. rewording.py holds each
sentence to its fact (names, numbers, quotes, filler, length) and puts the source sentence
back where the model's fails; titles.py does the same for the title. With no model at all
(the extractive writer) the article is built from the source sentences alone.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from newsdesk.errors import InvalidInputError, ModelError, WritingError
from newsdesk.models.embedding import SupportsEmbed
from newsdesk.models.text import Completion, Prompt, TextModel, complete_json
from newsdesk.prompts import data_lines, prompt_template
from newsdesk.records import Article, HouseArticle, RelatedArticle, as_utc
from newsdesk.writing.claims import notes
from newsdesk.writing.drafts import EXTRACTIVE, Draft, Fact, StepTiming
from newsdesk.writing.factsheet import build_fact_sheet, pick_sources, plan_paragraphs
from newsdesk.writing.references import second_references
from newsdesk.writing.rewording import Line, Similar, align_reply, cite, verbatim
from newsdesk.writing.rules import (
    CATEGORIES,
    Category,
    SourceWords,
    looks_like_instruction,
    title_case,
)
from newsdesk.writing.titles import (
    choose_category,
    choose_tags,
    extractive_title,
    names_the_event,
    title_problem,
)

MIN_BODY_WORDS = 250
MAX_BODY_WORDS = 450
MIN_PARAGRAPHS = 4
MAX_PARAGRAPHS = 5


class Headline(BaseModel):
    """The model's title and category; the JSON schema constrains its output to this."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=10, max_length=140)
    category: Category


def write_story(
    sources: Sequence[Article],
    model: TextModel | None,
    *,
    now: datetime,
    embedder: SupportsEmbed | None = None,
) -> Draft:
    """Write one article from a story's source articles; `model=None` writes extractively.
    `embedder` lets the account tell one claim told in other words by several outlets once."""
    if not sources:
        raise InvalidInputError("write_story needs at least one source article")
    started = time.perf_counter()
    pick = pick_sources(sources)
    sheet = build_fact_sheet(sources, pick, embedder=embedder)
    plan = plan_paragraphs(sheet.facts)
    if not plan:
        raise WritingError("the sources have no sentence a story can be written from")
    session = _Session(model, sheet.evidence, similar=_similarity(embedder))
    session.steps.append(StepTiming("fact sheet", time.perf_counter() - started))
    session.notes.extend(f"dropped from sources: {reason}" for reason in sheet.dropped)
    headlines = [sources[i].title for i in pick.related]
    paragraphs = _second_references(_body(session, plan))
    bodies = [sources[g.lead].body for g in pick.groups]
    title, category = _headline(session, headlines, sheet.facts, bodies)
    article = HouseArticle(
        title=title,
        paragraphs=tuple(" ".join(line.text for line in lines) for lines in paragraphs),
        category=category,
        published=as_utc(now).replace(microsecond=0),
        related=tuple(_related(sources[i]) for i in pick.related),
        tags=choose_tags(headlines, [f.text for f in sheet.facts]),
    )
    return Draft(
        article=article,
        facts=sheet.facts,
        citations=cite(paragraphs),
        steps=tuple(session.steps),
        writer=model.name if model is not None else EXTRACTIVE,
        notes=tuple(session.notes),
        problems=tuple(_problems(article)),
    )


# -- talking to the model ---------------------------------------------------------------------


class _Metered:
    """A TextModel passing calls through and recording what each one cost under `step`."""

    def __init__(self, inner: TextModel, steps: list[StepTiming], step: str) -> None:
        self.name = inner.name
        self._inner, self._steps, self._step = inner, steps, step

    def complete(self, prompt: Prompt, *, schema: type[BaseModel] | None = None) -> Completion:
        completion = self._inner.complete(prompt, schema=schema)
        self._steps.append(
            StepTiming(
                self._step,
                completion.seconds,
                completion.prompt_tokens,
                completion.completion_tokens,
            )
        )
        return completion


@dataclass
class _Session:
    """One story's writing: the model (dropped after it fails once), costs and notes."""

    model: TextModel | None
    evidence: SourceWords
    similar: Similar | None = None  # meaning similarity of two sentences, with an embedder
    steps: list[StepTiming] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def complete(self, step: str, prompt: Prompt) -> str | None:
        if self.model is None:
            return None
        try:
            return _Metered(self.model, self.steps, step).complete(prompt).text
        except ModelError as exc:
            self._give_up(step, exc)
            return None

    def headline(self, prompt: Prompt) -> Headline | None:
        if self.model is None:
            return None
        try:
            return complete_json(_Metered(self.model, self.steps, "headline"), prompt, Headline)
        except ModelError as exc:
            # Output that breaks the schema is the model's fault for this call only.
            self.notes.append(f"headline: {exc}; title and category written without the model")
            return None

    def _give_up(self, step: str, exc: ModelError) -> None:
        # A model that cannot answer (server down, load failure) will not answer the next
        # call either: stop asking, so one story costs one timeout, not six.
        self.notes.append(f"{step}: the model failed ({exc}); the rest is written without it")
        self.model = None


# -- the body ---------------------------------------------------------------------------------


def _body(session: _Session, plan: Sequence[Sequence[Fact]]) -> list[list[Line]]:
    paragraphs = [_paragraph(session, n, len(plan), facts) for n, facts in enumerate(plan, start=1)]
    _fit_length(paragraphs, session.notes)
    return paragraphs


def _second_references(paragraphs: list[list[Line]]) -> list[list[Line]]:
    """Each person named in full once, by surname after (writing/references.py)."""
    texts = iter(second_references([line.text for lines in paragraphs for line in lines]))
    return [[replace(line, text=next(texts)) for line in lines] for lines in paragraphs]


def _word_range(fact_words: int) -> tuple[int, int]:
    """What we ask the model for; a rewording need not be shorter than its facts."""
    return max(20, round(0.8 * fact_words)), round(1.15 * fact_words) + 10


def paragraph_prompt(number: int, total: int, facts: Sequence[Fact]) -> Prompt:
    low, high = _word_range(sum(f.word_count for f in facts))
    role = ", the opening paragraph" if number == 1 else ""
    user = prompt_template("paragraph.txt").format(
        number=number,
        total=total,
        role=role,
        count=len(facts),
        min_words=low,
        max_words=high,
        facts=data_lines([notes(f.text) for f in facts]),
    )
    # About 1.4 tokens a word, plus room to finish the last sentence.
    return Prompt(
        system=prompt_template("desk_system.txt"),
        user=user,
        max_tokens=round(high * 1.4) + 24,
        temperature=0.2,
    )


def _paragraph(session: _Session, number: int, total: int, facts: Sequence[Fact]) -> list[Line]:
    """The model's sentence for each fact where it holds, the source sentence elsewhere."""
    reply = session.complete(f"paragraph {number}", paragraph_prompt(number, total, facts))
    if reply is None:
        return verbatim(facts)
    lines, found = align_reply(reply, facts, session.evidence, session.similar)
    session.notes.extend(f"paragraph {number}: {note}" for note in found)
    return lines


def _similarity(embedder: SupportsEmbed | None) -> Similar | None:
    """Cosine of two sentences' embeddings, each sentence embedded once per story."""
    if embedder is None:
        return None
    model = embedder
    cache: dict[str, NDArray[np.float32]] = {}

    def vector(text: str) -> NDArray[np.float32]:
        if text not in cache:
            row = np.asarray(model.embed([text])[0], dtype=np.float32)
            cache[text] = row / (float(np.linalg.norm(row)) or 1.0)
        return cache[text]

    def similar(a: str, b: str) -> float:
        return float(vector(a) @ vector(b))

    return similar


def _words(lines: Sequence[Line]) -> int:
    return sum(len(line.text.split()) for line in lines)


def _fit_length(paragraphs: list[list[Line]], notes: list[str]) -> None:
    """Swap model sentences for their source sentences until the body is 250-450 words:
    the longest shortfall first when short, the longest excess first when long."""

    def gap(line: Line) -> int:
        return line.fact.word_count - len(line.text.split())

    def swap(line: Line, why: str) -> None:
        for lines in paragraphs:
            if line in lines:
                lines[lines.index(line)] = replace(line, text=line.fact.text, by_model=False)
        notes.append(f"body too {why}: used the source sentence of {line.fact.text[:40]!r}")

    total = sum(map(_words, paragraphs))
    for line in sorted((x for p in paragraphs for x in p if x.by_model), key=gap, reverse=True):
        if total >= MIN_BODY_WORDS or gap(line) <= 0:
            break
        swap(line, "short")
        total += gap(line)
    for line in sorted((x for p in paragraphs for x in p if x.by_model), key=gap):
        if total <= MAX_BODY_WORDS or gap(line) >= 0:
            break
        swap(line, "long")
        total += gap(line)


# -- title, category, citations ---------------------------------------------------------------


def headline_prompt(headlines: Sequence[str], facts: Sequence[Fact]) -> Prompt:
    safe = [h for h in dict.fromkeys(headlines) if not looks_like_instruction(h)]
    user = prompt_template("headline.txt").format(
        headlines=data_lines(safe),
        facts=data_lines([f.text for f in facts[:3]]),
        categories=", ".join(CATEGORIES),
    )
    return Prompt(
        system=prompt_template("desk_system.txt"), user=user, max_tokens=60, temperature=0.2
    )


def _headline(
    session: _Session, headlines: Sequence[str], facts: Sequence[Fact], bodies: Sequence[str]
) -> tuple[str, str]:
    proposal = session.headline(headline_prompt(headlines, facts))
    # The subject decides the category, not the model: the same with or without one.
    category = choose_category([*headlines, *(f.text for f in facts)], context=bodies)
    title = None
    if proposal is not None:
        # Checked as the model wrote it: its capitals still tell names from words.
        proposed = " ".join(proposal.title.split()).rstrip(".")
        problem = title_problem(proposed, headlines, session.evidence)
        if problem is None:
            title = title_case(proposed)
        else:
            session.notes.append(f"headline: {problem}; title built from the lead fact")
    if title is None:
        title = extractive_title(facts, headlines, session.evidence)
    return names_the_event(title, headlines), category


def _problems(article: HouseArticle) -> list[str]:
    problems = []
    n = sum(len(p.split()) for p in article.paragraphs)
    if not MIN_BODY_WORDS <= n <= MAX_BODY_WORDS:
        problems.append(f"body has {n} words, outside {MIN_BODY_WORDS}-{MAX_BODY_WORDS}")
    if not MIN_PARAGRAPHS <= len(article.paragraphs) <= MAX_PARAGRAPHS:
        problems.append(f"body has {len(article.paragraphs)} paragraphs, not 4-5")
    return problems


def _related(article: Article) -> RelatedArticle:
    # The layout splits "headline, Outlet" at the last comma: an outlet name cannot hold one.
    headline = " ".join(article.title.split()) or article.url
    return RelatedArticle(headline, " ".join(article.outlet.replace(",", " ").split()))
