"""Render an Explanation as plain text (terminal) or Markdown."""

from __future__ import annotations

import textwrap

from imr_llm.explain.phrases import phrases
from imr_llm.explain.writer import (
    format_date,
    own_quotes,
    quote_lines,
    same_reasons_line,
    shown_todo,
)
from imr_llm.schema import Explanation, ItemExplanation


def _deadline_lines(explanation: Explanation) -> list[tuple[str, str]]:
    """The deadlines not already said, with their dates, elsewhere in the explanation."""
    p = phrases(explanation.lang)
    said = " ".join(
        [*explanation.next_steps, *explanation.appeal_checklist, *explanation.alerts]
        + [item.what_you_can_do for item in explanation.items]
    )
    lines = [
        (
            p[f"deadline_{d.what.replace('-', '_')}"],
            format_date(d.date, explanation.lang) if d.date else p["no_date"],
        )
        for d in explanation.deadlines
    ]
    return [(what, when) for what, when in lines if when not in said]


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


def item_groups(explanation: Explanation) -> list[tuple[int, ItemExplanation, list[int]]]:
    """(number, item, numbers of the items grouped under it) for each item shown as a card:
    an item that goes with a denied main item is listed inside that item's card."""
    children: dict[int, list[int]] = {}
    for number, item in enumerate(explanation.items, 1):
        if item.goes_with:
            children.setdefault(item.goes_with, []).append(number)
    return [
        (number, item, children.get(number, []))
        for number, item in enumerate(explanation.items, 1)
        if not item.goes_with or item.goes_with not in range(1, len(explanation.items) + 1)
    ]


def _badge(item: ItemExplanation, p: dict[str, str]) -> str:
    return p[f"badge_{item.decision}"]


def _item_lines(explanation: Explanation, item: ItemExplanation) -> list[tuple[str, str]]:
    """The item's parts as (kind, text): kind is 'line', 'why', 'reason', 'quote' or 'todo'.
    An item with the same reasons and next step as an earlier one refers to it instead."""
    lang = explanation.lang
    p = phrases(lang)
    out = [("line", f"{p['label_outcome']}: {item.outcome}")]
    out += [("line", line) for line in [*item.safety, *item.context]]
    if item.same_reasons_as:
        out.append(("line", same_reasons_line(explanation.items, item, lang)))
        shown = own_quotes(explanation.items, item)
        out += [("quote", line) for line in quote_lines(shown, lang)]
    else:
        out.append(("why", p["why"]))
        out += [("reason", reason) for reason in item.reasons]
        out += [("quote", line) for line in quote_lines(item, lang)]
    out += [("line", line) for line in item.conditions]
    todo = shown_todo(explanation, item)
    if todo:
        out.append(("todo", f"{p['label_todo']}: {todo}"))
    return out


def _child_line(number: int, item: ItemExplanation, p: dict[str, str]) -> str:
    return (
        f'{number}. {item.plain_request} ({_badge(item, p)}). {p["letter_words"]}: "{item.request}"'
    )


def to_markdown(explanation: Explanation) -> str:
    p = phrases(explanation.lang)
    out = [f"# {p['title']}", ""]
    line = case_line(explanation)
    if line:
        out += [line, ""]
    out += [f"**{explanation.headline}**", ""]
    out += [f"> **{alert}**" for alert in explanation.alerts]
    out += [""] if explanation.alerts else []
    out += [p["intro"], "", f"## {p['heading_items']}", ""]
    for number, item, children in item_groups(explanation):
        out += [f"### {number}. {item.plain_request or item.request}", ""]
        if not item.original_request:
            out += [f'_{p["letter_words"]}: "{item.request}"_', ""]
        for kind, text in _item_lines(explanation, item):
            if kind == "reason":
                out.append(f"- {text}")
            elif kind == "quote":
                out += [f"> {text}", ""]
            elif kind == "why":
                out += [f"**{text}**", ""]
            else:
                out += [text, ""]
        if children:
            out += ["", p["grouped"].format(number=number), ""]
            out += [f"- {_child_line(n, explanation.items[n - 1], p)}" for n in children]
        out.append("")
    out += [f"## {p['heading_next']}", ""] + [f"- {step}" for step in explanation.next_steps]
    if explanation.appeal_checklist:
        out += ["", f"**{p['checklist_intro']}**", ""]
        out += [f"- [ ] {line}" for line in explanation.appeal_checklist]
    if _deadline_lines(explanation):
        out += ["", f"## {p['heading_deadlines']}", ""]
        out += [f"- {what}: **{when}**" for what, when in _deadline_lines(explanation)]
    out += ["", f"## {p['heading_help']}", ""] + [f"- {line}" for line in explanation.help]
    if explanation.glossary:
        out += ["", f"## {p['heading_glossary']}", ""]
        out += [f"- **{g.term}**: {g.meaning}" for g in explanation.glossary]
    out += ["", f"_{explanation.notice}_", ""]
    return "\n".join(out)


def _wrap(text: str, indent: str = "", hang: str = "", width: int | None = 88) -> list[str]:
    if width is None:
        return [indent + text]
    return textwrap.wrap(
        text, width=width, initial_indent=indent, subsequent_indent=indent + hang
    ) or [""]


def to_text(explanation: Explanation, width: int | None = 88) -> str:
    """The explanation for a terminal, wrapped at `width` (None: one line per paragraph)."""
    p = phrases(explanation.lang)

    def wrap(text: str, indent: str = "", hang: str = "") -> list[str]:
        return _wrap(text, indent, hang, width)

    out = [p["title"].upper()]
    line = case_line(explanation)
    if line:
        out.append(line)
    out += ["", *wrap(explanation.headline)]
    for alert in explanation.alerts:
        out += wrap(f"! {alert}", "", "  ")
    out += [*wrap(p["intro"]), "", p["heading_items"].upper()]
    for number, item, children in item_groups(explanation):
        out += ["", *wrap(f"{number}. {item.plain_request or item.request}")]
        if not item.original_request:  # else the context names the request
            out += wrap(f'{p["letter_words"]}: "{item.request}"', "   ")
        for kind, text in _item_lines(explanation, item):
            if kind == "reason":
                out += wrap(f"- {text}", "     ", "  ")
            elif kind == "quote":
                out += wrap(text, "       ")
            else:
                out += wrap(text, "   ")
        if children:
            out += wrap(p["grouped"].format(number=number), "   ")
            for n in children:
                out += wrap(f"- {_child_line(n, explanation.items[n - 1], p)}", "     ", "  ")
    out += ["", p["heading_next"].upper()]
    for step in explanation.next_steps:
        out += wrap(f"- {step}", "  ", "  ")
    if explanation.appeal_checklist:
        out += wrap(p["checklist_intro"], "  ")
        for item_line in explanation.appeal_checklist:
            out += wrap(f"[ ] {item_line}", "    ", "    ")
    if _deadline_lines(explanation):
        out += ["", p["heading_deadlines"].upper()]
        for what, when in _deadline_lines(explanation):
            out += wrap(f"- {what}: {when}", "  ", "  ")
    out += ["", p["heading_help"].upper()]
    for line in explanation.help:
        out += wrap(f"- {line}", "  ", "  ")
    if explanation.glossary:
        out += ["", p["heading_glossary"].upper()]
        for entry in explanation.glossary:
            out += wrap(f"- {entry.term}: {entry.meaning}", "  ", "  ")
    out += ["", *wrap(explanation.notice), ""]
    return "\n".join(out)
