"""Every model a run uses, picked by name from the settings (as `llm.get_model` does): the text
model it writes and judges with (embedded llama.cpp, an OpenAI-compatible server, a
deterministic fake, or none for the extractive writer), and the embedder and entity
recogniser clustering uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from newsdesk.errors import ConfigError, ModelError
from newsdesk.models.embedding import Embedder, HashingEmbedder, MiniLMEmbedder
from newsdesk.models.fake import FakeModel
from newsdesk.models.ner import EntityExtractor, FakeEntities, SpacyEntities
from newsdesk.models.openai_compat import OpenAIChatModel
from newsdesk.models.packaged import QWEN_CODER_1_5B, assemble
from newsdesk.models.probe import probe_backend
from newsdesk.models.text import Prompt, TextModel
from newsdesk.settings import Settings

WRITER_KINDS = ("embedded", "openai", "extractive", "fake")

# Loading the 1.1 GB GGUF takes seconds and its memory: once per process and configuration.
_LOADED: dict[tuple[Path, int, int], TextModel] = {}

_DATA_BLOCK = re.compile(r"<facts>\n(.*?)\n</facts>", re.DOTALL)


def text_model(kind: str, settings: Settings) -> TextModel | None:
    """The model for `kind` (one of WRITER_KINDS); None means write without a model."""
    if kind == "extractive":
        return None
    if kind == "fake":
        return FakeModel(echo_responder)
    if kind == "embedded":
        return _embedded(settings)
    if kind == "openai":
        return _openai(settings)
    raise ConfigError(f"unknown writer {kind!r}: choose one of {', '.join(WRITER_KINDS)}")


def embedded_model_path() -> Path:
    """The embedded writer's GGUF file, assembled from its packages on first use."""
    return assemble(QWEN_CODER_1_5B)


def _embedded(settings: Settings) -> TextModel:
    # Imported here: llama_cpp is an optional, heavy dependency the other kinds never need.
    from newsdesk.models.llama import LlamaModel

    path = embedded_model_path()
    key = (path, settings.model_threads, settings.model_context)
    if key not in _LOADED:
        # A llama.cpp that cannot run on this CPU would kill this process; a child finds out.
        probe_backend(path, threads=settings.model_threads)
        _LOADED[key] = LlamaModel(
            path, threads=settings.model_threads, context=settings.model_context
        )
    return _LOADED[key]


def _openai(settings: Settings) -> TextModel:
    if not settings.openai_base_url or not settings.openai_model:
        raise ConfigError(
            "the openai writer needs openai_base_url and openai_model "
            "(NEWSDESK_OPENAI_BASE_URL, NEWSDESK_OPENAI_MODEL)"
        )
    return OpenAIChatModel(
        settings.openai_base_url, settings.openai_model, api_key=settings.openai_api_key
    )


def story_models(settings: Settings) -> tuple[Embedder, EntityExtractor]:
    embedder: Embedder = (
        MiniLMEmbedder(threads=settings.model_threads)
        if settings.embedder == "minilm"
        else HashingEmbedder()
    )
    entities: EntityExtractor = SpacyEntities() if settings.entities == "spacy" else FakeEntities()
    return embedder, entities


def check_model_server(settings: Settings) -> None:
    """Raise ConfigError unless the OpenAI-compatible server of the settings answers.

    Without this a run with a wrong URL or key ingests everything, then publishes every
    story from the extractive fallback with the failure only in each version's notes.
    """
    if not (settings.openai_base_url and settings.openai_model):
        raise ConfigError(
            "the openai writer needs openai_base_url and openai_model "
            "(NEWSDESK_OPENAI_BASE_URL, NEWSDESK_OPENAI_MODEL)"
        )
    server = OpenAIChatModel(
        settings.openai_base_url, settings.openai_model, api_key=settings.openai_api_key
    )
    try:
        server.check_server()
    except ModelError as exc:
        raise ConfigError(str(exc)) from exc
    finally:
        server.close()


def echo_responder(prompt: Prompt, schema: type[BaseModel] | None) -> str:
    """A stand-in writer: repeats the facts of the prompt's data block as the paragraph, and
    for a schema fills each field from the first fact (first allowed value for choices).

    Deterministic and instant, so demos and tests exercise the whole model path.
    """
    block = _DATA_BLOCK.search(prompt.user)
    facts = [line.removeprefix("- ") for line in block.group(1).splitlines()] if block else []
    if schema is None:
        return " ".join(facts)
    lead = " ".join(facts[0].split()[:10]).rstrip(",.;:") if facts else "News"
    return json.dumps({name: _fill(spec, lead) for name, spec in _properties(schema).items()})


def _properties(schema: type[BaseModel]) -> dict[str, dict[str, Any]]:
    properties: dict[str, dict[str, Any]] = schema.model_json_schema().get("properties", {})
    return properties


def _fill(spec: dict[str, Any], text: str) -> Any:
    if "enum" in spec:
        return spec["enum"][0]
    if spec.get("type") == "integer":
        return 0
    return text
