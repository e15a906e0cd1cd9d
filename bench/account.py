"""How well does the desk tell a story that many outlets covered? Scored on eval/events.

    .venv/bin/python bench/account.py                       # extractive writer, all dev events
    .venv/bin/python bench/account.py --writer embedded     # Qwen2.5-Coder-1.5B (minutes a story)
    .venv/bin/python bench/account.py --event morocco --show

Each event of eval/events/dev has 6-7 real outlets' articles and an answer key written blind to
the code (eval/events/README.md). The articles go through what `newsdesk run` does with a story
(write, verify, repair); the published text is scored against the key:

- key facts covered: a key fact counts when some sentence of the article says it, read as a
  cosine of at least 0.6 between MiniLM embeddings (a proxy: it is lenient with a sentence on
  the same subject and strict with a paraphrase in other words, so the main-fact line is also
  printed for a reader to check);
- told twice: pairs of body sentences with a cosine of at least 0.8; and pairs of which a
  clause of one and a clause of the other (cut at commas and joining words, four words or
  more, who-said-it clauses aside) have a cosine of at least 0.75 ("Spain beat England 1-0 to
  win the World Cup" again inside "Spain are the champions, having beaten England ...");
- side by side: a disagreement of the key (a toll that rose, two counts) whose values appear in
  the article in more than one form with no word that reconciles them (rose, revised, earlier,
  according to, said, while ...);
- furniture leaked: the key's furniture strings (datelines, wire credits, bylines, captions,
  an outlet's own voice) found in the article, and wire credits or datelines by pattern;
- category: the key's, for an international desk (World for disasters and conflicts abroad,
  Business for central banks and markets);
- title: the share of the words of the key's `title_must_name` in the title (a proxy too).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from newsdesk.cli.write import read_sources
from newsdesk.formats.house import render_house
from newsdesk.models.embedding import MiniLMEmbedder
from newsdesk.models.registry import text_model
from newsdesk.pipeline.writing import checked_body
from newsdesk.settings import load_settings
from newsdesk.text import STOPWORDS, split_sentences
from newsdesk.writing.house import write_story

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "eval" / "events"
COVERED = 0.6
REPEATED = 0.8
CLAUSE_REPEATED = 0.75
_CLAUSE = re.compile(r",\s|;\s|:\s|\s[-–—]\s|\s(?:as|while|after|and|but|which|who)\s")
_SAID = re.compile(r"\b(?:said|says|told|according|reported|added)\b", re.IGNORECASE)
_RECONCILE = re.compile(
    r"\b(?:rose|risen|climbed|increased|revised|updated|earlier|later|initially|first|up from"
    r"|down from|according to|said|says|put|puts|estimated|while|whereas|but|other)\b",
    re.IGNORECASE,
)
_CREDIT = re.compile(r"\((?:AP|AFP|Reuters|dpa[^)]*|IANS|PTI|ANI|UNI)\)|\bReuters\)\s*-")
_DATELINE = re.compile(r"(?:^|\n\n)[A-Z][A-Za-z .,()'-]{2,40}(?:\s[-–—]|:)\s")
_SYNONYMS = {"Sport": "Sports", "Sports": "Sports"}


@dataclass(slots=True)
class Score:
    event: str
    seconds: float
    title: str
    category: str
    category_right: bool
    title_words: float
    main_covered: bool
    major: tuple[int, int]
    minor: tuple[int, int]
    told_twice: int
    clause_twice: int
    side_by_side: int
    disagreements: int
    furniture: list[str]
    sentences: int


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,.]*\d|\d", text)}


def _side_by_side(body: str, disagreements: Sequence[dict[str, object]]) -> int:
    """Disagreements whose values the article gives in two forms, unreconciled."""
    found = 0
    sentences = split_sentences(body)
    for slot in disagreements:
        values = [str(v.get("value", "")) for v in slot.get("values", [])]  # type: ignore[attr-defined]
        numbers = [_numbers(v) for v in values]
        hits = [s for s in sentences if any(n and n & _numbers(s) for n in numbers)]
        forms = {frozenset(n & _numbers(s)) for s in hits for n in numbers if n & _numbers(s)}
        if len(forms) > 1 and not any(_RECONCILE.search(s) for s in hits):
            found += 1
    return found


def _title_words(title: str, wanted: str) -> float:
    words = {w for w in re.findall(r"[a-z0-9]+", wanted.lower()) if w not in STOPWORDS}
    have = set(re.findall(r"[a-z0-9]+", title.lower()))
    return len(words & have) / len(words) if words else 1.0


def _clause_repeats(sentences: Sequence[str], embedder: MiniLMEmbedder) -> int:
    """Pairs of sentences of which a clause of one tells a clause of the other again."""
    units = [
        (i, part)
        for i, sentence in enumerate(sentences)
        for part in [sentence, *_CLAUSE.split(sentence)]
        if len(part.split()) >= 4 and not _SAID.search(part)
    ]
    if not units:
        return 0
    rows = embedder.embed([u for _, u in units])
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    sims = rows @ rows.T
    return len(
        {
            (units[a][0], units[b][0])
            for a in range(len(units))
            for b in range(len(units))
            if units[a][0] < units[b][0] and sims[a, b] >= CLAUSE_REPEATED
        }
    )


def score_event(path: Path, writer: str, embedder: MiniLMEmbedder) -> tuple[Score, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    key = data["key"]
    settings = load_settings(cli_overrides={"writer": writer})
    model = text_model(settings.writer, settings)
    sources = read_sources(path)
    started = time.perf_counter()
    try:
        draft = write_story(sources, model, now=datetime.now(UTC), embedder=embedder)
    except TypeError:  # a checkout from before the account took an embedder (for "before")
        draft = write_story(sources, model, now=datetime.now(UTC))
    try:
        body, _, _ = checked_body(sources, draft, model, model, embedder)
    except TypeError:  # a checkout from before verification took an embedder (for "before")
        body, _, _ = checked_body(sources, draft, model, model)  # type: ignore[call-arg]
    paragraphs = tuple(p for p in body.split("\n\n") if p.strip())
    article = replace(draft.article, paragraphs=paragraphs)
    seconds = time.perf_counter() - started
    text = render_house(article)
    prose = "\n\n".join([article.title, *paragraphs])  # not the Related lines' outlet names
    sentences = [s for p in paragraphs for s in split_sentences(p)]
    facts = key["facts"]
    rows = embedder.embed([f["fact"] for f in facts] + sentences)
    fact_rows, sentence_rows = rows[: len(facts)], rows[len(facts) :]
    best = (fact_rows @ sentence_rows.T).max(axis=1) if sentences else np.zeros(len(facts))
    covered = {f["id"]: float(b) >= COVERED for f, b in zip(facts, best, strict=True)}

    def share(level: str) -> tuple[int, int]:
        chosen = [f for f in facts if f["importance"] == level]
        return sum(covered[f["id"]] for f in chosen), len(chosen)

    pairs = sentence_rows @ sentence_rows.T if sentences else np.zeros((0, 0))
    twice = sum(
        1
        for i in range(len(sentences))
        for j in range(i + 1, len(sentences))
        if pairs[i, j] >= REPEATED
    )
    clause_twice = _clause_repeats(sentences, embedder)
    lowered = prose.lower()
    leaked = [f for f in key["furniture"] if f.strip() and f.strip().lower()[:40] in lowered]
    leaked += [m.group(0) for m in _CREDIT.finditer(prose)]
    leaked += [m.group(0).strip() for m in _DATELINE.finditer("\n\n".join(paragraphs))]
    expected = _SYNONYMS.get(key["category"], key["category"])
    score = Score(
        event=data["id"],
        seconds=seconds,
        title=article.title,
        category=article.category,
        category_right=_SYNONYMS.get(article.category, article.category) == expected,
        title_words=_title_words(article.title, key["title_must_name"]),
        main_covered=all(covered[f["id"]] for f in facts if f["importance"] == "main"),
        major=share("major"),
        minor=share("minor"),
        told_twice=twice,
        clause_twice=clause_twice,
        side_by_side=_side_by_side(body, key.get("disagreements", [])),
        disagreements=len(key.get("disagreements", [])),
        furniture=sorted(set(leaked)),
        sentences=len(sentences),
    )
    return score, text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="dev")
    parser.add_argument("--writer", default="extractive", choices=["extractive", "embedded"])
    parser.add_argument(
        "--event", help="only events whose id contains this (several: comma-separated)"
    )
    parser.add_argument("--show", action="store_true", help="print each article")
    args = parser.parse_args(argv)
    paths = sorted((EVENTS / args.part).glob("*.json"))
    if args.event:
        wanted = args.event.split(",")
        paths = [p for p in paths if any(w in p.stem for w in wanted)]
    if not paths:
        print(f"no events in {EVENTS / args.part}", file=sys.stderr)
        return 2
    embedder = MiniLMEmbedder()
    scores = []
    for path in paths:
        score, text = score_event(path, args.writer, embedder)
        scores.append(score)
        if args.show:
            print(f"\n---- {score.event}\n{text}")
    print(f"\n== eval/events/{args.part}, writer {args.writer}")
    print(
        f"  {'event':<34}{'s':>6} {'main':>5} {'major':>6} {'minor':>6} {'twice':>6} "
        f"{'sbs':>4} {'furn':>5} {'cat':>4} {'title':>6}  category / title"
    )
    for s in scores:
        print(
            f"  {s.event[:33]:<34}{s.seconds:6.1f} {'yes' if s.main_covered else 'NO':>5} "
            f"{s.major[0]:>3}/{s.major[1]:<2} {s.minor[0]:>3}/{s.minor[1]:<2} {s.told_twice:>6} "
            f"{s.side_by_side:>2}/{s.disagreements:<1} {len(s.furniture):>5} "
            f"{'ok' if s.category_right else 'NO':>4} {s.title_words:6.2f}  "
            f"{s.category} / {s.title}"
        )
        for leaked in s.furniture:
            print(f"      leaked: {leaked[:90]!r}")
    n = len(scores)
    major = sum(s.major[0] for s in scores), sum(s.major[1] for s in scores)
    minor = sum(s.minor[0] for s in scores), sum(s.minor[1] for s in scores)
    print(
        f"\n  main fact covered {sum(s.main_covered for s in scores)}/{n}; major facts "
        f"{major[0]}/{major[1]}; minor facts {minor[0]}/{minor[1]}\n"
        f"  sentence pairs told twice {sum(s.told_twice for s in scores)} "
        f"(in {sum(s.sentences for s in scores)} sentences), sharing a clause "
        f"{sum(s.clause_twice for s in scores)}; disagreements side by side "
        f"{sum(s.side_by_side for s in scores)}/{sum(s.disagreements for s in scores)}\n"
        f"  articles with furniture leaked {sum(bool(s.furniture) for s in scores)}/{n} "
        f"({sum(len(s.furniture) for s in scores)} pieces); category right "
        f"{sum(s.category_right for s in scores)}/{n}; title words of the main event "
        f"{sum(s.title_words for s in scores) / n:.2f}; seconds a story "
        f"{sum(s.seconds for s in scores) / n:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
