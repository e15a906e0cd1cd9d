"""bench/web.py asks a store given with --db for its own stories, not the fixtures' ids."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsdesk.demo.fixtures import HOSTILE_STORY, add_hostile_story
from newsdesk.store import Store

BENCH = Path(__file__).resolve().parents[1] / "bench" / "web.py"


def _bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), "--connections", "2", "--seconds", "10", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_store_of_its_own_is_asked_for_its_own_story(tmp_path: Path) -> None:
    db = tmp_path / "newsdesk.db"
    with Store(db) as store:  # one published story, and none of the fixtures' ids
        add_hostile_story(store)
    run = _bench("--db", str(db), "--requests", "40")
    assert run.returncode == 0, run.stderr
    assert f"story /story/{HOSTILE_STORY}.html" in run.stdout
    lines = re.findall(r"^(.+?)\s+\d+ req/s .*\((.+?), (\d+) errors\)", run.stdout, re.M)
    assert [name.strip() for name, _, _ in lines] == [
        "static css (baseline)",
        "front page",
        "story page",
        "api story",
    ]
    assert all(errors == "0" for _, _, errors in lines), run.stdout


@pytest.mark.parametrize("empty", [True, False])
def test_a_store_with_nothing_to_ask_for_is_one_message(tmp_path: Path, empty: bool) -> None:
    db = tmp_path / "newsdesk.db"
    if empty:
        Store(db).close()
    run = _bench("--db", str(db), "--requests", "10")
    assert run.returncode == 1 and run.stdout == ""
    expected = f"{db} has no published story" if empty else f"no store at {db}"
    assert expected in run.stderr
