"""Voices: other ways to tell a story (casual, explainer, brief, five Ws, plain English).

A voice is data, one TOML file per voice in `newsdesk/prompts/` named `voice-<key>.toml`:
its display name, layout, section rules and what the model is told. Adding a voice is adding
a file; `voice_names()` lists what is there and the `voices` setting is checked against it.
docs/voices.md describes every key.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from newsdesk.errors import ConfigError

Layout = Literal["sectioned", "bullets"]
# What a fixed heading takes from the fact sheet: "lead" the lead facts (and, with no "rest"
# section, whatever no other heading takes), "rest" whatever no other heading takes, the
# others the facts whose cue words match (writing/sections.py).
Role = Literal["lead", "rest", "quotes", "why", "next", "who", "when", "where"]
_PREFIX, _SUFFIX = "voice-", ".toml"


class FixedSection(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # "" only for the "rest": those sections are headed by what their facts say
    heading: str = Field(max_length=40, pattern=r"^[^.!?:\n]*$")
    takes: Role

    @model_validator(mode="after")
    def _headed(self) -> FixedSection:
        if not self.heading.strip() and self.takes != "rest":
            raise ValueError(f"a section that takes {self.takes!r} needs a heading")
        return self


class Voice(BaseModel):
    """One voice, as its file says (a config file is a trust boundary: validated)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    name: str = Field(min_length=1, max_length=40)
    summary: str
    layout: Layout = "sectioned"
    min_sections: int = Field(1, ge=1)
    max_sections: int = Field(8, ge=1, le=12)
    # Fixed headings in reading order; empty: the model proposes one per section.
    sections: tuple[FixedSection, ...] = ()
    facts: int = Field(0, ge=0)  # facts carried (the brief's five); 0: the whole fact sheet
    max_sentence_words: int = Field(0, ge=0)  # 0: no limit
    temperature: float = Field(0.2, ge=0, le=1.5)
    instructions: str = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Voice:
        if self.min_sections > self.max_sections:
            raise ValueError("min_sections is larger than max_sections")
        if self.layout == "bullets" and (self.facts == 0 or self.sections):
            raise ValueError("a bullets voice needs `facts` and has no sections")
        if self.sections and not any(s.takes == "lead" for s in self.sections):
            raise ValueError("fixed sections need one that takes the lead")
        return self

    @property
    def proposes_headings(self) -> bool:
        """The model writes each section's heading (sectioned voices without fixed ones)."""
        return self.layout == "sectioned" and not self.sections

    @property
    def prompt_instructions(self) -> str:
        return self.instructions.format(max_sentence_words=self.max_sentence_words)


def _files() -> dict[str, str]:
    folder = resources.files("newsdesk").joinpath("prompts")
    return {
        entry.name[len(_PREFIX) : -len(_SUFFIX)]: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.startswith(_PREFIX) and entry.name.endswith(_SUFFIX)
    }


@cache
def voice_names() -> tuple[str, ...]:
    """The keys of every voice file, sorted."""
    return tuple(sorted(_files()))


@cache
def load_voice(key: str) -> Voice:
    """The voice `key`; ConfigError naming the known voices when there is none."""
    files = _files()
    if key not in files:
        raise ConfigError(f"unknown voice {key!r}: choose one of {', '.join(sorted(files))}")
    try:
        return Voice(key=key, **tomllib.loads(files[key]))
    except (tomllib.TOMLDecodeError, ValidationError, TypeError) as exc:
        raise ConfigError(f"voice file {_PREFIX}{key}{_SUFFIX} is invalid: {exc}") from exc
