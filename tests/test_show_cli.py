"""`newsdesk show STORY_ID --format text|json|markdown`: one written story, as a user reads it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli.main import app
from newsdesk.demo.fixtures import (
    HELD_STORY,
    HOSTILE_STORY,
    SCRIPT_PAYLOAD,
    UPDATED_STORY,
    add_hostile_story,
    fill_store,
)
from newsdesk.formats.house import parse_house_file
from newsdesk.store import Store


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("show")
    with Store(folder / "newsdesk.db") as store:
        fill_store(store)
        add_hostile_story(store)
    return folder


def show(data_dir: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["--data-dir", str(data_dir), "show", *args])
    return result.exit_code, result.stdout, result.stderr


def test_text_is_the_house_layout_of_the_latest_version(data_dir: Path) -> None:
    code, out, err = show(data_dir, UPDATED_STORY)
    assert code == 0, err
    (article,) = parse_house_file(out.rstrip("\n"))
    with Store(data_dir / "newsdesk.db") as store:
        versions = store.versions(UPDATED_STORY)
    assert len(versions) == 2
    assert article.title == versions[-1].title
    assert out.rstrip("\n") == versions[-1].text


def test_an_older_version_can_be_asked_for(data_dir: Path) -> None:
    code, out, _ = show(data_dir, UPDATED_STORY, "--version", "1")
    with Store(data_dir / "newsdesk.db") as store:
        first = store.versions(UPDATED_STORY)[0]
    assert code == 0 and out.rstrip("\n") == first.text
    code, _, err = show(data_dir, UPDATED_STORY, "--version", "9")
    assert code == 1 and "has no version 9 (it has: 1, 2)" in err


def test_json_has_the_record_and_every_sentence_with_citations(data_dir: Path) -> None:
    code, out, err = show(data_dir, UPDATED_STORY, "--format", "json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["story_id"] == UPDATED_STORY and shown["version"] == 2
    assert shown["published"] is True and shown["reasons"] == []
    sentences = shown["payload"]["sentences"]
    assert sentences and all(s["citations"] for s in sentences)
    assert parse_house_file(shown["text"])[0].title == shown["title"]


def test_markdown_footnotes_each_sentence_to_its_sources(data_dir: Path) -> None:
    code, out, err = show(data_dir, UPDATED_STORY, "--format", "markdown")
    assert code == 0, err
    payload = json.loads(show(data_dir, UPDATED_STORY, "--format", "json")[1])["payload"]
    assert out.startswith(f"# {payload['title']}\n\n")
    notes = re.findall(r"^\[\^(\d+)\]: (.+)$", out, flags=re.MULTILINE)
    assert [int(n) for n, _ in notes] == list(range(1, len(payload["sentences"]) + 1))
    first = payload["sentences"][0]["citations"][0]
    assert first["outlet"] in notes[0][1] and first["url"] in notes[0][1]
    for related in payload["related"]:
        assert f"({related['url']})" in out.replace("(<", "(").replace(">)", ")")
    assert "**Tags:** " + " ".join(payload["tags"]) in out


def test_a_held_story_is_shown_with_its_reasons(data_dir: Path) -> None:
    code, out, err = show(data_dir, HELD_STORY, "--format", "markdown")
    assert code == 0
    assert "held back" in err and "only one outlet so far" in err
    assert "**Held back, not published:**" in out


def test_markup_from_sources_is_escaped_in_markdown(data_dir: Path) -> None:
    code, out, _ = show(data_dir, HOSTILE_STORY, "--format", "markdown")
    assert code == 0
    assert SCRIPT_PAYLOAD not in out
    assert "<script>" not in out and "javascript:" not in out.lower()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("ferry-agroun",), 1, "no written story 'ferry-agroun'; did you mean ferry-aground"),
        ((UPDATED_STORY, "--format", "pdf"), 2, "unknown format 'pdf'"),
    ],
)
def test_mistakes_get_one_clear_line(
    data_dir: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    got, out, err = show(data_dir, *args)
    assert got == code and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsdesk: error: ") and message in lines[0]


def test_no_store_yet_says_so(tmp_path: Path) -> None:
    code, _, err = show(tmp_path / "nothing-here", "any-story")
    assert code == 1 and "no store at" in err
    assert not (tmp_path / "nothing-here").exists()
