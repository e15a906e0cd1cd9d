"""The `newsdesk cluster PATH.jsonl` contract: read articles, cluster them, one id per article.

Input lines are JSON objects {"id", "title", "text", "published", "source", "url"} (the schema
of the shared clustering corpus). Unknown fields are ignored; a bad line stops the read with
an error that names the file and line, since the evaluation tools need every id answered.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from newsdesk.models.embedding import Embedder
from newsdesk.models.ner import EntityExtractor
from newsdesk.stories.cluster import ClusterConfig, ClusterError, ClusterItem, ClusterState, cluster

LEAD_CHARS = 600  # about the first paragraph: the lead says what happened


class ClusterInputError(ClusterError):
    """A clustering input file is missing or has a bad line."""


@dataclass(frozen=True, slots=True)
class ClusterRecord:
    id: str
    title: str
    text: str
    published: datetime | None
    source: str
    url: str | None

    @property
    def lead(self) -> str:
        """The first paragraph of the text, cut at a word boundary."""
        first = self.text.strip().split("\n\n", 1)[0]
        if len(first) <= LEAD_CHARS:
            return first
        return first[:LEAD_CHARS].rsplit(" ", 1)[0]


class _Line(BaseModel):
    """One input line: the trust boundary, so pydantic checks it."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str | int
    title: str
    text: str = ""
    published: datetime | None = None
    source: str = ""
    url: str | None = None

    @field_validator("text", "source", mode="before")
    @classmethod
    def _null_is_empty(cls, value: object) -> object:
        return "" if value is None else value


def _problem(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'line'}: {err['msg']}" for err in exc.errors()
    )


def parse_line(text: str) -> ClusterRecord:
    """One JSON line to a record; ClusterInputError says what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ClusterInputError(f"not JSON ({exc.msg} at column {exc.colno})") from exc
    if not isinstance(data, dict):
        raise ClusterInputError(f"expected a JSON object, got {type(data).__name__}")
    try:
        line = _Line.model_validate(data)
    except ValidationError as exc:
        raise ClusterInputError(_problem(exc)) from exc
    if not line.title and not line.text:
        raise ClusterInputError("title and text are both empty")
    published = line.published
    if published is not None and published.tzinfo is None:
        published = published.replace(tzinfo=UTC)  # the corpus writes UTC
    return ClusterRecord(str(line.id), line.title, line.text, published, line.source, line.url)


def read_cluster_jsonl(path: Path) -> list[ClusterRecord]:
    """All records of a JSONL file; ClusterInputError names the first bad line."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ClusterInputError(f"cannot read {path}: {exc}") from exc
    records: list[ClusterRecord] = []
    seen: dict[str, int] = {}
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            continue
        try:
            record = parse_line(text)
        except ClusterInputError as exc:
            raise ClusterInputError(f"{path}, line {number}: {exc}") from exc
        if record.id in seen:
            raise ClusterInputError(
                f"{path}, line {number}: id {record.id!r} already used on line {seen[record.id]}"
            )
        seen[record.id] = number
        records.append(record)
    return records


def embedding_text(record: ClusterRecord) -> str:
    """What gets embedded: the headline, then the lead if there is one."""
    lead = record.lead
    return f"{record.title}\n{lead}" if lead else record.title


def cluster_records(
    records: Sequence[ClusterRecord],
    embedder: Embedder,
    entities: EntityExtractor | None = None,
    config: ClusterConfig | None = None,
) -> dict[str, str]:
    """Cluster records from scratch: record id -> story id."""
    texts = [embedding_text(r) for r in records]
    vectors = embedder.embed(texts)
    names = entities.entities(texts) if entities else [frozenset[str]() for _ in records]
    items = [
        ClusterItem(
            key=record.id,
            title=record.title,
            lead=record.lead,
            published=record.published,
            outlet=record.source or "unknown",
            embedding=vectors[i],
            entities=names[i],
        )
        for i, record in enumerate(records)
    ]
    state = ClusterState(embedder.dim, config)
    return cluster(items, state).assignments
