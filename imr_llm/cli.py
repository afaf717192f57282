"""The command line: options in, one pipeline call, rendered output, an exit code.

Exit codes are listed in errors.EXIT_CODES and in the README.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from imr_llm import __version__
from imr_llm.errors import EXIT_CODES, ImrError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Read California workers' comp IMR final determination letters: extract the decisions "
    "as JSON, or explain them in plain language.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


class Engine(StrEnum):
    auto = "auto"
    offline = "offline"
    openai = "openai"


class OutputFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"


class Language(StrEnum):
    en = "en"


_STATE = {"debug": False}


def _fail(error: BaseException) -> NoReturn:
    if _STATE["debug"]:
        raise error
    if isinstance(error, ImrError):
        typer.echo(f"imr-llm: error: {error}", err=True)
        raise typer.Exit(error.exit_code)
    typer.echo(
        f"imr-llm: unexpected error: {type(error).__name__}: {error} "
        "(run with --debug for a traceback, and please report it)",
        err=True,
    )
    raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"imr-llm {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    _STATE["debug"] = debug


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    try:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
    except OSError as exc:
        _fail(ImrError(f"cannot write {output}: {exc.strerror}; check the path"))


def _check_engine(engine: Engine) -> None:
    from imr_llm.settings import resolve_engine

    resolve_engine(engine.value)


@app.command()
def extract(
    files: Annotated[list[str], typer.Argument(help="Letters (.txt or .pdf), or - for stdin.")],
    engine: Annotated[Engine, typer.Option(help="auto = offline unless an LLM is set up.")] = (
        Engine.auto
    ),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
) -> None:
    """Extract each letter's typed determination as JSON (JSON Lines for several files)."""
    from imr_llm.pipeline import extract as run_extract

    try:
        _check_engine(engine)
    except ImrError as error:
        _fail(error)
    lines: list[str] = []
    failed = 0
    for name in files:
        try:
            determination = run_extract(name)
        except ImrError as error:
            failed += 1
            if len(files) == 1:
                _fail(error)
            typer.echo(f"imr-llm: error: {error}", err=True)
            continue
        except Exception as error:
            if len(files) == 1 or _STATE["debug"]:
                _fail(error)
            failed += 1
            typer.echo(f"imr-llm: unexpected error in {name}: {error}", err=True)
            continue
        indent = 2 if len(files) == 1 else None
        lines.append(determination.model_dump_json(indent=indent))
    if lines:
        _write("\n".join(lines), output)
    if failed:
        typer.echo(f"imr-llm: {failed} of {len(files)} letters failed", err=True)
        raise typer.Exit(3)


@app.command()
def summarize(
    file: Annotated[str, typer.Argument(help="The letter (.txt or .pdf), or - for stdin.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    lang: Annotated[Language, typer.Option(help="Language of the explanation.")] = Language.en,
    engine: Annotated[Engine, typer.Option(help="auto = offline unless an LLM is set up.")] = (
        Engine.auto
    ),
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")] = None,
) -> None:
    """Explain a letter in plain language: each decision, why, and what you can do next."""
    from imr_llm.pipeline import summarize as run_summarize

    try:
        _check_engine(engine)
        explanation = run_summarize(file, lang=lang.value)
    except Exception as error:
        _fail(error)
    if format is OutputFormat.json:
        _write(explanation.model_dump_json(indent=2), output)
        return
    from imr_llm.explain.render import to_markdown, to_text

    _write(to_markdown(explanation) if format is OutputFormat.md else to_text(explanation), output)


@app.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes."""
    for code, meaning in EXIT_CODES.items():
        typer.echo(f"{code}  {meaning}")


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("imr-llm: interrupted", err=True)
        raise SystemExit(130) from None
