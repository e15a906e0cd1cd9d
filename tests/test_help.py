"""`newsdesk --help`: each command listed with the first line of its docstring, which says
what the command does today and fits on one line of the listing."""

from __future__ import annotations

import inspect

import pytest
from typer.testing import CliRunner

from newsdesk.cli.main import app

# What each summary must say, because that is what the command does (see its code).
SAYS = {
    "parse-feed": ("RSS, Atom or JSON Feed", "JSON"),
    "extract": ("HTML page", "JSON"),
    "verify": ("every sentence", "JSON"),
    "cluster": ("JSONL", '{"id","cluster"}'),
    "compose": ("JSON file", "house layout", "unverified"),  # write_story does not verify
    "restyle": ("PATH.json", "--story", "voice", "verified"),
    "show": ("latest version, or --version N", "text, JSON or Markdown"),
    "serve": ("site, feeds and JSON API", "--every"),
    "publish": ("published stories", "static"),
    "export": ("published story", "<id>.txt", "voices"),
}


def _flat(text: str) -> str:
    """Help output with box drawing and line wrapping taken out."""
    return " ".join(text.replace("│", " ").split())


def _summary(name: str) -> str:
    (info,) = [c for c in app.registered_commands if c.name == name]
    doc = inspect.getdoc(info.callback)
    assert doc, f"{name} has no docstring"
    return doc.splitlines()[0]


def test_every_command_is_listed_with_its_summary() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=200, env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    listing = _flat(result.output)
    names = [c.name for c in app.registered_commands]
    assert set(SAYS) <= set(names)
    for name in names:
        assert name is not None
        assert f" {name} {_summary(name)}" in listing, name


@pytest.mark.parametrize("name", sorted(SAYS))
def test_summary_is_short_and_says_what_the_command_does(name: str) -> None:
    summary = _summary(name)
    assert len(summary) <= 90 and summary.endswith("."), summary
    for words in SAYS[name]:
        assert words in summary, (name, words)
    result = CliRunner().invoke(app, [name, "--help"], terminal_width=200, env={"COLUMNS": "200"})
    assert result.exit_code == 0 and summary in _flat(result.output)
