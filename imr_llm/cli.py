"""The command line: options in, one pipeline call, rendered output, an exit code.

Exit codes are listed in errors.EXIT_CODES and in the README.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from imr_llm import __version__
from imr_llm.cli_common import Engine, Language, OutputFormat, progress_bar
from imr_llm.engine_choice import choose_engine as choose
from imr_llm.engine_choice import endpoint_configured
from imr_llm.errors import EXIT_CODES, ImrError

if TYPE_CHECKING:
    from imr_llm.pipeline import Task
    from imr_llm.schema import Lang

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Read California workers' comp IMR final determination letters: extract the decisions "
    "as JSON, or explain them in plain language.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)
cache_app = typer.Typer(help="The LLM response cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")
eval_app = typer.Typer(
    help="Score an engine against the hand-labeled gold letters; compare runs; draft labels.",
    invoke_without_command=True,
)
app.add_typer(eval_app, name="eval")


_STATE = {"debug": False, "verbose": False}

EngineOption = Annotated[
    Engine, typer.Option(help="auto = openai when an endpoint is configured, else offline.")
]
ModelOption = Annotated[str | None, typer.Option(help="Model name [env IMR_LLM_MODEL].")]
ModeOption = Annotated[
    str | None, typer.Option(help="tools|json|json_schema|md_json [env IMR_LLM_MODE].")
]
ConcurrencyOption = Annotated[
    int | None, typer.Option(help="Letters in flight at once [env IMR_LLM_CONCURRENCY].")
]
NoCacheOption = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write cache.")]
OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")]


def _message(error: BaseException) -> tuple[str, int]:
    if isinstance(error, ImrError):
        return f"imr-llm: error: {error}", error.exit_code
    return (
        f"imr-llm: unexpected error: {type(error).__name__}: {error} "
        "(run with --debug for a traceback, and please report it)",
        1,
    )


def _fail(error: BaseException) -> NoReturn:
    if _STATE["debug"]:
        raise error
    message, code = _message(error)
    typer.echo(message, err=True)
    raise typer.Exit(code)


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
    _STATE["debug"] = debug
    _STATE["verbose"] = verbose


def _quiet_llm_loggers() -> None:
    """Our own one-line errors say what failed; library loggers would repeat it on stderr."""
    if _STATE["debug"]:
        return
    import logging  # only when the LLM engine runs

    for name in ("instructor", "openai", "httpx", "httpx2", "httpcore"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def _write(text: str, output: Path | None) -> None:
    text = text if text.endswith("\n") else text + "\n"
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        _fail(ImrError(f"cannot write {output}: {exc.strerror}; check the path"))


def _settings(**flags: Any) -> Any:
    from imr_llm.settings import load_settings

    return load_settings(flags)


def uses_llm(engine: Engine) -> bool:
    """Whether ENGINE means the LLM engine (auto: an endpoint variable is set). An offline run
    never loads the LLM settings."""
    try:
        return choose(engine.value, endpoint_configured()) == "openai"
    except ImrError as error:
        _fail(error)


def choose_engine(engine: Engine, settings: Any) -> str:
    """The engine that will run; says so on stderr when it is the (paid) openai engine."""
    if settings is None:
        return "offline"
    try:
        chosen = choose(engine.value, settings.configured)
    except ImrError as error:
        _fail(error)
    if chosen == "openai":
        _quiet_llm_loggers()
        where = settings.base_url or "api.openai.com"
        typer.echo(f"imr-llm: engine openai, model {settings.model} at {where}", err=True)
    return chosen


def _run(
    files: list[str], task: Task, engine: Engine, settings: Any, lang: Lang = "en"
) -> list[Any]:
    """Run the pipeline over `files`; report each failure on stderr and keep going."""
    from imr_llm.pipeline import LetterResult, run_letters

    chosen = choose_engine(engine, settings)
    progress = progress_bar(len(files))

    def done(result: LetterResult) -> None:
        if progress:
            progress.advance(result)

    try:
        results = run_letters(
            files,
            task,
            lang=lang,
            engine=chosen,
            settings=settings,
            on_done=done,
        )
    finally:
        if progress:
            progress.close()
    failures = [r for r in results if r.error is not None]
    if len(files) == 1 and failures:
        _fail(failures[0].error)  # type: ignore[arg-type]
    for result in failures:
        if _STATE["debug"]:
            raise result.error  # type: ignore[misc]
        message, _ = _message(result.error)  # type: ignore[arg-type]
        typer.echo(f"{message} [{result.path}]", err=True)
    if _STATE["verbose"]:
        _report_usage(results)
    return results


def _report_usage(results: list[Any]) -> None:
    engines = [r.value.engine for r in results if r.value is not None]
    if not engines:
        return
    tokens = sum(e.prompt_tokens + e.completion_tokens for e in engines)
    requests = sum(e.requests for e in engines)
    costs = [e.cost_usd for e in engines if e.cost_usd is not None]
    hits = sum(1 for e in engines if e.cache_hit)
    cost = f"${sum(costs):.4f}" if costs else "unknown (model not in the price table)"
    typer.echo(
        f"imr-llm: engine {engines[0].name}; {requests} requests, {tokens} tokens, cost {cost}, "
        f"{hits} of {len(engines)} letters from cache",
        err=True,
    )


def _finish(results: list[Any], files: list[str]) -> None:
    failures = [r for r in results if r.error is not None]
    if failures:
        typer.echo(f"imr-llm: {len(failures)} of {len(files)} letters failed", err=True)
        raise typer.Exit(_message(failures[0].error)[1])


@app.command()
def extract(
    files: Annotated[list[str], typer.Argument(help="Letters (.txt or .pdf), or - for stdin.")],
    engine: EngineOption = Engine.auto,
    model: ModelOption = None,
    mode: ModeOption = None,
    concurrency: ConcurrencyOption = None,
    no_cache: NoCacheOption = False,
    output: OutputOption = None,
) -> None:
    """Extract each letter's typed determination as JSON (JSON Lines for several files)."""
    settings = _llm_settings(
        engine, model=model, mode=mode, concurrency=concurrency, no_cache=no_cache
    )
    results = _run(files, "extract", engine, settings)
    indent = 2 if len(files) == 1 else None
    lines = [r.value.model_dump_json(indent=indent) for r in results if r.value is not None]
    if lines:
        _write("\n".join(lines), output)
    _finish(results, files)


@app.command()
def summarize(
    files: Annotated[list[str], typer.Argument(help="Letters (.txt or .pdf), or - for stdin.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    lang: Annotated[Language, typer.Option(help="Language of the explanation.")] = Language.en,
    engine: EngineOption = Engine.auto,
    model: ModelOption = None,
    mode: ModeOption = None,
    concurrency: ConcurrencyOption = None,
    no_cache: NoCacheOption = False,
    output: OutputOption = None,
) -> None:
    """Explain letters in plain language: each decision, why, and what you can do next."""
    settings = _llm_settings(
        engine, model=model, mode=mode, concurrency=concurrency, no_cache=no_cache
    )
    results = _run(files, "summarize", engine, settings, lang.value)
    from imr_llm.explain.render import render_explanation

    rendered = []
    for result in results:
        if result.value is None:
            continue
        if format is OutputFormat.json and len(files) > 1:
            rendered.append(result.value.model_dump_json())  # JSON Lines
        else:
            rendered.append(render_explanation(result.value, format.value))
    if rendered:
        _write(("\n" if format is OutputFormat.json else "\n\n").join(rendered), output)
    _finish(results, files)


def _safe_settings(*, no_cache: bool, **flags: Any) -> Any:
    try:
        return _settings(use_cache=False if no_cache else None, **flags)
    except ImrError as error:
        _fail(error)


def _llm_settings(engine: Engine, *, no_cache: bool, **flags: Any) -> Any:
    """The LLM settings when ENGINE is the LLM engine, else None (an offline run)."""
    return _safe_settings(no_cache=no_cache, **flags) if uses_llm(engine) else None


def _open_cache() -> Any:
    from imr_llm.llm.cache import ResponseCache

    settings = _safe_settings(no_cache=False)
    try:
        return ResponseCache(settings.cache_dir)
    except ImrError as error:
        _fail(error)


@cache_app.command("info")
def cache_info() -> None:
    """Where the cache is, how many answers it holds, and its size."""
    cache = _open_cache()
    info = cache.info()
    cache.close()
    typer.echo(f"{info['directory']}: {info['entries']} entries, {info['bytes']} bytes")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete every cached answer."""
    cache = _open_cache()
    removed = cache.clear()
    cache.close()
    typer.echo(f"removed {removed} entries from {cache.directory}")


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
    import json

    from imr_llm.errors import EvalRegressionError
    from imr_llm.evals import compare, report
    from imr_llm.evals.run import run_eval

    settings = _safe_settings(model=model, mode=mode, concurrency=concurrency, no_cache=no_cache)
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
        _fail(error)
    finally:
        if progress:
            progress.close()
    report.print_table(run)
    for failure in run["run"]["failures"]:
        typer.echo(f"imr-llm: eval: {failure['letter']} failed: {failure['error']}", err=True)
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        _write(json.dumps(run, indent=1, sort_keys=True), out)
    if markdown:
        _write(report.to_markdown(run), markdown)
    if html_report:
        _write(report.to_html(run, letters), html_report)
    if reference is not None:
        fallen = compare.regressions(reference, run, tolerance)
        for change in fallen:
            typer.echo(
                f"imr-llm: regression: {change.field} {report._pct(change.before)} -> "
                f"{report._pct(change.after)}",
                err=True,
            )
        if fallen and fail_on_regression:
            _fail(
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
    from imr_llm.errors import EvalRegressionError
    from imr_llm.evals import compare, report

    try:
        a, b = compare.load_run(before), compare.load_run(after)
    except ImrError as error:
        _fail(error)
    typer.echo(report.compare_markdown(compare.field_changes(a, b), compare.letter_changes(a, b)))
    fallen = compare.regressions(a, b, tolerance)
    if fallen and fail_on_regression:
        _fail(
            EvalRegressionError("fields below the baseline: " + ", ".join(c.field for c in fallen))
        )


@eval_app.command("label")
def eval_label(
    letter: Annotated[Path, typer.Argument(help="The letter to draft a gold file for.")],
    output: OutputOption = None,
) -> None:
    """Write a DRAFT gold file for a person to correct (marked unchecked until they do)."""
    import json

    from imr_llm.evals.label import draft_gold

    try:
        draft = draft_gold(letter)
    except Exception as error:
        _fail(error)
    _write(json.dumps(draft, indent=2), output)
    typer.echo(
        "imr-llm: wrote an UNCHECKED draft: correct every field by reading the letter, then set "
        '"checked": true',
        err=True,
    )


@app.command("exit-codes")
def exit_codes() -> None:
    """List the exit codes."""
    for code, meaning in EXIT_CODES.items():
        typer.echo(f"{code}  {meaning}")


from imr_llm.stats_cli import stats_command  # noqa: E402  (light: imports typer only)

app.command("stats")(stats_command)

from imr_llm.batch_cli import batch as batch_command  # noqa: E402  (light: imports typer only)

app.command("batch")(batch_command)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("imr-llm: interrupted", err=True)
        raise SystemExit(130) from None
