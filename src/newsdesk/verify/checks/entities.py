"""Entity mentions with labels and offsets, from the spaCy pipeline in models/ner.py.

models/ner.py gives clustering normalised names; the checks also need where each mention is
(to find who is quoted, or which country follows a place) and its label, so they read the
spans from the same pipeline, loaded once per process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from newsdesk.models.ner import load_spacy_ner

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention: character offsets into the text it was found in."""

    text: str
    label: str  # OntoNotes labels: PERSON, ORG, GPE, LOC, NORP, FAC, DATE, ...
    start: int
    end: int


@cache
def _pipeline() -> Language:
    return load_spacy_ner()


def spacy_entities(texts: Sequence[str]) -> list[tuple[Entity, ...]]:
    """The entities of each text, in order of appearance."""
    return [
        tuple(Entity(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents)
        for doc in _pipeline().pipe(texts, batch_size=64)
    ]
