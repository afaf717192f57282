"""`imr-llm batch`: options in, one BatchRun (imr_llm/batch/), a summary line and an exit
code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from imr_llm.batch import BatchConfig, BatchRun, count_inputs, default_workers, summary_line
from imr_llm.batch.config import DEFAULT_CHUNKSIZE
from imr_llm.cli.common import (
    PATH,
    Engine,
    Language,
    LetterProgress,
    OutputFormat,
    RunFlags,
    chosen_engine,
    engine_option,
    fail,
    llm_options,
    llm_settings,
    progress_bar,
)
from imr_llm.errors import ImrError

__all__ = ["DEFAULT_CHUNKSIZE", "batch"]


def _progress(inputs: list[str]) -> LetterProgress | None:
    if not sys.stderr.isatty():
        return None
    return progress_bar(count_inputs(inputs))


@click.command()
@click.argument("inputs", nargs=-1, required=True, help="Letter files, folders and glob patterns.")
@click.option(
    "--out", "-o", type=PATH, required=True, help="Results: JSON Lines, appended to (resumable)."
)
@click.option(
    "--errors", type=PATH, help="Failures, JSON Lines [default: errors.jsonl next to --out]."
)
@click.option("--csv", type=PATH, help="Also a CSV, one row per treatment (appended).")
@click.option(
    "--explanations",
    type=PATH,
    help="Also write each letter's explanation here, named after the letter.",
)
@click.option(
    "--format",
    "-f",
    type=click.Choice(OutputFormat),
    default=OutputFormat.text,
    help="Format of --explanations.",
)
@click.option(
    "--lang",
    type=click.Choice(Language),
    default=Language.en,
    help="Language of --explanations.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Offline engine: processes [default: every core].",
)
@click.option(
    "--chunksize",
    type=click.IntRange(min=1),
    default=DEFAULT_CHUNKSIZE,
    help="Offline engine: letters per task sent to a process.",
)
@click.option(
    "--resume/--no-resume",
    default=True,
    help="Skip letters already in --out (--no-resume: run and append all).",
)
@engine_option()
@llm_options
@click.option(
    "--openai-batch",
    is_flag=True,
    help="LLM engine: use the OpenAI Batch API (half price, within a day); resumable.",
)
def batch(
    inputs: tuple[str, ...],
    out: Path,
    errors: Path | None,
    csv: Path | None,
    explanations: Path | None,
    format: OutputFormat,
    lang: Language,
    workers: int | None,
    chunksize: int,
    resume: bool,
    engine: Engine,
    model: str | None,
    mode: str | None,
    concurrency: int | None,
    no_cache: bool,
    openai_batch: bool,
) -> None:
    """Run many letters into one JSON Lines file (one determination a line, as `extract`
    prints it), in parallel, with a progress bar on a terminal.

    INPUTS are letter files, folders (searched recursively for .txt and .pdf) and glob patterns
    (quote them, e.g. "letters/**/*.pdf").

    Resumable: a letter whose text hash (source.sha256) is already in --out is skipped, so
    rerunning the same command after a crash or Ctrl-C finishes the job; --out is only appended
    to. Each failure is written to --errors (path, error, type, exit_code; one JSON object a
    line) and the others go on.

    Exit code: 0 when no letter failed, 9 when any letter failed (see --errors).
    """
    settings = llm_settings(model=model, mode=mode, concurrency=concurrency, no_cache=no_cache)
    chosen = chosen_engine(engine, settings)
    config = BatchConfig(
        out=out,
        errors=errors,
        csv=csv,
        explanations=explanations,
        explanation_format=format.value,
        lang=lang.value,
        chunksize=chunksize,
        resume=resume,
        debug=RunFlags.debug,
        workers=workers or default_workers(),
        openai_batch=openai_batch,
    )
    if openai_batch and chosen != "openai":
        fail(ImrError("--openai-batch needs the openai engine: set OPENAI_API_KEY"))
    _run(BatchRun(config, chosen, settings), list(inputs))


def _run(run: BatchRun, inputs: list[str]) -> None:
    progress = _progress(inputs)
    run.on_outcome = progress.advance if progress else None
    try:
        summary = run.run(inputs)
    except KeyboardInterrupt:
        _close(progress)
        click.echo(summary_line(run.summary, run.config, run.engine) + " (interrupted)", err=True)
        raise click.exceptions.Exit(130) from None
    except Exception as error:
        _close(progress)
        fail(error)
    _close(progress)
    for note in summary.notes:
        click.echo(f"imr-llm: note: {note}", err=True)
    click.echo(summary_line(summary, run.config, run.engine), err=True)
    raise click.exceptions.Exit(summary.exit_code)


def _close(progress: Any) -> None:
    if progress is not None:
        progress.close()
