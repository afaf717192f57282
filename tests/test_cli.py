"""The CLI on real letters: as a user runs it (a real process) for the entry point, the
version and an exit code; in this process (click's CliRunner) for the rest."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import LETTERS, clean_env, invoke_cli, run_cli

from imr_llm import __version__
from imr_llm.schema import Determination, Explanation


def test_version() -> None:
    result = run_cli("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"imr-llm {__version__}"


def test_extract_pdf_gives_schema_valid_json() -> None:
    result = run_cli("extract", str(LETTERS / "CM16-0248698.pdf"))
    assert result.returncode == 0, result.stderr
    determination = Determination.model_validate_json(result.stdout)
    assert len(determination.treatments) == 21
    assert determination.source.format == "dwc-2016"


def test_extract_from_stdin() -> None:
    data = (LETTERS / "CM16-0213037.txt").read_text(encoding="utf-8")
    result = invoke_cli("extract", "-", stdin=data)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["case"]["case_number"] == "CM16-0213037"


def test_summarize_json_contract() -> None:
    result = invoke_cli("summarize", str(LETTERS / "CM17-0015218.txt"), "--format", "json")
    assert result.returncode == 0, result.stderr
    explanation = Explanation.model_validate_json(result.stdout)
    data = json.loads(result.stdout)
    assert {"items", "next_steps", "deadlines", "glossary", "reading_grade"} <= data.keys()
    assert explanation.items[0].decision == "overturned"
    assert {"what", "date", "basis"} <= data["deadlines"][0].keys()


def test_summarize_text_and_markdown(tmp_path: object) -> None:
    text = invoke_cli("summarize", str(LETTERS / "CM16-0213037.pdf"))
    assert text.returncode == 0, text.stderr
    assert "Denial stands (Upheld)" in text.stdout
    # appeal, to be safe: 12/09/2016 + 30 days is Sunday January 8, so the Friday before
    assert "Friday, January 6, 2017" in text.stdout
    md = invoke_cli("summarize", str(LETTERS / "CM16-0213037.pdf"), "--format", "md")
    assert md.stdout.startswith("# ")
    assert "## What you can do next" in md.stdout


def test_engine_openai_without_endpoint_is_a_usage_error() -> None:
    result = run_cli("extract", str(LETTERS / "CM16-0213037.txt"), "--engine", "openai")
    assert result.returncode == 2
    assert "OPENAI_BASE_URL" in result.stderr


TOP_CALLS = [["--help"], ["exit-codes"], ["--version"], []]
COMMAND_HELP_CALLS = {
    "imr_llm.cli.letters": [["extract", "--help"]],
    "imr_llm.cli.summarize": [["summarize", "--help"]],
    "imr_llm.cli.batch": [["batch", "--help"]],
    "imr_llm.cli.stats": [["stats", "--help"]],
    "imr_llm.cli.serve": [["serve", "--help"]],
    "imr_llm.cli.cache": [["cache", "--help"], ["cache", "info", "--help"], ["cache"]],
    "imr_llm.cli.evals": [
        ["eval", "--help"],
        ["eval", "compare", "--help"],
        ["eval", "label", "--help"],
    ],
}
COMMAND_MODULES = set(COMMAND_HELP_CALLS)


def _modules_after(calls: list[list[str]]) -> tuple[set[str], str]:
    """The modules loaded by running every call, in one fresh process; and its stdout."""
    code = (
        "import sys\n"
        "from imr_llm.cli import app\n"
        f"for args in {calls!r}:\n"
        "    try:\n"
        "        app(args, prog_name='imr-llm')\n"
        "    except SystemExit as stop:\n"
        "        assert stop.code in (0, 2), (args, stop.code)\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=clean_env()
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.strip().splitlines()[-1].split()), done.stdout + done.stderr


def test_help_loads_no_command_module_nor_pydantic_nor_rich() -> None:
    """`--help`, `--version`, `exit-codes` and no arguments in one fresh process, then the
    modules it loaded: the command line alone, no command's module (the lazy group lists them
    from its table), nothing that parses, validates or draws."""
    loaded, output = _modules_after(TOP_CALLS)
    assert "Commands:" in output and "exit-codes  List the exit codes." in output
    heavy = {"pydantic", "pydantic_core", "pydantic_settings", "rich", "typer", "imr_llm.runner"}
    assert not heavy & loaded
    assert not COMMAND_MODULES & loaded
    assert not any(name.startswith(("imr_llm.schema", "imr_llm.settings")) for name in loaded)


@pytest.mark.parametrize("module", sorted(COMMAND_HELP_CALLS))
def test_a_command_help_loads_that_command_module_only(module: str) -> None:
    loaded, output = _modules_after(COMMAND_HELP_CALLS[module])
    assert "Usage: imr-llm " in output
    assert module in loaded
    others = COMMAND_MODULES - {module}
    if module == "imr_llm.cli.summarize":  # summarize is extract's sibling: it shares its steps
        others -= {"imr_llm.cli.letters"}
    assert not others & loaded
    assert "pydantic_settings" not in loaded or module in {
        "imr_llm.cli.batch",
        "imr_llm.cli.cache",
        "imr_llm.cli.evals",
        "imr_llm.cli.serve",
    }


def test_the_lazy_table_gives_each_command_its_own_name_and_short_help() -> None:
    """The table `--help` reads cannot drift from the commands: the same name, and the same
    short help at every width click may shorten it to."""
    import click

    from imr_llm.cli import COMMANDS, app

    context = click.Context(app)
    assert app.list_commands(context) == list(COMMANDS)
    for name, (_, short_help) in COMMANDS.items():
        command = app.get_command(context, name)
        assert command is not None and command.name == name
        for limit in (20, 45, 63, 74, 1000):
            stand_in = click.Command(name, help=short_help)
            assert stand_in.get_short_help_str(limit) == command.get_short_help_str(limit)
    assert app.get_command(context, "bogus") is None


def test_shell_completion_lists_the_commands() -> None:
    from click.testing import CliRunner

    from imr_llm.cli import app

    env = {"_IMR_LLM_COMPLETE": "bash_complete", "COMP_WORDS": "imr-llm e", "COMP_CWORD": "1"}
    done = CliRunner().invoke(app, [], env=env, prog_name="imr-llm")
    assert done.exit_code == 0, done.output
    assert done.stdout.split() == ["plain,extract", "plain,exit-codes", "plain,eval"]


@pytest.mark.parametrize(
    ("command", "loads", "never"),
    [
        ("extract", {"imr_llm.runner"}, {"imr_llm.explain.budget", "imr_llm.cli.summarize"}),
        ("summarize", {"imr_llm.explain.budget", "imr_llm.explain.output"}, set()),
    ],
)
def test_an_offline_run_never_loads_the_llm_engine_or_its_settings(
    command: str, loads: set[str], never: set[str]
) -> None:
    """The LLM side (llm.choice, settings: pydantic-settings, openai, instructor) is loaded by
    name only when the LLM engine may run; the writer (explain) only for an explanation."""
    letter = str(LETTERS / "CM16-0213037.txt")
    loaded, output = _modules_after([[command, letter]])
    assert "CM16-0213037" in output
    assert loads <= loaded
    llm = {"imr_llm.settings", "imr_llm.llm.choice", "imr_llm.llm.engine", "pydantic_settings"}
    assert not (never | llm | {"openai", "instructor"}) & loaded


def test_help_lists_every_command_and_describes_the_arguments() -> None:
    top = invoke_cli("--help")
    assert top.returncode == 0
    commands = top.stdout.split("Commands:")[1].split()
    for name in ("extract", "summarize", "exit-codes", "stats", "batch", "serve", "cache", "eval"):
        assert name in commands
    extract = invoke_cli("extract", "--help").stdout
    assert "or - for stdin" in extract  # the argument's own help
    assert "--redact / --no-redact" in extract and "[env IMR_LLM_REDACT]" in extract
    batch = invoke_cli("batch", "--help").stdout
    assert "--resume / --no-resume" in batch and "[default: resume]" in batch
    serve = invoke_cli("serve", "--help").stdout
    assert "IMR_LLM_SERVE_PASSWORD" in serve


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("IMR_LLM_CONCURRENCY", "0"),
        ("IMR_LLM_MODE", "xml"),
        ("IMR_LLM_REDACT", "bogus"),
        ("IMR_LLM_STRICT", "bogus"),
        ("IMR_LLM_USE_CACHE", "bogus"),
    ],
)
def test_a_flag_not_given_leaves_the_environment_in_charge(variable: str, value: str) -> None:
    """The bad variable is read (and named) because the unset flag passes nothing over it."""
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9", variable: value}
    result = invoke_cli("extract", str(LETTERS / "CM16-0213037.txt"), env=env)
    assert result.returncode == 2
    assert result.stderr.startswith(f"imr-llm: error: bad value {value!r} for {variable} ")
    assert result.stderr.count("\n") == 1


def test_a_flag_given_is_over_the_environment() -> None:
    env = {"OPENAI_BASE_URL": "http://127.0.0.1:9", "IMR_LLM_CONCURRENCY": "3"}
    result = invoke_cli("extract", str(LETTERS / "CM16-0213037.txt"), "--concurrency", "0", env=env)
    assert result.returncode == 2
    assert result.stderr.startswith("imr-llm: error: bad value 0 for --concurrency ")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["extract"], "Missing argument 'FILES...'"),
        (["extract", "a.txt", "--engine", "bad"], "'bad' is not one of 'auto', 'offline'"),
        (["summarize", "a.txt", "--today", "2017-13-01"], "'--today'"),
        (["batch", "a.txt", "-o", "out.jsonl", "--workers", "0"], "'--workers'"),
        (["extract", "--unknown", "a.txt"], "No such option '--unknown'"),
        (["cache", "bogus"], "No such command 'bogus'"),
    ],
)
def test_usage_errors_exit_2_with_a_short_message(args: list[str], words: str) -> None:
    result = invoke_cli(*args)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("args", [[], ["cache"]])
def test_a_group_without_a_command_shows_its_help(args: list[str]) -> None:
    result = invoke_cli(*args)
    assert result.returncode == 2
    assert "Commands:" in result.stderr + result.stdout


def test_ctrl_c_exits_130_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import imr_llm.cli.letters

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(imr_llm.cli.letters, "run_letters", interrupted)
    result = invoke_cli("extract", str(LETTERS / "CM16-0213037.txt"))
    assert result.returncode == 130
    assert result.stdout == "" and "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "code"), [(["serve", "--help"], 0), (["serve"], 2)])
def test_serve_without_its_extra_still_shows_help_and_says_what_to_install(
    args: list[str], code: int
) -> None:
    """Without starlette (the `serve` extra), the command's module still loads."""
    program = (
        "import sys; sys.modules['starlette'] = None; "
        f"sys.argv = ['imr-llm', *{args!r}]; from imr_llm.cli import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_env(),
    )
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    if code:
        assert done.stderr == (
            "imr-llm: error: imr-llm serve needs the web server packages: "
            "pip install 'imr-llm[serve]'\n"
        )
    else:
        assert "Usage: imr-llm serve" in done.stdout
