"""The restyle stage: a story, or one article, told again in a voice with its facts intact.

Built like the house writer (writing/house.py) and from the same parts: the fact sheet
(factsheet.py) decides what is said, sections.py decides under which heading; the model only
rewords one section's facts at a time in the voice (and proposes the section's heading where
the voice has no fixed ones). rewording.align_reply holds each sentence to its fact, and on top a
sentence that loses any of its fact's numbers, names or quotations is replaced by the fact
itself. Without a model the voice is laid out from the source sentences. Checking the result
against the sources (verify, repair, coverage) is pipeline/voices.py's job.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsdesk.errors import ModelError, WritingError
from newsdesk.formats.voice import Section, VoiceText, looks_like_heading, render_voice
from newsdesk.models.text import Prompt, TextModel
from newsdesk.prompts import data_lines, prompt_template
from newsdesk.prompts.voices import Voice, load_voice
from newsdesk.records import Article
from newsdesk.text import STOPWORDS, words
from newsdesk.writing.drafts import EXTRACTIVE, Fact, SentenceCitation, StepTiming
from newsdesk.writing.factsheet import build_fact_sheet, pick_sources

# The house writer's prompt loader, data-line quoting (so no source text can close our data
# block) and citation builder: one implementation for both writers.
from newsdesk.writing.rewording import Line, align_reply, cite, verbatim
from newsdesk.writing.rules import SourceWords, looks_like_instruction, numbers_in, title_case
from newsdesk.writing.sections import (
    SectionPlan,
    carried_facts,
    clean_heading,
    fallback_heading,
    heading_problem,
    plan_sections,
)
from newsdesk.writing.titles import extractive_title, title_problem

M = TypeVar("M", bound=BaseModel)
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")
_HEDGED = re.compile(
    r"(?i)\b(about|around|roughly|some|nearly|almost|approximately|an estimated|more than"
    r"|less than|fewer than|at least|up to|over|under)\s+(\d[\d,.]*\d|\d)"
)


class SectionReply(BaseModel):
    """A section of a voice whose headings the model proposes (grammar-constrained JSON)."""

    model_config = ConfigDict(extra="forbid")

    # No max_length on the text: llama.cpp turns one into a grammar rule per character, and
    # a paragraph's worth of them is more than its grammar parser accepts.
    heading: str = Field(min_length=1, max_length=60)
    text: str = Field(min_length=1)


class VoiceTitle(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=10, max_length=140)


@dataclass(frozen=True, slots=True)
class RewriteSection:
    heading: str  # "" for the bullets layout
    paragraphs: tuple[tuple[Line, ...], ...]  # bullets: one line a paragraph
    heading_by_model: bool = False
    fallback: str = ""  # our code's heading, for when the verifier rejects the model's

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for paragraph in self.paragraphs for line in paragraph)


@dataclass(frozen=True, slots=True)
class Rewrite:
    """A story told in a voice: sections of lines, each line one fact (its citation)."""

    voice: Voice
    title: str
    sections: tuple[RewriteSection, ...]
    facts: tuple[Fact, ...]  # the fact sheet
    headlines: tuple[str, ...]  # the sources' headlines (titles must not copy them)
    written: datetime
    writer: str  # the model's name, or "extractive"
    steps: tuple[StepTiming, ...] = ()
    notes: tuple[str, ...] = ()
    title_by_model: bool = False
    fallback_title: str = ""  # our code's title, for when the verifier rejects the model's

    @property
    def carried(self) -> tuple[Fact, ...]:
        """The facts this voice is meant to tell: its coverage is measured on these."""
        return carried_facts(self.voice, self.facts)

    @property
    def lines(self) -> tuple[Line, ...]:
        return tuple(line for section in self.sections for line in section.lines)

    @property
    def paragraphs(self) -> tuple[tuple[Line, ...], ...]:
        return tuple(p for section in self.sections for p in section.paragraphs)

    @property
    def layout(self) -> VoiceText:
        sections = tuple(
            Section(s.heading, tuple(_paragraph_text(p) for p in s.paragraphs))
            for s in self.sections
        )
        return VoiceText(self.title, sections, bullets=self.voice.layout == "bullets")

    @property
    def text(self) -> str:
        """The seed-001 layout (or the brief's bullets)."""
        return render_voice(self.layout)

    @property
    def body(self) -> str:
        """Paragraphs (bullets) without title and headings: what the verifier reads."""
        return "\n\n".join(_paragraph_text(p) for p in self.paragraphs)

    @property
    def citations(self) -> tuple[SentenceCitation, ...]:
        return cite(self.paragraphs)

    @property
    def seconds(self) -> float:
        return sum(step.seconds for step in self.steps)

    def map_lines(self, change: Callable[[Line], Line | None]) -> Rewrite:
        """The rewrite with each line changed (None drops it); emptied parts go too."""
        sections = []
        for section in self.sections:
            kept = [tuple(x for x in map(change, p) if x is not None) for p in section.paragraphs]
            paragraphs = tuple(p for p in kept if p)
            if paragraphs:
                sections.append(replace(section, paragraphs=paragraphs))
        return replace(self, sections=tuple(sections))


def _paragraph_text(lines: Sequence[Line]) -> str:
    text = " ".join(line.text for line in lines)
    # A source sentence may lack its full stop; without one the layout would read it as a
    # heading.
    return text if not looks_like_heading(text) else text + "."


# -- the stage ---------------------------------------------------------------------------------


def restyle(
    sources: Sequence[Article], voice: Voice | str, model: TextModel | None, *, now: datetime
) -> Rewrite:
    """Tell the story of `sources` in `voice`; `model=None` lays it out from source sentences."""
    voice = load_voice(voice) if isinstance(voice, str) else voice
    if not sources:
        raise ValueError("restyle needs at least one source article")
    started = time.perf_counter()
    pick = pick_sources(sources)
    sheet = build_fact_sheet(sources, pick)
    plans = plan_sections(voice, sheet.facts)
    if not plans:
        raise WritingError("the sources have no sentence a story can be told from")
    calls = _Calls(model, [StepTiming("fact sheet", time.perf_counter() - started)], [])
    headlines = tuple(h for h in dict.fromkeys(sources[i].title for i in pick.related) if h.strip())
    sections: list[RewriteSection] = []
    for number in range(1, len(plans) + 1):
        earlier = [s.heading for s in sections]
        sections.append(_section(calls, voice, number, plans, sheet.evidence, earlier))
    fallback_title = extractive_title(sheet.facts, headlines, sheet.evidence)
    title, by_model = _title(calls, voice, headlines, sheet.facts, sheet.evidence)
    title = title or fallback_title
    return Rewrite(
        voice=voice,
        title=title,
        sections=tuple(sections),
        facts=sheet.facts,
        headlines=headlines,
        written=now.astimezone(UTC).replace(microsecond=0),
        writer=model.name if model is not None else EXTRACTIVE,
        steps=tuple(calls.steps),
        notes=tuple(calls.notes),
        title_by_model=by_model,
        fallback_title=fallback_title,
    )


@dataclass
class _Calls:
    """One rewrite's model calls: the model (dropped after it fails once), costs, notes."""

    model: TextModel | None
    steps: list[StepTiming] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def text(self, step: str, prompt: Prompt, schema: type[BaseModel] | None = None) -> str | None:
        if self.model is None:
            return None
        try:
            completion = self.model.complete(prompt, schema=schema)
        except ModelError as exc:
            # A model that cannot answer will not answer the next call either.
            self.notes.append(f"{step}: the model failed ({exc}); the rest is written without it")
            self.model = None
            return None
        self.steps.append(
            StepTiming(
                step, completion.seconds, completion.prompt_tokens, completion.completion_tokens
            )
        )
        return completion.text

    def json(self, step: str, prompt: Prompt, schema: type[M]) -> M | None:
        reply = self.text(step, prompt, schema)
        if reply is None:
            return None
        try:
            return schema.model_validate(json.loads(reply))
        except (json.JSONDecodeError, ValidationError):
            # Output that breaks the schema is the model's fault for this call only.
            self.notes.append(f"{step}: the reply is not the JSON asked for: {reply[:80]!r}")
            return None


# -- sections ----------------------------------------------------------------------------------


def section_prompt(voice: Voice, number: int, total: int, plan: SectionPlan) -> Prompt:
    words_in = sum(f.word_count for f in plan.facts)
    about = f', under the heading "{plan.heading}"' if plan.heading else ""
    if voice.proposes_headings:
        reply = (
            'Reply with JSON: {"heading": "a short heading for this part, 2 to 6 words, '
            'using only words from these facts", "text": "the sentences"}'
        )
    else:
        reply = "Reply with the sentences only."
    user = prompt_template("restyle-section.txt").format(
        number=number,
        total=total,
        voice=voice.name,
        about=about,
        instructions=voice.prompt_instructions,
        count=len(plan.facts),
        facts=data_lines([f.text for f in plan.facts]),
        reply=reply,
    )
    # About 1.4 tokens a word; a chatty voice adds words, JSON adds its frame and heading.
    tokens = round(words_in * 1.4 * 1.4) + (60 if voice.proposes_headings else 24)
    return Prompt(
        system=prompt_template("restyle-system.txt"),
        user=user,
        max_tokens=tokens,
        temperature=voice.temperature,
    )


def _section(
    calls: _Calls,
    voice: Voice,
    number: int,
    plans: Sequence[SectionPlan],
    evidence: SourceWords,
    earlier: Sequence[str],
) -> RewriteSection:
    plan = plans[number - 1]
    prompt = section_prompt(voice, number, len(plans), plan)
    step = f"section {number}"
    heading, by_model = plan.heading, False
    if not heading and voice.layout == "sectioned":  # ours, unless the model's one stands
        heading = fallback_heading(plan.facts, earlier)
    fallback = heading
    if voice.proposes_headings:
        reply = calls.json(step, prompt, SectionReply)
        text = reply.text if reply else None
        if reply is not None:
            proposed = clean_heading(reply.heading)
            problem = heading_problem(proposed, plan.facts, earlier, evidence, voice=voice.name)
            if problem is None:
                heading, by_model = title_case(proposed), True
            else:
                calls.notes.append(f"{step} heading: {problem} in {proposed[:40]!r}")
    else:
        text = calls.text(step, prompt)
    lines = _reworded(calls.notes, step, voice, plan.facts, text, evidence)
    paragraphs, start = [], 0
    for facts in plan.paragraphs if voice.layout == "sectioned" else [(f,) for f in plan.facts]:
        paragraphs.append(tuple(lines[start : start + len(facts)]))
        start += len(facts)
    return RewriteSection(heading, tuple(paragraphs), by_model, fallback)


def _reworded(
    notes: list[str],
    step: str,
    voice: Voice,
    facts: Sequence[Fact],
    reply: str | None,
    evidence: SourceWords,
) -> list[Line]:
    """One line per fact, in order: the model's sentence where every check holds."""
    if reply is None:
        return verbatim(facts)
    lines, found = align_reply(reply, facts, evidence)
    notes.extend(f"{step}: {note}" for note in found)
    kept = []
    for line in lines:
        problem = _voice_problem(voice, line) if line.by_model else None
        if problem:
            notes.append(f"{step}: {problem} in {line.text[:60]!r}; used the source sentence")
            line = Line(line.fact.text, line.fact, by_model=False)
        kept.append(line)
    return kept


def _voice_problem(voice: Voice, line: Line) -> str | None:
    """Stricter than align_reply: a voice keeps every fact whole; plain English is not longer."""
    if missing := missing_details(line.text, line.fact.text):
        return f"leaves out {', '.join(missing)}"
    n, limit = len(line.text.split()), max(voice.max_sentence_words, line.fact.word_count)
    if voice.max_sentence_words and n > limit:
        return f"{n} words, more than its fact and the voice's {voice.max_sentence_words}"
    return None


def missing_details(sentence: str, fact: str) -> list[str]:
    """The fact's numbers, names (capitalised words inside it) and quotations that the
    sentence does not keep. Empty: the sentence carries the fact's key details."""
    missing = sorted(numbers_in(fact) - numbers_in(sentence))
    have = {_bare(w) for w in words(sentence)}
    names = [w for w in words(fact)[1:] if w[0].isupper() and w.lower() not in STOPWORDS]
    missing += [w for w in dict.fromkeys(names) if _bare(w) not in have]
    # "about 1,300 people" told as "1,300 people" claims a precision the source did not.
    hedged = {m.group(2).replace(",", "") for m in _HEDGED.finditer(sentence)}
    missing += [
        f"{m.group(1)} {m.group(2)}"
        for m in _HEDGED.finditer(fact)
        if m.group(2).replace(",", "") not in hedged
    ]
    said = f" {' '.join(words(sentence)).lower()} "
    for quote in _QUOTED.findall(fact):
        if f" {' '.join(words(quote)).lower()} " not in said:
            missing.append(f"the quotation {quote[:30]!r}")
    return missing


def _bare(word: str) -> str:
    """A word as a name check compares it: "Dunmere's" is "dunmere"."""
    return word.lower().removesuffix("'s").removesuffix("’s")


# -- title -------------------------------------------------------------------------------------


def title_prompt(voice: Voice, headlines: Sequence[str], facts: Sequence[Fact]) -> Prompt:
    safe = [h for h in headlines if not looks_like_instruction(h)]
    user = prompt_template("restyle-title.txt").format(
        voice=voice.name,
        instructions=voice.prompt_instructions,
        headlines=data_lines(safe),
        facts=data_lines([f.text for f in facts[:3]]),
    )
    return Prompt(
        system=prompt_template("restyle-system.txt"),
        user=user,
        max_tokens=60,
        temperature=voice.temperature,
    )


def _title(
    calls: _Calls,
    voice: Voice,
    headlines: Sequence[str],
    facts: Sequence[Fact],
    evidence: SourceWords,
) -> tuple[str, bool]:
    """The model's title when it passes the house title checks; ("", False) otherwise."""
    proposal = calls.json("title", title_prompt(voice, headlines, facts), VoiceTitle)
    if proposal is not None:
        title = " ".join(proposal.title.split()).rstrip(".")
        problem = title_problem(title, headlines, evidence)
        if problem is None:
            return title_case(title), True
        calls.notes.append(f"title: {problem}; built from the lead fact")
    return "", False
