"""Honest accounting: a failed letter's requests and tokens are counted, and the validator's
whole message is shown. Against the fake server on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import LETTERS, clean_env, invoke_cli
from fake_openai_server import FakeOpenAIServer, Reply
from llm_responder import answer, reply_with, respond

GOOD = LETTERS / "CM16-0213037.txt"
BAD = LETTERS / "CM17-0020243.txt"
LONG_WRONG = "The reviewer wrote this long sentence, which cites no sentence of the letter: " * 4
STRAY = [str(n) for n in range(9101, 9131)]  # numbers none of the letter's sentences hold


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer(responder=respond) as running:
        yield running


def _ungrounded_for(marker: str) -> Any:
    """Answer well, except for the letter whose sentences contain `marker`: there every reason
    cites a sentence that does not exist and states numbers the letter does not hold."""

    def reply(request: dict[str, Any]) -> Reply:
        payload = answer(request)
        if marker in str(request["messages"]):
            for item in payload["items"]:
                for reason in item["reasons"]:
                    reason["text"] = f"{LONG_WRONG} {' '.join(STRAY)}"
                    reason["sentence_ids"] = [999]
        return reply_with(request, payload)

    return reply


def _totals(stderr: str) -> tuple[int, int]:
    found = re.search(r"(\d+) requests, (\d+) tokens", stderr)
    assert found, stderr
    return int(found.group(1)), int(found.group(2))


def test_a_failed_letter_counts_in_the_totals_and_shows_the_whole_error(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.responder = _ungrounded_for("cauda equina")  # a sentence of BAD only
    env = clean_env(
        OPENAI_BASE_URL=server.base_url,
        IMR_LLM_CACHE_DIR=str(tmp_path / "c"),
        IMR_LLM_REASKS="2",
    )
    # --strict: a letter none of whose items passed fails (exit 7) instead of falling back
    done = invoke_cli(
        "--verbose", "extract", str(GOOD), str(BAD), "--engine", "openai", "--strict", env=env
    )
    assert done.returncode == 7, done.stderr
    assert server.request_count == 1 + 3  # the good letter once; the bad one asked 3 times
    requests, tokens = _totals(done.stderr)
    assert requests == server.request_count
    assert tokens > 0
    good_only = invoke_cli(
        "--verbose", "extract", str(GOOD), "--engine", "openai", "--no-cache", env=env
    )
    assert tokens > _totals(good_only.stderr)[1]
    # The whole validator message, not the first 200 characters of it.
    error_line = next(line for line in done.stderr.splitlines() if "failed validation" in line)
    assert "cites sentence 999, which does not exist" in error_line
    assert f"do not contain: {', '.join(STRAY)}" in error_line  # all 30, nothing cut
