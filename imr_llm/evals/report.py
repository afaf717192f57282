"""Eval reports: a console table (rich), Markdown, and one self-contained HTML page."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from imr_llm.evals.compare import FieldChange
from imr_llm.quotes import locate_quote
from imr_llm.templates import render_page


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


def _rows(run: dict[str, Any]) -> list[tuple[str, str, str, str, str]]:
    real, synthetic = run["fields"]["real"], run["fields"]["synthetic"]
    return [
        (
            name,
            _pct(real.get(name, {}).get("score")),
            str(real.get(name, {}).get("n", "")),
            _pct(synthetic.get(name, {}).get("score")),
            str(synthetic.get(name, {}).get("n", "")),
        )
        for name in sorted(set(real) | set(synthetic))
    ]


def _summary_line(run: dict[str, Any]) -> str:
    r = run["run"]
    cost = "-" if r["cost_usd"] is None else f"${r['cost_usd']:.4f}"
    return (
        f"engine {r['engine']}{' / ' + r['model'] if r['model'] else ''}; "
        f"{r['real_letters']} real + {r['synthetic_letters']} synthetic letters; "
        f"{len(r['failures'])} failed; {r['seconds']} s; {r['requests']} requests, "
        f"{r['prompt_tokens'] + r['completion_tokens']} tokens, cost {cost}; "
        f"reading grade mean {r['reading_grade_mean']}, max {r['reading_grade_max']}; "
        f"sentence roles scored on {r.get('role_items_scored', 0)} of {r.get('items', 0)} real "
        "items (those whose gold has rationale_roles)"
    )


def print_table(run: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(title="imr-llm eval: score per field")
    for column in ("field", "real", "n", "synthetic", "n"):
        table.add_column(column, justify="left" if column == "field" else "right")
    for row in _rows(run):
        table.add_row(*(escape(cell) for cell in row))
    console = Console(stderr=False)
    console.print(table)
    console.print(_summary_line(run))


def to_markdown(run: dict[str, Any]) -> str:
    lines = [
        "# imr-llm eval",
        "",
        _summary_line(run),
        "",
        "| field | real | n | synthetic | n |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [f"| {' | '.join(row)} |" for row in _rows(run)]
    misses = [
        (letter["letter"], m)
        for letter in run["letters"]
        if not letter["synthetic"]
        for m in letter["misses"]
    ]
    if misses:
        lines += ["", "## Misses (real letters)", ""]
        lines += [
            f"- {name} {m['field']}{' item ' + str(m['item']) if m['item'] else ''}: {m['reason']}"
            for name, m in misses
        ]
    return "\n".join(lines) + "\n"


def compare_markdown(changes: list[FieldChange], letters: list[dict[str, Any]]) -> str:
    lines = ["| field | before | after | change |", "| --- | ---: | ---: | ---: |"]
    for c in changes:
        delta = "" if c.delta is None else f"{100 * c.delta:+.1f}"
        lines.append(f"| {c.field} | {_pct(c.before)} | {_pct(c.after)} | {delta} |")
    if letters:
        lines += ["", "| letter | field | before | after |", "| --- | --- | ---: | ---: |"]
        lines += [
            f"| {x['letter']} | {x['field']} | {_pct(x['before'])} | {_pct(x['after'])} |"
            for x in letters
        ]
    return "\n".join(lines) + "\n"


def _highlight(letter_text: str, value: Any) -> str | None:
    """The letter around where `value` appears, with the value marked, or None."""
    needles = value if isinstance(value, list) else [value]
    for needle in needles:
        if not isinstance(needle, str) or len(needle) < 3:
            continue
        span = locate_quote(letter_text, needle)
        if span is not None:
            start, end = max(0, span.start - 160), min(len(letter_text), span.end + 160)
            return (
                html.escape(letter_text[start : span.start])
                + "<mark>"
                + html.escape(letter_text[span.start : span.end])
                + "</mark>"
                + html.escape(letter_text[span.end : end])
            )
    return None


def to_html(run: dict[str, Any], letters_dir: Path | None = None) -> str:
    """One page, no scripts, no external resources: opens offline in any browser."""
    rows = []
    for row in _rows(run):
        low = row[1] not in ("-", "100.0%")
        rows.append({"cells": row, "low": low})
    letters = []
    for letter in run["letters"]:
        text = ""
        if letters_dir is not None:
            path = letters_dir / f"{letter['letter']}.txt"
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
        misses = []
        for m in letter["misses"]:
            context = _highlight(text, m["expected"]) if text else None
            misses.append({**m, "context": context})
        letters.append({**letter, "misses": misses})
    return render_page(
        "imr_llm.evals", "report.html.j2", summary=_summary_line(run), rows=rows, letters=letters
    )
