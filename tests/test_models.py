"""Text model backends: the fake, the HTTP client, the packaged-model assembly, and the real
llama.cpp loading path on the tiny SmolLM2 package."""

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from pydantic import BaseModel

from newsdesk.errors import ModelError
from newsdesk.models.fake import FakeModel
from newsdesk.models.openai_compat import OpenAIChatModel
from newsdesk.models.packaged import SplitModel, assemble, smollm2_path
from newsdesk.models.text import Prompt, complete_json


class Verdict(BaseModel):
    label: str
    score: int


PROMPT = Prompt(system="Answer in JSON.", user="Rate this.", max_tokens=30)


def test_fake_model_replies_in_order_and_records_prompts() -> None:
    fake = FakeModel()
    fake.enqueue('{"label": "ok", "score": 3}', "plain text")
    assert complete_json(fake, PROMPT, Verdict) == Verdict(label="ok", score=3)
    assert fake.complete(PROMPT).text == "plain text"
    assert fake.prompts == [PROMPT, PROMPT]
    with pytest.raises(ModelError, match="no reply"):
        fake.complete(PROMPT)


def test_output_that_breaks_the_schema_is_a_model_error() -> None:
    fake = FakeModel()
    fake.enqueue('{"label": "ok"}', "not json")
    for _ in range(2):
        with pytest.raises(ModelError, match="does not match Verdict"):
            complete_json(fake, PROMPT, Verdict)


def test_openai_compatible_server_gets_schema_and_key() -> None:
    seen: list[dict[str, object]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append({"auth": request.headers.get("authorization"), **json.loads(request.content)})
        reply = {
            "choices": [{"message": {"content": '{"label": "x", "score": 1}'}}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 9},
        }
        return httpx.Response(200, json=reply)

    model = OpenAIChatModel(
        "http://models.test/v1", "m", api_key="k", transport=httpx.MockTransport(handler)
    )
    assert complete_json(model, PROMPT, Verdict).score == 1
    model.close()
    (request,) = seen
    assert request["auth"] == "Bearer k"
    assert request["model"] == "m"
    response_format = request["response_format"]
    assert isinstance(response_format, dict)
    assert response_format["json_schema"]["schema"]["required"] == ["label", "score"]


def test_unreachable_server_is_a_model_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    model = OpenAIChatModel("http://models.test/v1", "m", transport=httpx.MockTransport(handler))
    with pytest.raises(ModelError, match="model server"):
        model.complete(PROMPT)
    model.close()


def _fake_parts(root: Path, chunks: list[bytes]) -> SplitModel:
    for n, chunk in enumerate(chunks, start=1):
        package = root / f"fakepart{n}" / "data"
        package.mkdir(parents=True)
        (package.parent / "__init__.py").write_text("")
        (package / f"part{n:02d}.bin").write_bytes(chunk)
    whole = b"".join(chunks)
    return SplitModel(
        filename="fake.gguf",
        size=len(whole),
        sha256=hashlib.sha256(whole).hexdigest(),
        parts=len(chunks),
        package="fakepart{n}",
        chunk_path="data/part{n:02d}.bin",
    )


def test_split_model_is_assembled_once_and_verified(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _fake_parts(tmp_path / "site", [b"GGUF" + b"a" * 100, b"b" * 50, b"c" * 7])
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    path = assemble(model, tmp_path / "cache")
    assert path.read_bytes() == b"GGUF" + b"a" * 100 + b"b" * 50 + b"c" * 7
    stamp = path.stat().st_mtime_ns
    assert assemble(model, tmp_path / "cache").stat().st_mtime_ns == stamp  # cached
    bad = replace(model, sha256="0" * 64)
    with pytest.raises(ModelError, match="expected"):
        assemble(bad, tmp_path / "cache2")
    assert list((tmp_path / "cache2").iterdir()) == []  # no half-written file left behind


def test_missing_part_package_is_named(tmp_path: Path) -> None:
    model = SplitModel("x.gguf", 1, "0" * 64, 2, "nosuchpackage_part{n}", "data/p{n}.bin")
    with pytest.raises(ModelError, match="nosuchpackage-part1 is not installed"):
        assemble(model, tmp_path)


def test_real_llama_cpp_loading_path_on_the_tiny_model() -> None:
    pytest.importorskip("llama_cpp", reason="llama-cpp-python is installed by `make setup`")
    from newsdesk.models.llama import LlamaModel

    model = LlamaModel(smollm2_path(), context=512)
    reply = complete_json(
        model,
        Prompt(system="Reply in JSON.", user="Label: news. Score: 2.", max_tokens=40),
        Verdict,
    )
    assert isinstance(reply.score, int)  # grammar-constrained: always parses into the schema
    text = model.complete(Prompt(system="Be brief.", user="Say hello.", max_tokens=8))
    assert 0 < text.completion_tokens <= 8
    assert text.seconds > 0
    model.close()
