"""`imr-llm stats`: a thin wrapper around imr_llm.stats (matplotlib loads only for --html)."""

from __future__ import annotations

from pathlib import Path

import click

from imr_llm import stats
from imr_llm.cli.common import PATH, fail
from imr_llm.errors import ImrError


@click.command("stats")
@click.argument(
    "results",
    type=PATH,
    help="JSON Lines of Determinations, as written by `imr-llm extract a.txt b.txt` or "
    "`imr-llm batch`.",
)
@click.option("--html", type=PATH, help="Also write a self-contained HTML page with charts here.")
@click.option("--md", "markdown", type=PATH, help="Also write the tables as Markdown here.")
def stats_command(results: Path, html: Path | None, markdown: Path | None) -> None:
    """Counts and uphold/overturn rates by category, guideline source, specialty and year.

    Counts cases, not files: a letter given twice (same case number and decisions) and
    synthetic letters (SYN-*) are left out, and the counts of both are reported."""
    try:
        summary = stats.read_results(results)
        message = stats.skipped_message(summary.source)
        if message:
            click.echo(message, err=True)
        left_out = stats.left_out_message(summary)
        if left_out:
            click.echo(left_out, err=True)
        stats.render_table(summary)
        if markdown is not None:
            stats.write_text(markdown, stats.render_markdown(summary))
        if html is not None:
            stats.write_text(html, stats.render_html(summary))
    except ImrError as error:
        fail(error)
