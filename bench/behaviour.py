"""What the desk does on fixed inputs, as digests, through the command line only: two
checkouts (before and after a refactor) are compared by their output, not their code.

    .venv/bin/python bench/behaviour.py --src SRC_DIR --out before.json [--embedded]
    .venv/bin/python bench/behaviour.py --compare before.json after.json

Runs `python -m newsdesk` with PYTHONPATH=SRC_DIR (so one venv serves both checkouts) on:
every page of ../shared/corpora/extraction (`extract`), the clustering dev set (`cluster`),
every eval/truth case (`verify --judge none`), the demo world through `demo --no-serve` with
the extractive and the fake writer (every published text, via `export`), and with --embedded
two demo stories composed and one restyled by the embedded model (greedy, seeded: the same
tokens when the prompts are the same). Each item's output is hashed without what changes
between runs anyway ("Published on:" lines, timings); --compare lists the items whose output
differs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpora"
COMPOSED = ("storm-edda", "lumora-factory")


# What changes from one run to the next whatever the code: the writing time and durations.
_CLOCK = re.compile(r"^Published on: .*$", re.MULTILINE)
_VOLATILE_KEYS = frozenset({"seconds", "timings", "written", "published", "created_at"})


def digest(text: str) -> str:
    """A short hash of an output, its clock lines and timing fields left out."""
    text = _CLOCK.sub("Published on: -", text)
    return hashlib.sha256(_without_timings(text).encode()).hexdigest()[:16]


def _without_timings(text: str) -> str:
    head, _, body = text.partition("\n")
    try:
        data = json.loads(body)
    except ValueError:
        return text
    return head + "\n" + json.dumps(_drop_volatile(data), sort_keys=True)


def _drop_volatile(value: object) -> object:
    if isinstance(value, dict):
        return {k: _drop_volatile(v) for k, v in value.items() if k not in _VOLATILE_KEYS}
    if isinstance(value, list):
        return [_drop_volatile(v) for v in value]
    return value


class Desk:
    def __init__(self, src: Path, workdir: Path) -> None:
        self.env = {**os.environ, "PYTHONPATH": str(src), "HOME": os.environ.get("HOME", "")}
        self.workdir = workdir

    def run(self, *args: str, env: dict[str, str] | None = None) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "newsdesk", *args],
            capture_output=True,
            text=True,
            cwd=self.workdir,
            env={**self.env, **(env or {})},
            timeout=3600,
        )
        # A failing command is an output too, with its message: never a silent match.
        failed = f"\n{done.stderr}" if done.returncode else ""
        return f"exit {done.returncode}\n{done.stdout}{failed}"


def extraction(desk: Desk, out: dict[str, str]) -> None:
    for page in sorted((SHARED / "extraction").glob("*.html")):
        url = json.loads(page.with_suffix(".json").read_text())["url"]
        out[f"extract/{page.stem}"] = digest(desk.run("extract", str(page), "--url", url))


def clustering(desk: Desk, out: dict[str, str]) -> None:
    out["cluster/dev"] = digest(desk.run("cluster", str(SHARED / "clustering" / "dev.jsonl")))


def verification(desk: Desk, out: dict[str, str]) -> None:
    for case in sorted((ROOT / "eval" / "truth").glob("*/*.json")):
        data = json.loads(case.read_text())
        text = "\n\n".join(" ".join(s["text"] for s in p) for p in data["draft"])
        given = desk.workdir / f"{case.parent.name}-{case.stem}.json"
        given.write_text(json.dumps({"articles": data["articles"], "text": text}))
        key = f"verify/{case.parent.name}/{case.stem}"
        out[key] = digest(desk.run("verify", str(given), "--judge", "none"))


def demo(desk: Desk, out: dict[str, str]) -> None:
    for writer in ("extractive", "fake"):
        store = desk.workdir / f"demo-{writer}"
        env = {"NEWSDESK_WRITER": writer}
        desk.run("demo", "--no-serve", "--demo-dir", str(store), "--port", "8793", env=env)
        texts = store / "texts"
        desk.run("--data-dir", str(store), "export", "--format", "text", "--out", str(texts))
        for path in sorted(texts.glob("*.txt")):
            out[f"demo/{writer}/{path.stem}"] = digest(path.read_text())


def embedded(desk: Desk, out: dict[str, str]) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from newsdesk.demo import load_world

    world = load_world()
    for story in COMPOSED:
        articles = [
            {
                "title": a.title,
                "outlet": world.outlet(a.outlet).name,
                "url": f"https://{world.outlet(a.outlet).hostname}{a.path}",
                "published": a.published.isoformat(),
                "body": a.body,
            }
            for a in world.articles_in(story)
        ]
        path = desk.workdir / f"{story}.json"
        path.write_text(json.dumps({"articles": articles}))
        out[f"embedded/compose/{story}"] = digest(
            desk.run("compose", str(path), "--writer", "embedded")
        )
    out["embedded/restyle/casual"] = digest(
        desk.run(
            "restyle",
            str(desk.workdir / f"{COMPOSED[0]}.json"),
            "--voice",
            "casual",
            "--writer",
            "embedded",
            "--format",
            "json",
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--src", type=Path, default=ROOT / "src")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--embedded", action="store_true")
    parser.add_argument("--compare", nargs=2, type=Path)
    parser.add_argument(
        "--parts",
        default="extraction,clustering,verification,demo",
        help="comma-separated: extraction, clustering, verification, demo",
    )
    args = parser.parse_args()
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        differ = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        print(f"{len(before)} items before, {len(after)} after, {len(differ)} differ")
        for key in differ:
            print(f"  {key}: {before.get(key)} -> {after.get(key)}")
        return 1 if differ else 0
    out: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as scratch:
        desk = Desk(args.src.resolve(), Path(scratch))
        chosen = set(args.parts.split(","))
        parts = (extraction, clustering, verification, demo)
        for part in (p for p in parts if p.__name__ in chosen):
            part(desk, out)
            print(f"{part.__name__}: done ({len(out)} items)", file=sys.stderr, flush=True)
        if args.embedded:
            embedded(desk, out)
    text = json.dumps(out, indent=1, sort_keys=True)
    if args.out:
        args.out.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
