"""The seam every text model sits behind (embedded llama.cpp, OpenAI-compatible HTTP, fake)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from newsdesk.errors import ModelError

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Prompt:
    system: str
    user: str
    max_tokens: int = 512
    temperature: float = 0.2
    stop: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds > 0 else 0.0


class TextModel(Protocol):
    """Complete a prompt; with `schema`, the reply is constrained to that JSON schema."""

    name: str

    def complete(self, prompt: Prompt, *, schema: type[BaseModel] | None = None) -> Completion: ...


def complete_json(model: TextModel, prompt: Prompt, schema: type[M]) -> M:
    """Ask for schema-constrained JSON and validate it: the model's output is untrusted input."""
    completion = model.complete(prompt, schema=schema)
    try:
        return schema.model_validate(json.loads(completion.text))
    except (json.JSONDecodeError, ValidationError) as exc:
        raise ModelError(
            f"{model.name} returned output that does not match {schema.__name__}: "
            f"{completion.text[:200]!r}"
        ) from exc
