"""Settings for running the whole desk on the demo outlets in tests: fast stand-ins."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from newsdesk.formats.payload import StoryPayload
from newsdesk.settings import Settings
from newsdesk.store import Store


def demo_settings(tmp_path: Path, feeds_file: Path, **extra: Any) -> Settings:
    """The demo outlets through every stage with the model-free stand-ins (extractive writer,
    hashing embedder, no entity model); `extra` overrides any of it. The store is under
    `tmp_path / "data"`."""
    defaults: dict[str, Any] = {
        "data_dir": tmp_path / "data",
        "feeds_file": feeds_file,
        "allow_private_addresses": True,
        "politeness_delay": 0.0,
        "writer": "extractive",
        "embedder": "hashing",
        "entities": "none",
    }
    return Settings(**{**defaults, **extra})


def published_stories(store: Store) -> dict[str, tuple[str, str, list[list[str]]]]:
    """story id -> (title, text, each sentence's cited source URLs) of its latest version,
    without the clock (the text's "Published on:" line is when the run wrote it)."""
    out = {}
    for story_id, version in store.latest_versions().items():
        if not version.published:
            continue
        payload = StoryPayload.from_json(version.payload)
        cited = [[c.url for c in s.citations] for s in payload.sentences]
        text = re.sub(r"(?m)^Published on: .*$", "Published on: (clock)", version.text)
        out[story_id] = (version.title, text, cited)
    return out
