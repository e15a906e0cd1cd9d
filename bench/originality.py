"""How much of a published article is other outlets' copy? (issue 18's measure)

    .venv/bin/python bench/originality.py                      # eval/events dev + the demo
    .venv/bin/python bench/originality.py --writer embedded    # the model writer (slow)
    .venv/bin/python bench/originality.py --set events --part blind

Each story is written as `newsdesk run` writes it (write, verify, repair). For every published
sentence, with the words inside quotation marks left out (a quote is meant to be verbatim),
the longest run of words it shares with any one source article is found. Two shares:

- sentences at least 80% one copied run (issue 18's target: at most 10%);
- sentences with any copied run of 8 words or more (target: at most 25%).

Sentences with fewer than 6 words outside quotes are not counted (a quote and its "she said").
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from newsdesk.cli.write import read_sources
from newsdesk.demo.world import load_world, story_articles
from newsdesk.formats.house import render_house
from newsdesk.models.embedding import MiniLMEmbedder
from newsdesk.models.registry import text_model
from newsdesk.pipeline.writing import checked_body
from newsdesk.records import Article
from newsdesk.settings import load_settings
from newsdesk.text import split_sentences
from newsdesk.writing.house import write_story
from newsdesk.writing.originality import copying, words

ROOT = Path(__file__).resolve().parent.parent
MOSTLY = 0.8
LONG_RUN = 8
MIN_WORDS = 6


@dataclass(slots=True)
class StoryScore:
    name: str
    sentences: int
    mostly_copied: int
    long_run: int
    seconds: float
    text: str  # the article as published (house layout)


def count_copying(text: str, bodies: Sequence[Sequence[str]]) -> tuple[int, int, int]:
    """Sentences of MIN_WORDS or more, those mostly one copied run, those with a run of
    LONG_RUN words or more (quotations aside)."""
    counted = mostly = long = 0
    for sentence in split_sentences(text):
        copied = copying(sentence, bodies)
        if copied.words < MIN_WORDS:
            continue
        counted += 1
        mostly += copied.copied >= MOSTLY * copied.words
        long += copied.copied >= LONG_RUN
    return counted, mostly, long


def score_story(
    name: str, sources: Sequence[Article], writer: str, embedder: MiniLMEmbedder
) -> StoryScore:
    settings = load_settings(cli_overrides={"writer": writer})
    model = text_model(settings.writer, settings)
    started = time.perf_counter()
    draft = write_story(sources, model, now=datetime.now(UTC), embedder=embedder)
    body, _, _ = checked_body(sources, draft, model, model, embedder)
    seconds = time.perf_counter() - started
    counted, mostly, long = count_copying(body, [words(a.body) for a in sources])
    paragraphs = tuple(p for p in body.split("\n\n") if p.strip())
    text = render_house(replace(draft.article, paragraphs=paragraphs))
    return StoryScore(name, counted, mostly, long, seconds, text)


def stories(kind: str, part: str) -> list[tuple[str, list[Article]]]:
    if kind == "events":
        paths = sorted((ROOT / "eval" / "events" / part).glob("*.json"))
        return [(p.stem, read_sources(p)) for p in paths]
    world = load_world()
    found = [(s.id, story_articles(s.id, world)) for s in world.stories]
    return [(name, articles) for name, articles in found if articles]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=["events", "demo", "both"], default="both")
    parser.add_argument("--part", default="dev", help="eval/events part (dev or blind)")
    parser.add_argument("--writer", default="extractive", choices=["extractive", "embedded"])
    parser.add_argument("--story", help="only stories whose name contains this")
    parser.add_argument("--save", type=Path, help="write each published article to DIR/NAME.txt")
    args = parser.parse_args(argv)
    embedder = MiniLMEmbedder()
    kinds = ["events", "demo"] if args.set == "both" else [args.set]
    for kind in kinds:
        chosen = [(n, a) for n, a in stories(kind, args.part) if not args.story or args.story in n]
        title = f"eval/events/{args.part}" if kind == "events" else "the demo world"
        scores = []
        for name, articles in chosen:
            scores.append(score := score_story(name, articles, args.writer, embedder))
            print(f"  {name}: {score.seconds:.0f} s", file=sys.stderr, flush=True)
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / f"{name}.txt").write_text(score.text, encoding="utf-8")
        print(f"\n== {title}, writer {args.writer}")
        print(f"  {'story':<36}{'sentences':>10}{'>=80% copied':>14}{'8-word run':>12}{'s':>7}")
        for s in scores:
            print(
                f"  {s.name[:35]:<36}{s.sentences:>10}{s.mostly_copied:>14}{s.long_run:>12}"
                f"{s.seconds:>7.1f}"
            )
        n = sum(s.sentences for s in scores)
        if not n:
            print("  no sentences")
            continue
        mostly = sum(s.mostly_copied for s in scores)
        long = sum(s.long_run for s in scores)
        print(
            f"  {len(scores)} stories, {n} sentences: {mostly / n:.0%} at least 80% one copied run,"
            f" {long / n:.0%} with a copied run of {LONG_RUN}+ words (quotations aside)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
