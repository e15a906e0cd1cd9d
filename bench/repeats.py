"""Facts told twice, as a reader counts them: how well measures of repetition agree with a
blind reader, and how many of the reader's repeats the desk still prints.

    .venv/bin/python bench/repeats.py            # both parts (about a minute)
    .venv/bin/python bench/repeats.py --no-desk  # part 1 only

The reader's labels are in eval/events/reads/2026-12-06-repeats: a helper acting as an editor,
blind to the code, read 29 published articles (the 12 dev events of eval/events by the
embedded writer, the same 12 and the 5 blind events by the extractive writer) and marked every
body sentence that tells the reader again something an earlier sentence told ("first" ->
"again"), conflicts apart. See that folder's README.md.

Part 1, agreement. Every pair of body sentences of those articles is scored by each measure;
a measure's pairs are compared with the reader's: precision (flagged pairs the reader also
marked), recall (marked pairs flagged), and the area under the ROC curve of its score (0.5 is
chance, 1.0 a perfect ranking). Measures: bench/account.py's "told twice" (sentence cosine at
least 0.8) and "sharing a clause" (clause cosine at least 0.75); the sentences' cosine, their
stems' Dice overlap and the shared stems weighted by rarity in the article, each at the
threshold of its best F1 on the dev events, then the same threshold on the blind events.

Part 2, the extractive desk now, on the same 17 events: of the pairs the reader marked in the
extractive articles, how many the new article still prints (both sentences in it, word for
word), and how many sentences it prints that the reader never saw (their repeats unknown).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from account import _CLAUSE, _SAID, CLAUSE_REPEATED, REPEATED, score_event
from newsdesk.models.embedding import MiniLMEmbedder
from newsdesk.text import split_sentences
from newsdesk.writing.rules import dice, outside_quotes, stem_set

ROOT = Path(__file__).resolve().parent.parent
READ = ROOT / "eval" / "events" / "reads" / "2026-12-06-repeats"
EVENTS = ROOT / "eval" / "events"
_NUMBERED = re.compile(r"^S(\d+): (.*)$")


@dataclass(frozen=True, slots=True)
class Pair:
    article: str
    part: str  # "dev" or "blind"
    first: int
    again: int
    marked: bool  # the reader marked `again` as telling `first` again
    scores: dict[str, float]


def _sentences(name: str) -> list[str]:
    lines = (READ / "articles" / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [m.group(2).strip() for line in lines if (m := _NUMBERED.match(line))]


def _unit(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.asarray(rows / np.where(norms == 0, 1, norms))


def _clause_max(sentences: Sequence[str], embedder: MiniLMEmbedder) -> np.ndarray:
    """bench/account.py's clauses: the best clause-to-clause cosine of each pair."""
    units = [
        (i, part)
        for i, sentence in enumerate(sentences)
        for part in [sentence, *_CLAUSE.split(sentence)]
        if len(part.split()) >= 4 and not _SAID.search(part)
    ]
    best = np.zeros((len(sentences), len(sentences)))
    if not units:
        return best
    sims = (rows := _unit(np.asarray(embedder.embed([u for _, u in units])))) @ rows.T
    for a, (i, _) in enumerate(units):
        for b, (j, _) in enumerate(units):
            if i != j:
                best[i, j] = max(best[i, j], float(sims[a, b]))
    return best


def pairs(embedder: MiniLMEmbedder) -> list[Pair]:
    labels = json.loads((READ / "labels.json").read_text(encoding="utf-8"))
    key = json.loads((READ / "key.json").read_text(encoding="utf-8"))
    found: list[Pair] = []
    for name in sorted(labels):
        sentences = _sentences(name)
        marked = {(r["first"] - 1, r["again"] - 1) for r in labels[name]["repeats"]}
        stems = [stem_set(outside_quotes(s)) for s in sentences]
        df: dict[str, int] = {}
        for s in stems:
            for w in s:
                df[w] = df.get(w, 0) + 1
        idf = {w: math.log((len(sentences) + 1) / d) for w, d in df.items()}
        vectors = _unit(np.asarray(embedder.embed(sentences)))
        cos = vectors @ vectors.T
        clause = _clause_max(sentences, embedder)
        part = "blind" if "blind" in key[name]["version"] else "dev"
        for j in range(len(sentences)):
            for i in range(j):
                scores = {
                    "cosine": float(cos[i, j]),
                    "clause": float(clause[i, j]),
                    "dice": dice(stems[i], stems[j]),
                    "rare words": sum(idf[w] for w in stems[i] & stems[j]),
                }
                found.append(Pair(name, part, i, j, (i, j) in marked, scores))
    return found


def _auc(pairs: Sequence[Pair], measure: str) -> float:
    marked = np.array([p.scores[measure] for p in pairs if p.marked])
    other = np.array([p.scores[measure] for p in pairs if not p.marked])
    if not len(marked) or not len(other):
        return float("nan")
    higher = (marked[:, None] > other[None, :]).mean()
    return float(higher + 0.5 * (marked[:, None] == other[None, :]).mean())


def _counts(pairs: Sequence[Pair], flagged: Callable[[Pair], bool]) -> tuple[int, int, int]:
    hit = sum(1 for p in pairs if p.marked and flagged(p))
    return hit, sum(1 for p in pairs if flagged(p)), sum(1 for p in pairs if p.marked)


def _line(name: str, pairs: Sequence[Pair], flagged: Callable[[Pair], bool]) -> str:
    hit, flags, marked = _counts(pairs, flagged)
    precision = f"{hit / flags:.2f}" if flags else "  - "
    return f"  {name:<44} {flags:>6} {hit:>6} {precision:>9} {hit / marked:>7.2f}"


def _best_threshold(pairs: Sequence[Pair], measure: str) -> float:
    values = sorted({p.scores[measure] for p in pairs})
    best, best_f1 = values[-1], -1.0
    for t in values[:: max(1, len(values) // 400)]:
        hit, flags, marked = _counts(pairs, _at_least(measure, t))
        f1 = 2 * hit / (flags + marked) if flags + marked else 0.0
        if f1 > best_f1:
            best, best_f1 = t, f1
    return best


def agreement(found: Sequence[Pair]) -> None:
    for part in ("dev", "blind"):
        chosen = [p for p in found if p.part == part]
        articles = len({p.article for p in chosen})
        print(
            f"\n== {part}: {articles} articles, {len(chosen)} sentence pairs, "
            f"{sum(p.marked for p in chosen)} told twice by the reader"
        )
        print(f"  {'measure':<44} {'flags':>6} {'marked':>6} {'precision':>9} {'recall':>7}")
        print(_line("account.py told twice (cosine >= 0.8)", chosen, _at_least("cosine", REPEATED)))
        print(
            _line(
                "account.py sharing a clause (>= 0.75)",
                chosen,
                _at_least("clause", CLAUSE_REPEATED),
            )
        )
        for measure in ("cosine", "clause", "dice", "rare words"):
            t = _best_threshold([p for p in found if p.part == "dev"], measure)
            label = f"{measure} >= {t:.2f} (best F1 on dev), AUC {_auc(chosen, measure):.2f}"
            print(_line(label, chosen, _at_least(measure, t)))


def _at_least(measure: str, t: float) -> Callable[[Pair], bool]:
    return lambda p: p.scores[measure] >= t


def desk_now(embedder: MiniLMEmbedder) -> None:
    labels = json.loads((READ / "labels.json").read_text(encoding="utf-8"))
    key = json.loads((READ / "key.json").read_text(encoding="utf-8"))
    kept = marked = unseen = printed = 0
    print("\n== the extractive desk now")
    print(f"  {'event':<40} {'marked':>6} {'still':>6} {'new sentences':>13}")
    for name in sorted(labels, key=lambda n: (key[n]["version"], key[n]["event"])):
        if not key[name]["version"].startswith("ext-"):
            continue
        event = key[name]["event"]
        part = "blind" if "blind" in key[name]["version"] else "dev"
        old = _sentences(name)
        _, text = score_event(EVENTS / part / f"{event}.json", "extractive", embedder)
        body = text.split("\n\nCategory:")[0].split("\n\n")[1:]
        now = [s.strip() for p in body for s in split_sentences(p)]
        pairs_marked = [(r["first"] - 1, r["again"] - 1) for r in labels[name]["repeats"]]
        still = sum(1 for i, j in pairs_marked if old[i] in now and old[j] in now)
        new = sum(1 for s in now if s not in old)
        print(f"  {event:<40} {len(pairs_marked):>6} {still:>6} {new:>13}")
        kept += still
        marked += len(pairs_marked)
        unseen += new
        printed += len(now)
    print(
        f"  reader's repeats still printed {kept}/{marked}; sentences the reader never saw "
        f"{unseen}/{printed} (their repeats unknown)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-desk", action="store_true", help="part 1 only")
    args = parser.parse_args(argv)
    embedder = MiniLMEmbedder()
    agreement(pairs(embedder))
    if not args.no_desk:
        desk_now(embedder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
