"""The `newsdesk cluster PATH.jsonl` format: the articles to cluster, one JSON object a line.

Input lines are JSON objects {"id", "title", "text", "published", "source", "url"} (the schema
of the shared clustering corpus). Unknown fields are ignored; a bad line stops the read with
an error that names the file and line, since the evaluation tools need every id answered.
`record_article` makes each line an Article, which stories/articles.py clusters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from newsdesk.records import Article
from newsdesk.stories.cluster import ClusterError


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
