"""The command line: one module per command group, and `common` for what they share (option
choices and declarations, the run flags, one-line error output, writing output, the LLM
settings and the engine choice, the progress bar, the lazy group).

    letters  extract                 summarize  summarize     batch  batch
    stats    stats                   evals      eval, eval compare/label
    cache    cache info/clear        serve      serve

May import everything below it (the commands: batch, evals, serve; the runner; explain.output;
stats). Built on click, and kept light to import so that `imr-llm --help` starts fast: the
top-level group loads a command's module only when that command is used (COMMANDS, click's
lazily loaded subcommands); each command module imports what it needs at its top. Exit codes
are listed in errors.EXIT_CODES and in the README. `main` first makes the process settings of
imr_llm.startup (pydantic's plugin scan off).
"""

from __future__ import annotations

import click

from imr_llm import __version__
from imr_llm.cli.common import LazyGroup, RunFlags
from imr_llm.errors import EXIT_CODES
from imr_llm.startup import prepare_process

COMMANDS: dict[str, tuple[str, str]] = {
    "extract": (
        "imr_llm.cli.letters:extract",
        "Extract each letter's typed determination as JSON (JSON Lines for several files).",
    ),
    "summarize": (
        "imr_llm.cli.summarize:summarize",
        "Explain letters in plain language: each decision, why, and what you can do next.",
    ),
    "exit-codes": ("imr_llm.cli:exit_codes", "List the exit codes."),
    "stats": (
        "imr_llm.cli.stats:stats_command",
        "Counts and uphold/overturn rates by category, guideline source, specialty and year.",
    ),
    "batch": (
        "imr_llm.cli.batch:batch",
        "Run many letters into one JSON Lines file (one determination a line, as `extract` "
        "prints it), in parallel, with a progress bar on a terminal.",
    ),
    "serve": (
        "imr_llm.cli.serve:serve",
        "Start a private web page and JSON API that explain a letter (needs imr-llm[serve]).",
    ),
    "cache": ("imr_llm.cli.cache:cache_group", "The LLM response cache."),
    "eval": (
        "imr_llm.cli.evals:eval_group",
        "Score an engine against the hand-labeled gold letters; compare runs; draft labels.",
    ),
}
"""Each command, in the order `imr-llm --help` lists them: where it is ("module:attribute",
loaded on first use) and its short help, which `--help` shows without loading the module
(tests/test_cli.py checks that it is the command's own)."""


@click.group(
    "imr-llm",
    cls=LazyGroup,
    lazy_commands=COMMANDS,
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


def main() -> None:
    prepare_process()
    try:
        app()
    except KeyboardInterrupt:
        click.echo("imr-llm: interrupted", err=True)
        raise SystemExit(130) from None
