"""Citations (which source sentences back a draft sentence) and the filler check.

Lexical overlap always; cosine similarity of sentence embeddings too when an embedder is
given (any object with `embed(texts) -> L2-normalised rows`, see models/embedding.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

from newsdesk.models.embedding import SupportsEmbed
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


# Two words are close synonyms when their embeddings are at least this similar. Measured with
# all-MiniLM-L6-v2 on single words: homes/houses 0.89, troops/soldiers 0.89, killed/died 0.79,
# arrested/detained 0.73, injured/wounded 0.64, blaze/fire 0.61; below it rose/fell 0.37,
# capital/city 0.44, arrested/charged 0.46, deliberately/accidentally 0.53.
SYNONYM_SIMILARITY = 0.6


class WordMatch(Protocol):
    def close(self, words: Sequence[str], others: Sequence[str]) -> set[str]: ...


class EmbeddedWords:
    """Which words have a close synonym among others, by the embeddings of single words
    (cached: a story's sentences share most of their words)."""

    def __init__(self, embedder: SupportsEmbed, threshold: float = SYNONYM_SIMILARITY) -> None:
        self.embedder = embedder
        self.threshold = threshold
        self._vectors: dict[str, NDArray[np.float64]] = {}

    def _rows(self, words: Sequence[str]) -> NDArray[np.float64]:
        missing = sorted({w for w in words if w not in self._vectors})
        if missing:
            vectors = np.asarray(self.embedder.embed(missing), dtype=np.float64)
            self._vectors.update(zip(missing, vectors, strict=True))
        return np.array([self._vectors[w] for w in words], dtype=np.float64)

    def close(self, words: Sequence[str], others: Sequence[str]) -> set[str]:
        """The words of `words` with a close synonym in `others`."""
        if not words or not others:
            return set()
        similarity = self._rows(words) @ self._rows(others).T
        return {w for w, row in zip(words, similarity, strict=True) if row.max() >= self.threshold}


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


_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _word_stems(text: str) -> dict[str, str]:
    """Content stem -> one word with that stem, for looking up synonyms."""
    found: dict[str, str] = {}
    for word in _WORD.findall(plain(text).casefold()):
        for key in content_stems(word):
            found.setdefault(key, word)
    return found


def _soft_covered(
    text: str, missing: set[str], cited: Sequence[Located], words: WordMatch | None
) -> int:
    """How many of the sentence's missing stems have a close synonym in the cited sentences."""
    if words is None or not missing or not cited:
        return 0
    mine = _word_stems(text)
    theirs = sorted({w for c in cited for w in _word_stems(c.passage.text).values()})
    wanted = sorted({mine[s] for s in missing if s in mine})
    return len(words.close(wanted, theirs))


def align_sentence(
    text: str,
    evidence: Evidence,
    similarity: NDArray[np.float64] | None,
    words: WordMatch | None = None,
) -> Alignment:
    """Rank source sentences by lexical overlap (averaged with cosine when available); a word
    with a close synonym in the cited sentences counts as covered when `words` is given."""
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
    found = len(stems & covered) + _soft_covered(text, stems - covered, cited[:2], words)
    coverage = found / len(stems) if stems else 1.0
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
    return speaker_of(text)


def speaker_of(text: str) -> str | None:
    """Who a sentence says spoke ("Kaja Kallas, the EU's foreign policy chief, said ..."),
    quote or not; None without a speech verb."""
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
