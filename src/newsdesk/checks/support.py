"""Citations (which source sentences back a draft sentence) and the filler check.

Lexical overlap always; cosine similarity of sentence embeddings too when an embedder is
given (any object with `embed(texts) -> L2-normalised rows`, see models/embedding.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from newsdesk.checks.evidence import Evidence, Located
from newsdesk.checks.normal import content_stems
from newsdesk.checks.problems import Problem, Verdict

MAX_CITATIONS = 3
# A source sentence is cited when it scores at least this, and at least half the best score.
MIN_CITATION_SCORE = 0.2
# Below this share of its words in the cited sentences, a sentence is unsupported filler.
MIN_COVERAGE = 0.5


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


def align(text: str, evidence: Evidence, similarity: NDArray[np.float64] | None) -> Alignment:
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


def check_support(alignment: Alignment) -> list[Problem]:
    """Filler: a sentence whose words are mostly absent from its best source sentences."""
    if alignment.coverage >= MIN_COVERAGE:
        return []
    share = round(100 * alignment.coverage)
    message = f"only {share}% of its words are in the closest source sentences"
    return [Problem("support", Verdict.UNSUPPORTED, message)]
