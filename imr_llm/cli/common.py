"""What every command module shares: option choices and declarations, the run flags, error
output, writing output, the LLM settings and the engine choice, the progress bar, and the
groups (LazyGroup: the top-level group, which loads a command's module on first use).

Kept light (click and nothing heavy) so `imr-llm --help` starts fast. The LLM settings module
(pydantic-settings) is loaded by name (SETTINGS, imr_llm.by_name) only when the LLM engine may
run, so an offline `extract` never loads it.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping
from enum import StrEnum
from gettext import gettext as _
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from imr_llm.by_name import load
from imr_llm.engine_choice import choose_engine as choose
from imr_llm.engine_choice import endpoint_configured
from imr_llm.errors import ImrError

if TYPE_CHECKING:
    from imr_llm.settings import LlmSettings

F = TypeVar("F", bound=Callable[..., Any])

SETTINGS = "imr_llm.settings:load_settings"
"""The LLM settings' loader (pydantic-settings: ~50 ms): loaded when the LLM engine may run."""


class Engine(StrEnum):
    auto = "auto"
    offline = "offline"
    openai = "openai"


class OutputFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"
    html = "html"


class Language(StrEnum):
    en = "en"
    es = "es"


PATH = click.Path(path_type=Path)


class Group(click.Group):
    """A group of commands listed in the order added (not sorted); Ctrl-C exits 130, quietly."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise click.exceptions.Exit(130) from None


class LazyGroup(Group):
    """A Group whose commands are loaded on first use (click's "lazily loading subcommands"):
    `lazy_commands` maps each name to ("module:attribute", short help). `--help` lists them from
    the table without importing any; a command's module is imported when it is run, when its
    own help is asked for, or for shell completion."""

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(lazy_commands)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [
            *self.lazy_commands,
            *(name for name in self.commands if name not in self.lazy_commands),
        ]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands or cmd_name not in self.lazy_commands:
            return super().get_command(ctx, cmd_name)
        command: click.Command = load(self.lazy_commands[cmd_name][0])
        self.add_command(command, cmd_name)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, as click writes them, from the table (a stand-in
        command carries the short help, so it is shortened to the width as click does)."""
        stand_ins: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            if name in self.lazy_commands:
                stand_ins.append((name, click.Command(name, help=self.lazy_commands[name][1])))
            elif (command := self.get_command(ctx, name)) is not None and not command.hidden:
                stand_ins.append((name, command))
        if not stand_ins:
            return
        limit = formatter.width - 6 - max(len(name) for name, _command in stand_ins)
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in stand_ins])


def engine_option(
    default: Engine = Engine.auto,
    help: str = "auto = openai when an endpoint is configured, else offline.",
) -> Callable[[F], F]:
    """--engine: which engine runs (default and help differ per command)."""
    return click.option("--engine", type=click.Choice(Engine), default=default, help=help)


def options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """One decorator for several options, listed in the order given."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


# The LLM settings a command takes (flags over the environment over the defaults).
llm_options = options(
    click.option("--model", help="Model name [env IMR_LLM_MODEL]."),
    click.option("--mode", help="tools|json|json_schema|md_json [env IMR_LLM_MODE]."),
    click.option(
        "--concurrency", type=int, help="Letters in flight at once [env IMR_LLM_CONCURRENCY]."
    ),
    click.option("--no-cache", is_flag=True, help="Neither read nor write cache."),
)
output_option = click.option("-o", "--output", type=PATH, help="Write here.")
# What `extract` and `summarize` share after the LLM settings.
letter_options = options(
    click.option(
        "--redact/--no-redact",
        default=None,
        help="Mask names, addresses, claim/ADJ/SSN numbers, phones, e-mails and dates of birth "
        "before sending. Default: on for any endpoint not on this machine [env IMR_LLM_REDACT].",
    ),
    click.option(
        "--strict",
        is_flag=True,
        help="LLM engine: exit 7 when no item the model wrote passed its checks (default: those "
        "items keep the offline text, exit 0).",
    ),
    output_option,
    click.option(
        "--pages",
        is_flag=True,
        help="The files are the pages of ONE paper letter (photos or scans), in the order given.",
    ),
)


class RunFlags:
    """The global flags of this run (set by the app's callback)."""

    debug = False
    verbose = False


def error_message(error: BaseException) -> tuple[str, int]:
    """The one-line message and exit code for an error."""
    if isinstance(error, ImrError):
        return f"imr-llm: error: {error}", error.exit_code
    return (
        f"imr-llm: unexpected error: {type(error).__name__}: {error} "
        "(run with --debug for a traceback, and please report it)",
        1,
    )


def fail(error: BaseException) -> NoReturn:
    """Stop with the error's one-line message and exit code (a traceback with --debug)."""
    if RunFlags.debug:
        raise error
    message, code = error_message(error)
    click.echo(message, err=True)
    raise click.exceptions.Exit(code)


def write_output(text: str, output: Path | None) -> None:
    """`text` (with a final newline) to stdout, or to the file `output`."""
    text = text if text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(ImrError(f"cannot write {output}: {exc.strerror}; check the path"))


def llm_settings(*, no_cache: bool, **flags: Any) -> LlmSettings:
    """The LLM settings: the flags given over the environment over the defaults."""
    load_settings: Callable[[Mapping[str, Any]], LlmSettings] = load(SETTINGS)
    try:
        return load_settings({"use_cache": False if no_cache else None, **flags})
    except ImrError as error:
        fail(error)


def uses_llm(engine: Engine) -> bool:
    """Whether ENGINE means the LLM engine (auto: an endpoint variable is set). An offline run
    never loads the LLM settings."""
    try:
        return choose(engine.value, endpoint_configured()) == "openai"
    except ImrError as error:
        fail(error)


def settings_for(engine: Engine, *, no_cache: bool, **flags: Any) -> LlmSettings | None:
    """The LLM settings when ENGINE is the LLM engine, else None (an offline run)."""
    return llm_settings(no_cache=no_cache, **flags) if uses_llm(engine) else None


def _quiet_llm_loggers() -> None:
    """Our own one-line errors say what failed; library loggers would repeat it on stderr."""
    if RunFlags.debug:
        return
    import logging  # only when the LLM engine runs

    for name in ("instructor", "openai", "httpx", "httpx2", "httpcore"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def chosen_engine(engine: Engine, settings: LlmSettings | None) -> str:
    """The engine that will run; says so on stderr when it is the (paid) openai engine."""
    if settings is None:
        return "offline"
    try:
        chosen = choose(engine.value, settings.configured)
    except ImrError as error:
        fail(error)
    if chosen == "openai":
        _quiet_llm_loggers()
        where = settings.base_url or "api.openai.com"
        click.echo(f"imr-llm: engine openai, model {settings.model} at {where}", err=True)
    return chosen


class LetterProgress:
    """A progress bar on stderr with count, rate and ETA."""

    RATE_EVERY = 0.25
    """Seconds between two readings of the rate: rich works it out from its samples at each
    reading (about 35 us), which read for every letter cost more than the batch process's own
    share of a fast offline run."""

    def __init__(self, total: int, clock: Callable[[], float] = time.monotonic) -> None:
        # rich: only when a bar is drawn (several letters, stderr a terminal)
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("letters"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self._task = self._progress.add_task("letters", total=total, rate="")
        self._clock = clock
        self._next_rate = clock()
        self._progress.start()

    def advance(self, _: Any = None) -> None:
        self._progress.advance(self._task, 1)
        now = self._clock()
        if now < self._next_rate:
            return
        self._next_rate = now + self.RATE_EVERY
        speed = self._progress.tasks[0].speed
        if speed:
            self._progress.update(self._task, rate=f"{speed:.1f} letters/s")

    def close(self) -> None:
        self._progress.stop()


def progress_bar(total: int) -> LetterProgress | None:
    """A progress bar when there is more than one letter and stderr is a terminal."""
    return LetterProgress(total) if total > 1 and sys.stderr.isatty() else None
