"""The LLM engine against a real model: Qwen2.5-Coder-0.5B-Instruct (GGUF, from PyPI) behind
llama.cpp's own server (xllamacpp), on loopback. Run with `pytest -m real_llm` (deselected by
default: one request takes from 40 seconds to minutes on a CPU).

The assertions are what must hold even for a weak model: the letter's decisions, quotes from the
item's own rationale, a per-item record of what the model wrote, and exit 0.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

import pytest
from conftest import LETTERS, clean_env, load_gold, run_cli
from llama_server import LlamaServer, fetch_model
from pydantic import BaseModel

from imr_llm.llm.client import LlmClient
from imr_llm.llm.endpoint import resolved, server_kind
from imr_llm.settings import load_settings

pytestmark = pytest.mark.real_llm

SHORT_LETTERS = ["CM17-0020243", "CM17-0008241"]


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    pytest.importorskip("xllamacpp", reason="pip install -e '.[local]'")
    with LlamaServer(fetch_model()) as server:
        yield server


def test_the_model_file_is_the_published_one() -> None:
    from llama_server import MODEL_BYTES, _sha256

    model = fetch_model()
    assert model.stat().st_size == MODEL_BYTES
    assert _sha256(model) == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"


class Decision(BaseModel):
    decision: Literal["upheld", "overturned"]


def test_auto_mode_asks_llama_cpp_for_json_schema_and_gets_it(llama: LlamaServer) -> None:
    settings = resolved(load_settings(environ={"OPENAI_BASE_URL": llama.base_url}))
    assert settings.mode == "json_schema"
    assert settings.concurrency == 1
    assert server_kind(llama.base_url) == "llama.cpp"

    async def ask() -> Decision:
        client = LlmClient(settings)
        try:
            completion = await client.complete(
                [
                    {"role": "system", "content": "Answer with the decision the letter states."},
                    {"role": "user", "content": "The denial is upheld."},
                ],
                Decision,
            )
        finally:
            await client.aclose()
        assert completion.usage.requests >= 1
        assert completion.usage.completion_tokens > 0
        return completion.parsed

    assert isinstance(asyncio.run(ask()), Decision)


def _letter_env(llama: LlamaServer, cache: Path) -> dict[str, str]:
    return clean_env(OPENAI_BASE_URL=llama.base_url, IMR_LLM_CACHE_DIR=str(cache))


@pytest.mark.parametrize("stem", SHORT_LETTERS)
def test_summarize_a_real_letter_keeps_its_decisions_and_quotes(
    llama: LlamaServer, tmp_path: Path, stem: str
) -> None:
    done = run_cli(
        "summarize",
        str(LETTERS / f"{stem}.txt"),
        "--engine",
        "openai",
        "--format",
        "json",
        env=_letter_env(llama, tmp_path / "cache"),
    )
    assert done.returncode == 0, done.stderr
    explanation = json.loads(done.stdout)
    gold = load_gold(stem)
    assert [i["decision"] for i in explanation["items"]] == [
        t["decision"] for t in gold["treatments"]
    ]
    extracted = run_cli("extract", str(LETTERS / f"{stem}.txt"), "--engine", "offline")
    rationales = [t["rationale"] for t in json.loads(extracted.stdout)["treatments"]]
    for item, rationale in zip(explanation["items"], rationales, strict=True):
        flat = " ".join(rationale.split())
        for quote in item["quotes"]:
            assert " ".join(quote.split()) in flat
    written = explanation["engine"]["items"]
    assert len(written) == len(explanation["items"])
    assert all(record["by"] in {"model", "fallback"} for record in written)
