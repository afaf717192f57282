"""Render an Explanation as plain text (terminal) or Markdown."""

from __future__ import annotations

import textwrap

from imr_llm.explain.phrases import phrases
from imr_llm.explain.writer import format_date
from imr_llm.schema import Explanation, ItemExplanation


def _deadline_lines(explanation: Explanation) -> list[tuple[str, str]]:
    p = phrases(explanation.lang)
    return [
        (
            p[f"deadline_{d.what.replace('-', '_')}"],
            format_date(d.date, explanation.lang) if d.date else p["no_date"],
        )
        for d in explanation.deadlines
    ]


def case_line(explanation: Explanation) -> str | None:
    if not explanation.case_number and not explanation.decision_date:
        return None
    p = phrases(explanation.lang)
    return p["case_line"].format(
        case_number=explanation.case_number or "-",
        decision_date=format_date(explanation.decision_date, explanation.lang)
        if explanation.decision_date
        else p["no_date"],
    )


def to_markdown(explanation: Explanation) -> str:
    p = phrases(explanation.lang)
    out = [f"# {p['title']}", ""]
    line = case_line(explanation)
    if line:
        out += [line, ""]
    out += [f"**{explanation.headline}**", "", p["intro"], "", f"## {p['heading_items']}", ""]
    for number, item in enumerate(explanation.items, 1):
        out += [
            f"### {number}. {item.request}",
            "",
            f"**{p['label_outcome']}:** {item.outcome}",
            "",
        ]
        out += [*item.context, ""] if item.context else []
        out += [f"**{p['why']}**", ""] + [f"- {reason}" for reason in item.reasons] + [""]
        out += [f"> {p['quote'].format(quote=q)}" for q in item.quotes]
        out += [""] if item.quotes else []
        out += [f"**{p['label_todo']}:** {item.what_you_can_do}", ""]
    out += [f"## {p['heading_next']}", ""] + [f"- {step}" for step in explanation.next_steps]
    if explanation.deadlines:
        out += ["", f"## {p['heading_deadlines']}", ""]
        out += [f"- {what}: **{when}**" for what, when in _deadline_lines(explanation)]
    out += ["", f"## {p['heading_help']}", ""] + [f"- {line}" for line in explanation.help]
    if explanation.glossary:
        out += ["", f"## {p['heading_glossary']}", ""]
        out += [f"- **{g.term}**: {g.meaning}" for g in explanation.glossary]
    out += ["", f"_{explanation.notice}_", ""]
    return "\n".join(out)


def _title(item: ItemExplanation, p: dict[str, str]) -> str:
    if item.original_request:
        return f"{item.request} ({p['part_of']}: {item.original_request})"
    return item.request


def _wrap(text: str, indent: str = "", hang: str = "") -> list[str]:
    return textwrap.wrap(
        text, width=88, initial_indent=indent, subsequent_indent=indent + hang
    ) or [""]


def to_text(explanation: Explanation) -> str:
    p = phrases(explanation.lang)
    out = [p["title"].upper()]
    line = case_line(explanation)
    if line:
        out.append(line)
    out += ["", *_wrap(explanation.headline), *_wrap(p["intro"]), "", p["heading_items"].upper()]
    for number, item in enumerate(explanation.items, 1):
        out += ["", *_wrap(f"{number}. {_title(item, p)}")]
        out += _wrap(f"{p['label_outcome']}: {item.outcome}", "   ")
        for line in item.context:
            out += _wrap(line, "   ")
        out.append(f"   {p['why']}")
        for reason in item.reasons:
            out += _wrap(f"- {reason}", "     ", "  ")
        for quote in item.quotes:
            out += _wrap(p["quote"].format(quote=quote), "       ")
        out += _wrap(f"{p['label_todo']}: {item.what_you_can_do}", "   ")
    out += ["", p["heading_next"].upper()]
    for step in explanation.next_steps:
        out += _wrap(f"- {step}", "  ", "  ")
    if explanation.deadlines:
        out += ["", p["heading_deadlines"].upper()]
        for what, when in _deadline_lines(explanation):
            out += _wrap(f"- {what}: {when}", "  ", "  ")
    out += ["", p["heading_help"].upper()]
    for line in explanation.help:
        out += _wrap(f"- {line}", "  ", "  ")
    if explanation.glossary:
        out += ["", p["heading_glossary"].upper()]
        for entry in explanation.glossary:
            out += _wrap(f"- {entry.term}: {entry.meaning}", "  ", "  ")
    out += ["", *_wrap(explanation.notice), ""]
    return "\n".join(out)
