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

The evidence is not simply the best-scoring sentences: a draft sentence often combines facts
from two or three source sentences (a figure from one, who said it from another), so after the
best one, each next sentence is the one that adds most of the claim's words and figures not yet
shown (two of them, unless the alignment cited it). A sentence already shown as another's
context is not shown twice.

A CONTRADICTED rating alone does not flag a sentence: the checks have already compared its
numbers, names, titles, places and quotes, so the judge calling it contradicted is more often
the small model misreading a paraphrase (a duration or a number in other words) than a real
conflict. A second prompt, with the claim first and the evidence after it, must agree that it
is a contradiction. On eval/truth the judge rated four sentences the checks had passed
CONTRADICTED: two correct paraphrases and two made-up statements (which are not in the
sources rather than contradicted by them, and which the action question below catches); the
second prompt confirmed none of the four.

What the judge rates worst is a statement built from the sources' words with one action
changed ("the minister said the government would close the mine", where the source says it
would pay for an inquiry): rating the whole claim, it calls that SUPPORTED. So a sentence that
reports what someone will or would do is also asked about that action alone (STATED or
NOT_STATED), which the model answers far better. In the same way, reported speech whose
speaker no cited sentence names ("The port authority said ..." over a sentence where an
environmental group says it) is asked whether the evidence gives the words to that speaker.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel

from newsdesk.errors import ModelError
from newsdesk.models.text import Prompt, TextModel, complete_json
from newsdesk.verify.checks.evidence import Evidence
from newsdesk.verify.checks.normal import content_stems
from newsdesk.verify.checks.numbers import figures
from newsdesk.verify.checks.problems import Problem, Verdict
from newsdesk.verify.checks.support import Alignment, reported_actions, unattributed_speaker

# At most this many source sentences (each with the one before it) per claim.
EVIDENCE_PER_SENTENCE = 3

SYSTEM = """You are a fact checker for a news desk. You get EVIDENCE sentences taken from \
news sources and one CLAIM from a draft article. Rate the claim using only the evidence, \
never your own knowledge:
- SUPPORTED: the evidence states everything the claim says (a paraphrase is fine).
- CONTRADICTED: the evidence says something different (another number, place, person, title \
or wording of a quote).
- NOT_IN_SOURCES: the claim adds facts, opinions or predictions the evidence does not state."""


SECOND_OPINION = """You check one CLAIM from a news draft against EVIDENCE taken from its \
sources. Another checker said the evidence contradicts the claim; decide for yourself, using \
only the evidence. The same fact in other words, other word order, or the same number written \
another way (12 and a dozen, 14 days and two weeks) is not a contradiction.
- CONTRADICTED: a fact in the evidence conflicts with a fact in the claim.
- NOT_IN_SOURCES: nothing conflicts, but the claim states something the evidence does not.
- SUPPORTED: the evidence states everything the claim says."""


ACTION_CHECK = """You check one SENTENCE of a news draft against EVIDENCE from its sources, \
using only the evidence. The sentence reports an ACTION that someone will, would or should \
take, or that will happen. Answer STATED if the evidence says the same action, in the same or \
other words. Answer NOT_STATED if the evidence names a different action, or none."""
SPEAKER_CHECK = """You check one SENTENCE of a news draft against EVIDENCE from its sources, \
using only the evidence. The sentence says that SPEAKER said something. Answer STATED if the \
evidence says that this speaker (by name, job or description) said it. Answer NOT_STATED if \
the evidence gives those words to someone else, or to nobody."""
# Sentences rarely report more than two actions; each costs a call.
ACTIONS_PER_SENTENCE = 2


class Stated(StrEnum):
    STATED = "STATED"
    NOT_STATED = "NOT_STATED"


class ActionAnswer(BaseModel):
    answer: Stated


class Rating(StrEnum):
    SUPPORTED = "SUPPORTED"
    CONTRADICTED = "CONTRADICTED"
    NOT_IN_SOURCES = "NOT_IN_SOURCES"


class Judgement(BaseModel):
    rating: Rating


def _keys(text: str) -> set[str]:
    """What a claim is made of, for choosing evidence: word stems and figures."""
    values = {f"{v:g}" for q in figures(text).quantities for v, _ in q.readings}
    return content_stems(text) | values


def judge_evidence(sentence: str, alignment: Alignment, evidence: Evidence) -> list[str]:
    """The source sentences (with context) the judge reads: the best-aligned one, then those
    that add most of what the claim says and the evidence shown so far does not."""
    if not alignment.cited:
        return []
    wanted = _keys(sentence)
    chosen = [alignment.cited[0]]
    shown = evidence.in_context(chosen[0])
    covered = wanted & _keys(shown)
    while len(chosen) < EVIDENCE_PER_SENTENCE:
        # A sentence the alignment did not cite must add two things: one shared word ("stop")
        # in an unrelated sentence would mislead more than help.
        gains = [
            (gain, -i)
            for i, c in enumerate(evidence.sentences)
            if c not in chosen
            and (gain := len(wanted & _keys(evidence.in_context(c)) - covered))
            >= (1 if c in alignment.cited else 2)
        ]
        if not gains:
            break
        _, best = max(gains)
        chosen.append(evidence.sentences[-best])
        covered |= wanted & _keys(evidence.in_context(chosen[-1]))
    texts = [evidence.in_context(c) for c in chosen]
    # "B" is not shown again when another item is "A. B" (B with its context).
    return [t for t in texts if not any(t != other and t in other for other in texts)]


def _numbered(items: list[str]) -> list[str]:
    return [f"E{i + 1}. {text}" for i, text in enumerate(items)]


def judge_prompt(
    sentence: str, alignment: Alignment, evidence: Evidence, *, second: bool = False
) -> Prompt:
    items = judge_evidence(sentence, alignment, evidence)
    lines = _numbered(items)
    if second:
        user = "\n".join([f"CLAIM: {sentence}", "", "EVIDENCE:", *lines])
        return Prompt(SECOND_OPINION, user, max_tokens=24, temperature=0.0)
    user = "\n".join(["EVIDENCE:", *lines, "", f"CLAIM: {sentence}"])
    return Prompt(SYSTEM, user, max_tokens=24, temperature=0.0)


def _problems(rating: Rating) -> list[Problem]:
    if rating is Rating.CONTRADICTED:
        return [Problem("judge", Verdict.CONTRADICTED, "the model judge finds it contradicted")]
    if rating is Rating.NOT_IN_SOURCES:
        return [Problem("judge", Verdict.UNSUPPORTED, "the model judge finds it not in sources")]
    return []


def action_prompt(sentence: str, action: str, alignment: Alignment, evidence: Evidence) -> Prompt:
    items = judge_evidence(sentence, alignment, evidence)
    lines = _numbered(items)
    user = "\n".join(["EVIDENCE:", *lines, "", f"SENTENCE: {sentence}", f"ACTION: {action}"])
    return Prompt(ACTION_CHECK, user, max_tokens=24, temperature=0.0)


def _rated(model: TextModel, sentence: str, alignment: Alignment, evidence: Evidence) -> Rating:
    """The judge's rating; CONTRADICTED only when a second prompt agrees."""
    rating = complete_json(model, judge_prompt(sentence, alignment, evidence), Judgement).rating
    if rating is not Rating.CONTRADICTED:
        return rating
    second = judge_prompt(sentence, alignment, evidence, second=True)
    again = complete_json(model, second, Judgement).rating
    return rating if again is Rating.CONTRADICTED else Rating.SUPPORTED


def _action_problems(
    model: TextModel, sentence: str, alignment: Alignment, evidence: Evidence
) -> list[Problem]:
    for action in reported_actions(sentence)[:ACTIONS_PER_SENTENCE]:
        prompt = action_prompt(sentence, action, alignment, evidence)
        if complete_json(model, prompt, ActionAnswer).answer is Stated.NOT_STATED:
            message = f"the model judge finds “{action}” not in the sources"
            return [Problem("judge", Verdict.UNSUPPORTED, message)]
    return []


def speaker_prompt(sentence: str, speaker: str, alignment: Alignment, evidence: Evidence) -> Prompt:
    """The evidence, plus the first source sentence naming the speaker: "the regulator" may be
    how the draft calls the agency the cited sentence names."""
    items = judge_evidence(sentence, alignment, evidence)
    wanted = content_stems(speaker)
    naming = next((c for c in evidence.sentences if wanted & c.stems), None)
    if naming is not None and not any(naming.passage.text in item for item in items):
        items.append(naming.passage.text)
    lines = _numbered(items)
    user = "\n".join(["EVIDENCE:", *lines, "", f"SENTENCE: {sentence}", f"SPEAKER: {speaker}"])
    return Prompt(SPEAKER_CHECK, user, max_tokens=24, temperature=0.0)


def _speaker_problems(
    model: TextModel, sentence: str, alignment: Alignment, evidence: Evidence
) -> list[Problem]:
    speaker = unattributed_speaker(sentence, alignment, evidence)
    if speaker is None:
        return []
    prompt = speaker_prompt(sentence, speaker, alignment, evidence)
    if complete_json(model, prompt, ActionAnswer).answer is Stated.STATED:
        return []
    message = f"the model judge finds no source saying {speaker} said it"
    return [Problem("judge", Verdict.UNSUPPORTED, message)]


def judge_sentence(
    model: TextModel, sentence: str, alignment: Alignment, evidence: Evidence
) -> list[Problem]:
    """What the judge finds wrong with one sentence (nothing: an empty list)."""
    try:
        problems = _problems(_rated(model, sentence, alignment, evidence))
        problems = problems or _action_problems(model, sentence, alignment, evidence)
        return problems or _speaker_problems(model, sentence, alignment, evidence)
    except ModelError as exc:
        # A judge that fails must not pass a sentence silently: it stays unchecked.
        return [Problem("judge", Verdict.UNSUPPORTED, f"the model judge failed: {exc}")]
