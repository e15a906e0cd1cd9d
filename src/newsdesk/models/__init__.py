"""Models behind small seams: embeddings, named entities (and text models, see text.py)."""

from newsdesk.models.embedding import (
    Embedder,
    FakeEmbedder,
    HashingEmbedder,
    MiniLMEmbedder,
    OpenAIEmbedder,
)
from newsdesk.models.ner import EntityExtractor, FakeEntities, SpacyEntities

__all__ = [
    "Embedder",
    "EntityExtractor",
    "FakeEmbedder",
    "FakeEntities",
    "HashingEmbedder",
    "MiniLMEmbedder",
    "OpenAIEmbedder",
    "SpacyEntities",
]
