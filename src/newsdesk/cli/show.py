"""`newsdesk show STORY_ID`: one story's latest (or given) version as text, JSON or Markdown."""

from __future__ import annotations

import difflib
import sys
from typing import Annotated

import typer

from newsdesk.cli.common import (
    EXIT_CONFIG,
    fail,
    missing_store,
    reported_errors,
    settings_from,
)
from newsdesk.records import StoryVersion
from newsdesk.store import Store

FORMATS = ("text", "json", "markdown")


def _pick(versions: list[StoryVersion], story_id: str, number: int | None) -> StoryVersion:
    if number is None:
        return versions[-1]
    for version in versions:
        if version.version == number:
            return version
    have = ", ".join(str(v.version) for v in versions)
    fail(f"story {story_id!r} has no version {number} (it has: {have})")


def _unknown(story_id: str, known: list[str]) -> str:
    close = difflib.get_close_matches(story_id, known, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    if not known:
        hint = "; nothing has been written yet (run `newsdesk run` first)"
    return f"no written story {story_id!r}{hint}"


def show_command(
    ctx: typer.Context,
    story_id: Annotated[str, typer.Argument(help="The story's id (see `newsdesk status`).")],
    format_: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(FORMATS)}.")
    ] = "text",
    version: Annotated[
        int | None, typer.Option("--version", "-v", help="A version number (default: latest).")
    ] = None,
) -> None:
    """Print a written story (latest version, or --version N) as text, JSON or Markdown."""
    if format_ not in FORMATS:
        fail(f"unknown format {format_!r}; choose one of {', '.join(FORMATS)}", EXIT_CONFIG)
    settings = settings_from(ctx)
    if missing_store(settings):
        fail(f"no store at {settings.store_location} (run `newsdesk run` first)")
    with reported_errors(), Store(settings.store_location) as store:
        versions = store.versions(story_id)
        if not versions:
            fail(_unknown(story_id, sorted(store.latest_versions())))
    chosen = _pick(versions, story_id, version)
    from newsdesk.web.show import show  # the web package loads only when something is shown

    with reported_errors():
        text = show(chosen, format_)
    if not chosen.published:
        reasons = "; ".join(chosen.reasons) or "no reason recorded"
        print(f"newsdesk: note: version {chosen.version} is held back: {reasons}", file=sys.stderr)
    print(text)
