"""What the models are told: prompt templates and the voices (voice-*.toml), with their loaders.

Everything here is package data; `voices` reads and checks the voice files."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources


@cache
def prompt_template(name: str) -> str:
    """A prompt template from this folder (package data), e.g. "paragraph.txt"."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def data_lines(texts: Sequence[str]) -> str:
    """Source text as a prompt's data lines; angle brackets go so no text can close the data
    block it is put in."""
    return "\n".join("- " + " ".join(t.replace("<", " ").replace(">", " ").split()) for t in texts)
