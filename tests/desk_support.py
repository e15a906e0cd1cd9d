"""Settings for running the whole desk on the demo outlets in tests: fast stand-ins."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsdesk.settings import Settings


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
