"""Stories: every outlet's coverage of one event grouped into one story, kept across days.

`cluster` is the algorithm (records in, story ids out); `jsonl` reads the clustering file
format of `newsdesk cluster` and the evaluation corpus."""

from newsdesk.stories.articles import cluster_articles, lead, lead_text
from newsdesk.stories.cluster import ClusterConfig, ClusterState
from newsdesk.stories.jsonl import ClusterRecord, read_cluster_jsonl, record_article

__all__ = [
    "ClusterConfig",
    "ClusterRecord",
    "ClusterState",
    "cluster_articles",
    "lead",
    "lead_text",
    "read_cluster_jsonl",
    "record_article",
]
