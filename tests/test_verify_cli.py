"""The `newsdesk verify` contract, run as evaluation tools run it: a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from newsdesk.cli.verify import read_input

ARTICLES = [
    {
        "title": "Footbridge collapses in Harwick, injuring 14",
        "outlet": "Valley Courier",
        "url": "https://example.org/harwick",
        "published": "2025-09-12T07:00:00+00:00",
        "body": (
            "Fourteen people were injured when a footbridge collapsed in Harwick on Thursday.\n\n"
            'The 120-metre bridge was built in 1962. "I want to know exactly what happened," '
            "said Mayor Elena Varga."
        ),
    },
    {
        "title": "Harwick council orders inquiry",
        "outlet": "Tam Valley News",
        "url": "https://example.org/inquiry",
        "published": "not a date",  # tolerated: no check uses it
        "body": "Harwick council has ordered an independent inquiry into the collapse.",
    },
]
TEXT = (
    "A footbridge collapsed in Harwick on Thursday, injuring 14 people. The 150-metre bridge "
    "was built in 1962.\n\nThe council has ordered an independent inquiry. Residents say the "
    "tragedy has shaken the community to its core."
)


def run_verify(tmp_path: Path, payload: Any, *args: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "input.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "newsdesk", "verify", str(path), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_verify_prints_the_json_contract(tmp_path: Path) -> None:
    done = run_verify(tmp_path, {"articles": ARTICLES, "text": TEXT}, "--judge", "none")
    assert done.returncode == 0, done.stderr
    sentences = json.loads(done.stdout)["sentences"]
    assert [s["verdict"] for s in sentences] == [
        "supported",
        "contradicted",
        "supported",
        "unsupported",
    ]
    assert sentences[1]["problems"] == ["numbers: 150 is not in the sources"]
    assert sentences[0]["citations"][0] == {"article": 0, "sentence": 0}
    assert sentences[2]["citations"] == [{"article": 1, "sentence": 0}]
    for sentence in sentences:
        assert set(sentence) == {"text", "verdict", "problems", "citations"}
        assert all(set(c) == {"article", "sentence"} for c in sentence["citations"])


def test_bad_input_is_one_error_line(tmp_path: Path) -> None:
    done = run_verify(tmp_path, "{not json", "--judge", "none")
    assert done.returncode == 1
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert line.startswith("newsdesk: error: ") and "is not valid JSON" in line


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"articles": ARTICLES}, "text: Field required"),
        ({"articles": [], "text": TEXT}, "articles: List should have at least 1 item"),
        ({"articles": [{"title": "no body"}], "text": TEXT}, "articles.0.body: Field required"),
        ({"articles": ARTICLES, "text": 42}, "text: Input should be a valid string"),
        ([1, 2], "input: Input should be a valid dictionary"),
    ],
)
def test_invalid_input_fails_with_its_location(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], payload: Any, message: str
) -> None:
    # In-process (the subprocess path is covered above): the CLI starts slowly.
    path = tmp_path / "input.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    with pytest.raises(typer.Exit) as exited:
        read_input(path)
    assert exited.value.exit_code == 1
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("newsdesk: error: ") and message in line


def test_missing_file_is_one_error_line(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsdesk",
            "verify",
            str(tmp_path / "nope.json"),
            "--judge",
            "none",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert (
        done.stderr.startswith("newsdesk: error: cannot read")
        and len(done.stderr.splitlines()) == 1
    )


def test_openai_judge_without_a_server_url_is_an_error(tmp_path: Path) -> None:
    done = run_verify(tmp_path, {"articles": ARTICLES, "text": TEXT}, "--judge", "openai")
    assert done.returncode != 0
    [line] = done.stderr.splitlines()
    assert line.startswith("newsdesk: error: ") and "openai" in line
