"""The provider seam: the only module that imports openai or instructor.

In: messages, a response model, settings. Out: the parsed object, its raw JSON, and usage. The
response model's validators find their context themselves (llm/schemas.py binds it per task):
instructor's own `context=` argument would also render every message as a Jinja template, which
changes a letter containing "{{" or "{%" (instructor issue #2669) and costs a template compile
per message. Two retry layers, kept apart:

- transport retries (tenacity): 429 (honouring Retry-After), 5xx, timeouts, dropped connections;
  exponential backoff with jitter, bounded in attempts and in total time; never 400/401/403/404;
- validation re-asks (instructor max_retries): the validator's error is sent back to the model.
"""

from __future__ import annotations

import contextvars
import json
import random
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from imr_llm.errors import LlmConfigError, LlmError, LlmOutputCutOffError, LlmValidationError
from imr_llm.llm.endpoint import mode_refused_hint
from imr_llm.settings import LlmSettings

T = TypeVar("T", bound=BaseModel)

_RETRY_STATUS = {408, 409, 429}


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0

    def add(self, other: Usage) -> None:
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens
        self.requests += other.requests

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Completion(Generic[T]):
    parsed: T
    """Validated by instructor against the context bound in the calling task."""
    raw: str
    usage: Usage


def _mode(name: str) -> Any:
    import instructor  # heavy (with httpx): loaded on the first LLM call

    return {
        "tools": instructor.Mode.TOOLS,
        "json": instructor.Mode.JSON,
        "json_schema": instructor.Mode.JSON_SCHEMA,
        "md_json": instructor.Mode.MD_JSON,
    }[name]


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def transport_error(error: BaseException) -> BaseException | None:
    """The HTTP-level error behind `error` when it is worth retrying, else None."""
    import openai  # heavy (with httpx): loaded on the first LLM call

    for link in _chain(error):
        if isinstance(link, openai.APIConnectionError):  # includes timeouts
            return link
        if isinstance(link, openai.APIStatusError):
            status = link.status_code
            return link if status in _RETRY_STATUS or status >= 500 else None
    return None


def _fatal_http_error(error: BaseException) -> BaseException | None:
    import openai  # heavy (with httpx): loaded on the first LLM call

    for link in _chain(error):
        if isinstance(link, openai.APIStatusError) and transport_error(link) is None:
            return link
    return None


def retry_after_seconds(error: BaseException) -> float | None:
    """Seconds the server asked us to wait (Retry-After or retry-after-ms), if it said."""
    import openai  # heavy (with httpx): loaded on the first LLM call

    for link in _chain(error):
        if isinstance(link, openai.APIStatusError):
            headers = link.response.headers
            try:
                if headers.get("retry-after-ms"):
                    return float(headers["retry-after-ms"]) / 1000
                if headers.get("retry-after"):
                    return float(headers["retry-after"])
            except ValueError:
                return None
    return None


@dataclass(frozen=True)
class _CallRecord:
    usage: Usage
    raw_outputs: list[str]


_CALL: contextvars.ContextVar[_CallRecord | None] = contextvars.ContextVar(
    "imr_llm_call", default=None
)


def _on_request(*_: Any, **__: Any) -> None:
    record = _CALL.get()
    if record is not None:
        record.usage.requests += 1


def _on_response(response: Any) -> None:
    record = _CALL.get()
    if record is None:
        return
    record.raw_outputs.append(_raw_text(response))
    counted = getattr(response, "usage", None)
    if counted is not None:
        record.usage.prompt_tokens += int(getattr(counted, "prompt_tokens", 0) or 0)
        record.usage.completion_tokens += int(getattr(counted, "completion_tokens", 0) or 0)


@lru_cache(maxsize=8)
def _response_schema(model: type[BaseModel]) -> type[BaseModel]:
    """`model` as instructor's ResponseSchema subclass, made once. Given a plain model,
    instructor makes a new subclass on every call (a pydantic class build, about 5 ms) and so
    also misses its own cache of the tool schema."""
    import instructor  # heavy (with httpx): loaded on the first LLM call

    schema: type[BaseModel] = instructor.openai_schema(model)
    return schema


class LlmClient:
    """One endpoint, reused for every call of a run."""

    def __init__(self, settings: LlmSettings) -> None:
        import openai  # heavy (with httpx): loaded on the first LLM call

        if not settings.configured:
            raise LlmConfigError(
                "no LLM endpoint: set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server"
            )
        self.settings = settings
        self._patched: Any = None
        self._openai = openai.AsyncOpenAI(
            api_key=settings.api_key or "local-server-needs-no-key",
            base_url=settings.base_url,
            max_retries=0,  # transport retries are ours (tenacity), so they can be bounded
            timeout=openai.Timeout(settings.timeout, connect=settings.connect_timeout),
        )

    async def aclose(self) -> None:
        await self._openai.close()

    def _instructor(self) -> Any:
        """One instructor client for every call. Its hooks report into the calling task's
        _CallRecord (a context variable), so concurrent calls keep their counts apart."""
        if self._patched is None:
            import instructor  # heavy (with httpx): loaded on the first LLM call

            client = instructor.from_openai(self._openai, mode=_mode(self.settings.mode))
            client.on("completion:kwargs", _on_request)
            client.on("completion:response", _on_response)
            self._patched = client
        return self._patched

    def _wait(self, error: BaseException, attempt: int, started: float) -> float:
        exponential = self.settings.backoff_base * (2 ** (attempt - 1))
        wait = random.uniform(0, exponential)  # full jitter
        asked = retry_after_seconds(error)
        if asked is not None:
            wait = max(wait, asked)
        remaining = self.settings.transport_seconds - (time.monotonic() - started)
        return max(0.0, min(wait, remaining))

    async def complete(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        max_tokens: int | None = None,
    ) -> Completion[T]:
        """One structured call with transport retries around validation re-asks."""
        # tenacity: loaded on the first LLM call, like openai and instructor
        from tenacity import (
            AsyncRetrying,
            RetryCallState,
            retry_if_exception,
            stop_after_attempt,
            stop_after_delay,
        )

        started = time.monotonic()
        usage = Usage()

        def wait(state: RetryCallState) -> float:
            error = state.outcome.exception() if state.outcome else None
            return self._wait(error, state.attempt_number, started) if error else 0.0

        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda e: transport_error(e) is not None),
            stop=stop_after_attempt(self.settings.transport_attempts)
            | stop_after_delay(self.settings.transport_seconds),
            wait=wait,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._once(messages, response_model, usage, max_tokens)
        except LlmError as error:
            error.usage = usage  # failed attempts are counted too
            raise
        except Exception as error:
            failure = self._as_llm_error(error, usage)
            failure.usage = usage
            raise failure from error
        raise LlmError("the LLM call ended without a result")  # pragma: no cover

    async def _once(
        self,
        messages: list[dict[str, str]],
        response_model: type[T],
        usage: Usage,
        max_tokens: int | None = None,
    ) -> Completion[T]:
        from instructor.core import InstructorRetryException  # instructor: loaded on the first call

        raw_outputs: list[str] = []
        _CALL.set(_CallRecord(usage, raw_outputs))
        try:
            parsed = await self._instructor().chat.completions.create(
                model=self.settings.model,
                messages=messages,
                response_model=_response_schema(response_model),
                max_retries=self.settings.reasks,
                temperature=self.settings.temperature,
                max_tokens=min(max_tokens or self.settings.max_tokens, self.settings.max_tokens),
            )
        except InstructorRetryException as error:
            if transport_error(error) is not None or _fatal_http_error(error) is not None:
                raise
            raise LlmValidationError(
                f"the model's output failed validation after {error.n_attempts} attempts "
                f"({_last_error(error)}); try another model, or raise IMR_LLM_REASKS",
                attempts=error.n_attempts,
                last_output=raw_outputs[-1] if raw_outputs else None,
                total_tokens=usage.prompt_tokens + usage.completion_tokens,
            ) from error
        return Completion(parsed=parsed, raw=parsed.model_dump_json(), usage=usage)

    def _as_llm_error(self, error: BaseException, usage: Usage) -> LlmError:
        # instructor: loaded on the first call
        from instructor.core import IncompleteOutputException

        if any(isinstance(e, IncompleteOutputException) for e in _chain(error)):
            return LlmOutputCutOffError(
                "the model's answer was cut off at its token limit; raise IMR_LLM_MAX_TOKENS "
                "or use a model with a larger output limit"
            )
        fatal = _fatal_http_error(error)
        if fatal is not None:
            status = getattr(fatal, "status_code", "?")
            hint = {
                401: "check OPENAI_API_KEY",
                403: "the key may not have access to this model",
                404: "check OPENAI_BASE_URL and IMR_LLM_MODEL",
            }.get(status if isinstance(status, int) else 0, "check the request settings")
            if status in (400, 422):  # issue 12: say which mode was refused, and why
                hint = f"{_server_message(fatal)}; {mode_refused_hint(self.settings.mode)}"
            return LlmError(f"the LLM endpoint refused the request (HTTP {status}); {hint}")
        cause = transport_error(error)
        if cause is not None:
            return LlmError(
                f"the LLM endpoint kept failing ({type(cause).__name__}: {_short(cause)}) after "
                f"{usage.requests} requests; try again later or raise IMR_LLM_RETRIES"
            )
        return LlmError(f"LLM call failed: {type(error).__name__}: {_short(error)}")


@dataclass(frozen=True)
class OpenAIBatchState:
    """Where an OpenAI batch stands."""

    id: str
    status: str
    output_file_id: str | None
    error_file_id: str | None

    @property
    def finished(self) -> bool:
        return self.status in {"completed", "expired", "failed", "cancelled"}


def openai_batch_line(custom_id: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def openai_batch_body(
    settings: LlmSettings,
    messages: list[dict[str, str]],
    model: type[BaseModel],
    max_tokens: int | None = None,
) -> dict[str, Any]:
    """A chat completion asking for `model` as JSON (json_schema), for the Batch API; the token
    limit as a live call's."""
    return {
        "model": settings.model,
        "messages": messages,
        "temperature": settings.temperature,
        "max_tokens": min(max_tokens or settings.max_tokens, settings.max_tokens),
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": model.__name__, "schema": model.model_json_schema()},
        },
    }


def openai_batch_answer(line: dict[str, Any]) -> tuple[str, str | None, Usage]:
    """(custom_id, the answer's JSON text or None, usage) from one output or error line."""
    custom_id = str(line.get("custom_id", ""))
    response = line.get("response") or {}
    body = response.get("body") or {}
    usage = body.get("usage") or {}
    counted = Usage(
        prompt_tokens=int(usage.get("prompt_tokens", 0) or 0),
        completion_tokens=int(usage.get("completion_tokens", 0) or 0),
        requests=1,
    )
    if line.get("error") or int(response.get("status_code", 0) or 0) >= 400:
        return custom_id, None, counted
    try:
        message = body["choices"][0]["message"]
    except (KeyError, IndexError, TypeError):
        return custom_id, None, counted
    if message.get("tool_calls"):
        return custom_id, str(message["tool_calls"][0]["function"]["arguments"]), counted
    content = message.get("content")
    return custom_id, (str(content) if content else None), counted


class OpenAIBatchClient:
    """The OpenAI Batch API: upload a request file, create a batch, poll, download."""

    def __init__(self, client: LlmClient) -> None:
        self._openai = client._openai

    async def submit(self, lines: list[dict[str, Any]]) -> OpenAIBatchState:
        data = "\n".join(json.dumps(line) for line in lines).encode("utf-8")
        uploaded = await self._openai.files.create(
            file=("imr-llm-requests.jsonl", data), purpose="batch"
        )
        batch = await self._openai.batches.create(
            input_file_id=uploaded.id,
            endpoint="/v1/chat/completions",
            completion_window="24h",
        )
        return _state(batch)

    async def status(self, batch_id: str) -> OpenAIBatchState:
        return _state(await self._openai.batches.retrieve(batch_id))

    async def lines(self, file_id: str | None) -> list[dict[str, Any]]:
        if not file_id:
            return []
        content = await self._openai.files.content(file_id)
        out = []
        for raw in content.text.splitlines():
            if raw.strip():
                try:
                    out.append(json.loads(raw))
                except ValueError:
                    continue
        return out


def _state(batch: Any) -> OpenAIBatchState:
    return OpenAIBatchState(
        id=str(batch.id),
        status=str(batch.status),
        output_file_id=getattr(batch, "output_file_id", None),
        error_file_id=getattr(batch, "error_file_id", None),
    )


def _server_message(error: BaseException) -> str:
    """The server's own words for a refused request (OpenAI's error.message, or the body)."""
    body = getattr(error, "body", None)
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner
        if message:
            return f"the server said: {' '.join(str(message).split())[:300]}"
    return f"the server said: {_short(error)}"


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())
    return text[:200]


def _last_error(error: Any) -> str:
    """The last validation error in full: the user must be able to see why it failed."""
    attempts = getattr(error, "failed_attempts", None) or []
    last = attempts[-1].exception if attempts else error
    return " ".join(str(last).split())


def _raw_text(response: Any) -> str:
    try:
        message = response.choices[0].message
        if message.tool_calls:
            return str(message.tool_calls[0].function.arguments)
        return str(message.content or "")
    except (AttributeError, IndexError, TypeError):
        return ""
