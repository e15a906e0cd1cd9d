"""Repair: a sentence the verifier failed is rewritten from its evidence by a text model and
checked again (without a judge: the deterministic checks caught it), else dropped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, Field

from newsdesk.errors import ModelError
from newsdesk.models.embedding import SupportsEmbed
from newsdesk.models.ner import spacy_entities
from newsdesk.models.text import Prompt, TextModel, complete_json
from newsdesk.text import split_sentences
from newsdesk.verify.checks.documents import Annotate, SourceDoc
from newsdesk.verify.checks.problems import Verdict
from newsdesk.verify.verifier import SentenceCheck, Verification, verify

SYSTEM = """You repair one sentence of a news draft that its sources do not support. Rewrite \
it so that it says only what the EVIDENCE says: keep names, titles, numbers and quotes exactly \
as the evidence gives them, add nothing, write one plain sentence. If the evidence cannot \
support any version of it, answer with action "drop"."""


class Action(StrEnum):
    REWRITE = "rewrite"
    DROP = "drop"


class Rewrite(BaseModel):
    action: Action
    sentence: str = Field(default="", max_length=400)


def rewrite_sentence(
    model: TextModel, sentence: str, problems: Sequence[str], evidence: Sequence[str]
) -> str | None:
    """The model's rewrite of `sentence` from `evidence`, or None when it should be dropped."""
    if not evidence:
        return None  # nothing to rewrite from: asking the model would invite invention
    lines = ["EVIDENCE:", *(f"- {e}" for e in evidence), "", f"SENTENCE: {sentence}"]
    lines += ["PROBLEMS:", *(f"- {p}" for p in problems)]
    prompt = Prompt(SYSTEM, "\n".join(lines), max_tokens=120, temperature=0.0)
    reply = complete_json(model, prompt, Rewrite)
    text = " ".join(reply.sentence.split())
    return text if reply.action is Action.REWRITE and text else None


@dataclass(frozen=True, slots=True)
class Change:
    original: str
    replacement: str | None  # None: the sentence was dropped
    reason: str


@dataclass(frozen=True, slots=True)
class Repair:
    text: str
    changes: tuple[Change, ...]


def _evidence_texts(sources: Sequence[SourceDoc], sentence: SentenceCheck) -> list[str]:
    bodies = [split_sentences(s.body) for s in sources]
    return [bodies[c.article][c.sentence] for c in sentence.citations]


def _repaired(
    sources: Sequence[SourceDoc],
    sentence: SentenceCheck,
    model: TextModel | None,
    annotate: Annotate,
    embedder: SupportsEmbed | None = None,
) -> Change:
    """A rewrite the checks accept, else a drop. The rewrite is verified without a judge:
    the checks are what caught the sentence, and they are deterministic."""
    reason = "; ".join(str(p) for p in sentence.problems)
    if model is None:
        return Change(sentence.text, None, reason)
    try:
        rewrite = rewrite_sentence(
            model,
            sentence.text,
            [str(p) for p in sentence.problems],
            _evidence_texts(sources, sentence),
        )
    except ModelError as exc:
        return Change(sentence.text, None, f"{reason}; rewrite failed: {exc}")
    if rewrite is None:
        return Change(sentence.text, None, reason)
    recheck = verify(sources, rewrite, judge=None, annotate=annotate, embedder=embedder)
    if all(s.verdict is Verdict.SUPPORTED for s in recheck.sentences):
        return Change(sentence.text, rewrite, reason)
    return Change(sentence.text, None, f"{reason}; the rewrite failed the checks too")


def repair(
    sources: Sequence[SourceDoc],
    verification: Verification,
    *,
    model: TextModel | None,
    annotate: Annotate = spacy_entities,
    embedder: SupportsEmbed | None = None,
) -> Repair:
    """Rewrite unsupported and contradicted sentences from their evidence, or drop them."""
    paragraphs: dict[int, list[str]] = {}
    changes = []
    for sentence in verification.sentences:
        kept: str | None = sentence.text
        if sentence.verdict is not Verdict.SUPPORTED:
            change = _repaired(sources, sentence, model, annotate, embedder)
            changes.append(change)
            kept = change.replacement
        if kept:
            paragraphs.setdefault(sentence.paragraph, []).append(kept)
    text = "\n\n".join(" ".join(p) for _, p in sorted(paragraphs.items()))
    return Repair(text, tuple(changes))
