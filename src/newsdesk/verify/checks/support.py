"""Citations (which source sentences back a draft sentence) and the filler check.

Lexical overlap always; cosine similarity of sentence embeddings too when an embedder is
given (any object with `embed(texts) -> L2-normalised rows`, see models/embedding.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from newsdesk.text import STOPWORDS, stem
from newsdesk.verify.checks.evidence import Evidence, Located
from newsdesk.verify.checks.normal import content_stems, plain
from newsdesk.verify.checks.problems import Problem, Verdict

MAX_CITATIONS = 3
# A source sentence is cited when it scores at least this, and at least half the best score.
MIN_CITATION_SCORE = 0.2
# Below this share of its words in the cited sentences, a sentence is unsupported filler.
MIN_COVERAGE = 0.5
# With a model judge, only a sentence below this share is settled as filler by the check: a
# paraphrase that combines three sources ("will remain shut until Friday at the earliest", 38%
# of its words in the closest two) goes to the judge instead. On eval/truth every planted
# filler sentence is at or below 29%, and every correct sentence at or above 38%.
MIN_COVERAGE_JUDGED = 0.35


class SupportsEmbed(Protocol):
    def embed(self, texts: Sequence[str]) -> NDArray[Any]: ...


@dataclass(frozen=True, slots=True)
class Alignment:
    """The best-matching source sentences for one draft sentence, best first."""

    cited: tuple[Located, ...]
    scores: tuple[float, ...]
    coverage: float  # share of the sentence's content stems found in the cited sentences


def _lexical(stems: set[str], candidates: Sequence[Located]) -> NDArray[np.float64]:
    if not stems:
        return np.zeros(len(candidates))
    return np.array([len(stems & c.stems) / len(stems) for c in candidates], dtype=np.float64)


def similarity_matrix(
    drafts: Sequence[str], evidence: Evidence, embedder: SupportsEmbed | None
) -> NDArray[np.float64] | None:
    """Cosine similarity of each draft sentence to each source sentence (None: no embedder)."""
    if embedder is None or not drafts:
        return None
    sources = [s.passage.text for s in evidence.sentences]
    vectors = np.asarray(embedder.embed([*drafts, *sources]), dtype=np.float64)
    return np.asarray(vectors[: len(drafts)] @ vectors[len(drafts) :].T, dtype=np.float64)


def align_sentence(
    text: str, evidence: Evidence, similarity: NDArray[np.float64] | None
) -> Alignment:
    """Rank source sentences by lexical overlap (averaged with cosine when available)."""
    stems = content_stems(text)
    candidates = evidence.sentences
    scores = _lexical(stems, candidates)
    if similarity is not None:
        scores = 0.5 * scores + 0.5 * np.clip(similarity, 0.0, 1.0)
    order = [int(i) for i in np.argsort(-scores, kind="stable")]
    best = float(scores[order[0]]) if order else 0.0
    chosen = [
        i
        for i in order[:MAX_CITATIONS]
        if scores[i] >= MIN_CITATION_SCORE and scores[i] >= 0.5 * best
    ]
    cited = tuple(candidates[i] for i in chosen)
    covered = set().union(*(c.stems for c in cited[:2])) if cited else set()
    coverage = len(stems & covered) / len(stems) if stems else 1.0
    return Alignment(cited, tuple(float(scores[i]) for i in chosen), coverage)


# "X said the government would close the mine": the action a sentence says someone will take
# is its claim, however many of its other words the sources share.
_REPORTED_ACTION = re.compile(
    r"\b(?:would|will|could|should|might|must|shall|(?:plans?|planned|agreed|vowed|promised"
    r"|intends?|wants?|is\s+going|are\s+going)\s+to)\s+(?:(?:not|also|now|never|soon|still)\s+)*"
    r"(?:(?:be|have|been)\s+)*([a-z]+)",
    re.IGNORECASE,
)
# "the alarm had failed to go off": the verb of an attempt is itself the claim.
_ATTEMPT = re.compile(
    r"\b(failed|fails|refused|refuses|declined|declines|tried|threatened|threatens)\s+to\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“][^\"“”]*[\"”]")


def _action_matches(text: str) -> tuple[str, list[re.Match[str]]]:
    # Outside quotes: the quote check compares those word for word.
    bare = _QUOTED.sub(" ", plain(text))
    found = [*_REPORTED_ACTION.finditer(bare), *_ATTEMPT.finditer(bare)]
    return bare, sorted(found, key=lambda m: m.start())


def reported_actions(text: str) -> list[str]:
    """What a sentence says someone will, would or plans to do: 'would close its embassy'."""
    bare, matches = _action_matches(text)
    return [re.split(r"[,;:.]", bare[m.start() :], maxsplit=1)[0].strip() for m in matches]


def unsupported_actions(text: str, alignment: Alignment) -> list[str]:
    """Verbs of the reported actions ('close') that no cited sentence uses."""
    cited = set().union(*(c.stems for c in alignment.cited))
    verbs = (m.group(1) for m in _action_matches(text)[1])
    return [v for v in verbs if v.lower() not in STOPWORDS and stem(v) not in cited]


# Reported speech: "The port authority said the colony would be protected", "..., Osei said."
_SAYS = r"(?:said|says|told|added|warned|announced|claimed|insisted|argued|stated|confirmed)"
_SPEAKER_FIRST = re.compile(
    rf"^(?P<who>[A-Z][^,\"“”]{{0,50}}?)(?:,[^,]{{1,60}},)?\s+(?:\w+ly\s+|also\s+)?{_SAYS}\b"
)
_SPEAKER_LAST = re.compile(rf",\s+(?P<who>[^,\"“”]{{1,50}}?)\s+{_SAYS}\.?$")


def reported_speaker(text: str) -> str | None:
    """Who a sentence of reported speech says spoke; None with a quote (the quote check
    compares speakers word for word) or no speech verb."""
    if _QUOTED.search(plain(text)):
        return None
    match = _SPEAKER_FIRST.match(text) or _SPEAKER_LAST.search(text)
    return match["who"] if match and content_stems(match["who"]) else None


def unattributed_speaker(text: str, alignment: Alignment, evidence: Evidence) -> str | None:
    """The speaker of reported speech when no cited sentence, nor the one before it, names
    them: the draft may have given one party's words to another ("The port authority said"
    for what an environmental group said)."""
    who = reported_speaker(text)
    if who is None:
        return None
    shown = set().union(*(content_stems(evidence.in_context(c)) for c in alignment.cited))
    return None if content_stems(who) & shown else who


def check_support(alignment: Alignment, minimum: float = MIN_COVERAGE) -> list[Problem]:
    """Filler: a sentence whose words are mostly absent from its best source sentences."""
    if alignment.coverage >= minimum:
        return []
    share = round(100 * alignment.coverage)
    message = f"only {share}% of its words are in the closest source sentences"
    return [Problem("support", Verdict.UNSUPPORTED, message)]
