"""The writing stage: one original article per story, in the house format (seed 000).

Our code decides what the article says and how it is built: factsheet.py picks the sources,
the facts and which facts go in which paragraph. The model only rewords one paragraph's facts
at a time and proposes a title and category; every reply is checked (length, names, numbers,
quotes, filler) and a paragraph or title that fails falls back to the source sentences. With
no model at all (the extractive writer) the article is built from the source sentences alone.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field

from newsdesk.drafts import Draft, Fact, SentenceCitation, StepTiming
from newsdesk.errors import ModelError, NewsdeskError
from newsdesk.models.text import Completion, Prompt, TextModel, complete_json
from newsdesk.records import Article, HouseArticle, RelatedArticle
from newsdesk.stages.factsheet import build_fact_sheet, pick_sources, plan_paragraphs
from newsdesk.stages.titles import choose_category, choose_tags, extractive_title, title_problem
from newsdesk.text import STOPWORDS, split_sentences, words
from newsdesk.writing_rules import (
    CATEGORIES,
    Category,
    Evidence,
    dice,
    filler_phrases,
    is_filler,
    looks_like_instruction,
    outside_quotes,
    stem_set,
    title_case,
)

MIN_BODY_WORDS = 250
MAX_BODY_WORDS = 450
MIN_PARAGRAPHS = 4
MAX_PARAGRAPHS = 5
MIN_SUPPORT = 0.6  # share of a model sentence's content words that sources must use
MIN_KEPT_DETAILS = 0.6  # share of a paragraph's names and numbers its rewording must keep
EXTRACTIVE = "extractive"

_META = re.compile(
    r"(?i)\b(?:the\s+(?:facts|data|paragraph|text)\s+(?:provided|given|above|below)"
    r"|fact\s+sheet|as\s+an\s+ai|i\s+(?:cannot|can't|will|have)|as\s+requested|rewritten"
    r"|here\s+is|here's)\b"
)
_LABEL_LINE = re.compile(r"(?im)^\s*(?:#+.*|\*\*[^*]+\*\*:?|paragraph\s+\d+.*:|title:.*)\s*$")
_BULLET = re.compile(r"(?m)^\s*(?:[-*•]|\d+[.)])\s+")
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")
_ATTRIBUTING = re.compile(
    r"(?i)\b(?:said|says|told|added|announced|stated|called|praised|expressed|described"
    r"|warned|urged|admitted|explained|noted|insisted|claimed|welcomed|according)\b"
)
_CLAUSES = re.compile(r",?\s+(?:and|while|but|whereas)\s+(?=[A-Z])|;\s+")
_QUOTE_MARK = re.compile(r"[\"“”]")
_DETAIL = re.compile(r"\d+(?:[.,]\d+)*|\b[A-Z][a-z]+(?:[-'][A-Za-z]+)?\b")


class WritingError(NewsdeskError):
    """The sources give nothing to write from (no usable sentence in any of them)."""


class Headline(BaseModel):
    """The model's title and category; the JSON schema constrains its output to this."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=10, max_length=140)
    category: Category


@cache
def prompt_template(name: str) -> str:
    """A prompt template from `newsdesk/prompts/` (package data)."""
    return resources.files("newsdesk").joinpath("prompts", name).read_text(encoding="utf-8")


def write_story(sources: Sequence[Article], model: TextModel | None, *, now: datetime) -> Draft:
    """Write one article from a story's source articles; `model=None` writes extractively."""
    if not sources:
        raise ValueError("write_story needs at least one source article")
    started = time.perf_counter()
    pick = pick_sources(sources)
    sheet = build_fact_sheet(sources, pick)
    plan = plan_paragraphs(sheet.facts)
    if not plan:
        raise WritingError("the sources have no sentence a story can be written from")
    session = _Session(model, sheet.evidence, sheet.facts)
    session.steps.append(StepTiming("fact sheet", time.perf_counter() - started))
    session.notes.extend(f"dropped from sources: {reason}" for reason in sheet.dropped)
    headlines = [sources[i].title for i in pick.related]
    paragraphs = _body(session, plan)
    title, category = _headline(session, headlines, sheet.facts)
    article = HouseArticle(
        title=title,
        paragraphs=tuple(paragraphs),
        category=category,
        published=_utc_seconds(now),
        related=tuple(_related(sources[i]) for i in pick.related),
        tags=choose_tags(headlines, [f.text for f in sheet.facts]),
    )
    return Draft(
        article=article,
        facts=sheet.facts,
        citations=cite(paragraphs, plan),
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
    evidence: Evidence
    facts: Sequence[Fact]  # the whole fact sheet: who said what, for attribution checks
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


def _data_lines(texts: Sequence[str]) -> str:
    """Source text as data lines; angle brackets go so no text can close our data block."""
    return "\n".join("- " + " ".join(t.replace("<", " ").replace(">", " ").split()) for t in texts)


# -- the body ---------------------------------------------------------------------------------


def _extractive(facts: Sequence[Fact]) -> str:
    return " ".join(f.text for f in facts)


def _body(session: _Session, plan: Sequence[Sequence[Fact]]) -> list[str]:
    extractive = [_extractive(facts) for facts in plan]
    written = [
        _model_paragraph(session, n, len(plan), facts) for n, facts in enumerate(plan, start=1)
    ]
    paragraphs = [w or e for w, e in zip(written, extractive, strict=True)]
    _fit_length(paragraphs, extractive, session.notes)
    return paragraphs


def _word_range(fact_words: int) -> tuple[int, int]:
    """What we ask the model for; a rewording need not be shorter than its facts."""
    return max(20, round(0.75 * fact_words)), round(1.15 * fact_words) + 10


def paragraph_prompt(number: int, total: int, facts: Sequence[Fact]) -> Prompt:
    low, high = _word_range(sum(f.word_count for f in facts))
    role = ", the opening paragraph: start with the most important fact" if number == 1 else ""
    user = prompt_template("paragraph.txt").format(
        number=number,
        total=total,
        role=role,
        min_words=low,
        max_words=high,
        facts=_data_lines([f.text for f in facts]),
    )
    # About 1.4 tokens a word, plus room to finish the last sentence.
    return Prompt(
        system=prompt_template("desk_system.txt"),
        user=user,
        max_tokens=round(high * 1.4) + 24,
        temperature=0.2,
    )


def _model_paragraph(
    session: _Session, number: int, total: int, facts: Sequence[Fact]
) -> str | None:
    """The model's rewording of one paragraph's facts, or None when it fails a check."""
    reply = session.complete(f"paragraph {number}", paragraph_prompt(number, total, facts))
    if reply is None:
        return None
    paragraph, dropped = clean_paragraph(reply, session.evidence, session.facts)
    problem = _paragraph_problem(paragraph, facts)
    if problem is not None:
        session.notes.append(f"paragraph {number}: {problem}; used the source sentences")
        return None
    for sentence, reason in dropped:
        session.notes.append(f"paragraph {number}: dropped {sentence[:60]!r} ({reason})")
    return paragraph


def clean_paragraph(
    reply: str, evidence: Evidence, facts: Sequence[Fact] = ()
) -> tuple[str, list[tuple[str, str]]]:
    """The model's reply as one paragraph, without the sentences that break house rules."""
    text = _LABEL_LINE.sub(" ", reply.replace("```", " "))
    text = " ".join(_BULLET.sub("", text).split()).strip()
    if len(text) > 1 and text[0] == text[-1] == '"' and text.count('"') == 2:
        text = text[1:-1]
    kept: list[str] = []
    dropped: list[tuple[str, str]] = []
    for sentence in split_sentences(text):
        reason = sentence_problem(sentence, evidence) or misattribution(sentence, facts)
        if reason is None and any(dice(stem_set(sentence), stem_set(k)) > 0.8 for k in kept):
            reason = "repeats an earlier sentence"
        if reason is None:
            kept.append(sentence)
        else:
            dropped.append((sentence, reason))
    return " ".join(kept), dropped


def sentence_problem(sentence: str, evidence: Evidence) -> str | None:
    """Why a model-written sentence cannot stand, or None when it can."""
    if tainted := evidence.tainted_words(sentence):
        return f"repeats an instruction planted in a source: {', '.join(tainted)}"
    checks = (
        (not sentence.rstrip("\"'”’)").endswith((".", "!", "?")), "cut off"),
        (looks_like_instruction(sentence), "reads like an instruction"),
        (bool(_META.search(outside_quotes(sentence))), "talks about the task"),
        (is_filler(sentence, evidence), f"filler: {', '.join(filler_phrases(sentence))}"),
    )
    for failed, reason in checks:
        if failed:
            return reason
    if numbers := evidence.unknown_numbers(sentence):
        return f"numbers no source has: {', '.join(sorted(numbers))}"
    if names := evidence.unknown_names(sentence):
        return f"names no source has: {', '.join(names)}"
    for quote in _QUOTED.findall(sentence):
        if not evidence.says(quote):
            return "a quotation no source has word for word"
    if evidence.support(sentence) < MIN_SUPPORT:
        return "wording mostly not from the sources"
    return None


def _speakers(facts: Sequence[Fact]) -> set[str]:
    """Capitalised words outside the quotation marks of the facts that quote someone."""
    return {
        w
        for f in facts
        if _QUOTE_MARK.search(f.text)
        for w in words(outside_quotes(f.text))
        if w[0].isupper() and w.lower() not in STOPWORDS
    }


def misattribution(sentence: str, facts: Sequence[Fact]) -> str | None:
    """A speaker credited with what another fact says ("Castell announced that the closure
    cost 2,400 jobs"): each attributing clause must mostly come from a fact naming them."""
    speakers = _speakers(facts)
    for clause in _CLAUSES.split(sentence):
        stems = stem_set(clause)
        if not stems or not _ATTRIBUTING.search(clause):
            continue
        for name in speakers.intersection(words(clause)):
            holders = [stem_set(f.text) for f in facts if name in words(f.text)]
            if max(len(stems & h) / len(stems) for h in holders) < 0.5:
                return f"credits {name} with words from another fact"
    return None


def _details(text: str) -> set[str]:
    """Numbers and capitalised words: what a rewording must not lose."""
    found = (m.group(0).lower().replace(",", "") for m in _DETAIL.finditer(text))
    return {d for d in found if d not in STOPWORDS}


def _paragraph_problem(paragraph: str, facts: Sequence[Fact]) -> str | None:
    fact_words = sum(f.word_count for f in facts)
    n = len(paragraph.split())
    if n < 0.55 * fact_words:
        return f"{n} words for {fact_words} words of facts"
    if n > 1.5 * fact_words + 10:
        return f"{n} words for {fact_words} words of facts (padded)"
    wanted = _details(_extractive(facts))
    if wanted:
        kept = len(wanted & _details(paragraph)) / len(wanted)
        if kept < MIN_KEPT_DETAILS:
            return f"kept only {kept:.0%} of the names and numbers"
    return None


def _fit_length(paragraphs: list[str], extractive: Sequence[str], notes: list[str]) -> None:
    """Swap model paragraphs for the source sentences until the body is 250-450 words."""

    def total() -> int:
        return sum(len(p.split()) for p in paragraphs)

    def gap(i: int) -> int:
        return len(extractive[i].split()) - len(paragraphs[i].split())

    while total() < MIN_BODY_WORDS:
        i = max(range(len(paragraphs)), key=gap)
        if gap(i) <= 0:
            break
        paragraphs[i] = extractive[i]
        notes.append(f"paragraph {i + 1}: body too short; used the source sentences")
    while total() > MAX_BODY_WORDS:
        i = min(range(len(paragraphs)), key=gap)
        if gap(i) >= 0:
            break
        paragraphs[i] = extractive[i]
        notes.append(f"paragraph {i + 1}: body too long; used the source sentences")


# -- title, category, citations ---------------------------------------------------------------


def headline_prompt(headlines: Sequence[str], facts: Sequence[Fact]) -> Prompt:
    safe = [h for h in dict.fromkeys(headlines) if not looks_like_instruction(h)]
    user = prompt_template("headline.txt").format(
        headlines=_data_lines(safe),
        facts=_data_lines([f.text for f in facts[:3]]),
        categories=", ".join(CATEGORIES),
    )
    return Prompt(
        system=prompt_template("desk_system.txt"), user=user, max_tokens=60, temperature=0.2
    )


def _headline(
    session: _Session, headlines: Sequence[str], facts: Sequence[Fact]
) -> tuple[str, str]:
    proposal = session.headline(headline_prompt(headlines, facts))
    category = proposal.category if proposal else choose_category([f.text for f in facts])
    if proposal is not None:
        # Checked as the model wrote it: its capitals still tell names from words.
        title = " ".join(proposal.title.split()).rstrip(".")
        problem = title_problem(title, headlines, session.evidence)
        if problem is None:
            return title_case(title), category
        session.notes.append(f"headline: {problem}; title built from the lead fact")
    return extractive_title(facts, headlines, session.evidence), category


def cite(paragraphs: Sequence[str], plan: Sequence[Sequence[Fact]]) -> tuple[SentenceCitation, ...]:
    """Each body sentence with the facts of its own paragraph it overlaps most: the model saw
    only that paragraph's facts, so its sources can only be among them."""
    citations: list[SentenceCitation] = []
    for p, (paragraph, facts) in enumerate(zip(paragraphs, plan, strict=True)):
        for sentence in split_sentences(paragraph):
            stems = stem_set(sentence)
            scores = [dice(stems, stem_set(f.text)) for f in facts]
            best = max(scores, default=0.0)
            ranked = sorted(zip(scores, range(len(facts)), strict=True), reverse=True)
            cited = [facts[i] for s, i in ranked if s >= max(0.15, 0.6 * best)]
            cited = cited or [facts[ranked[0][1]]]
            refs = dict.fromkeys(r for f in cited for r in (f.source, *f.also_in))
            citations.append(SentenceCitation(len(citations), p, sentence, tuple(refs)))
    return tuple(citations)


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


def _utc_seconds(now: datetime) -> datetime:
    now = now.replace(tzinfo=UTC) if now.tzinfo is None else now.astimezone(UTC)
    return now.replace(microsecond=0)
