"""The command line: one module per command group, and `common` for what they share (option
choices and declarations, the run flags, one-line error output, writing output, the LLM
settings and the engine choice, the progress bar).

    letters  extract, summarize       batch  batch         stats  stats
    evals    eval, eval compare/label  cache  cache info/clear  serve  serve

May import everything below it (the commands: batch, evals, serve; the runner; settings; explain.output;
stats). Built on click, and kept light to import so that `imr-llm --help` starts fast: the
modules that load pydantic or rich are imported when a command runs. Exit codes are listed in errors.EXIT_CODES and in the README.
"""

from __future__ import annotations

import click

from imr_llm import __version__
from imr_llm.cli.batch import batch as batch_command
from imr_llm.cli.cache import cache_group
from imr_llm.cli.common import Group, RunFlags
from imr_llm.cli.evals import eval_group
from imr_llm.cli.letters import extract, summarize
from imr_llm.cli.serve import serve
from imr_llm.cli.stats import stats_command
from imr_llm.errors import EXIT_CODES


@click.group(
    "imr-llm",
    cls=Group,
    no_args_is_help=True,
    context_settings={"show_default": True},
)
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
@click.option("--verbose", "-v", is_flag=True, help="Engine, tokens and cost on stderr.")
@click.version_option(__version__, message="imr-llm %(version)s", help="Print the version.")
def app(debug: bool, verbose: bool) -> None:
    """Read California workers' comp IMR final determination letters: extract the decisions as
    JSON, or explain them in plain language."""
    RunFlags.debug = debug
    RunFlags.verbose = verbose


@click.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes."""
    for code, meaning in EXIT_CODES.items():
        click.echo(f"{code}  {meaning}")


for command in (extract, summarize, exit_codes, stats_command, batch_command, serve):
    app.add_command(command)
app.add_command(cache_group)
app.add_command(eval_group)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        click.echo("imr-llm: interrupted", err=True)
        raise SystemExit(130) from None
