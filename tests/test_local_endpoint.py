"""Local or hosted endpoint: --mode auto, the local profile, and a clear word when a server
refuses a mode. The fake server on 127.0.0.1 plays the server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import LETTERS, clean_env, invoke_cli
from fake_openai_server import FakeOpenAIServer, Reply
from llm_responder import respond

from imr_llm.llm.endpoint import (
    LOCAL_PROFILE,
    is_loopback,
    is_private,
    resolved,
    server_kind,
)
from imr_llm.settings import LlmSettings, load_settings

LETTER = LETTERS / "CM16-0213037.txt"


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    server_kind.cache_clear()  # the CLI runs in this process: a new server is asked anew
    with FakeOpenAIServer(responder=respond) as running:
        yield running


@pytest.mark.parametrize(
    ("url", "loopback", "private"),
    [
        ("http://127.0.0.1:8080/v1", True, True),
        ("http://localhost:11434/v1", True, True),
        ("http://[::1]:8000/v1", True, True),
        ("http://192.168.1.20:8000/v1", False, True),
        ("http://10.0.0.7/v1", False, True),
        ("http://8.8.8.8/v1", False, False),
        (None, False, False),
    ],
)
def test_where_an_endpoint_is(url: str | None, loopback: bool, private: bool) -> None:
    assert is_loopback(url) is loopback
    assert is_private(url) is private


def _environment(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    """Only these LLM variables in the environment (pydantic-settings reads os.environ)."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "IMR_LLM_")):
            monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def test_auto_mode_is_json_schema_on_a_private_address_and_tools_for_a_public_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _environment(monkeypatch, OPENAI_BASE_URL="http://10.1.2.3:8080/v1")
    local = resolved(load_settings())
    assert local.mode == "json_schema"
    _environment(monkeypatch, OPENAI_API_KEY="sk-x", OPENAI_BASE_URL="http://8.8.8.8/v1")
    hosted = resolved(load_settings(), probe=False)
    assert hosted.mode == "tools"
    assert hosted.timeout == LlmSettings().timeout
    assert hosted.concurrency == LlmSettings().concurrency


def test_the_local_profile_keeps_what_the_user_set(monkeypatch: pytest.MonkeyPatch) -> None:
    _environment(monkeypatch, OPENAI_BASE_URL="http://127.0.0.1:8080/v1", IMR_LLM_TIMEOUT="33")
    settings = resolved(load_settings({"mode": "json", "concurrency": 3}))
    assert settings.mode == "json"
    assert settings.timeout == 33.0
    assert settings.concurrency == 3
    assert settings.transport_seconds == LOCAL_PROFILE["transport_seconds"]


def test_a_server_is_recognised_by_what_it_answers(server: FakeOpenAIServer) -> None:
    server.owned_by = "llamacpp"
    assert server_kind(server.base_url) == "llama.cpp"
    server_kind.cache_clear()  # asked once per run; a new answer needs a new run
    server.owned_by = "openai"
    assert server_kind(server.base_url) is None


def test_auto_mode_sends_a_json_schema_request_to_a_local_server(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    env = clean_env(OPENAI_BASE_URL=server.base_url, IMR_LLM_CACHE_DIR=str(tmp_path / "c"))
    done = invoke_cli("extract", str(LETTER), "--engine", "openai", env=env)
    assert done.returncode == 0, done.stderr
    body = server.chat_requests[0].json
    assert body["response_format"]["type"] == "json_schema"
    assert "tools" not in body and "tool_choice" not in body


def test_a_refused_mode_is_named_with_the_servers_words(
    server: FakeOpenAIServer, tmp_path: Path
) -> None:
    server.responder = lambda request: Reply.error(400, "tool_choice param requires a string value")
    env = clean_env(OPENAI_BASE_URL=server.base_url, IMR_LLM_CACHE_DIR=str(tmp_path / "c"))
    done = invoke_cli("extract", str(LETTER), "--engine", "openai", "--mode", "tools", env=env)
    assert done.returncode == 6
    assert "HTTP 400" in done.stderr
    assert "tool_choice param requires a string value" in done.stderr
    assert "--mode tools" in done.stderr and "--mode json_schema" in done.stderr
    assert "Traceback" not in done.stderr
