"""Voices next to the story: a rewrite is published only when the verifier passes it whole.

    sources -> restyle (writing/restyle.py) -> verify the body against the sources
    -> model sentences that fail go back to their facts' source sentences -> what still fails
    is repaired or dropped (verify.repair) -> verify again -> title and headings
    through the same checks -> coverage of the voice's facts -> publish, or hold back

Coverage is the share of the facts the voice is meant to carry (the whole fact sheet; for the
brief, its five facts) that are still *present*: the sentence written from the fact is in the
text, the verifier passed it, and it keeps every number, name and quotation of the fact.
A rewrite is held back (with reasons) when coverage is below MIN_COVERAGE or any sentence,
the title or a heading is left unsupported or contradicted. It never holds the story back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from newsdesk.errors import NewsdeskError
from newsdesk.formats.house import LayoutError
from newsdesk.formats.payload import SectionPayload, VoicePayload
from newsdesk.models.ner import Entity, spacy_entities
from newsdesk.models.text import TextModel
from newsdesk.prompts.voices import Voice, load_voice
from newsdesk.records import Article
from newsdesk.verify import (
    SupportsEmbed,
    Verdict,
    Verification,
    hold_reasons,
    repair,
    verify,
)
from newsdesk.verify.checks.documents import Annotate, SourceDoc
from newsdesk.writing.drafts import Fact
from newsdesk.writing.restyle import Rewrite, missing_details, restyle
from newsdesk.writing.rewording import Line
from newsdesk.writing.rules import dice, stem_set

MIN_COVERAGE = 0.9
# What the verifier checks in a title or heading: a heading is no sentence, so "support"
# (share of its words in one source sentence) and the judge say nothing about it.
LABEL_CHECKS = frozenset({"numbers", "names", "quotes", "places", "titles"})


@dataclass(frozen=True, slots=True)
class CheckedRewrite:
    rewrite: Rewrite  # after repairs
    verification: Verification  # of its body, after repairs
    present: tuple[Fact, ...]  # carried facts still present (see the module docstring)
    repairs: tuple[str, ...]  # what was changed or dropped, and why
    reasons: tuple[str, ...]  # why it is held back; empty: it may be published
    caught: int = 0  # sentences the first verification failed (before any repair)

    @property
    def coverage(self) -> float:
        carried = self.rewrite.carried
        return len(self.present) / len(carried) if carried else 0.0

    @property
    def missing(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.rewrite.carried if f not in self.present)

    @property
    def unsupported(self) -> int:
        """Sentences the verifier did not pass (unsupported or contradicted)."""
        return len(self.verification.failed)

    @property
    def published(self) -> bool:
        return not self.reasons


def source_docs(sources: Sequence[Article]) -> list[SourceDoc]:
    return [SourceDoc(a.title, a.outlet, a.canonical_url, a.published, a.body) for a in sources]


def restyle_checked(
    sources: Sequence[Article],
    voice: Voice | str,
    model: TextModel | None,
    judge: TextModel | None,
    *,
    now: datetime,
    annotate: Annotate = spacy_entities,
    embedder: SupportsEmbed | None = None,
) -> CheckedRewrite:
    """Restyle, verify, repair and measure: the rewrite and whether it may be published."""
    voice = load_voice(voice) if isinstance(voice, str) else voice
    docs = source_docs(sources)
    annotate = remembering(annotate)
    rewrite = restyle(sources, voice, model, now=now)
    repairs: list[str] = []
    verification = verify(docs, rewrite.body, judge=judge, annotate=annotate, embedder=embedder)
    caught = len(verification.failed)
    failed = _failed_lines(rewrite, verification)
    if any(line.by_model and id(line) in failed for line in rewrite.lines):
        # The cheapest repair that cannot invent anything: the fact's own source sentence.
        rewrite = rewrite.map_lines(lambda x: _back_to_fact(x, failed, repairs))
        # The judge has seen every sentence still here (source sentences it never needs to):
        # the checks, which do depend on the neighbours, run again without it.
        verification = verify(docs, rewrite.body, judge=None, annotate=annotate, embedder=embedder)
        failed = _failed_lines(rewrite, verification)
    if failed:
        rewrite = _repaired(docs, rewrite, verification, model, annotate, repairs, embedder)
        verification = verify(docs, rewrite.body, judge=None, annotate=annotate, embedder=embedder)
    rewrite, label_reasons = _checked_labels(docs, rewrite, annotate, repairs)
    present = _present(rewrite, verification)
    checked = CheckedRewrite(rewrite, verification, present, tuple(repairs), (), caught)
    reasons = [*_reasons(checked), *label_reasons]
    return replace(checked, reasons=tuple(dict.fromkeys(reasons)))


def remembering(annotate: Annotate) -> Annotate:
    """`annotate` remembering each text's entities. One rewrite is verified against the same
    sources up to four times, and tagging them is most of what a verification costs; a text's
    entities do not depend on the texts tagged with it."""
    seen: dict[str, tuple[Entity, ...]] = {}

    def run(texts: Sequence[str]) -> list[tuple[Entity, ...]]:
        new = [t for t in dict.fromkeys(texts) if t not in seen]
        if new:
            seen.update(zip(new, annotate(new), strict=True))
        return [seen[t] for t in texts]

    return run


# -- sentences ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Check:
    verdict: Verdict | None  # None: no checked sentence was matched to the line
    problems: str = ""


def _checks(rewrite: Rewrite, verification: Verification) -> dict[int, _Check]:
    """The verifier's result for each line (by id): the worst of the sentences it holds."""
    found: dict[int, _Check] = {id(x): _Check(None) for x in rewrite.lines}
    for p, lines in enumerate(rewrite.paragraphs):
        for sentence in (s for s in verification.sentences if s.paragraph == p):
            owners = [x for x in lines if sentence.text in x.text or x.text in sentence.text]
            if not owners:
                stems = stem_set(sentence.text)
                owners = [max(lines, key=lambda x: dice(stems, stem_set(x.text)))]
            problems = "; ".join(str(problem) for problem in sentence.problems)
            for line in owners:
                if found[id(line)].verdict in (None, Verdict.SUPPORTED):
                    found[id(line)] = _Check(sentence.verdict, problems)
    return found


def _failed_lines(rewrite: Rewrite, verification: Verification) -> dict[int, str]:
    """Lines the verifier did not pass (by id), with its reasons."""
    return {
        key: check.problems
        for key, check in _checks(rewrite, verification).items()
        if check.verdict not in (None, Verdict.SUPPORTED)
    }


def _back_to_fact(line: Line, failed: dict[int, str], repairs: list[str]) -> Line:
    if not line.by_model or id(line) not in failed:
        return line
    repairs.append(f"{failed[id(line)]}: used the source sentence for {line.text[:70]!r}")
    return Line(line.fact.text, line.fact, by_model=False)


def _repaired(
    docs: Sequence[SourceDoc],
    rewrite: Rewrite,
    verification: Verification,
    model: TextModel | None,
    annotate: Annotate,
    repairs: list[str],
    embedder: SupportsEmbed | None = None,
) -> Rewrite:
    """Source sentences the verifier still fails (a quote whose speaker the new order hides,
    say): rewritten from their evidence by the model when it passes the checks, else dropped."""
    changes = repair(docs, verification, model=model, annotate=annotate, embedder=embedder).changes
    by_text = {c.original: c for c in changes}

    def change(line: Line) -> Line | None:
        hit = next((c for text, c in by_text.items() if text in line.text), None)
        if hit is None:
            return line
        if hit.replacement is None:
            repairs.append(f"dropped {line.text[:80]!r}: {hit.reason}")
            return None
        repairs.append(f"rewritten {line.text[:80]!r}: {hit.reason}")
        return Line(line.text.replace(hit.original, hit.replacement), line.fact, by_model=True)

    return rewrite.map_lines(change)


def _present(rewrite: Rewrite, verification: Verification) -> tuple[Fact, ...]:
    checks = _checks(rewrite, verification)
    kept = [
        x.fact
        for x in rewrite.lines
        if checks[id(x)].verdict is Verdict.SUPPORTED and not missing_details(x.text, x.fact.text)
    ]
    return tuple(f for f in rewrite.carried if f in kept)


# -- title and headings ------------------------------------------------------------------------


def label_problems(
    docs: Sequence[SourceDoc], labels: Sequence[str], annotate: Annotate = spacy_entities
) -> list[list[str]]:
    """For each title or heading, what the verifier's fact checks (numbers, names, quotes,
    places, people's titles) find wrong in it."""
    if not labels:
        return []
    plain = _sentence_case(docs, labels)
    checked = verify(docs, "\n\n".join(plain), judge=None, annotate=annotate)
    found: list[list[str]] = [[] for _ in labels]
    for sentence in checked.sentences:
        if sentence.paragraph < len(found):
            found[sentence.paragraph] += [
                str(p) for p in sentence.problems if p.check in LABEL_CHECKS
            ]
    return found


_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def _sentence_case(docs: Sequence[SourceDoc], labels: Sequence[str]) -> list[str]:
    """Labels as a sentence would write them: a word the sources write in lower case is
    checked in lower case, so "Ship Refloated on Evening High Tide" is not read as a ship
    named "Ship Refloated"; names stay as the sources write them."""
    lower = {w for d in docs for w in _WORD.findall(f"{d.title} {d.body}") if w.islower()}

    def plain(label: str) -> str:
        told = _WORD.sub(lambda m: m[0].lower() if m[0].lower() in lower else m[0], label)
        return told[:1].upper() + told[1:]

    return [plain(label) for label in labels]


def _checked_labels(
    docs: Sequence[SourceDoc], rewrite: Rewrite, annotate: Annotate, repairs: list[str]
) -> tuple[Rewrite, list[str]]:
    """Title and headings through the verifier; a failing one is replaced by our code's
    (built from the facts), and one that fails even so is a reason to hold back."""
    headings = [s.heading for s in rewrite.sections if s.heading]
    problems = label_problems(docs, [rewrite.title, *headings], annotate)
    if not any(problems):
        return rewrite, []
    title = rewrite.title
    if problems[0]:
        repairs.append(f"title {title!r}: {'; '.join(problems[0])}; our title used")
        title = rewrite.fallback_title
    sections, found = [], iter(problems[1:])
    for section in rewrite.sections:
        wrong = next(found) if section.heading else []
        if wrong and section.heading != section.fallback and section.fallback:
            repairs.append(f"heading {section.heading!r}: {'; '.join(wrong)}; our heading used")
            section = replace(section, heading=section.fallback, heading_by_model=False)
        sections.append(section)
    fixed = replace(rewrite, title=title, sections=tuple(sections))
    labels = [fixed.title, *[s.heading for s in sections if s.heading]]
    again = label_problems(docs, labels, annotate)
    reasons = [f"{text!r}: {'; '.join(p)}" for text, p in zip(labels, again, strict=True) if p]
    return fixed, reasons


# -- holding back --------------------------------------------------------------------------------


def _reasons(checked: CheckedRewrite) -> list[str]:
    reasons = hold_reasons(checked.verification, min_supported_ratio=1.0)
    reasons += [
        f"unsupported after repair: {s.text[:80]!r}"
        for s in checked.verification.sentences
        if s.verdict is Verdict.UNSUPPORTED
    ]
    if checked.coverage < MIN_COVERAGE:
        lost = "; ".join(f.text[:50] for f in checked.missing[:3])
        reasons.append(
            f"keeps {checked.coverage:.0%} of its {len(checked.rewrite.carried)} facts "
            f"(minimum {MIN_COVERAGE:.0%}); missing: {lost}"
        )
    try:
        checked.rewrite.text  # noqa: B018 - rendering is the layout check
    except LayoutError as exc:
        reasons.append(f"layout: {exc}")
    return reasons


def voice_payload(checked: CheckedRewrite) -> VoicePayload:
    """What a story version's payload keeps of a published voice (formats/payload.py)."""
    rewrite = checked.rewrite
    return VoicePayload(
        name=rewrite.voice.name,
        layout=rewrite.voice.layout,
        title=rewrite.title,
        sections=tuple(
            SectionPayload(heading=s.heading, paragraphs=tuple(s.paragraphs))
            for s in rewrite.layout.sections
        ),
        text=rewrite.text,
        coverage=round(checked.coverage, 3),
        facts=len(rewrite.carried),
        sentences=len(checked.verification.sentences),
        unsupported=checked.unsupported,
        caught=checked.caught,
        writer=rewrite.writer,
        seconds=round(rewrite.seconds, 2),
        repairs=tuple(checked.repairs),
    )


@dataclass(frozen=True, slots=True)
class VoiceOutcome:
    """One voice of a story: its payload when published, else a note on why not."""

    key: str
    payload: dict[str, Any] | None = None
    note: str = ""


def write_voice(
    sources: Sequence[Article],
    key: str,
    model: TextModel | None,
    judge: TextModel | None,
    *,
    now: datetime,
    annotate: Annotate = spacy_entities,
    embedder: SupportsEmbed | None = None,
) -> VoiceOutcome:
    """One voice of a story, checked: published, held back or not written (never raises for
    the voice's own failure)."""
    try:
        checked = restyle_checked(
            sources, key, model, judge, now=now, annotate=annotate, embedder=embedder
        )
    except NewsdeskError as exc:
        return VoiceOutcome(key, note=f"voice {key}: not written: {exc}")
    if checked.published:
        return VoiceOutcome(key, payload=voice_payload(checked).model_dump(mode="json"))
    return VoiceOutcome(key, note=f"voice {key}: held back: {'; '.join(checked.reasons)}")


def write_voices(
    sources: Sequence[Article],
    voices: Sequence[str],
    model: TextModel | None,
    judge: TextModel | None,
    *,
    now: datetime,
    embedder: SupportsEmbed | None = None,
) -> list[VoiceOutcome]:
    """Every voice of a story, in order. A voice that fails is left out of what is published;
    it never holds the story back."""
    annotate = remembering(spacy_entities)  # the sources are tagged once for all voices
    return [
        write_voice(sources, key, model, judge, now=now, annotate=annotate, embedder=embedder)
        for key in voices
    ]
