"""`imr-llm cache info|clear`: the LLM response cache."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from imr_llm.cli.common import fail, llm_settings
from imr_llm.errors import ImrError

if TYPE_CHECKING:
    from imr_llm.llm.cache import ResponseCache

cache_app = typer.Typer(help="The LLM response cache.", no_args_is_help=True)


def _open_cache() -> ResponseCache:
    from imr_llm.llm.cache import ResponseCache  # diskcache: only for these commands

    settings = llm_settings(no_cache=False)
    try:
        return ResponseCache(settings.cache_dir)
    except ImrError as error:
        fail(error)


@cache_app.command("info")
def cache_info() -> None:
    """Where the cache is, how many answers it holds, and its size."""
    cache = _open_cache()
    info = cache.info()
    cache.close()
    typer.echo(f"{info['directory']}: {info['entries']} entries, {info['bytes']} bytes")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached answer."""
    cache = _open_cache()
    removed = cache.clear()
    cache.close()
    typer.echo(f"removed {removed} entries from {cache.directory}")
