"""Settings: flags over environment over defaults, parsed by pydantic-settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from imr_llm.errors import UsageError
from imr_llm.llm.cache import cache_key
from imr_llm.settings import LlmSettings, load_settings


@pytest.fixture(autouse=True)
def no_llm_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    for name in list(os.environ):
        if name.startswith(("OPENAI_", "IMR_LLM_")):
            monkeypatch.delenv(name)


def test_flags_override_environment_which_overrides_defaults(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert load_settings().model == "gpt-4o-mini"
    monkeypatch.setenv("IMR_LLM_MODEL", "from-env")
    monkeypatch.setenv("IMR_LLM_CONCURRENCY", "7")
    settings = load_settings({"model": "from-flag", "concurrency": None})
    assert (settings.model, settings.concurrency) == ("from-flag", 7)


@pytest.mark.parametrize("word", ["false", "0", "no", "False", "NO", "off"])
def test_false_words_are_false(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv("IMR_LLM_USE_CACHE", word)
    assert load_settings().use_cache is False


@pytest.mark.parametrize("word", ["true", "1", "yes"])
def test_true_words_are_true(monkeypatch: pytest.MonkeyPatch, word: str) -> None:
    monkeypatch.setenv("IMR_LLM_USE_CACHE", word)
    assert load_settings().use_cache is True


def test_empty_variable_is_unset_and_field_named_variable_is_ignored(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IMR_LLM_MODEL", "")
    monkeypatch.setenv("model", "not-a-setting")
    monkeypatch.setenv("MODEL", "not-a-setting")
    assert load_settings().model == "gpt-4o-mini"


def test_typed_values_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IMR_LLM_PRICES", '{"m": [1, 2.5]}')
    monkeypatch.setenv("IMR_LLM_CACHE_DIR", "/tmp/somewhere")
    monkeypatch.setenv("IMR_LLM_MODE", "JSON-schema")
    settings = load_settings()
    assert settings.prices == {"m": (1.0, 2.5)}
    assert settings.cache_dir == Path("/tmp/somewhere")
    assert settings.mode == "json_schema"


def test_direct_construction_does_not_read_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("IMR_LLM_MODEL", "from-env")
    assert LlmSettings().model == "gpt-4o-mini"
    assert LlmSettings(model="given").model == "given"


def test_the_api_key_is_not_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-secret-value")
    settings = load_settings()
    assert settings.api_key == "sk-secret-value"
    assert "sk-secret" not in repr(settings)


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("IMR_LLM_CONCURRENCY", "0", "IMR_LLM_CONCURRENCY"),
        ("IMR_LLM_RETRIES", "many", "IMR_LLM_RETRIES"),
        ("IMR_LLM_MODE", "xml", "IMR_LLM_MODE"),
        ("IMR_LLM_PRICES", "{not json", "IMR_LLM_PRICES"),
    ],
)
def test_bad_values_are_one_line_usage_errors(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, named: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(UsageError, match=named) as caught:
        load_settings()
    assert "\n" not in str(caught.value)


def test_a_bad_flag_is_named_as_the_flag() -> None:
    with pytest.raises(UsageError, match="--concurrency"):
        load_settings({"concurrency": 0})


def test_the_cache_key_includes_the_base_url() -> None:
    common = dict(
        letter_sha256="a" * 64,
        prompt_sha256="b" * 64,
        messages=[{"role": "user", "content": "x"}],
        schema={},
        model="llama3.1",
        mode="json",
        temperature=0.0,
    )
    one = cache_key(**common, base_url="http://127.0.0.1:11434/v1")  # type: ignore[arg-type]
    other = cache_key(**common, base_url="http://127.0.0.1:8000/v1")  # type: ignore[arg-type]
    assert one != other
    assert one == cache_key(**common, base_url="http://127.0.0.1:11434/v1")  # type: ignore[arg-type]
