"""The command line: options in, one pipeline call, rendered output, an exit code.

Exit codes are listed in errors.EXIT_CODES and in the README.
"""

from __future__ import annotations

import logging
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from imr_llm import __version__
from imr_llm.cli_common import Engine, Language, OutputFormat, progress_bar
from imr_llm.errors import EXIT_CODES, ImrError
from imr_llm.schema import Lang

if TYPE_CHECKING:
    from imr_llm.pipeline import Task

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
RedactOption = Annotated[
    bool | None,
    typer.Option(
        "--redact/--no-redact",
        help="Mask names, addresses, claim/ADJ/SSN numbers, phones, e-mails and dates of birth "
        "before sending. Default: on for any endpoint not on this machine [env IMR_LLM_REDACT].",
        show_default=False,
    ),
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict",
        help="LLM engine: exit 7 when no item the model wrote passed its checks (default: those "
        "items keep the offline text, exit 0).",
    ),
]
OutputOption = Annotated[Path | None, typer.Option("-o", "--output", help="Write here.")]
PagesOption = Annotated[
    bool,
    typer.Option(
        "--pages",
        help="The files are the pages of ONE paper letter (photos or scans), in the order given.",
    ),
]
FilesArgument = Annotated[
    list[str],
    typer.Argument(
        help="Letters (.txt, .pdf, scans or photos: .tif, .png, .jpg; a folder of one letter's "
        "page photos), or - for stdin."
    ),
]


def _letters(files: list[str], pages: bool) -> list[str]:
    """The letters to read: with --pages, all the files as one letter."""
    from imr_llm.ocr import PageFiles, is_image_name

    if len(files) < 2:
        return files
    if pages:
        return [PageFiles(files)]
    if all(is_image_name(name) for name in files):
        typer.echo(
            "imr-llm: note: each image is read as a letter of its own; if they are the pages of "
            "one letter, add --pages (or put them in one folder and pass the folder)",
            err=True,
        )
    return files


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
    if not debug:
        # Our own one-line errors say what failed; library loggers would repeat it on stderr.
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


def choose_engine(engine: Engine, settings: Any) -> str:
    """The engine that will run; says so on stderr when it is the (paid) openai engine."""
    from imr_llm.settings import resolve_engine

    try:
        chosen = resolve_engine(engine.value, settings)
    except ImrError as error:
        _fail(error)
    if chosen == "openai":
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
    # Failed letters cost requests and tokens too (issue 12).
    engines += [
        r.error.engine_info for r in results if getattr(r.error, "engine_info", None) is not None
    ]
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
    for result in results:  # issue 12: which items the model wrote, and why others fell back
        engine = result.value.engine if result.value is not None else None
        for record in engine.items if engine is not None else []:
            why = f": {record.why}" if record.why else ""
            typer.echo(f"imr-llm: {result.path} item {record.item}: {record.by}{why}", err=True)


def _finish(results: list[Any], files: list[str]) -> None:
    failures = [r for r in results if r.error is not None]
    if failures:
        typer.echo(f"imr-llm: {len(failures)} of {len(files)} letters failed", err=True)
        raise typer.Exit(_message(failures[0].error)[1])


@app.command()
def extract(
    files: FilesArgument,
    engine: EngineOption = Engine.auto,
    model: ModelOption = None,
    mode: ModeOption = None,
    concurrency: ConcurrencyOption = None,
    no_cache: NoCacheOption = False,
    redact: RedactOption = None,
    strict: StrictOption = False,
    output: OutputOption = None,
    pages: PagesOption = False,
) -> None:
    """Extract each letter's typed determination as JSON (JSON Lines for several files)."""
    files = _letters(files, pages)
    settings = _safe_settings(
        model=model,
        mode=mode,
        concurrency=concurrency,
        no_cache=no_cache,
        redact=redact,
        strict=strict or None,
    )
    results = _run(files, "extract", engine, settings)
    indent = 2 if len(files) == 1 else None
    lines = [r.value.model_dump_json(indent=indent) for r in results if r.value is not None]
    if lines:
        _write("\n".join(lines), output)
    _finish(results, files)


@app.command()
def summarize(
    files: FilesArgument,
    format: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.text,
    lang: Annotated[Language, typer.Option(help="Language of the explanation.")] = Language.en,
    engine: EngineOption = Engine.auto,
    model: ModelOption = None,
    mode: ModeOption = None,
    concurrency: ConcurrencyOption = None,
    no_cache: NoCacheOption = False,
    redact: RedactOption = None,
    strict: StrictOption = False,
    output: OutputOption = None,
    pages: PagesOption = False,
    today: Annotated[
        datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Check deadlines against this date [today]."),
    ] = None,
) -> None:
    """Explain letters in plain language: each decision, why, and what you can do next."""
    files = _letters(files, pages)
    settings = _safe_settings(
        model=model,
        mode=mode,
        concurrency=concurrency,
        no_cache=no_cache,
        redact=redact,
        strict=strict or None,
    )
    results = _run(files, "summarize", engine, settings, lang.value)
    from imr_llm.explain.render import render_explanation
    from imr_llm.explain.writer import as_of

    rendered = []
    for result in results:
        if result.value is None:
            continue
        value = as_of(result.value, today.date() if today else date.today())
        if format is OutputFormat.json and len(files) > 1:
            rendered.append(value.model_dump_json())  # JSON Lines
        else:
            rendered.append(render_explanation(value, format.value))
    if rendered:
        _write(("\n" if format is OutputFormat.json else "\n\n").join(rendered), output)
    _finish(results, files)


def _safe_settings(*, no_cache: bool, **flags: Any) -> Any:
    try:
        return _settings(use_cache=False if no_cache else None, **flags)
    except ImrError as error:
        _fail(error)


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


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0: the network).")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="Server processes.")] = 1,
    engine: Annotated[
        Engine, typer.Option(help="offline, or openai (letters then go to the endpoint).")
    ] = Engine.offline,
    password: Annotated[
        str | None,
        typer.Option(
            envvar="IMR_LLM_SERVE_PASSWORD",
            help="Require this shared password (HTTP Basic); prefer the variable, unseen by ps.",
        ),
    ] = None,
    letters_at_once: Annotated[int, typer.Option(help="Letters read at once per process.")] = 2,
    queue: Annotated[int, typer.Option(help="Letters that may wait; more get 503.")] = 64,
    timeout: Annotated[float, typer.Option(help="Seconds allowed per request.")] = 60.0,
) -> None:
    """Start a private web page and JSON API that explain a letter (needs imr-llm[serve])."""
    from imr_llm.serve.app import ServeConfig
    from imr_llm.serve.run import serve as run_server

    settings = _safe_settings(no_cache=False)
    config = ServeConfig(
        choose_engine(engine, settings), password or None, letters_at_once, queue, timeout
    )
    try:
        run_server(config, host=host, port=port, workers=workers)
    except ImrError as error:
        _fail(error)


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
