"""`imr-llm eval` (score an engine against the gold letters), `eval compare`, `eval label`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from imr_llm.cli.common import (
    ConcurrencyOption,
    Engine,
    EngineOption,
    ModelOption,
    ModeOption,
    NoCacheOption,
    OutputOption,
    fail,
    llm_settings,
    progress_bar,
    write_output,
)
from imr_llm.errors import EvalRegressionError, ImrError

eval_app = typer.Typer(
    help="Score an engine against the hand-labeled gold letters; compare runs; draft labels.",
    invoke_without_command=True,
)


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


@eval_app.callback()
def eval_run(
    context: typer.Context,
    engine: EngineOption = Engine.offline,
    model: ModelOption = None,
    mode: ModeOption = None,
    concurrency: ConcurrencyOption = None,
    no_cache: NoCacheOption = False,
    gold: Annotated[Path, typer.Option(help="Folder of gold files.")] = Path("evals/gold"),
    letters: Annotated[Path, typer.Option(help="Folder of the letters.")] = Path("evals/letters"),
    out: Annotated[Path | None, typer.Option(help="Write the run file (JSON) here.")] = None,
    markdown: Annotated[Path | None, typer.Option("--md", help="Write a Markdown report.")] = None,
    html_report: Annotated[
        Path | None, typer.Option("--html", help="Write a self-contained HTML report.")
    ] = None,
    baseline: Annotated[Path | None, typer.Option(help="A run file to compare with.")] = None,
    fail_on_regression: Annotated[
        bool, typer.Option(help="Exit 8 when a field scores below the baseline.")
    ] = False,
    tolerance: Annotated[float, typer.Option(help="Allowed fall per field (0.01 = 1 point).")] = (
        0.0
    ),
) -> None:
    """Run ENGINE over the gold set and print the score of every field."""
    if context.invoked_subcommand is not None:
        return
    # The eval harness (the scoring tables and the engines): only when an eval runs.
    from imr_llm.evals import compare, report
    from imr_llm.evals.run import run_eval  # the engines: pydantic, the parsers' tables

    settings = llm_settings(model=model, mode=mode, concurrency=concurrency, no_cache=no_cache)
    progress = progress_bar(len(list(gold.glob("*.json")))) if gold.is_dir() else None
    try:
        run = run_eval(
            gold,
            letters,
            engine=engine.value,
            settings=settings,
            on_done=progress.advance if progress else None,
        )
        reference = compare.load_run(baseline) if baseline else None
    except ImrError as error:
        fail(error)
    finally:
        if progress:
            progress.close()
    report.print_table(run)
    for failure in run["run"]["failures"]:
        typer.echo(f"imr-llm: eval: {failure['letter']} failed: {failure['error']}", err=True)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_output(json.dumps(run, indent=1, sort_keys=True), out)
    if markdown:
        write_output(report.to_markdown(run), markdown)
    if html_report:
        write_output(report.to_html(run, letters), html_report)
    if reference is not None:
        fallen = compare.regressions(reference, run, tolerance)
        for change in fallen:
            typer.echo(
                f"imr-llm: regression: {change.field} {_percent(change.before)} -> "
                f"{_percent(change.after)}",
                err=True,
            )
        if fallen and fail_on_regression:
            fail(
                EvalRegressionError(
                    f"{len(fallen)} field(s) fell below the baseline: "
                    + ", ".join(c.field for c in fallen)
                )
            )
    if run["run"]["failures"]:
        raise typer.Exit(3)


@eval_app.command("compare")
def eval_compare(
    before: Annotated[Path, typer.Argument(help="Run file A (e.g. the baseline).")],
    after: Annotated[Path, typer.Argument(help="Run file B.")],
    fail_on_regression: Annotated[bool, typer.Option()] = False,
    tolerance: Annotated[float, typer.Option()] = 0.0,
) -> None:
    """Compare two run files side by side, per field and per letter."""
    from imr_llm.evals import compare, report  # the eval harness: only for this command

    try:
        a, b = compare.load_run(before), compare.load_run(after)
    except ImrError as error:
        fail(error)
    typer.echo(report.compare_markdown(compare.field_changes(a, b), compare.letter_changes(a, b)))
    fallen = compare.regressions(a, b, tolerance)
    if fallen and fail_on_regression:
        fail(
            EvalRegressionError("fields below the baseline: " + ", ".join(c.field for c in fallen))
        )


@eval_app.command("label")
def eval_label(
    letter: Annotated[Path, typer.Argument(help="The letter to draft a gold file for.")],
    output: OutputOption = None,
) -> None:
    """Write a DRAFT gold file for a person to correct (marked unchecked until they do)."""
    from imr_llm.evals.label import draft_gold  # the parsers: only for this command

    try:
        draft = draft_gold(letter)
    except Exception as error:
        fail(error)
    write_output(json.dumps(draft, indent=2), output)
    typer.echo(
        "imr-llm: wrote an UNCHECKED draft: correct every field by reading the letter, then set "
        '"checked": true',
        err=True,
    )
