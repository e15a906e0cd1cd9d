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

import re
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np

from newsdesk.models.embedding import Embedder
from newsdesk.models.ner import EntityExtractor
from newsdesk.records import Article, Story, content_hash
from newsdesk.store import Store, StoredArticle
from newsdesk.stories.cluster import ClusterItem, ClusterState, cluster
from newsdesk.stories.jsonl import ClusterRecord

# A wire dateline: "MARROWGATE, 9 March (Meridian Wire) - ", "LONDON (Reuters) - ". It names
# the wire and the day, which every same-day piece of that wire shares whatever its story.
_DATELINE = re.compile(
    r"^[A-Z][A-Z'’. -]{2,40}(?:,[^()\n-]{1,30})?\s*(?:\([^()\n]{1,40}\))?\s*[-–—]{1,2}\s+"
)


def lead(article: Article) -> str:
    """The first paragraph of the body, without a wire dateline ("" if there is none)."""
    first = article.body.split("\n\n", 1)[0].strip()
    return _DATELINE.sub("", first, count=1)


def lead_text(article: Article) -> str:
    """Title and first paragraph: what clustering compares. Without a lead, the title alone,
    exactly as for a headline corpus (a trailing newline changes what spaCy finds)."""
    first = lead(article)
    return f"{article.title}\n{first}" if first else article.title


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
            lead=lead(s.article),
            published=s.article.published,
            outlet=s.article.outlet,
            embedding=vectors[i],
            entities=found[i],
            text_group=s.text_group,
        )
        for i, s in enumerate(stored)
    ]
    state = ClusterState(embedder.dim)
    cluster(items, state)
    stories = state.story_records(now)
    store.save_stories(stories)
    return stories


def record_article(record: ClusterRecord) -> Article:
    """A file record as a stored article; its id is the natural key, so story ids hash it."""
    return Article(
        url=record.url or record.id,
        canonical_url=record.id,
        outlet=record.source or "unknown",
        title=record.title,
        authors=(),
        published=record.published,
        body=record.text,
        lang=None,
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
