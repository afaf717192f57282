"""Response cache (diskcache): validated answers only, keyed by everything that shapes them.

Key = SHA-256 of: the letter text, the prompt file's content hash, the rendered messages, the
response schema's JSON schema, the endpoint's base URL (two local servers may serve different
models under one name), model, mode, temperature and the package version. No credential
is ever part of a key or a value. Cached values are validated again when read.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from imr_llm import __version__
from imr_llm.errors import ImrError


def cache_key(
    *,
    letter_sha256: str,
    prompt_sha256: str,
    messages: list[dict[str, str]],
    schema: dict[str, Any],
    model: str,
    mode: str,
    temperature: float,
    base_url: str | None,
) -> str:
    material = json.dumps(
        {
            "letter": letter_sha256,
            "prompt": prompt_sha256,
            "messages": messages,
            "schema": schema,
            "model": model,
            "mode": mode,
            "temperature": temperature,
            "base_url": base_url,
            "version": __version__,
        },
        sort_keys=True,
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


class ResponseCache:
    def __init__(self, directory: Path) -> None:
        import diskcache  # heavy (sqlite3): loaded when a cache is opened

        try:
            directory.mkdir(parents=True, exist_ok=True)
            self._cache = diskcache.Cache(str(directory))
        except OSError as exc:
            raise ImrError(
                f"cannot use the cache folder {directory} ({exc.strerror}); set "
                "IMR_LLM_CACHE_DIR to a writable folder or pass --no-cache"
            ) from exc
        self.directory = directory

    def get(self, key: str) -> dict[str, Any] | None:
        value = self._cache.get(key)
        return value if isinstance(value, dict) else None

    def put(self, key: str, value: dict[str, Any]) -> None:
        self._cache.set(key, value)

    def delete(self, key: str) -> None:
        self._cache.delete(key)

    def info(self) -> dict[str, Any]:
        return {
            "directory": str(self.directory),
            "entries": len(self._cache),
            "bytes": int(self._cache.volume()),
        }

    def clear(self) -> int:
        return int(self._cache.clear())

    def close(self) -> None:
        self._cache.close()
