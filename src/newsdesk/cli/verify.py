"""`newsdesk verify`: check a text against its source articles, sentence by sentence."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from newsdesk.cli.common import fail, reported_errors, settings_from
from newsdesk.models.registry import check_model_server, story_models, text_model
from newsdesk.models.text import TextModel
from newsdesk.settings import Settings
from newsdesk.verify import SourceDoc, Verification, verify


class JudgeKind(StrEnum):
    EMBEDDED = "embedded"
    OPENAI = "openai"
    NONE = "none"


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    title: str = ""
    outlet: str = ""
    url: str = ""
    published: str | None = None
    body: str


class VerifyIn(BaseModel):
    """The input file: the trust boundary, so it is validated before anything runs."""

    model_config = ConfigDict(extra="ignore")

    articles: list[ArticleIn] = Field(min_length=1)
    text: str


def _published(value: str | None) -> datetime | None:
    # The date is not used by any check; an odd format is not worth failing the run for.
    try:
        return datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_input(path: Path) -> tuple[list[SourceDoc], str]:
    """Sources and text from PATH.json, or one clear error line and exit 1."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(f"{path} is not valid JSON: {exc}")
    try:
        parsed = VerifyIn.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "input"
        fail(f"{path}: {where}: {first['msg']}")
    sources = [
        SourceDoc(a.title, a.outlet, a.url, _published(a.published), a.body)
        for a in parsed.articles
    ]
    return sources, parsed.text


def make_judge(kind: JudgeKind, settings: Settings) -> TextModel | None:
    """The judge model, from models/registry.py (the same models the writer uses)."""
    if kind is JudgeKind.NONE:
        return None
    if kind is JudgeKind.OPENAI:
        check_model_server(settings)  # one clear error, not verdicts without the judge
    return text_model(kind.value, settings)


def to_json(verification: Verification) -> dict[str, Any]:
    return {
        "sentences": [
            {
                "text": s.text,
                "verdict": s.verdict.value,
                "problems": [str(p) for p in s.problems],
                "citations": [{"article": c.article, "sentence": c.sentence} for c in s.citations],
            }
            for s in verification.sentences
        ]
    }


def verify_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help='JSON: {"articles": [...], "text": "..."}.')],
    judge: Annotated[
        JudgeKind,
        typer.Option(help="Model judge: embedded Qwen, an OpenAI-compatible server, or none."),
    ] = JudgeKind.EMBEDDED,
    base_url: Annotated[
        str | None, typer.Option(help="Server URL for --judge openai (e.g. http://host:8080/v1).")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name for --judge openai.")] = None,
    api_key: Annotated[str | None, typer.Option(help="API key for --judge openai.")] = None,
) -> None:
    """Check every sentence of a text against its sources and print verdicts as JSON."""
    sources, text = read_input(path)
    settings = settings_from(
        ctx, openai_base_url=base_url, openai_model=model, openai_api_key=api_key
    )
    with reported_errors():
        embedder = story_models(settings)[0]
        verification = verify(sources, text, judge=make_judge(judge, settings), embedder=embedder)
    print(json.dumps(to_json(verification), ensure_ascii=False, indent=2))
