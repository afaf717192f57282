"""Settings, resolved once: command-line flag > environment variable > default."""

from __future__ import annotations

import os

from imr_llm.errors import LlmConfigError, UsageError

ENGINES = ("auto", "offline", "openai")


def resolve_engine(requested: str, environ: dict[str, str] | None = None) -> str:
    """Which engine runs: 'auto' is 'openai' when an endpoint is configured, else 'offline'."""
    env = os.environ if environ is None else environ
    if requested not in ENGINES:
        raise UsageError(f"unknown engine {requested!r}; use one of {', '.join(ENGINES)}")
    configured = bool(env.get("OPENAI_BASE_URL") or env.get("OPENAI_API_KEY"))
    if requested == "auto":
        return "openai" if configured else "offline"
    if requested == "openai" and not configured:
        raise LlmConfigError(
            "--engine openai needs an endpoint: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
            "(a local OpenAI-compatible server such as Ollama, vLLM or llama.cpp)"
        )
    return requested
