"""`imr-llm extract`, and what it shares with `imr-llm summarize` (cli/summarize.py): letters in,
one runner call, each failure on stderr, the exit code."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from imr_llm.cli.common import (
    Engine,
    RunFlags,
    chosen_engine,
    engine_option,
    error_message,
    fail,
    letter_options,
    llm_options,
    progress_bar,
    settings_for,
    write_output,
)
from imr_llm.letter import LetterResult, Task
from imr_llm.ocr import PageFiles, is_image_name
from imr_llm.runner import run_letters
from imr_llm.schema import Lang

if TYPE_CHECKING:
    from imr_llm.settings import LlmSettings

files_argument = click.argument(
    "files",
    nargs=-1,
    required=True,
    help="Letters (.txt, .pdf, scans or photos: .tif, .png, .jpg; a folder of one letter's page "
    "photos), or - for stdin.",
)


def letters_to_read(files: list[str], pages: bool) -> list[str]:
    """The letters to read: with --pages, all the files as one letter."""
    if len(files) < 2:
        return files
    if pages:
        return [PageFiles(files)]
    if all(is_image_name(name) for name in files):
        click.echo(
            "imr-llm: note: each image is read as a letter of its own; if they are the pages of "
            "one letter, add --pages (or put them in one folder and pass the folder)",
            err=True,
        )
    return files


def run_files(
    files: list[str],
    task: Task,
    engine: Engine,
    settings: LlmSettings | None,
    lang: Lang = "en",
) -> list[Any]:
    """Run the letters through the runner; report each failure on stderr and keep going."""
    chosen = chosen_engine(engine, settings)
    progress = progress_bar(len(files))

    def done(result: LetterResult) -> None:
        if progress:
            progress.advance(result)

    try:
        results = run_letters(
            files, task, lang=lang, engine=chosen, settings=settings, on_done=done
        )
    finally:
        if progress:
            progress.close()
    failures = [r for r in results if r.error is not None]
    if len(files) == 1 and failures:
        fail(failures[0].error)  # type: ignore[arg-type]
    for result in failures:
        if RunFlags.debug:
            raise result.error  # type: ignore[misc]
        message, _ = error_message(result.error)  # type: ignore[arg-type]
        click.echo(f"{message} [{result.path}]", err=True)
    if RunFlags.verbose:
        _report_usage(results)
    return results


def _report_usage(results: list[Any]) -> None:
    engines = [r.value.engine for r in results if r.value is not None]
    # Failed letters cost requests and tokens too.
    engines += [
        r.error.engine_info for r in results if getattr(r.error, "engine_info", None) is not None
    ]
    if not engines:
        return
    tokens = sum(e.prompt_tokens + e.completion_tokens for e in engines)
    requests = sum(e.requests for e in engines)
    costs = [e.cost_usd for e in engines if e.cost_usd is not None]
    hits = sum(1 for e in engines if e.cache_hit)
    cost = f"${sum(costs):.4f}" if costs else "unknown (model not in the price table)"
    click.echo(
        f"imr-llm: engine {engines[0].name}; {requests} requests, {tokens} tokens, cost {cost}, "
        f"{hits} of {len(engines)} letters from cache",
        err=True,
    )
    for result in results:  # which items the model wrote, and why others fell back
        engine = result.value.engine if result.value is not None else None
        for record in engine.items if engine is not None else []:
            why = f": {record.why}" if record.why else ""
            click.echo(f"imr-llm: {result.path} item {record.item}: {record.by}{why}", err=True)


def finish(results: list[Any], files: list[str]) -> None:
    failures = [r for r in results if r.error is not None]
    if failures:
        click.echo(f"imr-llm: {len(failures)} of {len(files)} letters failed", err=True)
        raise click.exceptions.Exit(error_message(failures[0].error)[1])


@click.command()
@files_argument
@engine_option()
@llm_options
@letter_options
def extract(
    files: tuple[str, ...],
    engine: Engine,
    strict: bool,
    output: Path | None,
    pages: bool,
    **llm_flags: Any,  # llm_options and --redact, as settings_for takes them
) -> None:
    """Extract each letter's typed determination as JSON (JSON Lines for several files)."""
    names = letters_to_read(list(files), pages)
    settings = settings_for(engine, strict=strict or None, **llm_flags)
    results = run_files(names, "extract", engine, settings)
    indent = 2 if len(names) == 1 else None
    lines = [r.value.model_dump_json(indent=indent) for r in results if r.value is not None]
    if lines:
        write_output("\n".join(lines), output)
    finish(results, names)
