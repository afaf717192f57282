"""The OpenAI Batch API path against the loopback fake server's /v1/files and /v1/batches."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LETTERS, load_gold
from fake_openai_server import BatchPlan, FakeOpenAIServer, Reply
from llm_responder import grounded, respond

from imr_llm.errors import LlmError
from imr_llm.letter import Analysis
from imr_llm.llm.engine import LlmEngine
from imr_llm.llm.grounded import grounded_request
from imr_llm.prepare import prepare, skeleton
from imr_llm.runner import run_letters
from imr_llm.schema import Explanation
from imr_llm.settings import LlmSettings

STEMS = ["CM16-0213037", "CM17-0015218", "CM16-0229336", "CM17-0002181", "000_8a9ae033211fa24a"]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(responder=respond) as running:
        yield running


def _settings(server: FakeOpenAIServer, tmp_path: Path, **changes: Any) -> LlmSettings:
    values: dict[str, Any] = {
        "api_key": "sk-test-batch",
        "base_url": server.base_url,
        "cache_dir": tmp_path / "cache",
        "backoff_base": 0.01,
        "batch_poll": 0.01,
        "batch_timeout": 20.0,
    }
    values.update(changes)
    return LlmSettings(**values)


def _run(settings: LlmSettings, tmp_path: Path, task: str = "analyze") -> Any:
    """The runner with the LLM engine in OpenAI Batch API mode; the results and the report."""
    engine = LlmEngine(settings, openai_batch=tmp_path / "batch-state.json")
    paths = [str(LETTERS / f"{stem}.txt") for stem in STEMS]
    results = run_letters(paths, task, engine=engine)  # type: ignore[arg-type]
    return results, engine.openai_batch_report


def _check_decisions(results: list[Any]) -> None:
    for stem, result in zip(STEMS, results, strict=True):
        assert result.error is None, result.error
        assert isinstance(result.value, Analysis)
        want = [t["decision"] for t in load_gold(stem)["treatments"]]
        assert [t.decision for t in result.value.determination.treatments] == want
        assert [i.decision for i in result.value.explanation.items] == want


def test_batch_run_end_to_end(server: FakeOpenAIServer, tmp_path: Path) -> None:
    results, report = _run(_settings(server, tmp_path), tmp_path)
    _check_decisions(results)
    # Every letter has rationale sentences: one grounded call each, so one batch.
    assert len(report.batch_ids) == 1
    assert report.answered_by_batch == len(STEMS)
    assert report.finished_live == 0
    assert server.request_count == 0  # no ordinary chat call was needed
    uploaded = [
        json.loads(line)
        for fid in server.file_ids
        for line in server.file_content(fid).decode().splitlines()
        if '"method"' in line
    ]
    assert len(uploaded) == len(STEMS)  # the request file: one line per letter
    assert all(line["url"] == "/v1/chat/completions" for line in uploaded)
    assert all("json_schema" in json.dumps(line["body"]["response_format"]) for line in uploaded)
    # The very messages a live run sends: the grounded call's.
    settings = _settings(server, tmp_path)
    live = [
        grounded_request(settings, p, skeleton(p), "en")
        for p in (prepare(str(LETTERS / f"{stem}.txt")) for stem in STEMS)
    ]
    sent = sorted(json.dumps(line["body"]["messages"]) for line in uploaded)
    assert sent == sorted(json.dumps(r.messages) for r in live if r is not None)
    assert not (tmp_path / "batch-state.json").exists()
    # Answers went into the cache: the same run again makes no batch and no call.
    again, report_again = _run(_settings(server, tmp_path), tmp_path)
    _check_decisions(again)
    assert report_again.batch_ids == [] and report_again.from_cache == len(STEMS)


def test_expired_batch_is_finished_with_ordinary_calls(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.script_batches(BatchPlan(statuses=("validating", "expired"), complete_first_n=2))
    results, report = _run(_settings(server, tmp_path), tmp_path)
    _check_decisions(results)
    assert report.answered_by_batch == 2
    assert report.finished_live == len(STEMS) - 2
    assert server.request_count == len(STEMS) - 2


def test_failed_batch_and_invalid_answers_fall_back(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.script_batches(BatchPlan(statuses=("failed",)))  # the batch fails outright
    results, report = _run(_settings(server, tmp_path), tmp_path, task="summarize")
    assert all(isinstance(r.value, Explanation) for r in results)
    assert report.finished_live == len(STEMS)  # every letter answered live
    assert report.answered_by_batch == 0


def test_an_ungrounded_batch_answer_is_not_trusted(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    prepared = prepare(str(LETTERS / f"{STEMS[0]}.txt"))
    request = grounded_request(_settings(server, tmp_path), prepared, skeleton(prepared), "en")
    assert request is not None
    bad = grounded({"messages": request.messages})
    for item in bad["items"]:
        for reason in item["reasons"]:
            reason["sentence_ids"] = [9999]  # a sentence the letter does not have
    server.script(Reply.json(bad))  # the first line of the first batch gets this answer
    results, report = _run(_settings(server, tmp_path), tmp_path, task="extract")
    assert report.finished_live == 1
    first = results[0].value
    assert first is not None
    written = first.engine.items
    assert written and all(v.by == "model" for v in written)  # the live answer, checked


def test_a_killed_run_resumes_the_same_batch(server: FakeOpenAIServer, tmp_path: Path) -> None:
    slow = BatchPlan(statuses=("validating", *(["in_progress"] * 12), "completed"))
    server.script_batches(slow)
    with pytest.raises(LlmError, match="run the same command again"):
        _run(_settings(server, tmp_path, batch_timeout=0.05), tmp_path, task="extract")
    state = json.loads((tmp_path / "batch-state.json").read_text())
    assert state["phase"] == "ground" and state["batch_id"] in server.batch_ids
    results, report = _run(_settings(server, tmp_path), tmp_path, task="extract")
    assert report.batch_ids == [state["batch_id"]]  # picked up, not paid for twice
    assert len(server.batch_ids) == 1
    assert all(r.value is not None for r in results)


def test_cli_batch_with_openai_batch(server: FakeOpenAIServer, tmp_path: Path) -> None:
    from conftest import clean_env, invoke_cli

    server.script_batches(BatchPlan(statuses=("validating", "expired"), complete_first_n=1))
    out = tmp_path / "results.jsonl"
    letters = [str(LETTERS / f"{stem}.txt") for stem in STEMS[:3]]
    env = clean_env(
        OPENAI_BASE_URL=server.base_url,
        IMR_LLM_CACHE_DIR=str(tmp_path / "cache"),
        IMR_LLM_BATCH_POLL="0.01",
    )
    result = invoke_cli(
        "batch", *letters, "--out", str(out), "--engine", "openai", "--openai-batch", env=env
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 3
    assert "1 answers by batch, 2 finished with ordinary calls" in result.stderr
    assert server.request_count == 2  # the two the expired batch left undone
    again = invoke_cli(
        "batch", *letters, "--out", str(out), "--engine", "openai", "--openai-batch", env=env
    )
    assert again.returncode == 0
    assert len(out.read_text().splitlines()) == 3  # resumed: nothing redone
