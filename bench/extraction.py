"""Article extraction benchmark: newsdesk's extract_article against plain trafilatura.

    .venv/bin/python bench/extraction.py [CORPUS_DIR] [--keep DIR] [--json]

Runs both extractors on every page of the shared extraction corpus (default
../shared/corpora/extraction relative to the repository root), writes their predictions to
two temporary folders, scores each with the corpus' own score.py and prints the means side by
side, with documents per second (extraction time only, measured in this run).

The baseline is `trafilatura.bare_extraction(page, url=url, with_metadata=True)`: default
settings, except that metadata must be switched on for title, date and authors to exist.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import trafilatura

from newsdesk.errors import ExtractError
from newsdesk.ingest.extract import extract_article

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpora" / "extraction"
METRICS = ("body_p", "body_r", "body_f1", "title", "date", "authors")

Prediction = dict[str, Any]


def ours(html: bytes, url: str) -> Prediction:
    return _prediction(html, url, None)


def ours_generic(html: bytes, url: str) -> Prediction:
    """Without outlet specs: what a publisher that has no spec gets."""
    return _prediction(html, url, ())


def _prediction(html: bytes, url: str, specs: tuple[()] | None) -> Prediction:
    try:
        record = extract_article(html, url, specs=specs)
    except ExtractError:
        return {}
    return {
        "title": record.title,
        "authors": list(record.authors),
        "published": record.published.isoformat() if record.published else None,
        "body": record.body,
    }


def trafilatura_default(html: bytes, url: str) -> Prediction:
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if doc is None or isinstance(doc, dict):
        return {}
    author = doc.author or ""
    return {
        "title": doc.title,
        "authors": [a.strip() for a in author.split(";") if a.strip()],
        "published": doc.date,
        "body": doc.text,
    }


def run(
    extractor: Callable[[bytes, str], Prediction], pages: list[tuple[Path, bytes, str]], out: Path
) -> float:
    """Write one prediction per page into `out`; return documents per second."""
    extractor(*pages[0][1:])  # warm-up: lazy imports and caches are not per-document cost
    elapsed = 0.0
    for path, html, url in pages:
        start = time.perf_counter()
        prediction = extractor(html, url)
        elapsed += time.perf_counter() - start
        (out / f"{path.stem}.json").write_text(json.dumps(prediction), encoding="utf-8")
    return len(pages) / elapsed if elapsed else float("inf")


def score(corpus: Path, predictions: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(corpus / "score.py"), str(corpus), str(predictions), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    scored: dict[str, Any] = json.loads(result.stdout)
    return scored


def load_pages(corpus: Path) -> list[tuple[Path, bytes, str]]:
    pages = []
    for path in sorted(corpus.glob("*.html")):
        gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        pages.append((path, path.read_bytes(), gold["url"]))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--keep", type=Path, help="write predictions here instead of a temp dir")
    parser.add_argument("--json", action="store_true", help="print the scores as JSON")
    args = parser.parse_args(argv)
    if not (args.corpus / "score.py").is_file():
        print(f"no corpus with score.py at {args.corpus}", file=sys.stderr)
        return 2
    pages = load_pages(args.corpus)
    with tempfile.TemporaryDirectory(prefix="newsdesk-bench-") as tmp:
        root = args.keep or Path(tmp)
        results = {}
        extractors = (
            ("newsdesk", ours),
            ("newsdesk-no-specs", ours_generic),
            ("trafilatura", trafilatura_default),
        )
        for name, extractor in extractors:
            out = root / name
            out.mkdir(parents=True, exist_ok=True)
            speed = run(extractor, pages, out)
            results[name] = {**score(args.corpus, out), "docs_per_s": speed}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print_table(results, len(pages))
    return 0


def print_table(results: dict[str, dict[str, Any]], n_pages: int) -> None:
    names = list(results)
    print(f"{n_pages} pages; mean over pages (mean over publishers in brackets)")
    print(f"{'metric':10}" + "".join(f"{n:>22}" for n in names))
    for metric in METRICS:
        cells = [
            f"{r['mean'][metric]:.3f} ({r['publisher_mean'][metric]:.3f})" for r in results.values()
        ]
        print(f"{metric:10}" + "".join(f"{c:>22}" for c in cells))
    print(f"{'docs/s':10}" + "".join(f"{r['docs_per_s']:>22.1f}" for r in results.values()))


if __name__ == "__main__":
    sys.exit(main())
