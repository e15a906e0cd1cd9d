"""`newsdesk restyle`: one article, or a written story, told in another voice, facts checked.

    newsdesk restyle PATH.json --voice casual [--writer ...] [--format text|json]
    newsdesk restyle --story ID --voice explainer

PATH.json is {"article": {title, outlet, url, published, body}} (one source, as seed 001 was
written from) or {"articles": [...]}. Bad input is one line on stderr and exit code 2.
A rewrite the verifier holds back is still printed, its reasons go to stderr, exit code 1.
"""

from __future__ import annotations

import difflib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from newsdesk.cli.common import (
    EXIT_CONFIG,
    fail,
    missing_store,
    reported_errors,
    settings_from,
)
from newsdesk.cli.write import SourceInput, input_problem
from newsdesk.models.registry import WRITER_KINDS, story_models, text_model
from newsdesk.pipeline.voices import CheckedRewrite, restyle_checked, voice_payload
from newsdesk.prompts.voices import load_voice, voice_names
from newsdesk.records import Article
from newsdesk.settings import Settings
from newsdesk.store import Store, shown_location
from newsdesk.text import split_sentences

FORMATS = ("text", "json")


class RestyleInput(BaseModel):
    """The input file (a trust boundary): one article, or a list of them."""

    model_config = ConfigDict(extra="ignore")

    article: SourceInput | None = None
    articles: list[SourceInput] | None = Field(None, min_length=1)

    @model_validator(mode="after")
    def _one_of(self) -> RestyleInput:
        if (self.article is None) == (self.articles is None):
            raise ValueError('give either "article" or "articles"')
        return self


def read_input(path: Path) -> list[Article]:
    """The source articles of PATH.json; any problem is one error line and exit 2."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}", EXIT_CONFIG)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"{path} is not JSON: {exc}", EXIT_CONFIG)
    try:
        parsed = RestyleInput.model_validate(data)
    except ValidationError as exc:
        fail(
            f'{path} is not {{"article": {{title, outlet, url, published, body}}}} '
            f'or {{"articles": [...]}}: {input_problem(exc, data)}',
            EXIT_CONFIG,
        )
    sources = [parsed.article] if parsed.article is not None else parsed.articles or []
    return [s.to_article() for s in sources]


def story_sources(settings: Settings, story_id: str) -> list[Article]:
    """The sources of a story's latest version (its clustered articles if never written)."""
    if missing_store(settings):
        fail(f"no store at {settings.store_location} (run `newsdesk run` first)", EXIT_CONFIG)
    with reported_errors(), Store(settings.store_location) as store:
        versions = store.versions(story_id)
        stories = {s.id: s for s in store.stories()}
        articles = {a.article.canonical_url: a.article for a in store.articles(status=None)}
    if versions:
        urls: tuple[str, ...] = versions[-1].sources
    elif story_id in stories:
        urls = stories[story_id].article_urls
    else:
        close = difflib.get_close_matches(story_id, sorted(stories), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        where = shown_location(settings.store_location)
        fail(f"no story {story_id!r} in {where}{hint}", EXIT_CONFIG)
    found = [articles[url] for url in urls if url in articles]
    if not found:
        fail(f"story {story_id!r}: none of its source articles is in the store")
    return found


def to_json(checked: CheckedRewrite, sources: list[Article]) -> dict[str, Any]:
    """What a published story keeps of the voice, plus the verifier's sentence-level result."""
    rewrite = checked.rewrite
    sentences_of = [split_sentences(a.body) for a in sources]
    return {
        "voice": rewrite.voice.key,
        **voice_payload(checked).model_dump(mode="json"),
        "published": checked.published,
        "reasons": list(checked.reasons),
        "facts_present": len(checked.present),
        "missing_facts": [f.text for f in checked.missing],
        "verification": {
            "sentences": [
                {
                    "text": s.text,
                    "verdict": s.verdict.value,
                    "problems": [str(p) for p in s.problems],
                    "citations": [
                        {
                            "outlet": sources[c.article].outlet,
                            "quote": sentences_of[c.article][c.sentence],
                        }
                        for c in s.citations
                    ],
                }
                for s in checked.verification.sentences
            ],
            "supported": len(checked.verification.sentences) - checked.unsupported,
            "unsupported": checked.unsupported,
            "caught_before_repair": checked.caught,
        },
        "notes": list(rewrite.notes),
    }


def restyle_command(
    ctx: typer.Context,
    path: Annotated[
        Path | None,
        typer.Argument(help='JSON: {"article": {title, outlet, url, published, body}}.'),
    ] = None,
    voice: Annotated[
        str, typer.Option("--voice", help=f"One of: {', '.join(voice_names())}.")
    ] = "casual",
    story: Annotated[
        str | None, typer.Option("--story", help="A story in the store instead of PATH.json.")
    ] = None,
    writer: Annotated[
        str | None,
        typer.Option(help=f"Who rewords: {' | '.join(WRITER_KINDS)} (default: settings)."),
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}.")
    ] = "text",
    judge: Annotated[
        bool, typer.Option("--judge/--no-judge", help="Let the model judge what checks leave open.")
    ] = True,
) -> None:
    """Retell an article (PATH.json) or a stored story (--story) in another voice, verified.

    Every sentence is checked against the sources; a held-back rewrite is printed, exit 1.
    """
    if format_ not in FORMATS:
        fail(f"unknown format {format_!r}; choose one of {', '.join(FORMATS)}", EXIT_CONFIG)
    if writer is not None and writer not in WRITER_KINDS:
        fail(f"unknown writer {writer!r}: choose one of {', '.join(WRITER_KINDS)}", EXIT_CONFIG)
    if (path is None) == (story is None):
        fail("give either PATH.json or --story ID", EXIT_CONFIG)
    with reported_errors():
        chosen = load_voice(voice)
    settings = settings_from(ctx, writer=writer)
    sources = read_input(path) if path is not None else story_sources(settings, story or "")
    with reported_errors():
        model = text_model(settings.writer, settings)
        checked = restyle_checked(
            sources,
            chosen,
            model,
            model if judge else None,
            now=datetime.now(UTC),
            embedder=story_models(settings)[0],
        )
    if format_ == "json":
        print(json.dumps(to_json(checked, sources), ensure_ascii=False, indent=2))
    else:
        print(checked.rewrite.text)
    if not checked.published:
        fail(f"held back: {'; '.join(checked.reasons)}")
