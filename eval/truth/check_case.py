"""Check the form of eval/truth case files without verifying anything.

    .venv/bin/python eval/truth/check_case.py eval/truth/real_dev/*.json

For each file: the JSON has the fields the runner reads, every label is known, every
`published` parses, and the desk's sentence splitter cuts the draft into exactly the labelled
sentences. It never runs a check or a judge, so a case writer who must stay blind to the
verifier can use it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from newsdesk.text import split_sentences

LABELS = frozenset(
    {
        "ok",
        "number",
        "country",
        "title",
        "invented_quote",
        "altered_quote",
        "speaker",
        "filler",
        "unsupported_claim",
        "negation",
        "attribution",
        "relation",
        "invented_detail",
    }
)


def problems(path: Path) -> list[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return [f"cannot read: {exc}"]
    found: list[str] = []
    for key in ("id", "about", "articles", "draft"):
        if key not in data:
            found.append(f"missing field {key!r}")
    for i, article in enumerate(data.get("articles", [])):
        for key in ("title", "outlet", "url", "body"):
            if not str(article.get(key, "")).strip():
                found.append(f"article {i}: empty {key!r}")
        if article.get("published"):
            try:
                datetime.fromisoformat(article["published"])
            except ValueError:
                found.append(f"article {i}: published {article['published']!r} is not ISO 8601")
    paragraphs = data.get("draft", [])
    for p, paragraph in enumerate(paragraphs):
        for sentence in paragraph:
            if sentence.get("label") not in LABELS:
                found.append(f"paragraph {p}: unknown label {sentence.get('label')!r}")
        joined = " ".join(s["text"] for s in paragraph)
        cut = split_sentences(joined)
        wanted = [s["text"] for s in paragraph]
        if cut != wanted:
            found.append(f"paragraph {p}: the splitter gives {cut!r}, the labels {wanted!r}")
    return found


def main(argv: Sequence[str] | None = None) -> int:
    paths = [Path(a) for a in (sys.argv[1:] if argv is None else argv)]
    if not paths:
        print("usage: check_case.py CASE.json [...]", file=sys.stderr)
        return 2
    bad = 0
    labels: Counter[str] = Counter()
    for path in paths:
        found = problems(path)
        if found:
            bad += 1
            print(f"{path}:")
            for line in found:
                print(f"  {line}")
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
            labels.update(s["label"] for p in data["draft"] for s in p)
    print(f"{len(paths) - bad} of {len(paths)} cases well formed; labels {dict(labels)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
