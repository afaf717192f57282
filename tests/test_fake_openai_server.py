"""The fake OpenAI server works with the real openai client and instructor over HTTP."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import instructor
import openai
import pytest
from fake_openai_server import BatchPlan, FakeOpenAIServer, Reply, schema_example_responder
from instructor.core import IncompleteOutputException, InstructorRetryException
from network_guard import NetworkBlockedError, block_non_loopback
from openai.types import Batch
from pydantic import BaseModel

# Importing the autouse fixture guards every test in this module; a test that
# is about the guard also requests it by name.
__all__ = ["block_non_loopback"]

MODEL = "gpt-4o-mini"
MESSAGES: list[Any] = [{"role": "user", "content": "Ann is 31."}]


class User(BaseModel):
    name: str
    age: int


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        yield srv


@pytest.fixture
def client(server: FakeOpenAIServer) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=0) as cl:
        yield cl


def _chat(client: openai.OpenAI, **kwargs: Any) -> Any:
    return client.chat.completions.create(model=MODEL, messages=MESSAGES, **kwargs)


# --------------------------------------------------------------------- basics


def test_completion_shape_usage_and_recording(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.script(Reply.content("hello"), Reply.content("hello"))

    first = _chat(client, temperature=0)
    assert first.object == "chat.completion"
    assert first.id.startswith("chatcmpl-")
    assert first.model == MODEL  # echoes the request's model
    choice = first.choices[0]
    assert (choice.index, choice.finish_reason) == (0, "stop")
    assert choice.message.role == "assistant"
    assert choice.message.content == "hello"
    assert choice.message.tool_calls is None
    usage = first.usage
    assert usage is not None
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    assert _chat(client, temperature=0).usage == usage  # the estimate is deterministic
    assert server.request_count == 2 and server.pending_replies == 0

    recorded = server.chat_requests[0]
    assert (recorded.method, recorded.path) == ("POST", "/v1/chat/completions")
    assert recorded.headers["authorization"] == "Bearer sk-test"
    assert recorded.headers["content-type"] == "application/json"
    assert json.loads(recorded.body) == recorded.json
    assert recorded.json == {"model": MODEL, "messages": MESSAGES, "temperature": 0}

    server.reset()
    assert server.requests == [] and server.request_count == 0


def test_explicit_usage(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.content("x", usage=(11, 7)))
    usage = _chat(client).usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (11, 7, 18)


def test_script_exhausted_is_a_500(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    with pytest.raises(openai.InternalServerError, match="fake server: script exhausted"):
        _chat(client)


def test_responder_gets_request_json(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    seen: list[dict[str, Any]] = []

    def responder(request: dict[str, Any]) -> Reply:
        seen.append(request)
        return Reply.content(f"echo {request['messages'][-1]['content']}")

    server.responder = responder
    server.script(Reply.content("scripted first"))
    assert _chat(client).choices[0].message.content == "scripted first"
    assert _chat(client).choices[0].message.content == "echo Ann is 31."
    assert len(seen) == 1 and seen[0]["model"] == MODEL


def test_invalid_request_is_a_400_and_keeps_the_script(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.script(Reply.content("kept"))
    with pytest.raises(openai.BadRequestError, match="messages"):
        client.chat.completions.create(model=MODEL, messages=[])
    assert server.pending_replies == 1


def test_models_list(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    assert [m.id for m in client.models.list()] == ["fake-model"]


def test_streaming_content(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    text = "a fairly long answer that is split into several chunks"
    server.script(Reply.content(text))
    chunks = list(_chat(client, stream=True, stream_options={"include_usage": True}))
    streamed = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert streamed == text
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


# ------------------------------------------------------------------ instructor


def test_instructor_tools_mode(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.tool_call({"name": "Ann", "age": 31}))
    ic = instructor.from_openai(client, mode=instructor.Mode.TOOLS)
    user = ic.chat.completions.create(model=MODEL, response_model=User, messages=MESSAGES)
    assert user.model_dump() == {"name": "Ann", "age": 31}

    sent = server.chat_requests[0].json
    assert sent["tool_choice"] == {"type": "function", "function": {"name": "User"}}
    assert sent["tools"][0]["function"]["name"] == "User"
    assert set(sent["tools"][0]["function"]["parameters"]["properties"]) == {"name", "age"}


def test_tool_call_name_defaults_to_requested_function(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    tools: Any = [{"type": "function", "function": {"name": "lookup", "parameters": {}}}]
    server.script(Reply.tool_call({"q": 1}), Reply.tool_call("{}", name="other"))
    calls = _chat(client, tools=tools).choices[0].message.tool_calls
    assert calls[0].type == "function" and calls[0].id.startswith("call_")
    assert (calls[0].function.name, json.loads(calls[0].function.arguments)) == ("lookup", {"q": 1})
    assert _chat(client, tools=tools).choices[0].finish_reason == "tool_calls"
    assert server.last_request is not None


def test_instructor_json_mode(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.json({"name": "Bo", "age": 4}))
    ic = instructor.from_openai(client, mode=instructor.Mode.JSON)
    user = ic.chat.completions.create(model=MODEL, response_model=User, messages=MESSAGES)
    assert user.model_dump() == {"name": "Bo", "age": 4}
    sent = server.chat_requests[0].json
    assert sent["response_format"] == {"type": "json_object"}
    assert sent["messages"][0]["role"] == "system"
    assert '"age"' in sent["messages"][0]["content"]  # the schema is in the system prompt
    assert "tools" not in sent


def test_instructor_json_schema_mode(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.content('{"name": "Cy", "age": 5}'))
    ic = instructor.from_openai(client, mode=instructor.Mode.JSON_SCHEMA)
    user = ic.chat.completions.create(model=MODEL, response_model=User, messages=MESSAGES)
    # instructor stores the raw completion in a private attribute, so compare dumps:
    # `user == User(...)` is False.
    assert user.model_dump() == {"name": "Cy", "age": 5}
    fmt = server.chat_requests[0].json["response_format"]
    assert fmt["type"] == "json_schema" and fmt["json_schema"]["name"] == "User"


def test_instructor_reasks_after_malformed_tool_arguments(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.script(
        Reply.tool_call('{"name": "Ann", "age": '),  # truncated JSON
        Reply.tool_call({"name": "Ann", "age": 31}),
    )
    ic = instructor.from_openai(client, mode=instructor.Mode.TOOLS)
    user = ic.chat.completions.create(
        model=MODEL, response_model=User, messages=MESSAGES, max_retries=1
    )
    assert user.model_dump() == {"name": "Ann", "age": 31}
    assert server.request_count == 2

    first, second = (r.json["messages"] for r in server.chat_requests)
    assert first == MESSAGES
    assert second[: len(MESSAGES)] == MESSAGES
    assistant, tool = second[len(MESSAGES) :]
    assert assistant["role"] == "assistant"
    assert assistant["tool_calls"][0]["function"]["arguments"] == '{"name": "Ann", "age": '
    assert tool["role"] == "tool"
    assert tool["tool_call_id"] == assistant["tool_calls"][0]["id"]
    assert "Validation Error found" in tool["content"]
    assert "Invalid JSON" in tool["content"] and "json_invalid" in tool["content"]


def test_instructor_json_mode_reask_feeds_the_error_back_as_user_message(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.script(Reply.json({"name": "Bo", "age": "old"}), Reply.json({"name": "Bo", "age": 4}))
    ic = instructor.from_openai(client, mode=instructor.Mode.JSON)
    ic.chat.completions.create(model=MODEL, response_model=User, messages=MESSAGES, max_retries=1)
    last = server.chat_requests[1].json["messages"][-1]
    assert last["role"] == "user"
    assert last["content"].startswith("Correct your JSON ONLY RESPONSE")
    assert "Input should be a valid integer" in last["content"]


def test_instructor_gives_up_after_max_retries(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.script(Reply.tool_call("{bad"), Reply.tool_call("{bad"), Reply.tool_call("{bad"))
    ic = instructor.from_openai(client, mode=instructor.Mode.TOOLS)
    with pytest.raises(InstructorRetryException) as info:
        ic.chat.completions.create(
            model=MODEL, response_model=User, messages=MESSAGES, max_retries=1
        )
    assert info.value.n_attempts == 2  # max_retries=1 means 2 attempts
    assert server.request_count == 2 and server.pending_replies == 1


def test_finish_reason_length(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(
        Reply.content('{"name": "A', finish_reason="length"),
        Reply.tool_call('{"name": "A', finish_reason="length"),
    )
    assert _chat(client).choices[0].finish_reason == "length"
    ic = instructor.from_openai(client, mode=instructor.Mode.TOOLS)
    with pytest.raises(IncompleteOutputException):
        ic.chat.completions.create(
            model=MODEL, response_model=User, messages=MESSAGES, max_retries=3
        )
    assert server.request_count == 2  # not retried by instructor


# ---------------------------------------------------------------------- faults


def test_rate_limit_with_retry_after(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.error(429, headers={"Retry-After": "1"}))
    with pytest.raises(openai.RateLimitError) as info:
        _chat(client)
    assert info.value.status_code == 429
    assert info.value.response.headers["retry-after"] == "1"
    assert info.value.code == "rate_limit_exceeded"
    assert isinstance(info.value.body, dict) and "rate limit" in info.value.body["message"]


def test_instructor_wraps_api_errors(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.error(429, headers={"Retry-After": "1"}))
    ic = instructor.from_openai(client, mode=instructor.Mode.TOOLS)
    with pytest.raises(InstructorRetryException) as info:
        ic.chat.completions.create(
            model=MODEL, response_model=User, messages=MESSAGES, max_retries=3
        )
    assert isinstance(info.value.__cause__, openai.RateLimitError)
    assert server.request_count == 1  # instructor does not retry API errors


@pytest.mark.parametrize("status", [500, 503])
def test_server_errors(server: FakeOpenAIServer, client: openai.OpenAI, status: int) -> None:
    server.script(Reply.error(status, "upstream exploded"))
    with pytest.raises(openai.InternalServerError, match="upstream exploded") as info:
        _chat(client)
    assert info.value.status_code == status
    assert info.value.type == "server_error"


def test_openai_client_retries_below_instructor(server: FakeOpenAIServer) -> None:
    server.script(
        Reply.error(503, headers={"retry-after-ms": "10"}),
        Reply.error(429, headers={"retry-after-ms": "10"}),
        Reply.tool_call({"name": "Ann", "age": 31}),
    )
    with openai.OpenAI(base_url=server.base_url, api_key="sk-test", max_retries=2) as cl:
        ic = instructor.from_openai(cl, mode=instructor.Mode.TOOLS)
        user = ic.chat.completions.create(
            model=MODEL, response_model=User, messages=MESSAGES, max_retries=0
        )
    assert user.age == 31
    counts = [r.headers["x-stainless-retry-count"] for r in server.chat_requests]
    assert counts == ["0", "1", "2"]


def test_delayed_reply_times_out_without_blocking_others(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.script(Reply.delay(30.0, Reply.content("too late")), Reply.content("fast"))
    with pytest.raises(openai.APITimeoutError):
        client.with_options(timeout=0.3).chat.completions.create(model=MODEL, messages=MESSAGES)
    # The first reply is still held for 30 s; the second arrives with the default timeout of
    # 5 s only if the server answers it meanwhile. The fixture's stop() ends the held one.
    assert _chat(client.with_options(timeout=5.0)).choices[0].message.content == "fast"


def test_delayed_reply_arrives(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.delay(0.05, Reply.content("slow but fine")))
    assert _chat(client).choices[0].message.content == "slow but fine"


def test_dropped_connection(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.drop(), Reply.content("after the drop"))
    with pytest.raises(openai.APIConnectionError) as info:
        _chat(client)
    assert not isinstance(info.value, openai.APITimeoutError)
    assert _chat(client).choices[0].message.content == "after the drop"


def test_raw_non_json_body(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(Reply.raw(502, "<html>bad gateway</html>", "text/html"))
    with pytest.raises(openai.InternalServerError) as info:
        _chat(client)
    assert info.value.status_code == 502
    assert "bad gateway" in info.value.response.text


# ---------------------------------------------------------------- concurrency


def test_concurrent_async_requests_are_not_serialised() -> None:
    """Proved by counting the requests the responder holds at once, not by timing them."""
    lock = threading.Condition()
    held = {"now": 0, "most": 0}

    def echo(request: dict[str, Any]) -> Reply:
        with lock:
            held["now"] += 1
            held["most"] = max(held["most"], held["now"])
            lock.notify_all()
            # hold the request until a second one is in flight, however slow the machine (a
            # server that answers one at a time never gets the second: `most` stays 1)
            lock.wait_for(lambda: held["most"] >= 2, timeout=10)
        try:
            time.sleep(0.05)
            return Reply.content(f"echo {request['messages'][-1]['content']}")
        finally:
            with lock:
                held["now"] -= 1

    async def run(server: FakeOpenAIServer) -> list[str]:
        async with openai.AsyncOpenAI(
            base_url=server.base_url, api_key="sk-test", max_retries=0
        ) as cl:
            results = await asyncio.gather(
                *(
                    cl.chat.completions.create(
                        model=MODEL, messages=[{"role": "user", "content": f"q{i}"}]
                    )
                    for i in range(16)
                )
            )
        return [r.choices[0].message.content or "" for r in results]

    with FakeOpenAIServer(echo) as srv:
        answers = asyncio.run(run(srv))
        assert srv.request_count == 16
    assert sorted(answers) == sorted(f"echo q{i}" for i in range(16))
    assert held["most"] >= 2, "the server answered one request at a time"


def test_async_instructor_tools_mode(server: FakeOpenAIServer) -> None:
    async def run() -> User:
        async with openai.AsyncOpenAI(
            base_url=server.base_url, api_key="sk-test", max_retries=0
        ) as cl:
            ic = instructor.from_openai(cl, mode=instructor.Mode.TOOLS)
            result: User = await ic.chat.completions.create(
                model=MODEL, response_model=User, messages=MESSAGES, max_retries=1
            )
            return result

    server.script(Reply.tool_call('{"name": 1}'), Reply.tool_call({"name": "Ann", "age": 31}))
    assert asyncio.run(run()).model_dump() == {"name": "Ann", "age": 31}
    assert server.request_count == 2


# --------------------------------------------------------------------- batches


def _batch_input(n: int) -> bytes:
    lines = [
        {
            "custom_id": f"req-{i}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {"model": MODEL, "messages": [{"role": "user", "content": f"q{i}"}]},
        }
        for i in range(n)
    ]
    return "".join(json.dumps(line) + "\n" for line in lines).encode()


def _jsonl(client: openai.OpenAI, file_id: str | None) -> list[dict[str, Any]]:
    assert file_id is not None
    text = client.files.content(file_id).text
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _poll(client: openai.OpenAI, batch_id: str) -> tuple[Batch, list[str]]:
    seen: list[str] = []
    for _ in range(20):
        batch = client.batches.retrieve(batch_id)
        seen.append(batch.status)
        if batch.status in ("completed", "expired", "failed", "cancelled"):
            return batch, seen
    raise AssertionError(f"batch never finished: {seen}")


def test_batch_flow(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script(
        Reply.json({"answer": 0}),
        Reply.error(400, "bad line"),
        Reply.tool_call({"answer": 2}, name="answer"),
    )
    uploaded = client.files.create(file=("input.jsonl", _batch_input(3)), purpose="batch")
    assert uploaded.object == "file" and uploaded.purpose == "batch"
    assert uploaded.filename == "input.jsonl" and uploaded.bytes == len(_batch_input(3))
    assert client.files.retrieve(uploaded.id).id == uploaded.id
    assert server.file_content(uploaded.id) == _batch_input(3)

    batch = client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert batch.status == "validating" and batch.input_file_id == uploaded.id
    assert server.request_count == 0  # nothing runs before the batch completes

    done, seen = _poll(client, batch.id)
    assert seen == ["in_progress", "completed"]
    assert done.request_counts is not None
    assert (done.request_counts.total, done.request_counts.completed) == (3, 2)
    assert done.request_counts.failed == 1
    assert done.completed_at is not None

    output = _jsonl(client, done.output_file_id)
    assert [line["custom_id"] for line in output] == ["req-0", "req-2"]
    assert all(line["error"] is None for line in output)
    assert output[0]["response"]["status_code"] == 200
    body0 = output[0]["response"]["body"]
    assert json.loads(body0["choices"][0]["message"]["content"]) == {"answer": 0}
    assert body0["model"] == MODEL and body0["usage"]["total_tokens"] > 0
    call = output[1]["response"]["body"]["choices"][0]["message"]["tool_calls"][0]
    assert call["function"]["name"] == "answer"

    errors = _jsonl(client, done.error_file_id)
    assert [line["custom_id"] for line in errors] == ["req-1"]
    assert errors[0]["response"]["status_code"] == 400
    assert errors[0]["response"]["body"]["error"]["message"] == "bad line"
    assert client.batches.retrieve(batch.id).status == "completed"  # terminal status sticks


def test_batch_expired_with_partial_output(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.responder = lambda request: Reply.json({"q": request["messages"][0]["content"]})
    server.batch_plan = BatchPlan(
        statuses=["validating", "in_progress", "expired"], complete_first_n=2
    )
    uploaded = client.files.create(file=("in.jsonl", _batch_input(5)), purpose="batch")
    batch = client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    done, _ = _poll(client, batch.id)
    assert done.status == "expired" and done.expired_at is not None
    output = _jsonl(client, done.output_file_id)
    assert [line["custom_id"] for line in output] == ["req-0", "req-1"]
    errors = _jsonl(client, done.error_file_id)
    assert [line["custom_id"] for line in errors] == ["req-2", "req-3", "req-4"]
    assert {line["error"]["code"] for line in errors} == {"batch_expired"}
    assert all(line["response"] is None for line in errors)


def test_batch_failed_and_invalid_input(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.script_batches(BatchPlan(statuses=["validating", "failed"], failure_message="no quota"))
    good = client.files.create(file=("in.jsonl", _batch_input(2)), purpose="batch")
    first = client.batches.create(
        input_file_id=good.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    done, _ = _poll(client, first.id)
    assert done.status == "failed" and done.output_file_id is None
    assert done.errors is not None and done.errors.data is not None
    assert done.errors.data[0].message == "no quota"

    bad = client.files.create(
        file=("bad.jsonl", b'{"custom_id": "x"}\nnot json\n'), purpose="batch"
    )
    second = client.batches.create(
        input_file_id=bad.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    done, _ = _poll(client, second.id)
    assert done.status == "failed"
    assert done.errors is not None and done.errors.data is not None
    assert [e.line for e in done.errors.data] == [1, 2]
    assert server.request_count == 0


def test_batch_cancel(server: FakeOpenAIServer, client: openai.OpenAI) -> None:
    server.batch_plan = BatchPlan(statuses=["validating", "in_progress"])  # never finishes
    uploaded = client.files.create(file=("in.jsonl", _batch_input(2)), purpose="batch")
    batch = client.batches.create(
        input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h"
    )
    assert [client.batches.retrieve(batch.id).status for _ in range(3)] == ["in_progress"] * 3
    assert client.batches.cancel(batch.id).status == "cancelling"
    done = client.batches.retrieve(batch.id)
    assert done.status == "cancelled" and done.output_file_id is None
    assert {line["error"]["code"] for line in _jsonl(client, done.error_file_id)} == {
        "batch_cancelled"
    }


def test_unknown_batch_and_file_are_404(client: openai.OpenAI) -> None:
    with pytest.raises(openai.NotFoundError):
        client.batches.retrieve("batch_nope")
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve("file-nope")


# ------------------------------------------------------------ demo responder, CLI


def test_schema_example_responder_with_instructor(
    server: FakeOpenAIServer, client: openai.OpenAI
) -> None:
    server.responder = schema_example_responder
    for mode in (
        instructor.Mode.TOOLS,
        instructor.Mode.JSON,
        instructor.Mode.JSON_SCHEMA,
        instructor.Mode.MD_JSON,
    ):
        ic = instructor.from_openai(client, mode=mode)
        user = ic.chat.completions.create(model=MODEL, response_model=User, messages=MESSAGES)
        assert isinstance(user, User), mode


def test_standalone_main_with_responder_file(tmp_path: Path) -> None:
    responder_file = tmp_path / "demo_responder.py"
    responder_file.write_text(
        textwrap.dedent(
            """
            from fake_openai_server import Reply

            def respond(request):
                return Reply.content("demo: " + request["messages"][-1]["content"])
            """
        )
    )
    script = Path(__file__).with_name("fake_openai_server.py")
    proc = subprocess.Popen(
        [
            sys.executable,
            str(script),
            "--port",
            "0",
            "--latency",
            "0.01",
            "--responder",
            f"{responder_file}:respond",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        assert proc.stdout is not None
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        with openai.OpenAI(base_url=base_url, api_key="sk-test", max_retries=0) as cl:
            reply = cl.chat.completions.create(model=MODEL, messages=MESSAGES)
        assert reply.choices[0].message.content == "demo: Ann is 31."
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            _, stderr = proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave it running (its ResourceWarning would fail another test)
            proc.communicate()
            raise
    assert proc.returncode == 0, stderr


# --------------------------------------------------------------- network guard


def test_network_guard_blocks_non_loopback(
    block_non_loopback: None, server: FakeOpenAIServer
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        with pytest.raises(NetworkBlockedError, match=r"10\.255\.255\.1:80.*loopback"):
            sock.connect(("10.255.255.1", 80))
    with pytest.raises(NetworkBlockedError, match=r"10\.255\.255\.1"):
        socket.create_connection(("10.255.255.1", 80), timeout=1)
    with pytest.raises(NetworkBlockedError, match=r"api\.openai\.com"):
        socket.getaddrinfo("api.openai.com", 443)

    with (
        openai.OpenAI(base_url="http://10.255.255.1/v1", api_key="sk-test", max_retries=0) as cl,
        pytest.raises(openai.APIConnectionError) as info,
    ):
        cl.models.list()
    assert isinstance(info.value.__cause__, NetworkBlockedError)


def test_network_guard_allows_loopback(block_non_loopback: None, server: FakeOpenAIServer) -> None:
    for host in ("127.0.0.1", "localhost"):
        with socket.create_connection((host, server.port), timeout=2):
            pass
    with openai.OpenAI(
        base_url=f"http://localhost:{server.port}/v1", api_key="sk-test", max_retries=0
    ) as cl:
        assert [m.id for m in cl.models.list()] == ["fake-model"]
    left, right = socket.socketpair(socket.AF_UNIX)
    left.close()
    right.close()
