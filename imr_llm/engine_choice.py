"""Which engine runs, decided without loading the LLM settings (pydantic-settings), so that an
offline call stays fast: 'auto' is the LLM engine when an endpoint variable is set."""

from __future__ import annotations

import os
from collections.abc import Mapping

from imr_llm.errors import LlmConfigError, UsageError

ENGINES = ("auto", "offline", "openai")
ENDPOINT_VARIABLES = ("OPENAI_API_KEY", "OPENAI_BASE_URL")


def endpoint_configured(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the environment names an OpenAI-compatible endpoint (a key or a base URL)."""
    env = os.environ if environ is None else environ
    return any(env.get(name) for name in ENDPOINT_VARIABLES)


def choose_engine(requested: str, configured: bool) -> str:
    """'offline' or 'openai' for `requested` (auto, offline or openai)."""
    if requested not in ENGINES:
        raise UsageError(f"unknown engine {requested!r}; use one of {', '.join(ENGINES)}")
    if requested == "auto":
        return "openai" if configured else "offline"
    if requested == "openai" and not configured:
        raise LlmConfigError(
            "--engine openai needs an endpoint: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
            "(a local OpenAI-compatible server such as Ollama, vLLM or llama.cpp)"
        )
    return requested
