"""`newsdesk compose`: write one article from source articles given as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from newsdesk.cli.common import fail, reported_errors, settings_from
from newsdesk.formats.house import render_house
from newsdesk.models.registry import WRITER_KINDS, check_model_server, story_models, text_model
from newsdesk.records import Article, as_utc
from newsdesk.writing.house import write_story

_DATETIME = TypeAdapter(datetime)


class SourceInput(BaseModel):
    """One source article as evaluation tools send it (a trust boundary: validated)."""

    model_config = ConfigDict(extra="ignore")

    title: str = Field(min_length=1)
    outlet: str = Field(min_length=1)
    url: str = ""
    published: datetime | None = None
    body: str = Field(min_length=1)

    @field_validator("published", mode="before")
    @classmethod
    def _published(cls, value: object) -> object:
        """Feeds often give no date, or an empty one: that is no date, not a bad file. Text is
        read as pydantic reads datetimes (ISO 8601), else as RSS writes them (RFC 822)."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text:
            return None
        try:
            return _DATETIME.validate_python(text)
        except ValidationError:
            pass
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise ValueError(
                f"not a date: {value!r} (give ISO 8601 such as 2026-03-05T09:30:00Z, "
                "or leave it empty)"
            ) from None

    def to_article(self) -> Article:
        """The source as an Article: names and titles on one line, times in UTC."""
        return Article(
            url=self.url,
            canonical_url=self.url,
            outlet=" ".join(self.outlet.split()),
            title=" ".join(self.title.split()),
            authors=(),
            published=as_utc(self.published),
            body=self.body,
            lang=None,
        )


class ComposeInput(BaseModel):
    articles: list[SourceInput] = Field(min_length=1)


def _article_named(data: object, loc: tuple[int | str, ...]) -> str:
    """'article 2, "Its title"' for a problem inside an article of the input, else ''."""
    if not isinstance(data, dict):
        return ""
    item: Any = None
    if len(loc) >= 3 and loc[0] == "articles" and isinstance(loc[1], int):
        label, items = f"article {loc[1] + 1}", data.get("articles")
        if isinstance(items, list) and loc[1] < len(items):
            item = items[loc[1]]
    elif len(loc) >= 2 and loc[0] == "article":
        label, item = "the article", data.get("article")
    else:
        return ""
    title = " ".join(str(item.get("title") or "").split()) if isinstance(item, dict) else ""
    if not title:
        return label
    return f'{label}, "{title if len(title) <= 60 else title[:59] + "…"}"'


def input_problem(exc: ValidationError, data: object) -> str:
    """The first problem of a source-articles file as one line: where, which article, what."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "input"
    if named := _article_named(data, first["loc"]):
        where += f" ({named})"
    error = first.get("ctx", {}).get("error") if first["type"] == "value_error" else None
    message = str(error) if error is not None else first["msg"]
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {message}{more}"


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
            f"{input_problem(exc, data)}"
        )
    return [s.to_article() for s in sources]


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
    """Write one article from a JSON file of sources; print it in the house layout, unverified.

    `newsdesk run` verifies what it writes; check this output with `newsdesk verify`.
    """
    if writer is not None and writer not in WRITER_KINDS:
        fail(f"unknown writer {writer!r}: choose one of {', '.join(WRITER_KINDS)}")
    sources = read_sources(path)
    settings = settings_from(ctx, writer=writer)
    with reported_errors():
        if settings.writer == "openai":
            check_model_server(settings)  # one clear error, not a silent extractive fallback
        model = text_model(settings.writer, settings)
        embedder = story_models(settings)[0]
        draft = write_story(sources, model, now=datetime.now(UTC), embedder=embedder)
    print(render_house(draft.article))
