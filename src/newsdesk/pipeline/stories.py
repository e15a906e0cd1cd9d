"""Stories step: embed each article's title and lead, find its entities, cluster, store.

The clustering is rebuilt from every stored article each run, in time order. That makes the
result a pure function of the store (a run killed half way leaves nothing to reconcile) and
keeps story ids stable (an id is a hash of the story's founding article). Embeddings are cached
in the store by the hash of the embedded text, so nothing is embedded twice; entity extraction
is cheap next to the model and is redone.

`newsdesk cluster FILE.jsonl` goes through the same function on a temporary store
(`cluster_records_in_store`), so the command and the run cannot drift apart.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np

from newsdesk.models.embedding import Embedder
from newsdesk.models.ner import EntityExtractor
from newsdesk.models.registry import story_models
from newsdesk.records import Story, content_hash
from newsdesk.settings import Settings
from newsdesk.store import Store, StoredArticle
from newsdesk.stories.articles import cluster_articles, lead_text
from newsdesk.stories.jsonl import ClusterRecord, record_article


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
    return np.stack([cached[k] for k in keys]) if keys else np.zeros((0, embedder.dim), np.float32)


def cluster_stories(
    store: Store,
    embedder: Embedder,
    entities: EntityExtractor,
    *,
    now: datetime | None = None,
) -> list[Story]:
    """Cluster every publishable article into stories and store them; returns the stories."""
    stored: list[StoredArticle] = store.articles()
    articles = [s.article for s in stored]
    texts = [lead_text(a) for a in articles]
    vectors = _embed_cached(store, embedder, texts)
    groups = {s.article.canonical_url: s.text_group for s in stored}
    state = cluster_articles(articles, vectors, entities.entities(texts), text_groups=groups)
    stories = state.story_records(now)
    store.save_stories(stories)
    return stories


def cluster_step(
    store: Store, settings: Settings, models: tuple[Embedder, EntityExtractor] | None = None
) -> Counter[str]:
    """The run's clustering with the settings' models (made here unless given); returns the
    story counts."""
    stories = cluster_stories(store, *(models or story_models(settings)))
    return Counter(
        stories=len(stories),
        stories_corroborated=sum(s.outlet_count >= settings.min_outlets for s in stories),
    )


def cluster_records_in_store(
    records: Sequence[ClusterRecord], embedder: Embedder, entities: EntityExtractor
) -> dict[str, str]:
    """Cluster file records exactly as a run would, on a throwaway store: id -> story id."""
    # The store closes before its directory goes (exit order is the reverse of entry).
    with (
        tempfile.TemporaryDirectory(prefix="newsdesk-cluster-") as tmp,
        Store(Path(tmp) / "cluster.db") as store,
    ):
        store.import_articles([record_article(r) for r in records])
        cluster_stories(store, embedder, entities)
        return store.story_assignments()
