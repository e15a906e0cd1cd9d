"""The writing stage: one original article per story, in the house format (seed 000).

Our code decides what the article says and how it is built: factsheet.py picks the sources,
the facts and which facts go in which paragraph. The model writes one sentence per fact, from
the fact's notes (claims.py), never seeing the source sentence, shown worked examples of what
"in your own words" means; and it proposes a title and category. rewording.py holds each
sentence to its fact (names, numbers, quotes, filler, length) and `copy_check` to the desk's
own words; a sentence that fails is asked for once more with the reason, then the source
sentence stands (cited as the source's). titles.py does the same for the title. With no
model at all (the extractive writer) the article is built from the source sentences alone.
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
from newsdesk.prompts import data_lines, prompt_template, worked_examples
from newsdesk.records import Article, HouseArticle, RelatedArticle, as_utc
from newsdesk.writing.claims import notes
from newsdesk.writing.drafts import EXTRACTIVE, Draft, Fact, StepTiming
from newsdesk.writing.factsheet import build_fact_sheet, pick_sources, plan_paragraphs
from newsdesk.writing.originality import copying
from newsdesk.writing.originality import words as originality_words
from newsdesk.writing.references import second_references
from newsdesk.writing.rewording import (
    Copied,
    Line,
    Similar,
    align_reply,
    cite,
)
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

# A model sentence whose words outside quotations are at least this share one run of one
# source's wording is that source's copy (issue: in the desk's own words); sentences with
# fewer words than MIN_GATED_WORDS outside quotations are not held to it.
MAX_COPIED = 0.8
MIN_GATED_WORDS = 6
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
    session = _Session(
        model, sheet.evidence, copied=copy_check(sources), similar=_similarity(embedder)
    )
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
    copied: Copied  # why a sentence is a source's copy, or None
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
    paragraphs = [_paragraph(session, n, facts) for n, facts in enumerate(plan, start=1)]
    _fit_length(paragraphs, session.notes)
    return paragraphs


def _second_references(paragraphs: list[list[Line]]) -> list[list[Line]]:
    """Each person named in full once, by surname after (writing/references.py)."""
    texts = iter(second_references([line.text for lines in paragraphs for line in lines]))
    return [[replace(line, text=next(texts)) for line in lines] for lines in paragraphs]


def sentence_prompt(fact: Fact, reason: str | None = None) -> Prompt:
    """Ask for `fact` as one sentence in the desk's own words, written from its notes (never
    its source sentence); `reason` says why the last try was turned down. The system text and
    the worked examples are the same for every call: llama.cpp reads them once a story."""
    template = "sentence.txt" if reason is None else "sentence-again.txt"
    user = prompt_template(template).format(note=data_lines([notes(fact.text)]), reason=reason)
    return Prompt(
        system=prompt_template("desk_system.txt") + prompt_template("sentence-task.txt"),
        user=user,
        # About 1.4 tokens a word, room for a longer sentence than the fact's
        max_tokens=round(fact.word_count * 1.6 * 1.4) + 24,
        # A second try is a different sentence, not the same one again
        temperature=0.2 if reason is None else 0.7,
        examples=worked_examples("sentence-examples.toml", "sentence.txt"),
    )


def _paragraph(session: _Session, number: int, facts: Sequence[Fact]) -> list[Line]:
    """One sentence of the model's for each fact where it holds, the source sentence
    elsewhere. Without a model (none, or one that stopped answering) the paragraph is the
    facts' own sentences: the extractive writer."""
    return [_sentence(session, number, fact, facts) for fact in facts]


def _sentence(session: _Session, number: int, fact: Fact, facts: Sequence[Fact]) -> Line:
    """The model's sentence for `fact`, asked once more with the reason when it fails."""
    if session.model is None or session.copied(fact.text) is None:
        # Under MIN_GATED_WORDS words outside quotation marks (a quotation and its speaker,
        # "Ana Ruiz said"): said as the source says it, nothing to write anew.
        return Line(fact.text, fact, by_model=False)
    others = [f for f in facts if f is not fact]
    reason = None
    for attempt in ("asked again", "used the source sentence"):
        reply = session.complete(f"paragraph {number}", sentence_prompt(fact, reason))
        if reply is None:
            break
        (line,), found = align_reply(
            reply,
            [fact],
            session.evidence,
            session.similar,
            neighbours=others,
            copied=session.copied,
        )
        if line.by_model:
            session.notes.extend(f"paragraph {number}: {note}" for note in found)
            return line
        reason = _reason(found)
        notes = [n.replace("used the source sentence", attempt) for n in found]
        session.notes.extend(f"paragraph {number}: {note}" for note in notes)
    return Line(fact.text, fact, by_model=False, stand_in=reply is not None)


def _reason(notes: Sequence[str]) -> str:
    """What was wrong with the one fact's sentence, from align_reply's note on it."""
    note = next((n for n in notes if n.startswith("fact 1:")), "it did not tell the fact")
    return note.removeprefix("fact 1: ").split(" in '")[0].split(' in "')[0].split("; used")[0]


def copy_check(sources: Sequence[Article]) -> Copied:
    """Why a sentence is a source's copy: MAX_COPIED of its words outside quotations are one
    run of one source's wording. Sentences with fewer than MIN_GATED_WORDS words outside
    quotations are not held to it: "..., Ana Ruiz said" around a quotation has few other
    ways to be said."""
    bodies = [originality_words(a.body) for a in sources]

    def copied(sentence: str) -> str | None:
        found = copying(sentence, bodies)
        if found.words >= MIN_GATED_WORDS and found.share >= MAX_COPIED:
            return f"copies {found.copied} of its {found.words} words from a source in a row"
        return None

    return copied


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
    """Hold the body to 250-450 words without adding any source's copy. Over 450 words, the
    weakest facts go (stand-ins first); then a source sentence standing in for a failed
    model sentence goes wherever the body stays at 250 words or more and keeps 4 paragraphs.
    The opening sentence stays: it carries the main fact. A body left short is a problem the
    draft reports, not filled with copy."""

    def removable(p: int, k: int) -> bool:
        if (p, k) == (0, 0):
            return False
        return len(paragraphs[p]) > 1 or len([x for x in paragraphs if x]) > MIN_PARAGRAPHS

    def drop(line: Line, why: str) -> int:
        for lines in paragraphs:
            if line in lines:
                lines.remove(line)
        notes.append(f"{why}: left out {line.text[:50]!r}")
        return len(line.text.split())

    def ranked(only_stand_ins: bool) -> list[Line]:
        found = [
            (not line.stand_in, line.fact.score, line)
            for p, lines in enumerate(paragraphs)
            for k, line in enumerate(lines)
            if removable(p, k) and (line.stand_in or not only_stand_ins)
        ]
        return [line for *_, line in sorted(found, key=lambda t: (t[0], t[1]))]

    total = sum(map(_words, paragraphs))
    while total > MAX_BODY_WORDS and (weakest := ranked(only_stand_ins=False)):
        total -= drop(weakest[0], "body too long")
    while stand_ins := [
        line for line in ranked(only_stand_ins=True) if total - _words([line]) >= MIN_BODY_WORDS
    ]:
        total -= drop(stand_ins[0], "a source's sentence the body can do without")
    paragraphs[:] = [lines for lines in paragraphs if lines]


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
