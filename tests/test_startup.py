"""imr_llm.startup: the process settings the CLI's entry point makes before pydantic loads."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from imr_llm.startup import PYDANTIC_PLUGINS, prepare_process


def test_turns_pydantic_plugins_off_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PYDANTIC_PLUGINS, raising=False)
    prepare_process()
    assert os.environ[PYDANTIC_PLUGINS] == "__all__"


@pytest.mark.parametrize("value", ["", "logfire", "1"])
def test_the_users_value_wins(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(PYDANTIC_PLUGINS, value)
    prepare_process()
    assert os.environ[PYDANTIC_PLUGINS] == value


def test_pydantic_skips_the_entry_point_scan() -> None:
    """With the setting made, pydantic's first model build reads no distribution's metadata."""
    code = (
        "from imr_llm.startup import prepare_process\n"
        "prepare_process()\n"
        "import pydantic.plugin._loader as loader\n"
        "from imr_llm.schema import Case\n"
        "print(Case(case_number='CM16-0213037').model_dump_json())\n"
        "print('scanned' if loader._plugins is not None else 'not scanned')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != PYDANTIC_PLUGINS}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        '{"case_number":"CM16-0213037","date_assigned":null,'
        '"decision_date":null,"date_of_injury":null,"ur_denial_date":null,'
        '"application_received":null,"priority":null}',
        "not scanned",
    ]


def test_the_command_line_makes_the_setting() -> None:
    """`imr-llm extract` (the entry point, `imr_llm.cli:main`) runs a letter without the scan."""
    code = (
        "import sys\n"
        "from imr_llm.cli import main\n"
        "sys.argv = ['imr-llm', 'extract', 'evals/letters/CM16-0213037.txt']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
        "import pydantic.plugin._loader as loader\n"
        "print('scanned' if loader._plugins is not None else 'not scanned', file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != PYDANTIC_PLUGINS}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, cwd=root
    )
    assert done.returncode == 0, done.stderr
    assert '"case_number": "CM16-0213037"' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "not scanned"
