"""From articles to stories: what clustering compares of an article, and the one entry point.

`cluster_articles` is what `newsdesk run` (pipeline/stories.py), `newsdesk cluster`, the
clustering quality gate (tests/test_cluster.py) and bench/cluster.py all run, so the floor
measures what production does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import NDArray

from newsdesk.records import Article
from newsdesk.stories.cluster import ClusterConfig, ClusterItem, ClusterState, cluster
from newsdesk.text import strip_dateline


def lead(article: Article) -> str:
    """The first paragraph of the body, without a wire dateline ("" if there is none)."""
    return strip_dateline(article.body.split("\n\n", 1)[0].strip())


def lead_text(article: Article) -> str:
    """Title and first paragraph: what clustering compares. Without a lead, the title alone,
    exactly as for a headline corpus (a trailing newline changes what spaCy finds)."""
    first = lead(article)
    return f"{article.title}\n{first}" if first else article.title


def cluster_articles(
    articles: Sequence[Article],
    vectors: NDArray[np.float32],
    entities: Sequence[frozenset[str]],
    *,
    text_groups: Mapping[str, str | None] | None = None,
    config: ClusterConfig | None = None,
) -> ClusterState:
    """Cluster articles in time order from scratch. `vectors[i]` embeds `lead_text` of article
    i, `entities[i]` are the names in it; `text_groups` maps a canonical URL to its dedupe
    group (syndicated copies count as one text). The state holds the assignments and stories.
    """
    groups = text_groups or {}
    items = [
        ClusterItem(
            key=article.canonical_url,
            title=article.title,
            lead=lead(article),
            published=article.published,
            outlet=article.outlet,
            embedding=vectors[i],
            entities=entities[i],
            text_group=groups.get(article.canonical_url),
        )
        for i, article in enumerate(articles)
    ]
    dim = int(vectors.shape[1]) if len(articles) else 0
    state = ClusterState(dim, config)
    cluster(items, state)
    return state
