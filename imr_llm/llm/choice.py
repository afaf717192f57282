"""The LLM engine for a run, or None when the offline engine runs after all ('auto' and no
endpoint configured).

The runner loads this module by name (runner.LLM_ENGINE, imr_llm.by_name) only when the engine
asked for is not 'offline', so an offline run never imports pydantic-settings, openai or
instructor (~100 ms).
"""

from __future__ import annotations

from imr_llm.llm.engine import LlmEngine
from imr_llm.settings import LlmSettings, load_settings, resolve_engine


def llm_engine(
    engine: str, settings: LlmSettings | None = None, *, openai_batch: str | None = None
) -> LlmEngine | None:
    """The LLM engine when `engine` (auto or openai) resolves to it with `settings` (from the
    environment, when not given), else None. `openai_batch`: the state file of an OpenAI Batch
    API run."""
    settings = settings or load_settings()
    if resolve_engine(engine, settings) == "offline":
        return None
    return LlmEngine(settings, openai_batch=openai_batch)
