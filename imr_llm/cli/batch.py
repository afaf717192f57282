"""`imr-llm batch`: options in, one BatchRun (imr_llm/batch/), a summary line and an exit
code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from imr_llm.cli.common import (
    ConcurrencyOption,
    Engine,
    EngineOption,
    Language,
    LetterProgress,
    ModelOption,
    ModeOption,
    NoCacheOption,
    OutputFormat,
    RunFlags,
    chosen_engine,
    fail,
    llm_settings,
    progress_bar,
)
from imr_llm.errors import ImrError

if TYPE_CHECKING:
    from imr_llm.batch import BatchRun

# The same as imr_llm.batch.config.DEFAULT_CHUNKSIZE (a test checks), which is not imported
# here: it would load pydantic before the command line is even parsed.
DEFAULT_CHUNKSIZE = 8


def _progress(inputs: list[str]) -> LetterProgress | None:
    if not sys.stderr.isatty():
        return None
    from imr_llm.batch import count_inputs  # the runner: pydantic

    return progress_bar(count_inputs(inputs))


def batch(
    inputs: Annotated[list[str], typer.Argument(help="Letter files, folders and glob patterns.")],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Results: JSON Lines, appended to (resumable).")
    ],
    errors: Annotated[
        Path | None,
        typer.Option(help="Failures, JSON Lines [default: errors.jsonl next to --out]."),
    ] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also a CSV, one row per treatment (appended).")
    ] = None,
    explanations: Annotated[
        Path | None,
        typer.Option(help="Also write each letter's explanation here, named after the letter."),
    ] = None,
    format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="Format of --explanations.")
    ] = OutputFormat.text,
    lang: Annotated[Language, typer.Option(help="Language of --explanations.")] = Language.en,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Offline engine: processes [default: every core]."),
    ] = None,
    chunksize: Annotated[
        int, typer.Option(min=1, help="Offline engine: letters per task sent to a process.")
    ] = DEFAULT_CHUNKSIZE,
    resume: Annotated[
        bool,
        typer.Option(help="Skip letters already in --out (--no-resume: run and append all)."),
    ] = True,
    engine: EngineOption = Engine.auto,
    model: ModelOption = None,
    mode: ModeOption = None,
    concurrency: ConcurrencyOption = None,
    no_cache: NoCacheOption = False,
    openai_batch: Annotated[
        bool,
        typer.Option(
            "--openai-batch",
            help="LLM engine: use the OpenAI Batch API (half price, within a day); resumable.",
        ),
    ] = False,
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
    from imr_llm.batch import BatchConfig, BatchRun, default_workers  # the runner: pydantic

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
    _run(BatchRun(config, chosen, settings), inputs)


def _run(run: BatchRun, inputs: list[str]) -> None:
    from imr_llm.batch import summary_line  # loaded with BatchRun already

    progress = _progress(inputs)
    run.on_outcome = progress.advance if progress else None
    try:
        summary = run.run(inputs)
    except KeyboardInterrupt:
        _close(progress)
        typer.echo(summary_line(run.summary, run.config, run.engine) + " (interrupted)", err=True)
        raise typer.Exit(130) from None
    except Exception as error:
        _close(progress)
        fail(error)
    _close(progress)
    for note in summary.notes:
        typer.echo(f"imr-llm: note: {note}", err=True)
    typer.echo(summary_line(summary, run.config, run.engine), err=True)
    raise typer.Exit(summary.exit_code)


def _close(progress: Any) -> None:
    if progress is not None:
        progress.close()
