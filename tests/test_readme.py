"""The README's Layout section is the tree: every entry exists, every part is listed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "newsdesk"
# Not parts of the desk: the package marker, `python -m newsdesk`, the typing marker.
UNLISTED = {"__init__.py", "__main__.py", "py.typed", "__pycache__"}


def layout_block() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL)
    assert block is not None, "the Layout section has no code block"
    return block.group(1)


def listed_entries() -> list[str]:
    lines = layout_block().splitlines()
    assert lines[0] == "src/newsdesk/"
    # An entry line is two spaces, a name, then its description; deeper indents continue it.
    return [m.group(1) for line in lines[1:] if (m := re.match(r"  (\S+)", line))]


def test_every_listed_part_exists() -> None:
    for entry in listed_entries():
        assert (PACKAGE / entry.rstrip("/")).exists(), f"README lists {entry}, not in the tree"
    outside = layout_block().splitlines()[-1].split()  # the repo's other folders
    assert outside[0] == "tests/"
    for folder in outside:
        assert (ROOT / folder).is_dir(), f"README lists {folder}, not in the repo"


def test_every_part_of_the_tree_is_listed() -> None:
    listed = {entry.rstrip("/") for entry in listed_entries()}
    present = {p.name for p in PACKAGE.iterdir() if p.name not in UNLISTED}
    assert present - listed == set(), "parts missing from the README's Layout"


def test_every_file_the_docs_name_exists() -> None:
    """`writing/house.py`, `newsdesk/formats/voice.py`, `tests/...`: paths in backticks in the
    README and docs/ are files of the repo or of the package."""
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    named = {
        (doc.name, match)
        for doc in documents
        for match in re.findall(r"`([\w/.-]+\.py)\b", doc.read_text(encoding="utf-8"))
        if "/" in match
    }
    assert named, "no file paths found: the pattern is wrong"
    for doc, path in sorted(named):
        candidates = [ROOT / path, ROOT / "src" / path, PACKAGE / path]
        assert any(c.is_file() for c in candidates), f"{doc} names {path}, not in the tree"
