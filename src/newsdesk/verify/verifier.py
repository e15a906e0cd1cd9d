"""Verification: every sentence of a draft checked against its sources before publishing.

`verify` aligns each sentence with the source sentences that support it (its citations) and
runs the deterministic checks in `newsdesk.verify.checks` (numbers, names, quotes, places, titles,
filler); a model judge, when given, rates the sentences those checks let through.
`hold_reasons` says whether the story may be published; repair.py mends what failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.models.embedding import SupportsEmbed
from newsdesk.models.ner import spacy_entities
from newsdesk.models.text import TextModel
from newsdesk.verify.checks.documents import Annotate, Document, Passage, SourceDoc
from newsdesk.verify.checks.evidence import Evidence, prepare
from newsdesk.verify.checks.facts import (
    check_names,
    check_numbers,
    check_place_kinds,
    check_places,
    check_titles,
)
from newsdesk.verify.checks.meaning import (
    check_attribution,
    check_details,
    check_extremes,
    check_links,
    check_stance,
)
from newsdesk.verify.checks.problems import Problem, Verdict, worst
from newsdesk.verify.checks.quotes import check_quotes
from newsdesk.verify.checks.support import (
    MIN_COVERAGE,
    MIN_COVERAGE_JUDGED,
    Alignment,
    EmbeddedWords,
    WordMatch,
    align_sentence,
    check_support,
    unattributed_speaker,
    unsupported_actions,
)
from newsdesk.verify.checks.support import similarity_matrix as _similarity
from newsdesk.verify.judge import judge_sentence

# The judge rates sentences with less than this share of their words in the cited evidence.
JUDGE_BELOW_COVERAGE = 0.8


@dataclass(frozen=True, slots=True)
class SourceRef:
    article: int  # index into the sources
    sentence: int  # index into `split_sentences(article.body)`
    score: float


@dataclass(frozen=True, slots=True)
class SentenceCheck:
    text: str
    paragraph: int
    verdict: Verdict
    problems: tuple[Problem, ...]
    citations: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class Verification:
    sentences: tuple[SentenceCheck, ...]

    @property
    def supported_ratio(self) -> float:
        if not self.sentences:
            return 0.0
        ok = sum(s.verdict is Verdict.SUPPORTED for s in self.sentences)
        return ok / len(self.sentences)

    @property
    def failed(self) -> list[SentenceCheck]:
        return [s for s in self.sentences if s.verdict is not Verdict.SUPPORTED]


def _checks(
    draft: Document,
    sentence: Passage,
    alignment: Alignment,
    evidence: Evidence,
    *,
    judged: bool,
    words: WordMatch | None,
) -> list[Problem]:
    text = sentence.text
    return [
        *check_numbers(sentence, alignment.cited, evidence),
        *check_names(sentence, evidence),
        *check_quotes(draft, sentence, evidence),
        *check_places(sentence, evidence),
        *check_place_kinds(text, evidence),
        *check_titles(sentence, evidence),
        *check_support(alignment, MIN_COVERAGE_JUDGED if judged else MIN_COVERAGE),
        *check_stance(text, evidence),
        *check_links(text, evidence),
        *check_attribution(text, alignment, evidence),
        *check_details(text, alignment, evidence, words),
        *check_extremes(text, alignment, evidence),
    ]


def _citations(alignment: Alignment) -> tuple[SourceRef, ...]:
    # Headlines help align but are not sentences of the body, so they are not cited.
    return tuple(
        SourceRef(c.article, c.index, round(score, 3))
        for c, score in zip(alignment.cited, alignment.scores, strict=True)
        if c.index >= 0
    )


def _undecided(
    texts: Sequence[str],
    problems: Sequence[list[Problem]],
    alignments: Sequence[Alignment],
    evidence: Evidence,
) -> list[int]:
    """Sentences for the judge: those the checks passed but whose evidence leaves words out,
    the action they report ("... said the council would close the road"), or who said it.

    The checks are precise and cheap, the judge slow and (at 1.5B) error-prone, so a
    sentence the checks flagged, or one almost entirely made of its evidence's words, is
    settled without it.
    """
    return [
        i
        for i, (text, found, alignment) in enumerate(zip(texts, problems, alignments, strict=True))
        if not found
        and (
            alignment.coverage < JUDGE_BELOW_COVERAGE
            or unsupported_actions(text, alignment)
            or unattributed_speaker(text, alignment, evidence)
        )
    ]


def verify(
    sources: Sequence[SourceDoc],
    text: str,
    *,
    judge: TextModel | None,
    embedder: SupportsEmbed | None = None,
    annotate: Annotate = spacy_entities,
) -> Verification:
    """Check every sentence of `text` (body text; house-layout lines are skipped)."""
    evidence, draft = prepare(sources, text, annotate)
    similarity = _similarity([s.text for s in draft.sentences], evidence, embedder)
    words = EmbeddedWords(embedder) if embedder is not None else None
    alignments = [
        align_sentence(s.text, evidence, None if similarity is None else similarity[i], words)
        for i, s in enumerate(draft.sentences)
    ]
    problems = [
        _checks(draft, s, a, evidence, judged=judge is not None, words=words)
        for s, a in zip(draft.sentences, alignments, strict=True)
    ]
    if judge is not None:
        for i in _undecided([s.text for s in draft.sentences], problems, alignments, evidence):
            sentence = draft.sentences[i].text
            problems[i].extend(judge_sentence(judge, sentence, alignments[i], evidence))
    return Verification(
        tuple(
            SentenceCheck(s.text, s.paragraph, worst(p), tuple(p), _citations(a))
            for s, a, p in zip(draft.sentences, alignments, problems, strict=True)
        )
    )


def hold_reasons(verification: Verification, min_supported_ratio: float = 0.8) -> list[str]:
    """Why a story must not be published yet (empty: it may be)."""
    reasons = []
    if not verification.sentences:
        return ["no sentences to publish"]
    for sentence in verification.sentences:
        if sentence.verdict is Verdict.CONTRADICTED:
            problems = "; ".join(str(p) for p in sentence.problems)
            reasons.append(f"contradicted by the sources: {sentence.text[:80]!r} ({problems})")
    ratio = verification.supported_ratio
    if ratio < min_supported_ratio:
        reasons.append(
            f"only {ratio:.0%} of sentences are supported (minimum {min_supported_ratio:.0%})"
        )
    return reasons
