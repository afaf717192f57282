"""`imr-llm summarize`: letters in, one runner call (cli/letters.py), each explanation rendered.

Apart from `extract` so that `extract` never loads the renderers (explain.output)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

from imr_llm.cli.common import (
    Engine,
    Language,
    OutputFormat,
    engine_option,
    letter_options,
    llm_options,
    settings_for,
    write_output,
)
from imr_llm.cli.letters import files_argument, finish, letters_to_read, run_files
from imr_llm.explain.output import render_explanation
from imr_llm.explain.writer import as_of


@click.command()
@files_argument
@click.option("-f", "--format", type=click.Choice(OutputFormat), default=OutputFormat.text)
@click.option(
    "--lang", type=click.Choice(Language), default=Language.en, help="Language of the explanation."
)
@engine_option()
@llm_options
@letter_options
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Check deadlines against this date [today].",
)
def summarize(
    files: tuple[str, ...],
    format: OutputFormat,
    lang: Language,
    engine: Engine,
    strict: bool,
    output: Path | None,
    pages: bool,
    today: datetime | None,
    **llm_flags: Any,  # llm_options and --redact, as settings_for takes them
) -> None:
    """Explain letters in plain language: each decision, why, and what you can do next."""
    names = letters_to_read(list(files), pages)
    settings = settings_for(engine, strict=strict or None, **llm_flags)
    results = run_files(names, "summarize", engine, settings, lang.value)
    rendered = []
    for result in results:
        if result.value is None:
            continue
        value = as_of(result.value, today.date() if today else date.today())
        if format is OutputFormat.json and len(names) > 1:
            rendered.append(value.model_dump_json())  # JSON Lines
        else:
            rendered.append(render_explanation(value, format.value))
    if rendered:
        write_output(("\n" if format is OutputFormat.json else "\n\n").join(rendered), output)
    finish(results, names)
