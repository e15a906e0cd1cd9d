"""`newsdesk compose PATH.json [--writer ...]`: the contract evaluation tools rely on."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli.main import app
from newsdesk.cli.write import read_sources
from newsdesk.demo import load_world
from newsdesk.formats.house import parse_house_file


def story_input(story_id: str) -> dict[str, list[dict[str, str]]]:
    world = load_world()
    return {
        "articles": [
            {
                "title": a.title,
                "outlet": world.outlet(a.outlet).name,
                "url": f"https://{world.outlet(a.outlet).hostname}{a.path}",
                "published": a.published.isoformat(),
                "body": a.body,
            }
            for a in world.articles_in(story_id)
        ]
    }


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_compose_prints_the_house_layout_as_a_user_runs_it(tmp_path: Path) -> None:
    data = story_input("lumora-factory")
    source = write_json(tmp_path / "story.json", data)
    result = subprocess.run(
        [sys.executable, "-m", "newsdesk", "compose", str(source), "--writer", "extractive"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    (article,) = parse_house_file(result.stdout.rstrip("\n"))
    assert [(r.headline, r.outlet) for r in article.related] == [
        (a["title"], a["outlet"]) for a in data["articles"]
    ]
    assert 4 <= len(article.paragraphs) <= 5
    assert "tripled" not in result.stdout


def test_fake_writer_and_writer_from_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_json(tmp_path / "story.json", story_input("storm-edda"))
    runner = CliRunner()
    fake = runner.invoke(app, ["compose", str(source), "--writer", "fake"])
    assert fake.exit_code == 0, fake.output
    monkeypatch.setenv("NEWSDESK_WRITER", "extractive")
    from_env = runner.invoke(app, ["compose", str(source)])
    assert from_env.exit_code == 0, from_env.output
    for result in (fake, from_env):
        (article,) = parse_house_file(result.stdout.rstrip("\n"))
        assert len(article.tags) == 3


def test_a_missing_or_empty_published_is_no_date(tmp_path: Path) -> None:
    data = story_input("storm-edda")
    first, second, third = data["articles"][:3]
    del first["published"]
    second["published"] = ""
    third["published"] = "Mon, 09 Mar 2026 07:15:00 +0100"  # as RSS writes dates
    data["articles"] = [first, second, third]
    source = write_json(tmp_path / "story.json", data)
    published = [a.published for a in read_sources(source)]
    assert published == [None, None, datetime(2026, 3, 9, 6, 15, tzinfo=UTC)]
    for writer in ("extractive", "fake"):
        result = CliRunner().invoke(app, ["compose", str(source), "--writer", writer])
        assert result.exit_code == 0, result.output
        (article,) = parse_house_file(result.stdout.rstrip("\n"))
        assert article.paragraphs and article.published is not None
        assert {r.headline for r in article.related} <= {a["title"] for a in data["articles"]}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ('{"stories": []}', "articles: Field required"),
        ('{"articles": []}', "articles: List should have at least 1 item"),
        ('{"articles": [{"title": "T", "outlet": "O", "url": "u"}]}', "articles.0.body"),
        (
            '{"articles": [{"title": "T", "outlet": "O", "body": "B", "published": "soon"}]}',
            """articles.0.published (article 1, "T"): not a date: 'soon' (give ISO 8601""",
        ),
        (
            '{"articles": [{"title": "T", "outlet": "O", "body": "B"}, '
            '{"title": "Second", "outlet": "O", "body": "B", "published": "not a date"}]}',
            """articles.1.published (article 2, "Second"): not a date: 'not a date'""",
        ),
        (
            '{"articles": [{"title": "T", "outlet": "O", "body": "Too short."}]}',
            "no sentence a story can be written from",
        ),
    ],
)
def test_bad_input_is_one_error_line(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "bad.json"
    source.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["compose", str(source), "--writer", "extractive"])
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("newsdesk: error: ")
    assert message in line


def test_missing_file_unknown_writer_and_unconfigured_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["compose", str(tmp_path / "absent.json")])
    assert missing.exit_code == 1
    assert "cannot read" in missing.stderr
    source = write_json(tmp_path / "story.json", story_input("storm-edda"))
    unknown = runner.invoke(app, ["compose", str(source), "--writer", "poet"])
    assert unknown.exit_code == 1
    assert "unknown writer 'poet'" in unknown.stderr
    monkeypatch.delenv("NEWSDESK_OPENAI_BASE_URL", raising=False)
    server = runner.invoke(app, ["compose", str(source), "--writer", "openai"])
    assert server.exit_code == 2  # a configuration problem
    assert server.stderr.startswith("newsdesk: error: the openai writer needs openai_base_url")
