"""The LLM engine against a real model: Qwen2.5-Coder-0.5B-Instruct (GGUF, from PyPI) behind
llama.cpp's own server (xllamacpp), on loopback. Run with `pytest -m real_llm` (deselected by
default: one request takes from 40 seconds to minutes on a CPU).

The assertions are what must hold even for a weak model: the letter's decisions, quotes from the
item's own rationale, a per-item record of what the model wrote, and exit 0.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import pytest
from conftest import LETTERS, invoke_cli, load_gold
from llama_server import LlamaServer, fetch_model
from pydantic import BaseModel

from imr_llm.llm.client import LlmClient
from imr_llm.llm.endpoint import resolved, server_kind
from imr_llm.prepare import prepare, skeleton
from imr_llm.settings import load_settings

pytestmark = pytest.mark.real_llm

SHORT_LETTERS = ["CM17-0020243", "CM17-0008241"]


@pytest.fixture(scope="module")
def llama() -> Iterator[LlamaServer]:
    try:  # never a silent skip: this test exists to run
        import xllamacpp  # noqa: F401
    except ImportError:
        pytest.fail("xllamacpp is not installed: pip install -e '.[local]'")
    with LlamaServer(fetch_model()) as server:
        yield server


def test_the_model_file_is_the_published_one() -> None:
    from llama_server import QWEN_05B, _sha256

    model = fetch_model(QWEN_05B)
    assert model.stat().st_size == 491_400_064
    assert _sha256(model) == "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"


class Decision(BaseModel):
    decision: Literal["upheld", "overturned"]


def test_auto_mode_asks_llama_cpp_for_json_schema_and_gets_it(llama: LlamaServer) -> None:
    settings = resolved(load_settings({"base_url": llama.base_url}))
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


@pytest.fixture
def real_cli(llama: LlamaServer, tmp_path: Path) -> Callable[..., Any]:
    """The CLI in this process against the real server."""
    env = {"OPENAI_BASE_URL": llama.base_url, "IMR_LLM_CACHE_DIR": str(tmp_path / "cache")}
    return lambda *args: invoke_cli(*args, env=env)


def _rationale_sentences(stem: str) -> list[list[str]]:
    prepared = prepare(str(LETTERS / f"{stem}.txt"))
    return [[s.text for s in t.sentences] for t in skeleton(prepared).treatments]


def _cached_answers(folder: Path) -> int:
    from imr_llm.llm.cache import ResponseCache

    cache = ResponseCache(folder)
    try:
        return int(cache.info()["entries"])
    finally:
        cache.close()


@pytest.mark.parametrize("stem", SHORT_LETTERS)
def test_summarize_and_extract_a_real_letter(
    real_cli: Callable[..., Any], tmp_path: Path, stem: str
) -> None:
    letter = str(LETTERS / f"{stem}.txt")
    done = real_cli("--verbose", "summarize", letter, "--engine", "openai", "--format", "json")
    assert done.returncode == 0, done.stderr
    explanation = json.loads(done.stdout)
    gold = load_gold(stem)
    decisions = [t["decision"] for t in gold["treatments"]]
    assert [i["decision"] for i in explanation["items"]] == decisions
    sentences = _rationale_sentences(stem)
    written = explanation["engine"]["items"]
    assert [r["item"] for r in written] == list(range(1, len(decisions) + 1))
    for item, record, own in zip(explanation["items"], written, sentences, strict=True):
        assert record["by"] in {"model", "fallback"}
        assert record["by"] == "model" or record["why"]
        # the model's quotes and the offline text's alike come from this item's own rationale
        assert all(_inside(q, own) for q in item["quotes"]), (item["quotes"], own)
        assert record["by"] == "fallback" or item["quotes"]
    if all(r["by"] == "fallback" for r in written):
        assert _cached_answers(tmp_path / "cache") == 0  # nothing cached from a failed answer
    extracted = real_cli("extract", letter, "--engine", "openai")
    assert extracted.returncode == 0, extracted.stderr
    determination = json.loads(extracted.stdout)
    assert [t["decision"] for t in determination["treatments"]] == decisions
    records = determination["engine"]["items"]
    assert [r["item"] for r in records] == list(range(1, len(decisions) + 1))
    for treatment, record, own in zip(determination["treatments"], records, sentences, strict=True):
        for reason in treatment["reasons"]:
            if record["by"] == "model":
                assert reason["code"] == "model"
                assert _made_of(reason["evidence"], [own[i] for i in reason["sentence_ids"]])
            else:
                assert _inside(reason["evidence"], own), (reason["evidence"], own)


_GAP = ", [...], "
"""Where the writer shortened a long list in a quote (explain.findings.shorten_lists)."""
_MEANING = re.compile(r" \[[^\]]*\]")
"""A hard term's meaning the writer put in brackets (explain.findings.with_brackets)."""


def _inside(quote: str, own: list[str]) -> bool:
    """The quote stands verbatim in one of the item's own rationale sentences, once the only
    changes the writer may make are taken out: meanings in brackets, a long list shortened."""
    pieces = [_MEANING.sub("", piece) for piece in quote.split(_GAP)]
    return bool(quote) and any(_in_order(pieces, _MEANING.sub("", s)) for s in own)


def _in_order(pieces: list[str], sentence: str) -> bool:
    at = 0
    for piece in pieces:
        found = sentence.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def _made_of(evidence: str, cited: list[str]) -> bool:
    """The evidence is the cited sentences of the item, and nothing else."""
    rest = evidence
    for sentence in cited:
        rest = rest.replace(sentence, "", 1)
    return bool(cited) and bool(evidence) and not rest.strip()
