"""What the models are told: prompt templates and the voices (voice-*.toml), with their loaders.

Everything here is package data; `voices` reads and checks the voice files."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

from newsdesk.errors import ConfigError


@cache
def prompt_template(name: str) -> str:
    """A prompt template from this folder (package data), e.g. "sentence.txt"."""
    return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")


def data_lines(texts: Sequence[str]) -> str:
    """Source text as a prompt's data lines; angle brackets go so no text can close the data
    block it is put in."""
    return "\n".join("- " + " ".join(t.replace("<", " ").replace(">", " ").split()) for t in texts)


@cache
def worked_examples(name: str, template: str) -> tuple[tuple[str, str], ...]:
    """The worked examples of a TOML file here (`[[example]]` with `note` and `sentence`),
    each as a (user, assistant) exchange: the note put in `template`, the sentence."""
    try:
        table = tomllib.loads(prompt_template(name))
        pairs = [(str(e["note"]), str(e["sentence"])) for e in table["example"]]
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"prompts/{name} is not a list of [[example]] note/sentence: {exc}"
        ) from exc
    text = prompt_template(template)
    return tuple(
        (text.format(note=data_lines([note]), reason=""), answer) for note, answer in pairs
    )
