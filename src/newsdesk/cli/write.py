"""`newsdesk compose`: write one article from source articles given as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsdesk.cli.common import fail, reported_errors, settings_from
from newsdesk.layout import render_house
from newsdesk.models.factory import WRITER_KINDS, text_model
from newsdesk.pipeline import check_model_server
from newsdesk.records import Article
from newsdesk.stages.write import write_story


class SourceInput(BaseModel):
    """One source article as evaluation tools send it (a trust boundary: validated)."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(min_length=1)
    outlet: str = Field(min_length=1)
    url: str = ""
    published: datetime | None = None
    body: str = Field(min_length=1)


class ComposeInput(BaseModel):
    articles: list[SourceInput] = Field(min_length=1)


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "input"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def read_sources(path: Path) -> list[Article]:
    """The articles of a compose input file; any problem is one clear error line."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"{path} is not JSON: {exc}")
    try:
        sources = ComposeInput.model_validate(data).articles
    except ValidationError as exc:
        fail(
            f'{path} is not {{"articles": [{{title, outlet, url, published, body}}]}}: '
            f"{_problem(exc)}"
        )
    return [
        Article(
            url=s.url,
            canonical_url=s.url,
            outlet=" ".join(s.outlet.split()),
            title=" ".join(s.title.split()),
            authors=(),
            published=_as_utc(s.published),
            body=s.body,
            lang=None,
        )
        for s in sources
    ]


def _as_utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def compose_command(
    ctx: typer.Context,
    path: Annotated[
        Path, typer.Argument(help='JSON: {"articles": [{title, outlet, url, published, body}]}.')
    ],
    writer: Annotated[
        str | None,
        typer.Option(help=f"Who writes: {' | '.join(WRITER_KINDS)} (default: settings)."),
    ] = None,
) -> None:
    """Write one article from source articles and print it in the house text layout."""
    if writer is not None and writer not in WRITER_KINDS:
        fail(f"unknown writer {writer!r}: choose one of {', '.join(WRITER_KINDS)}")
    sources = read_sources(path)
    settings = settings_from(ctx, writer=writer)
    with reported_errors():
        if settings.writer == "openai":
            check_model_server(settings)  # one clear error, not a silent extractive fallback
        model = text_model(settings.writer, settings)
        draft = write_story(sources, model, now=datetime.now(UTC))
    print(render_house(draft.article))
