"""Part-of-speech tags and lemmas from the packaged small English spaCy model.

The same package as models/ner.py, loaded with the tagger and lemmatizer instead of the
recogniser: `newsdesk.writing.grammar` reads a model-written sentence's tags to catch the damage a
small model does when it reworks a sentence (a dropped preposition, a changed tense).
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from newsdesk.errors import ModelError
from newsdesk.models.ner import SPACY_MODEL_PACKAGE

if TYPE_CHECKING:
    from spacy.language import Language


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    tag: str  # Penn Treebank: NN, NNS, NNP, VBD, VBZ, RB, DT ...
    lemma: str


@cache
def _pipeline() -> Language:
    try:
        package = importlib.import_module(SPACY_MODEL_PACKAGE)
    except ImportError as exc:
        raise ModelError(f"spaCy model package {SPACY_MODEL_PACKAGE} is not installed") from exc
    try:
        nlp: Language = package.load(exclude=["parser", "ner"])
    except Exception as exc:  # spaCy raises many kinds (OSError, ValueError, config errors)
        raise ModelError(f"cannot load spaCy model {SPACY_MODEL_PACKAGE}: {exc}") from exc
    return nlp


def pos_tags(texts: Sequence[str]) -> list[tuple[Token, ...]]:
    """The tokens of each text with their tags and lemmas."""
    return [
        tuple(Token(t.text, t.tag_, t.lemma_.lower()) for t in doc)
        for doc in _pipeline().pipe(texts, batch_size=64)
    ]
