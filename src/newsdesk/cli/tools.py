"""Single-document tools used by people and evaluation scripts: parse-feed, extract."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsdesk.cli.common import fail, reported_errors
from newsdesk.ingest.extract import extract_article
from newsdesk.ingest.feeds import parse_feed


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        fail(f"cannot read {path}: {exc.strerror or exc}")


def parse_feed_command(
    path: Annotated[Path, typer.Argument(help="A feed file (RSS, Atom or JSON Feed).")],
) -> None:
    """Parse one feed file (RSS, Atom or JSON Feed) and print its entries as JSON."""
    data = _read(path)
    with reported_errors():
        feed = parse_feed(data, url=None)
    print(
        json.dumps(
            {
                "title": feed.title,
                "link": feed.link,
                "entries": [
                    {
                        "title": e.title,
                        "link": e.link,
                        "published": e.published.isoformat() if e.published else None,
                        "summary": e.summary,
                        "author": e.author,
                    }
                    for e in feed.entries
                ],
            },
            ensure_ascii=False,
            indent=2,
        )
    )


def extract_command(
    path: Annotated[Path, typer.Argument(help="A saved HTML page.")],
    url: Annotated[str | None, typer.Option(help="The URL the page was fetched from.")] = None,
) -> None:
    """Extract the article from one saved HTML page and print it as JSON."""
    data = _read(path)
    with reported_errors():
        article = extract_article(data, url)
    print(
        json.dumps(
            {
                "url": url or article.url,
                "canonical_url": article.canonical_url,
                "title": article.title,
                "authors": list(article.authors),
                "published": article.published.isoformat() if article.published else None,
                "body": article.body,
                "lang": article.lang,
            },
            ensure_ascii=False,
            indent=2,
        )
    )
