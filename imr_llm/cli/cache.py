"""`imr-llm cache info|clear`: the LLM response cache."""

from __future__ import annotations

import click

from imr_llm.cli.common import Group, fail, llm_settings
from imr_llm.errors import ImrError
from imr_llm.llm.cache import ResponseCache


@click.group("cache", cls=Group, no_args_is_help=True)
def cache_group() -> None:
    """The LLM response cache."""


def _open_cache() -> ResponseCache:
    settings = llm_settings(no_cache=False)
    try:
        return ResponseCache(settings.cache_dir)
    except ImrError as error:
        fail(error)


@cache_group.command("info")
def cache_info() -> None:
    """Where the cache is, how many answers it holds, and its size."""
    cache = _open_cache()
    info = cache.info()
    cache.close()
    click.echo(f"{info['directory']}: {info['entries']} entries, {info['bytes']} bytes")


@cache_group.command("clear")
def cache_clear() -> None:
    """Delete every cached answer."""
    cache = _open_cache()
    removed = cache.clear()
    cache.close()
    click.echo(f"removed {removed} entries from {cache.directory}")
