"""Story clustering, measured in one run: quality on the shared dev corpus against baselines,
embedding throughput against a bare onnxruntime session, and time/memory at 10k-100k articles.

    .venv/bin/python bench/cluster.py            # everything (about 3 minutes on 2 cores)
    .venv/bin/python bench/cluster.py --no-scale # quality and throughput only

Quality is scored by the corpus's own score.py (B-cubed). Baselines are single-pass
centroid clustering in time order (as in the corpus README) with their threshold swept and the
best one reported, so they are shown at their best; ours runs with its defaults.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from newsdesk.models.embedding import MiniLMEmbedder, pad_batch
from newsdesk.models.ner import SpacyEntities
from newsdesk.stories.articles import cluster_articles, lead_text
from newsdesk.stories.cluster import ClusterConfig, ClusterItem, ClusterState, cluster
from newsdesk.stories.jsonl import ClusterRecord, read_cluster_jsonl, record_article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "clustering"
DEV, SCORER = CORPUS / "dev.jsonl", CORPUS / "score.py"
F32 = NDArray[np.float32]
Row = tuple[str, str, str]


def score(assignments: dict[str, str]) -> dict[str, float]:
    """B-cubed P/R/F1 from the corpus's scorer, run as a separate program."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for key, story in assignments.items():
            out.write(json.dumps({"id": key, "cluster": story}) + "\n")
    result = subprocess.run(
        [sys.executable, str(SCORER), str(DEV), out.name], check=True, capture_output=True
    )
    Path(out.name).unlink()
    scores: dict[str, float] = json.loads(result.stdout)["bcubed"]
    return scores


def ours(
    records: Sequence[ClusterRecord],
    vectors: F32,
    names: Sequence[frozenset[str]] | None,
    config: ClusterConfig,
    *,
    undated: bool = False,
) -> tuple[dict[str, str], float]:
    """The production entry point (stories.articles.cluster_articles, as `newsdesk run` and
    `newsdesk cluster` call it) on vectors computed once for all the variants."""
    articles = [record_article(replace(r, published=None) if undated else r) for r in records]
    entities = names if names is not None else [frozenset[str]() for _ in records]
    start = time.perf_counter()
    state = cluster_articles(articles, vectors, entities, config=config)
    return state.assignments(), time.perf_counter() - start


# -- baselines -----------------------------------------------------------------------------------


def tfidf_matrix(texts: Sequence[str]) -> F32:
    """scikit-learn's TfidfVectorizer defaults: 2+ letter tokens, smooth IDF, L2 rows."""
    docs = [Counter(re.findall(r"(?u)\b\w\w+\b", t.lower())) for t in texts]
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    df = Counter(w for d in docs for w in d)
    idf = {w: np.log((1 + len(docs)) / (1 + df[w])) + 1 for w in vocab}
    matrix = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for row, doc in enumerate(docs):
        for word, count in doc.items():
            matrix[row, vocab[word]] = count * idf[word]
    norms = np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return np.asarray(matrix / norms, dtype=np.float32)


def single_pass(vectors: F32, order: Sequence[int], threshold: float) -> list[int]:
    """Join the most similar centroid if its cosine passes the threshold, else start one."""
    sums = np.zeros((len(order), vectors.shape[1]), dtype=np.float32)
    unit = np.zeros_like(sums)
    labels = [0] * len(order)
    count = 0
    for i in order:
        sims = unit[:count] @ vectors[i] if count else np.zeros(0, dtype=np.float32)
        best = int(np.argmax(sims)) if count else -1
        if best < 0 or sims[best] < threshold:
            best, count = count, count + 1
        sums[best] += vectors[i]
        unit[best] = sums[best] / max(float(np.linalg.norm(sums[best])), 1e-12)
        labels[i] = best
    return labels


def best_single_pass(
    records: Sequence[ClusterRecord], vectors: F32, thresholds: Sequence[float]
) -> tuple[dict[str, float], float]:
    order = sorted(range(len(records)), key=lambda i: (records[i].published, records[i].id))
    results = []
    for threshold in thresholds:
        labels = single_pass(vectors, order, threshold)
        scores = score({r.id: str(labels[i]) for i, r in enumerate(records)})
        results.append((scores, threshold))
    return max(results, key=lambda pair: pair[0]["f1"])


# -- embedding throughput ------------------------------------------------------------------------


def throughput(embedder: MiniLMEmbedder, texts: Sequence[str], rounds: int = 5) -> Row:
    """Our embed() (tokenise, batch, pool, normalise) vs session.run on ready-made batches.

    Both use the same session. Rounds alternate and the best of each counts; CPU time is the
    headline because wall time swings with whatever else the machine runs.
    """
    ids = embedder.tokenize(texts)
    order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
    size = embedder.batch_size
    feeds = [pad_batch([ids[i] for i in order[s : s + size]]) for s in range(0, len(ids), size)]

    def bare() -> None:
        for feed in feeds:
            embedder.session.run(["last_hidden_state"], feed)

    def full() -> None:
        embedder.embed(texts)

    bare()  # warm-up: arena allocation, first-run kernels
    full()
    timings: dict[str, list[tuple[float, float]]] = {"bare": [], "ours": []}
    for _ in range(rounds):
        for name, run in (("bare", bare), ("ours", full)):
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            timings[name].append((time.perf_counter() - wall, time.process_time() - cpu))
    bare_wall, bare_cpu = (min(t[i] for t in timings["bare"]) for i in (0, 1))
    ours_wall, ours_cpu = (min(t[i] for t in timings["ours"]) for i in (0, 1))
    detail = (
        f"wall {bare_wall / ours_wall:.3f}x; {len(texts) / ours_wall:.0f} texts/s ours, "
        f"{len(texts) / bare_wall:.0f} bare"
    )
    return ("embedding throughput vs bare onnxruntime", f"{bare_cpu / ours_cpu:.3f}x CPU", detail)


# -- scale ---------------------------------------------------------------------------------------


def scale_child(data: Path, n: int) -> None:
    """Cluster n perturbed copies of the dev vectors; print seconds and peak RSS as JSON."""
    saved = np.load(data, allow_pickle=False)
    base, names = saved["vectors"], json.loads(saved["meta"].tobytes())
    rng = np.random.default_rng(n)
    items = []
    for i in range(n):
        copy, j = divmod(i, len(base))
        noisy = base[j] + rng.normal(0.0, 0.03, base.shape[1]).astype(np.float32)
        words = names["titles"][j].split()
        if len(words) > 3:  # a perturbed headline: one word dropped
            del words[int(rng.integers(len(words)))]
        items.append(
            ClusterItem(
                key=f"{copy}-{j}",
                title=" ".join(words),
                lead="",
                # Each copy of the corpus is a week later, so copies are new events.
                published=_parse(names["published"][j], days=7 * copy),
                outlet=names["outlets"][j],
                embedding=noisy / np.linalg.norm(noisy),
                entities=frozenset(names["entities"][j]),
            )
        )
    cpu_before, start = _cpu_seconds(), time.perf_counter()
    state = ClusterState(base.shape[1])
    cluster(items, state)
    seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu_before
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    stories = sum(1 for s in state.stories if s.alive)
    print(
        json.dumps(
            {"n": n, "seconds": seconds, "cpu": cpu, "peak_rss_mb": peak, "stories": stories}
        )
    )


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _parse(text: str, days: int) -> datetime:
    return datetime.fromisoformat(text) + timedelta(days=days)


def run_scale(
    records: Sequence[ClusterRecord], vectors: F32, names: Sequence[frozenset[str]]
) -> list[Row]:
    meta = {
        "titles": [r.title for r in records],
        "published": [r.published.isoformat() if r.published else "" for r in records],
        "outlets": [r.source for r in records],
        "entities": [sorted(n) for n in names],
    }
    rows: list[Row] = []
    first: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "dev.npz"
        blob = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        np.savez(data, vectors=vectors, meta=blob)
        for n in (10_000, 50_000, 100_000):
            # One BLAS thread: the hot loops multiply small matrices, where OpenBLAS threads
            # only spin (6x slower on a loaded 2-core machine); hnswlib keeps its 2 threads.
            out = subprocess.run(
                [sys.executable, __file__, "--scale-child", str(data), str(n)],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
            )
            got = json.loads(out.stdout)
            first = first or (n, got["cpu"])
            growth = got["cpu"] / first[1]
            nlogn = (n * np.log(n)) / (first[0] * np.log(first[0]))
            rows.append(
                (
                    f"scale: {n:,} articles",
                    f"{got['seconds']:.1f} s wall, {got['cpu']:.1f} s CPU, "
                    f"{got['peak_rss_mb']:.0f} MB peak RSS",
                    f"{got['stories']:,} stories; CPU x{growth:.1f} vs n log n x{nlogn:.1f}",
                )
            )
    return rows


# -- main ----------------------------------------------------------------------------------------


def quality(
    records: Sequence[ClusterRecord], vectors: F32, names: list[frozenset[str]]
) -> list[Row]:
    config = ClusterConfig()
    rows: list[Row] = []
    variants = [
        ("ours (defaults)", names, config, False),
        ("ours, no entities", None, config, False),
        ("ours, no timestamps", names, config, True),
        (
            "ours, embedding only (same thresholds)",
            names,
            replace(config, embedding_weight=1.0),
            False,
        ),
    ]
    for label, found, variant, undated in variants:
        assignments, seconds = ours(records, vectors, found, variant, undated=undated)
        rows.append(_quality_row(label, score(assignments), f"clustering {seconds:.2f} s"))
    texts = [lead_text(record_article(r)) for r in records]
    for label, matrix, grid in [
        ("baseline: TF-IDF single pass", tfidf_matrix(texts), np.arange(0.05, 0.41, 0.05)),
        ("baseline: MiniLM single pass", vectors, np.arange(0.25, 0.56, 0.05)),
    ]:
        scores, threshold = best_single_pass(records, matrix, [round(float(t), 2) for t in grid])
        rows.append(_quality_row(label, scores, f"best threshold {threshold:.2f}"))
    return rows


def _quality_row(label: str, scores: dict[str, float], note: str) -> Row:
    p, r, f1 = scores["precision"], scores["recall"], scores["f1"]
    return (f"dev B-cubed: {label}", f"F1 {f1:.4f}", f"P {p:.4f} R {r:.4f}; {note}")


def print_table(rows: Sequence[Row]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--no-scale", action="store_true", help="skip the 10k-100k runs")
    parser.add_argument("--scale-child", nargs=2, metavar=("DATA", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scale_child:
        scale_child(Path(args.scale_child[0]), int(args.scale_child[1]))
        return
    if not DEV.exists():
        sys.exit(f"dev corpus not found at {DEV}")
    load_at_start = os.getloadavg()
    records = read_cluster_jsonl(DEV)
    texts = [lead_text(record_article(r)) for r in records]
    embedder = MiniLMEmbedder()
    start = time.perf_counter()
    vectors = embedder.embed(texts)
    embed_s = time.perf_counter() - start
    start = time.perf_counter()
    names = SpacyEntities().entities(texts)
    ner_s = time.perf_counter() - start
    rows: list[Row] = [
        ("dev: embed 2,989 headlines (MiniLM int8)", f"{embed_s:.1f} s", "2 threads"),
        ("dev: spaCy NER, ner pipe only", f"{ner_s:.1f} s", ""),
    ]
    rows += quality(records, vectors, names)
    rows.append(throughput(embedder, texts[:1024]))
    if not args.no_scale:
        rows += run_scale(records, vectors, names)
    loads = [" ".join(f"{x:.1f}" for x in load) for load in (load_at_start, os.getloadavg())]
    rows.append(("machine load average (1/5/15 min)", loads[1], f"at start {loads[0]}; 2 cores"))
    print_table(rows)


if __name__ == "__main__":
    main()
