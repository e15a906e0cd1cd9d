"""A model backend that cannot run on this CPU is one error line (exit 2), not a dead process.

The stand-in backend dies by SIGILL, as a llama.cpp built with AMX instructions does on a VM
that advertises AMX but does not let threads use it."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsdesk.cli.main import app
from newsdesk.errors import ModelBackendError, ModelError
from newsdesk.models import probe, registry

SUPPORT = Path(__file__).parent / "support"

ARTICLES = [
    {
        "title": "Footbridge collapses in Harwick, injuring 14",
        "outlet": "Valley Courier",
        "url": "https://example.org/harwick",
        "published": "2025-09-12T07:00:00+00:00",
        "body": (
            "Fourteen people were injured when a footbridge collapsed in Harwick on Thursday. "
            "The 120-metre bridge was built in 1962 and was due for repairs next spring. "
            '"I want to know exactly what happened," said Mayor Elena Varga on Friday. '
            "Engineers from the regional authority have begun inspecting the remaining "
            "structure, and the river path will stay closed for at least a month."
        ),
    },
    {
        "title": "Harwick council orders inquiry into bridge collapse",
        "outlet": "Tam Valley News",
        "url": "https://example.org/inquiry",
        "published": "2025-09-12T09:00:00+00:00",
        "body": (
            "Harwick council has ordered an independent inquiry into the collapse of the "
            "footbridge, which injured 14 people on Thursday. The bridge, built in 1962, was "
            "last inspected two years ago, the council said. Mayor Elena Varga said residents "
            "deserved answers. Four of the injured remain in hospital, officials said."
        ),
    },
]


@pytest.fixture
def fake_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A model file where the embedded writer would assemble Qwen, and a probe child that can
    import the stand-in backends."""
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF")
    monkeypatch.setattr(registry, "assemble", lambda model: path)
    monkeypatch.setenv("PYTHONPATH", str(SUPPORT))
    monkeypatch.setattr(probe, "_passed", set())
    return path


def use_backend(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setattr(probe, "PROBE_TARGET", f"backends:{name}")


def test_a_backend_dying_by_sigill_is_a_backend_error(
    fake_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_backend(monkeypatch, "dies_by_sigill")
    with pytest.raises(ModelBackendError, match=r"SIGILL \(illegal instruction\)") as caught:
        probe.probe_backend(fake_model, threads=2)
    assert "make setup-models" in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_working_backend_is_probed_once_per_process(
    fake_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_backend(monkeypatch, "runs")
    probe.probe_backend(fake_model, threads=3)
    probe.probe_backend(fake_model, threads=3)
    assert (fake_model.parent / "probes.log").read_text() == "3\n"


def test_a_backend_failing_without_a_signal_is_a_model_error(
    fake_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_backend(monkeypatch, "raises")
    with pytest.raises(ModelError, match="cannot map the model file") as caught:
        probe.probe_backend(fake_model)
    assert not isinstance(caught.value, ModelBackendError)


def _input(tmp_path: Path, **extra: object) -> Path:
    path = tmp_path / "input.json"
    path.write_text(json.dumps({"articles": ARTICLES, **extra}), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["compose", "{input}", "--writer", "embedded"],
        ["restyle", "{input}", "--voice", "casual", "--writer", "embedded"],
        ["verify", "{verify_input}", "--judge", "embedded"],
    ],
)
def test_every_model_command_says_so_in_one_line_and_exits_2(
    tmp_path: Path, fake_model: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    use_backend(monkeypatch, "dies_by_sigill")
    paths = {
        "input": str(_input(tmp_path)),
        "verify_input": str(_input(tmp_path, text="A footbridge collapsed in Harwick.")),
    }
    result = CliRunner().invoke(app, [part.format(**paths) for part in command])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("newsdesk: error: the embedded model cannot run on this CPU")
    assert "SIGILL" in line


def test_a_run_keeps_what_it_ingested_and_the_next_run_writes_it(
    tmp_path: Path, demo_opml: Path, fake_model: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_backend(monkeypatch, "dies_by_sigill")
    for name, value in {"EMBEDDER": "hashing", "ENTITIES": "none", "VOICES": ""}.items():
        monkeypatch.setenv(f"NEWSDESK_{name}", value)
    data = tmp_path / "data"
    base = ["--data-dir", str(data), "run", "--feeds", str(demo_opml)]
    monkeypatch.setenv("NEWSDESK_ALLOW_PRIVATE_ADDRESSES", "true")
    monkeypatch.setenv("NEWSDESK_POLITENESS_DELAY", "0")
    crashed = CliRunner().invoke(app, base)
    assert crashed.exit_code == 2, crashed.output
    assert "cannot run on this CPU" in crashed.stderr.splitlines()[-1]
    with sqlite3.connect(data / "newsdesk.db") as db:
        ingested = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        versions = db.execute("SELECT COUNT(*) FROM story_versions").fetchone()[0]
        (status,) = db.execute("SELECT status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    assert ingested > 20 and versions == 0 and status == "failed"
    monkeypatch.setenv("NEWSDESK_WRITER", "extractive")
    again = CliRunner().invoke(app, base)
    assert again.exit_code == 0, again.output
    with sqlite3.connect(data / "newsdesk.db") as db:
        assert db.execute("SELECT COUNT(*) FROM articles").fetchone()[0] == ingested
        assert db.execute("SELECT COUNT(*) FROM story_versions").fetchone()[0] > 0
