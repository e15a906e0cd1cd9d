"""cluster: the story clustering on a JSONL file of articles (used by evaluation tools)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.common import reported_errors, settings_from
from newsdesk.models.registry import story_models
from newsdesk.pipeline.stories import cluster_records_in_store
from newsdesk.stories.jsonl import read_cluster_jsonl


def cluster_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help='JSONL: {"id","title","text","published",...}')],
) -> None:
    """Group the articles of a JSONL file into stories; print {"id","cluster"} per line.

    Output is in input order and "cluster" is a story id; clustered on a throwaway store.
    """
    settings = settings_from(ctx)
    with reported_errors():
        records = read_cluster_jsonl(path)
        embedder, entities = story_models(settings)
        assignments = cluster_records_in_store(records, embedder, entities)
    for record in records:
        print(json.dumps({"id": record.id, "cluster": assignments[record.id]}))
