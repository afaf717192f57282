"""Settings, resolved once by pydantic-settings: command-line flag > environment variable > default.

One frozen object carries everything the LLM engine needs. The API key is kept out of repr().
`LlmSettings(...)` takes only the values given (and the defaults); `load_settings` adds the
environment. Booleans read from the environment follow pydantic: `false`, `0`, `no`, `off` are
false. An empty variable counts as unset.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from imr_llm.engine_choice import choose_engine
from imr_llm.errors import UsageError

MODES = ("auto", "tools", "json", "json_schema", "md_json")
"""`auto` is decided per endpoint by llm/endpoint.py: json_schema for a local server, else tools."""


def _env(name: str) -> Any:
    """The environment variable a setting is read from."""
    return Field(validation_alias=name)


class LlmSettings(BaseSettings):
    """How to reach an OpenAI-compatible endpoint and how hard to try."""

    model_config = SettingsConfigDict(
        frozen=True,
        populate_by_name=True,
        case_sensitive=True,
        env_ignore_empty=True,
        extra="ignore",
    )

    api_key: Annotated[str | None, _env("OPENAI_API_KEY"), Field(repr=False)] = None
    base_url: Annotated[str | None, _env("OPENAI_BASE_URL")] = None
    model: Annotated[str, _env("IMR_LLM_MODEL")] = "gpt-4o-mini"
    mode: Annotated[str, _env("IMR_LLM_MODE")] = "auto"
    cache_dir: Annotated[Path, _env("IMR_LLM_CACHE_DIR")] = Path("cache")
    use_cache: Annotated[bool, _env("IMR_LLM_USE_CACHE")] = True
    timeout: Annotated[float, _env("IMR_LLM_TIMEOUT")] = 120.0
    connect_timeout: Annotated[float, _env("IMR_LLM_CONNECT_TIMEOUT")] = 10.0
    transport_attempts: Annotated[int, _env("IMR_LLM_RETRIES"), Field(ge=1)] = 4
    transport_seconds: Annotated[float, _env("IMR_LLM_RETRY_SECONDS")] = 90.0
    backoff_base: Annotated[float, _env("IMR_LLM_BACKOFF")] = 1.0
    reasks: Annotated[int, _env("IMR_LLM_REASKS"), Field(ge=0)] = 2
    temperature: Annotated[float, _env("IMR_LLM_TEMPERATURE")] = 0.0
    max_tokens: Annotated[int, _env("IMR_LLM_MAX_TOKENS"), Field(ge=0)] = 4096
    concurrency: Annotated[int, _env("IMR_LLM_CONCURRENCY"), Field(ge=1)] = 4
    batch_poll: Annotated[float, _env("IMR_LLM_BATCH_POLL")] = 10.0
    batch_timeout: Annotated[float, _env("IMR_LLM_BATCH_TIMEOUT")] = 86_400.0
    prices: Annotated[Mapping[str, tuple[float, float]] | None, _env("IMR_LLM_PRICES")] = None
    strict: Annotated[bool, _env("IMR_LLM_STRICT")] = False
    """Exit 7 when no item the model wrote passed its checks (default: offline text kept)."""
    redact: Annotated[bool | None, _env("IMR_LLM_REDACT")] = None
    """None: redact for any endpoint not on loopback (llm/redact.py)."""

    @property
    def given(self) -> frozenset[str]:
        """The settings the user gave (flags or environment), which the local profile keeps."""
        return frozenset(self.model_fields_set)

    @field_validator("mode", mode="before")
    @classmethod
    def _known_mode(cls, value: Any) -> Any:
        mode = str(value).lower().replace("-", "_")
        if mode not in MODES:
            raise ValueError(f"one of {', '.join(MODES)}")
        return mode

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # built directly: the values given, else the defaults

    @property
    def configured(self) -> bool:
        return bool(self.api_key or self.base_url)

    @property
    def is_local(self) -> bool:
        """A base URL without a key means a local server (Ollama, vLLM, llama.cpp)."""
        return bool(self.base_url) and not self.api_key


class _FromEnvironment(LlmSettings):
    """LlmSettings with the environment below the values given (by their variable names: a
    variable named like a field, such as `model`, is not read)."""

    model_config = SettingsConfigDict(populate_by_name=False)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)


_VARIABLES = {name: str(info.validation_alias) for name, info in LlmSettings.model_fields.items()}


def _source(variable: object, flags: Mapping[str, Any]) -> str:
    """The flag or variable a bad value came from, for the error message."""
    for name, alias in _VARIABLES.items():
        if variable == alias:
            return "--" + name.replace("_", "-") if name in flags else alias
    return str(variable)


def load_settings(flags: Mapping[str, Any] | None = None) -> LlmSettings:
    """Flags (None = not given) override the environment, which overrides the defaults."""
    given = {name: value for name, value in (flags or {}).items() if value is not None}
    try:
        return _FromEnvironment(**{_VARIABLES[name]: value for name, value in given.items()})
    except ValidationError as error:
        first = error.errors()[0]
        where = _source(first["loc"][0], given) if first["loc"] else "a setting"
        raise UsageError(
            f"bad value {first.get('input')!r} for {where} ({first['msg']}); "
            "see README, 'Configuration'"
        ) from None
    except SettingsError as error:
        raise UsageError(f"{error}; see README, 'Configuration'") from None


def resolve_engine(requested: str, settings: LlmSettings | None = None) -> str:
    """Which engine runs: 'auto' is 'openai' when an endpoint is configured, else 'offline'."""
    if requested == "offline":
        return "offline"
    return choose_engine(requested, (settings or load_settings()).configured)
