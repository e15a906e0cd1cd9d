"""An OpenAI-compatible chat server (Ollama, vLLM, llama-server, hosted APIs)."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
from pydantic import BaseModel

from newsdesk.errors import ModelError
from newsdesk.models.text import Completion, Prompt

PROBE_SECONDS = 5.0  # for check_server: a server that takes longer to list models is down


class OpenAIChatModel:
    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 120.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.name = model
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._has_key = bool(api_key)
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )

    def close(self) -> None:
        self._client.close()

    def check_server(self, timeout: float = PROBE_SECONDS) -> None:
        """Raise ModelError unless the server answers GET /models within `timeout` seconds.

        Any HTTP reply counts (some servers do not implement /models and say 404) except
        401 and 403: those mean the API key is missing or wrong, and every call would fail.
        """
        try:
            response = self._client.get("/models", timeout=timeout)
        except httpx.HTTPError as exc:
            raise ModelError(self._unreachable(exc)) from exc
        if response.status_code in (401, 403):
            key = "rejected the API key" if self._has_key else "wants an API key (openai_api_key)"
            raise ModelError(
                f"model server {self._client.base_url} {key} (HTTP {response.status_code})"
            )

    def complete(self, prompt: Prompt, *, schema: type[BaseModel] | None = None) -> Completion:
        body: dict[str, Any] = {
            "model": self.name,
            "messages": [
                {"role": "system", "content": prompt.system},
                {"role": "user", "content": prompt.user},
            ],
            "max_tokens": prompt.max_tokens,
            "temperature": prompt.temperature,
        }
        if prompt.stop:
            body["stop"] = list(prompt.stop)
        if schema is not None:
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": schema.__name__, "schema": schema.model_json_schema()},
            }
        started = time.perf_counter()
        try:
            response = self._client.post("/chat/completions", json=body)
            response.raise_for_status()
            data = response.json()
            text = data["choices"][0]["message"]["content"] or ""
        except httpx.HTTPStatusError as exc:
            status = exc.response.status_code
            message = f"model server {self._client.base_url} answered HTTP {status}"
            raise ModelError(message) from exc
        except httpx.HTTPError as exc:
            raise ModelError(self._unreachable(exc)) from exc
        except (KeyError, IndexError, TypeError, json.JSONDecodeError) as exc:
            raise ModelError(f"model server sent an unexpected reply: {exc}") from exc
        usage = data.get("usage") or {}
        return Completion(
            text=str(text),
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            seconds=time.perf_counter() - started,
        )

    def _unreachable(self, exc: httpx.HTTPError) -> str:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return f"cannot reach model server {self._client.base_url}: {reason}"
