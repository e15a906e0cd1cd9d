"""A model for tests: it answers what it was told to, and remembers what it was asked."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from pydantic import BaseModel

from newsdesk.errors import ModelError
from newsdesk.models.text import Completion, Prompt

Responder = Callable[[Prompt, type[BaseModel] | None], str]


class FakeModel:
    name = "fake"

    def __init__(self, responder: Responder | None = None) -> None:
        self._queue: deque[str] = deque()
        self._responder = responder
        self.prompts: list[Prompt] = []

    def enqueue(self, *replies: str) -> None:
        self._queue.extend(replies)

    def complete(self, prompt: Prompt, *, schema: type[BaseModel] | None = None) -> Completion:
        self.prompts.append(prompt)
        if self._queue:
            text = self._queue.popleft()
        elif self._responder is not None:
            text = self._responder(prompt, schema)
        else:
            raise ModelError("FakeModel has no reply queued")
        return Completion(text, len(prompt.user.split()), len(text.split()), 0.001)
