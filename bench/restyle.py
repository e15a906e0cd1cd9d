"""Voices: fact coverage and unsupported claims on every demo story, time per rewrite with the
embedded model.

Usage (from the repo root, after `make setup-models`):

    .venv/bin/python bench/restyle.py [--stories ID,ID] [--voices casual,brief] [--threads 2]
                                      [--no-model] [--no-judge]

Part 1, no model (seconds): every demo story in every voice, written from source sentences
and run through the verifier, plus each single-outlet story's one article as the seed was
written: sections, facts carried, coverage, sentences the verifier failed.

Part 2, the embedded Qwen2.5-Coder-1.5B (loaded once, `--threads` threads): the chosen stories
in every voice, as the pipeline writes them (the model also judges what the checks leave
open): seconds of rewording, seconds in all (verification, judge and repair included), the
share of sentences the model's wording survived in, sentences the first verification caught,
coverage after repair, whether it would be published. Prints one rewrite per voice with the
verifier's result, and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from newsdesk.demo import load_world, story_articles
from newsdesk.models.ner import spacy_entities
from newsdesk.models.registry import text_model
from newsdesk.models.text import TextModel
from newsdesk.pipeline.voices import CheckedRewrite, remembering, restyle_checked
from newsdesk.prompts.voices import voice_names
from newsdesk.records import Article, ItemStatus
from newsdesk.settings import Settings

DEFAULT_STORIES = "lumora-factory,kellsby-library"
NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)


def demo_sources(story_id: str) -> list[Article]:
    return [a for a in story_articles(story_id) if a.status is ItemStatus.OK]


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def without_model(voices: Sequence[str]) -> None:
    world = load_world()
    annotate = remembering(spacy_entities)
    cases = [(s.id, demo_sources(s.id)) for s in world.stories]
    print(
        f"{'story':<20} {'voice':<10} {'src':>3} {'sect':>4} {'facts':>5} {'cover':>6} "
        f"{'unsup':>5} {'held':>4}"
    )
    coverage: dict[str, list[float]] = {v: [] for v in voices}
    unsupported: dict[str, int] = dict.fromkeys(voices, 0)
    held: dict[str, int] = dict.fromkeys(voices, 0)
    for story, sources in cases:
        for voice in voices:
            checked = restyle_checked(sources, voice, None, None, now=NOW, annotate=annotate)
            coverage[voice].append(checked.coverage)
            unsupported[voice] += checked.caught
            held[voice] += not checked.published
            print(
                f"{story:<20} {voice:<10} {len(sources):>3} "
                f"{len(checked.rewrite.sections):>4} {len(checked.rewrite.carried):>5} "
                f"{checked.coverage:>6.2f} {checked.caught:>5} "
                f"{'yes' if not checked.published else '':>4}"
            )
    single = sum(len(sources) == 1 for _, sources in cases)
    print(f"\nno model, {len(cases)} demo stories ({single} single-source):")
    for voice in voices:
        values = coverage[voice]
        print(
            f"  {voice:<10} coverage mean {statistics.mean(values):.3f} min {min(values):.3f}; "
            f"sentences the verifier failed {unsupported[voice]}; held back {held[voice]}"
        )


def with_model(
    model: TextModel, judge: TextModel | None, stories: Sequence[str], voices: Sequence[str]
) -> None:
    print(f"\nembedded model, load average before: {load()}")
    print(
        f"{'story':<18} {'voice':<10} {'model s':>7} {'total s':>7} {'calls':>5} "
        f"{'prompt tok':>10} {'gen tok':>7} {'gen tok/s':>9} "
        f"{'reworded':>8} {'caught':>6} {'cover':>6} {'published':>9}"
    )
    shown: dict[str, CheckedRewrite] = {}
    times: dict[str, list[float]] = {v: [] for v in voices}
    results: dict[str, list[CheckedRewrite]] = {v: [] for v in voices}
    for story in stories:
        sources = demo_sources(story)
        for voice in voices:
            started = time.perf_counter()
            checked = restyle_checked(sources, voice, model, judge, now=NOW)
            total = time.perf_counter() - started
            rewrite = checked.rewrite
            lines = rewrite.lines
            reworded = sum(x.by_model for x in lines) / len(lines) if lines else 0.0
            calls = sum(1 for s in rewrite.steps if s.step != "fact sheet")
            times[voice].append(total)
            results[voice].append(checked)
            shown.setdefault(voice, checked)
            prompt_tokens = sum(s.prompt_tokens for s in rewrite.steps)
            generated = sum(s.completion_tokens for s in rewrite.steps)
            rate = generated / rewrite.seconds if rewrite.seconds else 0.0
            print(
                f"{story:<18} {voice:<10} {rewrite.seconds:>7.1f} {total:>7.1f} {calls:>5} "
                f"{prompt_tokens:>10} {generated:>7} {rate:>9.1f} "
                f"{reworded:>8.0%} {checked.caught:>6} {checked.coverage:>6.2f} "
                f"{'yes' if checked.published else 'HELD':>9}"
            )
    print(f"load average after: {load()}")
    for voice in voices:
        done = results[voice]
        cover = [c.coverage for c in done]
        print(
            f"  {voice:<10} mean {statistics.mean(times[voice]):.1f} s per rewrite; coverage "
            f"mean {statistics.mean(cover):.3f} min {min(cover):.3f}; caught before repair "
            f"{sum(c.caught for c in done)}, unsupported after {sum(c.unsupported for c in done)}"
            f"; held back {sum(not c.published for c in done)} of {len(done)}"
        )
    for voice, checked in shown.items():
        verification = checked.verification
        print(f"\n===== {voice} ({checked.rewrite.writer}) =====\n{checked.rewrite.text}\n")
        print(
            f"verifier: {len(verification.sentences)} sentences, "
            f"{len(verification.sentences) - checked.unsupported} supported, "
            f"{checked.caught} caught before repair; coverage {checked.coverage:.2f} "
            f"({len(checked.present)}/{len(checked.rewrite.carried)} facts); "
            f"{'published' if checked.published else 'held back: ' + '; '.join(checked.reasons)}"
        )
        for repair in checked.repairs:
            print(f"  repair: {repair}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", default=DEFAULT_STORIES)
    parser.add_argument("--voices", default=",".join(voice_names()))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-model", action="store_true", help="part 1 only")
    parser.add_argument("--no-judge", action="store_true", help="verify without the judge")
    args = parser.parse_args()
    voices = [v for v in args.voices.split(",") if v]
    print(f"load average: {load()}, {os.cpu_count()} CPUs")
    without_model(voices)
    if args.no_model:
        return
    model = text_model("embedded", Settings(model_threads=args.threads))
    assert model is not None
    stories = [s for s in args.stories.split(",") if s]
    with_model(model, None if args.no_judge else model, stories, voices)


if __name__ == "__main__":
    main()
