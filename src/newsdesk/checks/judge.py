"""The model judge: a text model rates a sentence against its cited evidence.

The reply is constrained to a JSON schema whose only field is an enum (SUPPORTED /
CONTRADICTED / NOT_IN_SOURCES): a handful of output tokens.

One sentence per call, not a batch. Measured on eval/truth with Qwen2.5-Coder-1.5B: asked to
rate six claims in one reply, the model gave every claim the same rating (all SUPPORTED with
shared evidence, all NOT_IN_SOURCES with evidence per claim); one claim at a time it got 5 of 6
right. The system prompt is the same for every call, so llama.cpp's prefix cache reads it
once; each call then costs the ~60-120 tokens of evidence and claim. Each cited sentence comes
with the one before it: "puts the figure at 350" is misjudged without what the figure counts.
The stage keeps the number of calls small by judging only sentences the checks left open.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from newsdesk.checks.evidence import Evidence
from newsdesk.checks.problems import Problem, Verdict
from newsdesk.checks.support import Alignment
from newsdesk.errors import ModelError
from newsdesk.models.text import Prompt, TextModel, complete_json

EVIDENCE_PER_SENTENCE = 2

SYSTEM = """You are a fact checker for a news desk. You get EVIDENCE sentences taken from \
news sources and one CLAIM from a draft article. Rate the claim using only the evidence, \
never your own knowledge:
- SUPPORTED: the evidence states everything the claim says (a paraphrase is fine).
- CONTRADICTED: the evidence says something different (another number, place, person, title \
or wording of a quote).
- NOT_IN_SOURCES: the claim adds facts, opinions or predictions the evidence does not state."""


class Rating(StrEnum):
    SUPPORTED = "SUPPORTED"
    CONTRADICTED = "CONTRADICTED"
    NOT_IN_SOURCES = "NOT_IN_SOURCES"


class Judgement(BaseModel):
    rating: Rating


def judge_prompt(sentence: str, alignment: Alignment, evidence: Evidence) -> Prompt:
    cited = alignment.cited[:EVIDENCE_PER_SENTENCE]
    lines = [f"E{i + 1}. {evidence.in_context(located)}" for i, located in enumerate(cited)]
    user = "\n".join(["EVIDENCE:", *lines, "", f"CLAIM: {sentence}"])
    return Prompt(SYSTEM, user, max_tokens=24, temperature=0.0)


def _problems(rating: Rating) -> list[Problem]:
    if rating is Rating.CONTRADICTED:
        return [Problem("judge", Verdict.CONTRADICTED, "the model judge finds it contradicted")]
    if rating is Rating.NOT_IN_SOURCES:
        return [Problem("judge", Verdict.UNSUPPORTED, "the model judge finds it not in sources")]
    return []


def judge_sentence(
    model: TextModel, sentence: str, alignment: Alignment, evidence: Evidence
) -> list[Problem]:
    """What the judge finds wrong with one sentence (nothing: an empty list)."""
    try:
        reply = complete_json(model, judge_prompt(sentence, alignment, evidence), Judgement)
    except ModelError as exc:
        # A judge that fails must not pass a sentence silently: it stays unchecked.
        return [Problem("judge", Verdict.UNSUPPORTED, f"the model judge failed: {exc}")]
    return _problems(reply.rating)
