"""`imr-llm eval` (score an engine against the gold letters), `eval compare`, `eval label`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from imr_llm.cli.common import (
    PATH,
    Engine,
    Group,
    engine_option,
    fail,
    llm_options,
    llm_settings,
    output_option,
    progress_bar,
    write_output,
)
from imr_llm.errors import EvalRegressionError, ImrError
from imr_llm.evals import compare, report
from imr_llm.evals.label import draft_gold
from imr_llm.evals.run import run_eval


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


@click.group(
    "eval",
    cls=Group,
    invoke_without_command=True,
    help="Score an engine against the hand-labeled gold letters; compare runs; draft labels.",
)
@engine_option(Engine.offline)
@llm_options
@click.option("--gold", type=PATH, default=Path("evals/gold"), help="Folder of gold files.")
@click.option("--letters", type=PATH, default=Path("evals/letters"), help="Folder of the letters.")
@click.option("--out", type=PATH, help="Write the run file (JSON) here.")
@click.option("--md", "markdown", type=PATH, help="Write a Markdown report.")
@click.option("--html", "html_report", type=PATH, help="Write a self-contained HTML report.")
@click.option("--baseline", type=PATH, help="A run file to compare with.")
@click.option(
    "--fail-on-regression/--no-fail-on-regression",
    default=False,
    help="Exit 8 when a field scores below the baseline.",
)
@click.option(
    "--tolerance", type=float, default=0.0, help="Allowed fall per field (0.01 = 1 point)."
)
@click.pass_context
def eval_group(
    context: click.Context,
    engine: Engine,
    model: str | None,
    mode: str | None,
    concurrency: int | None,
    no_cache: bool,
    gold: Path,
    letters: Path,
    out: Path | None,
    markdown: Path | None,
    html_report: Path | None,
    baseline: Path | None,
    fail_on_regression: bool,
    tolerance: float,
) -> None:
    """Run ENGINE over the gold set and print the score of every field."""
    if context.invoked_subcommand is not None:
        return
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
        click.echo(f"imr-llm: eval: {failure['letter']} failed: {failure['error']}", err=True)
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
            click.echo(
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
        raise click.exceptions.Exit(3)


@eval_group.command("compare")
@click.argument("before", type=PATH, help="Run file A (e.g. the baseline).")
@click.argument("after", type=PATH, help="Run file B.")
@click.option("--fail-on-regression/--no-fail-on-regression", default=False)
@click.option("--tolerance", type=float, default=0.0)
def eval_compare(before: Path, after: Path, fail_on_regression: bool, tolerance: float) -> None:
    """Compare two run files side by side, per field and per letter."""
    try:
        a, b = compare.load_run(before), compare.load_run(after)
    except ImrError as error:
        fail(error)
    click.echo(report.compare_markdown(compare.field_changes(a, b), compare.letter_changes(a, b)))
    fallen = compare.regressions(a, b, tolerance)
    if fallen and fail_on_regression:
        fail(
            EvalRegressionError("fields below the baseline: " + ", ".join(c.field for c in fallen))
        )


@eval_group.command("label")
@click.argument("letter", type=PATH, help="The letter to draft a gold file for.")
@output_option
def eval_label(letter: Path, output: Path | None) -> None:
    """Write a DRAFT gold file for a person to correct (marked unchecked until they do)."""
    try:
        draft = draft_gold(letter)
    except Exception as error:
        fail(error)
    write_output(json.dumps(draft, indent=2), output)
    click.echo(
        "imr-llm: wrote an UNCHECKED draft: correct every field by reading the letter, then set "
        '"checked": true',
        err=True,
    )
