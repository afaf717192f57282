"""One structured call to the model, shared by the engine, the grounded path and the OpenAI
Batch API; and what one letter's calls cost (LetterRun)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from imr_llm.llm.cache import cache_key
from imr_llm.llm.client import Usage
from imr_llm.llm.prompts import Prompt
from imr_llm.llm.schemas import ValidationContext
from imr_llm.settings import LlmSettings

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class LlmRequest(Generic[M]):
    """One structured call: what is sent, what must come back, and how it is checked."""

    prompt: Prompt
    messages: list[dict[str, str]]
    model: type[M]
    context: ValidationContext
    key: str
    max_tokens: int | None = None  # a stop on runaway output, from the expected answer's size


@lru_cache(maxsize=8)
def response_schema(model: type[BaseModel]) -> dict[str, Any]:
    """A response model's JSON schema, built once (it is part of every cache key)."""
    return model.model_json_schema()


def request_key(
    settings: LlmSettings,
    letter_sha256: str,
    prompt: Prompt,
    messages: list[dict[str, str]],
    model: type[BaseModel],
) -> str:
    """The cache key of one call: the letter, the prompt, the messages as sent, the answer's
    schema, and every setting that changes the answer (model, mode, temperature, endpoint)."""
    return cache_key(
        letter_sha256=letter_sha256,
        prompt_sha256=prompt.sha256,
        messages=messages,
        schema=response_schema(model),
        model=settings.model,
        mode=settings.mode,
        temperature=settings.temperature,
        base_url=settings.base_url,
    )


@dataclass
class LetterRun:
    """Usage and provenance of the calls made for one letter."""

    usage: Usage = field(default_factory=Usage)
    prompts: dict[str, str] = field(default_factory=dict)
    hits: list[bool] = field(default_factory=list)
