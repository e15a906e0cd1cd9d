"""The embedded text model: llama-cpp-python running a GGUF file on the CPU.

Structured steps pass a pydantic schema; llama.cpp turns its JSON schema into a grammar so the
model can only produce valid JSON of that shape.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from newsdesk.errors import ModelError
from newsdesk.models.text import Completion, Prompt


class LlamaModel:
    """Loaded once per run; `complete` is not thread-safe (llama.cpp contexts are not)."""

    def __init__(self, path: Path, *, threads: int = 2, context: int = 4096, seed: int = 7) -> None:
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelError("llama-cpp-python is not installed (run `make setup-models`)") from exc
        self.name = path.stem
        try:
            self._llm = Llama(
                model_path=str(path),
                n_ctx=context,
                n_threads=threads,
                n_threads_batch=threads,
                seed=seed,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"cannot load {path}: {exc}") from exc

    def complete(self, prompt: Prompt, *, schema: type[BaseModel] | None = None) -> Completion:
        kwargs: dict[str, Any] = {}
        if schema is not None:
            kwargs["response_format"] = {
                "type": "json_object",
                "schema": schema.model_json_schema(),
            }
        started = time.perf_counter()
        try:
            reply: Any = self._llm.create_chat_completion(
                messages=[
                    {"role": "system", "content": prompt.system},
                    {"role": "user", "content": prompt.user},
                ],
                max_tokens=prompt.max_tokens,
                temperature=prompt.temperature,
                stop=list(prompt.stop) or None,
                **kwargs,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelError(f"{self.name} failed: {exc}") from exc
        seconds = time.perf_counter() - started
        usage = reply.get("usage") or {}
        text = reply["choices"][0]["message"]["content"] or ""
        return Completion(
            text=str(text),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            seconds=seconds,
        )

    def close(self) -> None:
        """Free the model now: left to interpreter shutdown, llama.cpp's finaliser can fail."""
        self._llm.close()


def self_test(path: Path, threads: int = 2) -> None:
    """Load the model and decode: a prompt batch, then single tokens, with `threads` threads.

    What a llama.cpp built for another CPU dies on (models/probe.py runs this in a child).
    """
    from llama_cpp import Llama

    llm = Llama(
        model_path=str(path),
        n_ctx=256,
        n_threads=threads,
        n_threads_batch=threads,
        seed=7,
        verbose=False,
    )
    prompt = "The desk checks every sentence against its sources before it publishes. " * 4
    llm.create_completion(prompt, max_tokens=4, temperature=0.0)
    llm.close()
