"""The claimant page: one self-contained, printable, accessible HTML explanation.

Inline CSS, no scripts, no fonts or images to fetch: it opens offline, prints (a print
stylesheet keeps a letter of up to 3 items on 2 pages), and reads at 200% zoom and on a 360 px
screen. Status badges carry words, not only colour; colours meet WCAG AA contrast.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from imr_llm.explain.facts import HELP_LINE
from imr_llm.explain.phrases import phrases
from imr_llm.explain.render import case_line, item_groups
from imr_llm.explain.writer import format_date, own_quotes, same_reasons_line, shown_todo
from imr_llm.schema import Explanation, ItemExplanation
from imr_llm.templates import render_page

_DEADLINES = {"appeal", "authorization", "payment"}


@dataclass(frozen=True)
class _TimelineEntry:
    iso: str
    text: str
    label: str
    deadline: bool


def _help_line(line: str, call: str) -> Markup:
    """The help sentence with the phone number as a tap-to-call link."""
    number = HELP_LINE.value
    if number not in line:
        return Markup(escape(line))
    before, after = line.split(number, 1)
    link = Markup('<a href="tel:+1{digits}" aria-label="{label}">{number}</a>').format(
        digits=number.replace("-", "")[1:], label=f"{call} {number}", number=number
    )
    return escape(before) + link + escape(after)


@dataclass(frozen=True)
class _Child:
    number: int
    item: ItemExplanation


@dataclass(frozen=True)
class _Card:
    number: int
    item: ItemExplanation
    same_as: str
    todo: str
    grouped: str
    children: list[_Child]
    own: ItemExplanation
    """The item with only the quotes the item it has the same reasons as does not show."""


def _cards(explanation: Explanation, p: dict[str, str]) -> list[_Card]:
    """One card per item, except items that go with a denied main item: listed in its card."""
    cards = []
    for number, item, children in item_groups(explanation):
        cards.append(
            _Card(
                number=number,
                item=item,
                same_as=same_reasons_line(explanation.items, item, explanation.lang),
                todo=shown_todo(explanation, item),
                grouped=p["grouped"].format(number=number),
                children=[_Child(n, explanation.items[n - 1]) for n in children],
                own=own_quotes(explanation.items, item),
            )
        )
    return cards


def to_html(explanation: Explanation) -> str:
    p = phrases(explanation.lang)
    timeline = [
        _TimelineEntry(
            iso=entry.date.isoformat(),
            text=format_date(entry.date, explanation.lang),
            label=p[f"timeline_{entry.what.replace('-', '_')}"],
            deadline=entry.what in _DEADLINES,
        )
        for entry in explanation.timeline
        if entry.date is not None
    ]
    return render_page(
        "imr_llm.explain",
        "page.html.j2",
        e=explanation,
        p=p,
        case_line=case_line(explanation),
        cards=_cards(explanation, p),
        timeline=timeline,
        help_lines=[_help_line(line, p["call"]) for line in explanation.help],
    )
