"""Part of the writing stage: hold the model's rewording of a paragraph to its facts.

The model is asked for one sentence per fact, in order. Each fact gets the reply sentence that
matches it best; that sentence is used only if it passes every check, otherwise the fact's own
source sentence is (`newsdesk.writing.grammar` adds a check of the damage a small model does to
grammar). Reply sentences that match no fact are dropped. So every sentence of the
body comes from exactly one fact, which is also its citation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from newsdesk.text import STOPWORDS, split_sentences, words
from newsdesk.writing.claims import note_debris
from newsdesk.writing.drafts import Fact, SentenceCitation
from newsdesk.writing.grammar import grammar_problem
from newsdesk.writing.rules import (
    SourceWords,
    dice,
    filler_phrases,
    is_filler,
    looks_like_instruction,
    numbers_in,
    outside_quotes,
    stem_set,
)

MIN_SUPPORT = 0.6  # share of a sentence's content words that the sources use
MIN_MATCH = 0.3  # Dice overlap below which a reply sentence is not about the fact at all
MIN_FROM_FACT = 0.5  # share of a sentence's content words that its own fact uses
MIN_KEPT_DETAILS = 0.6  # share of the fact's names and numbers the sentence keeps
# Cosine of MiniLM sentence embeddings from which a sentence tells its fact in other words:
# the word-level tests of support and of added words give way to it (the verifier still
# checks the sentence by meaning). Faithful paraphrases of one fact measured 0.8-0.95;
# sentences on the same subject saying something else 0.5-0.75.
SAME_MEANING = 0.8

Similar = Callable[[str, str], float]  # meaning similarity of two sentences, -1..1

_META = re.compile(
    r"(?i)\b(?:the\s+(?:facts?|data|paragraph|text)\s+(?:provided|given|above|below)"
    r"|fact\s+sheet|as\s+an\s+ai|i\s+(?:cannot|can't|will|have)|as\s+requested|rewritten"
    r"|here\s+is|here's)\b"
)
_LABEL_LINE = re.compile(r"(?im)^\s*(?:#+.*|\*\*[^*]+\*\*:?|paragraph\s+\d+.*:|title:.*)\s*$")
_BULLET = re.compile(r"(?m)^\s*(?:[-*•]|\d+[.)])\s+")
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,})[\"”]")
_DETAIL = re.compile(r"\d+(?:[.,]\d+)*|\b[A-Z][a-z]+(?:[-'][A-Za-z]+)?\b")


@dataclass(frozen=True, slots=True)
class Line:
    """One sentence of the body and the fact it tells."""

    text: str
    fact: Fact
    by_model: bool


def verbatim(facts: Sequence[Fact]) -> list[Line]:
    """The extractive paragraph: each fact as its source wrote it."""
    return [Line(f.text, f, by_model=False) for f in facts]


def reply_sentences(reply: str) -> list[str]:
    """The reply as sentences, without labels, list markers, fences and wrapping quotes."""
    text = _LABEL_LINE.sub(" ", reply.replace("```", " "))
    text = " ".join(_BULLET.sub("", text).split()).strip()
    if len(text) > 1 and text[0] == text[-1] == '"' and text.count('"') == 2:
        text = text[1:-1]
    return split_sentences(text)


def sentence_problem(
    sentence: str, evidence: SourceWords, *, paraphrase: bool = False
) -> str | None:
    """Why a model-written sentence cannot stand anywhere in the story, or None.
    `paraphrase`: it tells its fact in other words (by meaning), so the share of its words
    the sources use is no test of it."""
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
    if not paraphrase and evidence.support(sentence) < MIN_SUPPORT:
        return "wording mostly not from the sources"
    return None


def details(text: str) -> set[str]:
    """Numbers and capitalised words: what a rewording must not lose."""
    found = (m.group(0).lower().replace(",", "") for m in _DETAIL.finditer(text))
    return {d for d in found if d not in STOPWORDS}


def fact_problem(
    sentence: str, fact: Fact, others: Sequence[Fact] = (), *, paraphrase: bool = False
) -> str | None:
    """Why a sentence does not tell its fact faithfully: it must keep the fact's names and
    numbers, bring none from elsewhere, add little of its own (unless it is a `paraphrase`,
    the same meaning in other words), carry none of its notes' marks and not tell `others`
    too."""
    if debris := note_debris(sentence, fact.text):
        return debris
    if extra := numbers_in(sentence) - numbers_in(fact.text):
        return f"numbers not in this fact: {', '.join(sorted(extra))}"
    own = {w.lower() for w in words(fact.text)}
    if names := [w for w in words(sentence)[1:] if w[0].isupper() and w.lower() not in own]:
        # Names from another fact: the model merged facts or moved a quote to another speaker.
        return f"names not in this fact: {', '.join(names)}"
    stems, fact_stems = stem_set(sentence), stem_set(fact.text)
    added = stems - fact_stems
    if not paraphrase and stems and len(added) / len(stems) > 1 - MIN_FROM_FACT:
        return "adds words this fact does not have"
    for other in others:
        if len(added) >= 3 and len(added & stem_set(other.text)) >= 0.5 * len(added):
            return "tells another fact of this paragraph too"
    return _lost_details(sentence, fact)


def _lost_details(sentence: str, fact: Fact) -> str | None:
    numbers, names = numbers_in(fact.text), details(fact.text) - numbers_in(fact.text)
    kept = details(sentence)
    for wanted in (numbers, names):
        if wanted and len(wanted & kept) / len(wanted) < MIN_KEPT_DETAILS:
            return "leaves out names or numbers of this fact"
    if len(sentence.split()) < 0.5 * fact.word_count:
        return "much shorter than the fact"
    return None


def align_reply(
    reply: str, facts: Sequence[Fact], evidence: SourceWords, similar: Similar | None = None
) -> tuple[list[Line], list[str]]:
    """One line per fact (the model's sentence when it holds, else the fact's own) and notes
    on everything that was replaced or dropped. `similar` matches sentences to facts by
    meaning as well as by shared words, and lets a faithful paraphrase stand."""
    sentences = reply_sentences(reply)
    unused = list(range(len(sentences)))
    lines: list[Line] = []
    notes: list[str] = []

    def match(i: int, fact: Fact) -> float:
        overlap = dice(stem_set(sentences[i]), stem_set(fact.text))
        return max(overlap, similar(sentences[i], fact.text)) if similar else overlap

    for k, fact in enumerate(facts, start=1):
        best = max(unused, key=lambda i: match(i, fact), default=None)
        if best is None or match(best, fact) < MIN_MATCH:
            notes.append(f"fact {k}: no sentence of the reply tells it; used the source sentence")
            lines.append(Line(fact.text, fact, by_model=False))
            continue
        unused.remove(best)
        sentence = sentences[best]
        others = [f for f in facts if f is not fact]
        paraphrase = similar is not None and similar(sentence, fact.text) >= SAME_MEANING
        problem = (
            sentence_problem(sentence, evidence, paraphrase=paraphrase)
            or fact_problem(sentence, fact, others, paraphrase=paraphrase)
            or grammar_problem(sentence, fact.text)
        )
        if problem is not None:
            notes.append(f"fact {k}: {problem} in {sentence[:60]!r}; used the source sentence")
        lines.append(Line(fact.text, fact, False) if problem else Line(sentence, fact, True))
    for i in unused:
        reason = sentence_problem(sentences[i], evidence) or "tells none of the facts"
        notes.append(f"dropped {sentences[i][:60]!r} ({reason})")
    return lines, notes


def cite(paragraphs: Sequence[Sequence[Line]]) -> tuple[SentenceCitation, ...]:
    """Each body sentence with the fact it was written from (known by construction) and
    every other place that fact appears. Sentences are those the layout's readers will split
    the printed paragraph into; each is matched back to the line that holds it."""
    citations: list[SentenceCitation] = []
    for p, lines in enumerate(paragraphs):
        text = " ".join(line.text for line in lines)
        for sentence in split_sentences(text):
            line = next((x for x in lines if sentence in x.text), None) or max(
                lines, key=lambda x: dice(stem_set(sentence), stem_set(x.text))
            )
            refs = dict.fromkeys((line.fact.source, *line.fact.also_in))
            citations.append(
                SentenceCitation(
                    len(citations), p, sentence, tuple(refs), line.text == line.fact.text
                )
            )
    return tuple(citations)
