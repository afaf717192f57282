"""The command line: one module per command group, and `common` for what they share (option
choices and declarations, the run flags, one-line error output, writing output, the LLM
settings and the engine choice, the progress bar).

    letters  extract, summarize       batch  batch         stats  stats
    evals    eval, eval compare/label  cache  cache info/clear  serve  serve

May import everything below it (the commands: batch, evals, serve; the runner; settings; explain.output;
stats). Kept light to import, so `imr-llm --help` starts fast: the modules that load pydantic
are imported when a command runs. Exit codes are listed in errors.EXIT_CODES and in the README.
"""

from __future__ import annotations

from typing import Annotated

import typer

from imr_llm import __version__
from imr_llm.cli.batch import batch as batch_command
from imr_llm.cli.cache import cache_app
from imr_llm.cli.common import RunFlags
from imr_llm.cli.evals import eval_app
from imr_llm.cli.letters import extract, summarize
from imr_llm.cli.serve import serve
from imr_llm.cli.stats import stats_command
from imr_llm.errors import EXIT_CODES

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Read California workers' comp IMR final determination letters: extract the decisions "
    "as JSON, or explain them in plain language.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imr-llm {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Engine, tokens and cost on stderr.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    RunFlags.debug = debug
    RunFlags.verbose = verbose


def exit_codes() -> None:
    """List the exit codes."""
    for code, meaning in EXIT_CODES.items():
        typer.echo(f"{code}  {meaning}")


app.command()(extract)
app.command()(summarize)
app.add_typer(cache_app, name="cache")
app.add_typer(eval_app, name="eval")
app.command("exit-codes")(exit_codes)
app.command("stats")(stats_command)
app.command("batch")(batch_command)
app.command()(serve)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("imr-llm: interrupted", err=True)
        raise SystemExit(130) from None
