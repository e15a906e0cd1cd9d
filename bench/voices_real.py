"""Voices on real reporting: one real article of each of five eval/events dev stories, retold
in the casual and explainer voices by the embedded model, as `newsdesk restyle ARTICLE.json`
does (verification and repair included).

    .venv/bin/python bench/voices_real.py [--voices casual,explainer] [--save DIR]

For each rewrite: seconds in all; sentences of six words or more and how many are mostly one
copied run (at least 80% of their words outside quotes in one run the article has) or carry a
run of eight words or more (bench/originality.py's measure, against the one article retold);
the headings, with who wrote each (the model's, checked, or ours); whether the article's wire
dateline ("KYIV, Jan 27 (Reuters) -") leaked into the text; whether it was published. `--save`
writes each rewrite to DIR/<event>.<voice>.txt for a reader.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from newsdesk.cli.write import read_sources
from newsdesk.models.registry import text_model
from newsdesk.pipeline.voices import restyle_checked
from newsdesk.records import Article
from newsdesk.settings import Settings
from newsdesk.writing.originality import words
from originality import count_copying

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "eval" / "events" / "dev"
# (event, outlet): wire copy with a dateline, a broadsheet, a business page, a sports desk, a
# national paper with a place dateline
ARTICLES = (
    ("kharkiv_passenger_train_drone_strike_2026", "Global Banking & Finance Review"),
    ("morocco_earthquake_2023", "The Herald (Glasgow)"),
    ("fed_rate_hike_july_2023", "Daily Mail"),
    ("womens_world_cup_final_2023", "The National"),
    ("odisha_balasore_train_crash_2023", "DT Next"),
)
_DATELINE = re.compile(
    r"\b[A-Z]{3,}(?:,\s+\w+\.? \d+)?\s*\((?:Reuters|AP|AFP)\)|\b[A-Z]{4,}(?:\s+[-–—]|:)\s"
)


def article(event: str, outlet: str) -> Article:
    for source in read_sources(EVENTS / f"{event}.json"):
        if source.outlet == outlet:
            return source
    raise SystemExit(f"no article by {outlet!r} in {event}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voices", default="casual,explainer")
    parser.add_argument("--save", type=Path)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args(argv)
    model = text_model("embedded", Settings(model_threads=args.threads))
    if args.save:
        args.save.mkdir(parents=True, exist_ok=True)
    print(
        f"{'event':<28} {'voice':<10} {'s':>5} {'sent':>4} {'80%':>4} {'8w':>4} "
        f"{'dateline':>8} {'published':>9}  headings (m = the model's, o = ours)"
    )
    totals = {"sentences": 0, "mostly": 0, "long": 0}
    for event, outlet in ARTICLES:
        source = article(event, outlet)
        body = [words(source.body)]
        for voice in [v for v in args.voices.split(",") if v]:
            started = time.perf_counter()
            checked = restyle_checked([source], voice, model, model, now=datetime.now(UTC))
            seconds = time.perf_counter() - started
            rewrite = checked.rewrite
            prose = "\n\n".join(
                " ".join(x.text for x in p) for s in rewrite.sections for p in s.paragraphs
            )
            counted, mostly, long = count_copying(prose, body)
            totals["sentences"] += counted
            totals["mostly"] += mostly
            totals["long"] += long
            leaked = bool(_DATELINE.search(prose))
            headings = "; ".join(
                f"{'m' if s.heading_by_model else 'o'}:{s.heading}" for s in rewrite.sections
            )
            print(
                f"{event[:28]:<28} {voice:<10} {seconds:>5.0f} {counted:>4} {mostly:>4} {long:>4} "
                f"{'LEAKED' if leaked else 'no':>8} {'yes' if checked.published else 'HELD':>9}"
                f"  {headings}"
            )
            if args.save:
                (args.save / f"{event}.{voice}.txt").write_text(rewrite.text, encoding="utf-8")
    n = totals["sentences"] or 1
    print(
        f"\n{totals['sentences']} sentences: {totals['mostly'] / n:.0%} at least 80% one copied "
        f"run, {totals['long'] / n:.0%} with a copied run of 8+ words (quotations aside)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
