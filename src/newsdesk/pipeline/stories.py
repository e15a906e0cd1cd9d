"""Stories step: embed each article's title and lead, find its entities, cluster, store.

The clustering is rebuilt from every stored article each run, in time order. That makes the
result a pure function of the store (a run killed half way leaves nothing to reconcile) and
keeps story ids stable (an id is a hash of the story's founding article). Embeddings are cached
in the store by the hash of the embedded text, so nothing is embedded twice; entity extraction
is cheap next to the model and is redone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from newsdesk.models.embedding import Embedder
from newsdesk.models.ner import EntityExtractor
from newsdesk.records import Article, Story, content_hash
from newsdesk.stages.cluster import ClusterItem, ClusterState, cluster
from newsdesk.store import Store, StoredArticle


def lead_text(article: Article) -> str:
    """Title and first paragraph: what clustering compares (the same as for headline corpora)."""
    first = article.body.split("\n\n", 1)[0]
    return f"{article.title}\n{first}"


def _embed_cached(store: Store, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    keys = [content_hash(text) for text in texts]
    cached = store.embeddings(embedder.name, keys)
    missing = sorted({k for k in keys if k not in cached})
    if missing:
        by_key = {k: t for k, t in zip(keys, texts, strict=True)}
        vectors = embedder.embed([by_key[k] for k in missing])
        fresh = dict(zip(missing, vectors, strict=True))
        store.save_embeddings(embedder.name, fresh)
        cached.update(fresh)
    return np.stack([cached[k] for k in keys]) if keys else np.zeros((0, 0), np.float32)


def cluster_stories(
    store: Store,
    embedder: Embedder,
    entities: EntityExtractor,
    *,
    now: datetime | None = None,
) -> list[Story]:
    """Cluster every publishable article into stories and store them; returns the stories."""
    stored: list[StoredArticle] = store.articles()
    texts = [lead_text(s.article) for s in stored]
    vectors = _embed_cached(store, embedder, texts)
    found = entities.entities(texts)
    items = [
        ClusterItem(
            key=s.article.canonical_url,
            title=s.article.title,
            lead=text.split("\n", 1)[1],
            published=s.article.published,
            outlet=s.article.outlet,
            embedding=vectors[i],
            entities=found[i],
            text_group=s.text_group,
        )
        for i, (s, text) in enumerate(zip(stored, texts, strict=True))
    ]
    state = ClusterState(embedder.dim)
    cluster(items, state)
    stories = state.story_records(now)
    store.save_stories(stories)
    return stories
