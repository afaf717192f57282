"""Prompt files: Jinja2 templates with an id/version header, rendered strictly.

The content hash of each file goes into the cache key and into the output's engine metadata,
so any edit to a prompt is visible in results and never served from a stale cache.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from imr_llm import regex_cache
from imr_llm.errors import ImrError

_HEADER = regex_cache.compile(r"\{#-?\s*id:\s*(?P<id>[\w-]+)\s+version:\s*(?P<version>\d+)", re.S)


@dataclass(frozen=True)
class Prompt:
    id: str
    version: int
    source: str
    sha256: str

    @property
    def label(self) -> str:
        """'extract v1@0123456789ab': what ran, stamped into every result."""
        return f"{self.id} v{self.version}@{self.sha256[:12]}"

    def render(self, **variables: Any) -> str:
        from jinja2 import TemplateError  # jinja2: loaded with the first prompt

        try:
            rendered: str = _compiled(self.source).render(**variables)
            return rendered.strip()
        except TemplateError as exc:
            raise ImrError(f"prompt {self.label} could not be rendered: {exc}") from exc


@lru_cache(maxsize=8)
def _compiled(source: str) -> Any:
    """A template compiled once (strict: an undefined variable is an error)."""
    from jinja2 import Environment, StrictUndefined  # loaded with the first prompt

    environment = Environment(undefined=StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(source)


@lru_cache(maxsize=8)
def load_prompt(name: str) -> Prompt:
    """Load prompts/<name>.j2 (installed as the package imr_llm.prompts)."""
    try:
        source = resources.files("imr_llm.prompts").joinpath(f"{name}.j2").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError) as exc:
        raise ImrError(f"prompt file {name}.j2 is missing; reinstall imr-llm") from exc
    header = _HEADER.match(source)
    if not header or header.group("id") != name:
        raise ImrError(f"prompt {name}.j2 needs a header '{{#- id: {name} version: N ... -#}}'")
    return Prompt(
        id=name,
        version=int(header.group("version")),
        source=source,
        sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
    )
