"""Settings, resolved once: command-line flag > environment variable > default.

One frozen object carries everything the LLM engine needs. The API key is kept out of repr().
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from imr_llm.errors import LlmConfigError, UsageError

ENGINES = ("auto", "offline", "openai")
MODES = ("auto", "tools", "json", "json_schema", "md_json")


@dataclass(frozen=True)
class LlmSettings:
    """How to reach an OpenAI-compatible endpoint and how hard to try."""

    api_key: str | None = field(default=None, repr=False)
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    mode: str = "auto"  # decided per endpoint by llm/endpoint.py
    cache_dir: Path = Path("cache")
    use_cache: bool = True
    timeout: float = 120.0
    connect_timeout: float = 10.0
    transport_attempts: int = 4
    transport_seconds: float = 90.0
    backoff_base: float = 1.0
    reasks: int = 2
    temperature: float = 0.0
    max_tokens: int = 4096
    concurrency: int = 4
    batch_poll: float = 10.0
    batch_timeout: float = 86_400.0
    prices: Mapping[str, tuple[float, float]] | None = None
    strict: bool = False  # exit 7 when no item the model wrote passed its checks
    redact: bool | None = None  # None: redact for any endpoint not on loopback (llm/redact.py)
    given: frozenset[str] = frozenset()  # settings the user gave (kept by the local profile)

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.base_url)

    @property
    def is_local(self) -> bool:
        """A base URL without a key means a local server (Ollama, vLLM, llama.cpp)."""
        return bool(self.base_url) and not self.api_key


_ENV: dict[str, str] = {
    "api_key": "OPENAI_API_KEY",
    "base_url": "OPENAI_BASE_URL",
    "model": "IMR_LLM_MODEL",
    "mode": "IMR_LLM_MODE",
    "cache_dir": "IMR_LLM_CACHE_DIR",
    "timeout": "IMR_LLM_TIMEOUT",
    "connect_timeout": "IMR_LLM_CONNECT_TIMEOUT",
    "transport_attempts": "IMR_LLM_RETRIES",
    "transport_seconds": "IMR_LLM_RETRY_SECONDS",
    "backoff_base": "IMR_LLM_BACKOFF",
    "reasks": "IMR_LLM_REASKS",
    "temperature": "IMR_LLM_TEMPERATURE",
    "max_tokens": "IMR_LLM_MAX_TOKENS",
    "concurrency": "IMR_LLM_CONCURRENCY",
    "batch_poll": "IMR_LLM_BATCH_POLL",
    "batch_timeout": "IMR_LLM_BATCH_TIMEOUT",
    "prices": "IMR_LLM_PRICES",
    "redact": "IMR_LLM_REDACT",
}


def _convert(name: str, raw: Any) -> Any:
    kind = {f.name: f.type for f in fields(LlmSettings)}[name]
    try:
        if name == "prices":
            table = json.loads(raw) if isinstance(raw, str) else raw
            return {str(k): (float(v[0]), float(v[1])) for k, v in dict(table).items()}
        if name == "cache_dir":
            return Path(raw)
        if name == "mode":
            mode = str(raw).lower().replace("-", "_")
            if mode not in MODES:
                raise ValueError(f"one of {', '.join(MODES)}")
            return mode
        if kind == "int":
            value = int(raw)
            if value < (1 if name in {"concurrency", "transport_attempts"} else 0):
                raise ValueError("too small")
            return value
        if kind == "float":
            return float(raw)
        if kind == "bool" or name == "redact":
            if isinstance(raw, str):
                if raw.lower() not in {"0", "1", "true", "false", "yes", "no"}:
                    raise ValueError("true or false")
                return raw.lower() in {"1", "true", "yes"}
            return bool(raw)
        return str(raw) if raw != "" else None
    except (TypeError, ValueError) as exc:
        source = _ENV.get(name, name)
        raise UsageError(
            f"bad value {raw!r} for {source} ({exc}); see README, 'Configuration'"
        ) from exc


def load_settings(
    flags: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> LlmSettings:
    """Flags (None = not given) override the environment, which overrides the defaults."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for name, variable in _ENV.items():
        if env.get(variable):
            values[name] = _convert(name, env[variable])
    for name, value in (flags or {}).items():
        if value is not None:
            values[name] = _convert(name, value) if name in _ENV else value
    return LlmSettings(**values, given=frozenset(values))


def resolve_engine(requested: str, settings: LlmSettings | None = None) -> str:
    """Which engine runs: 'auto' is 'openai' when an endpoint is configured, else 'offline'."""
    settings = settings or load_settings()
    if requested not in ENGINES:
        raise UsageError(f"unknown engine {requested!r}; use one of {', '.join(ENGINES)}")
    if requested == "auto":
        return "openai" if settings.configured else "offline"
    if requested == "openai" and not settings.configured:
        raise LlmConfigError(
            "--engine openai needs an endpoint: set OPENAI_API_KEY (OpenAI) or OPENAI_BASE_URL "
            "(a local OpenAI-compatible server such as Ollama, vLLM or llama.cpp)"
        )
    return requested
