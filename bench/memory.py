"""Peak memory of a 500-article `newsdesk run` with the embedded models (issue 9).

Usage (from the repo root, after `make setup-models`):

    .venv/bin/python bench/memory.py [--copies 8] [--write 10] [--writer embedded]

The demo world has 66 articles; this serves `--copies` renamed copies of it from loopback (each
copy's names get their own suffix and its dates move 45 days on, so every copy is a new set of
events, not a duplicate), and runs `newsdesk run` on all of them in a subprocess with the
configured models: MiniLM embeddings, spaCy, and the Qwen2.5-Coder-1.5B writer and judge.
Writing is capped with `max_stories_per_run` (`--write`): on 2 cores the model needs 30-70 s a
story, and the cap makes the run minutes instead of hours; the memory peak is the loaded
models plus the articles, which the cap does not change. Peak RSS is the child's own (wait4).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import urllib.request
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from newsdesk.demo import DemoServer, load_world
from newsdesk.demo.world import DemoArticle, DemoStory, DemoWorld
from newsdesk.store import Store

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))
from reliability_support import newsdesk_env, run_newsdesk  # noqa: E402

SUFFIXES = ("", "ova", "ek", "ardin", "ino", "ulay", "esk", "athi", "orm", "elle", "ussa")
SHIFT = timedelta(days=45)  # past the stories' quiet period, so copies never merge
# Capitalised words left alone: the grammar of the text, not its names.
KEEP = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "By",
        "For",
        "From",
        "Of",
        "To",
        "And",
        "But",
        "Or",
        "It",
        "Its",
        "He",
        "She",
        "They",
        "We",
        "I",
        "This",
        "That",
        "These",
        "Those",
        "His",
        "Her",
        "Their",
        "Our",
        "After",
        "Before",
        "When",
        "While",
        "As",
        "If",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Read",
        "More",
    ]
)
_NAME = re.compile(r"\b[A-Z][a-z]{2,}\b")


def rename(text: str, suffix: str) -> str:
    if not suffix:
        return text
    return _NAME.sub(lambda m: m[0] if m[0] in KEEP else m[0] + suffix, text)


def _copy_article(article: DemoArticle, k: int) -> DemoArticle:
    suffix = SUFFIXES[k]
    tag = f"-c{k}" if k else ""
    return replace(
        article,
        id=article.id + tag,
        story=article.story + tag,
        slug=article.slug + tag,
        title=rename(article.title, suffix),
        summary=rename(article.summary, suffix),
        authors=tuple(rename(a, suffix) for a in article.authors),
        published=article.published + SHIFT * k,
        updated=article.updated + SHIFT * k if article.updated else None,
        paragraphs=tuple(rename(p, suffix) for p in article.paragraphs),
        path=article.path.replace(article.slug, article.slug + tag)
        if article.slug in article.path
        else article.path + tag,
        copy_of=article.copy_of + tag if article.copy_of else None,
    )


def _copy_story(story: DemoStory, k: int) -> DemoStory:
    tag = f"-c{k}" if k else ""
    return replace(
        story,
        id=story.id + tag,
        title=rename(story.title, SUFFIXES[k]),
        follows=story.follows + tag if story.follows else None,
        key_facts=tuple(rename(f, SUFFIXES[k]) for f in story.key_facts),
    )


def scaled_world(copies: int) -> DemoWorld:
    if not 1 <= copies <= len(SUFFIXES):
        raise SystemExit(f"--copies must be 1..{len(SUFFIXES)}")
    world = load_world()
    return DemoWorld(
        world.outlets,
        tuple(_copy_story(s, k) for k in range(copies) for s in world.stories),
        tuple(_copy_article(a, k) for k in range(copies) for a in world.articles),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--copies", type=int, default=8, help="copies of the 66-article world")
    parser.add_argument("--write", type=int, default=10, help="max_stories_per_run")
    parser.add_argument("--writer", default="embedded")
    args = parser.parse_args(argv)
    world = scaled_world(args.copies)
    per_outlet = max(len(world.articles_of(o.id)) for o in world.outlets)
    with DemoServer(world=world) as server, tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        opml = folder / "feeds.opml"
        with urllib.request.urlopen(f"{server.base_url}/feeds.opml") as response:
            opml.write_bytes(response.read())
        env = newsdesk_env(
            allow_private_addresses=True,
            politeness_delay=0.0,
            max_articles_per_feed=per_outlet,
            max_stories_per_run=args.write,
            writer=args.writer,
        )
        argv_ = ("--data-dir", str(folder / "data"), "run", "--feeds", str(opml))
        load_before = os.getloadavg()
        outcome = run_newsdesk(argv_, env, folder, timeout=4 * 3600)
        with Store(folder / "data" / "newsdesk.db") as store:
            counts = store.counts()
            versions = store.versions()
    print(
        f"{len(world.articles)} articles ({args.copies} copies of the demo world, "
        f"{len(world.stories)} stories), writer {args.writer}, max_stories_per_run {args.write}"
    )
    published = sum(v.published for v in versions)
    print(
        f"exit {outcome.returncode}; store: {' '.join(f'{k}={v}' for k, v in counts.items())}; "
        f"versions written {len(versions)} ({published} published)"
    )
    for stage in outcome.stage_started:
        print(f"  {stage:<10} {outcome.stage_seconds(stage) or 0:8.1f} s")
    print(f"wall {outcome.seconds:.0f} s; peak RSS {outcome.max_rss_mb:.0f} MB")
    print(
        f"load average before {' '.join(f'{x:.2f}' for x in load_before)}, after "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs"
    )
    if outcome.returncode != 0:
        print(outcome.stderr[-2000:], file=sys.stderr)
    return outcome.returncode


if __name__ == "__main__":
    sys.exit(main())
