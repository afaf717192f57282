"""`imr-llm stats`: counts and uphold/overturn rates over a JSON Lines file of Determinations.

read_results() streams the file (from `imr-llm extract` or `imr-llm batch`) and notes the lines
it skips; compute() tallies the determinations into a typed Summary; render_table(),
render_markdown() and render_html() show it. matplotlib is imported only by render_html().
"""

from __future__ import annotations

import codecs
import html
import re
import textwrap
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from imr_llm import __version__
from imr_llm.citations import distinct_sources
from imr_llm.duplicates import LetterKey, is_synthetic, letter_key
from imr_llm.errors import ImrError, InputError, UsageError
from imr_llm.schema import Citation, Determination, Treatment
from imr_llm.specialties import canonical_specialties
from imr_llm.templates import render_page

if TYPE_CHECKING:
    from markupsafe import Markup
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from rich.console import Console
    from rich.table import Table

HOW_TO_MAKE = "make one with `imr-llm extract a.txt b.txt > results.jsonl`"
WHOLE_FILE_LIMIT = 20 * 1024 * 1024  # a pretty-printed single Determination is far smaller
UPHELD_COLOUR = "#1f4e79"  # dark blue: 8.6:1 against white text
OVERTURNED_COLOUR = "#a84300"  # dark orange: 5.6:1 against white text
INK = "#1a1a1a"


# --- the summary --------------------------------------------------------------------------------


class _Rates:
    """Uphold and overturn rates of a dataclass with `items`, `upheld` and `overturned`."""

    items: int
    upheld: int
    overturned: int

    @property
    def uphold_rate(self) -> float | None:
        return self.upheld / self.items if self.items else None

    @property
    def overturn_rate(self) -> float | None:
        return self.overturned / self.items if self.items else None


@dataclass(frozen=True)
class Row(_Rates):
    """One line of a breakdown: how many items fall under `label` and how they were decided."""

    label: str
    letters: int
    items: int
    upheld: int
    overturned: int


@dataclass(frozen=True)
class Breakdown:
    key: str
    title: str
    column: str
    note: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class InputReport:
    """What the reader saw: the lines it skipped and an unfinished last line."""

    path: str
    skipped: int = 0
    first_skipped: int | None = None
    partial_line: int | None = None


@dataclass(frozen=True)
class Summary(_Rates):
    letters: int
    items: int
    upheld: int
    overturned: int
    letters_without_items: int
    formats: tuple[tuple[str, int], ...]
    breakdowns: tuple[Breakdown, ...]
    source: InputReport = field(default_factory=lambda: InputReport(path="-"))
    duplicates: int = 0
    """Letters left out: the same case (number and decisions) as a letter already counted."""
    synthetic: int = 0
    """Letters left out: synthetic letters the team wrote (file name SYN-*)."""


# --- reading the file ---------------------------------------------------------------------------


@dataclass
class _LineLog:
    skipped: int = 0
    first_skipped: int | None = None
    partial_line: int | None = None

    def skip(self, number: int) -> None:
        self.skipped += 1
        if self.first_skipped is None:
            self.first_skipped = number


def _parse(line: bytes) -> Determination | None:
    try:
        return Determination.model_validate_json(line.removeprefix(codecs.BOM_UTF8))
    except ValidationError:
        return None


def _open_checked(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file; {HOW_TO_MAKE}")
    if path.is_dir():
        raise InputError(f"{path} is a directory; give the JSON Lines file itself")
    if path.stat().st_size == 0:
        raise InputError(f"{path} is empty: no determinations to count; {HOW_TO_MAKE}")


def _stream(path: Path, log: _LineLog) -> Iterator[Determination]:
    """Yield each line's Determination; note skipped lines and an unfinished last line."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            determination = _parse(line)
            if determination is not None:
                yield determination
            elif not line.endswith(b"\n"):
                log.partial_line = number  # `imr-llm batch` is still writing this one
            else:
                log.skip(number)


def _whole_file(path: Path) -> Determination | None:
    """`imr-llm extract` of one letter prints one indented Determination over many lines."""
    if path.stat().st_size > WHOLE_FILE_LIMIT:
        return None
    return _parse(path.read_bytes())


def read_results(path: Path) -> Summary:
    """Stream `path` into a Summary. Raises InputError when it holds no Determination at all."""
    try:
        _open_checked(path)
        log = _LineLog()
        summary = compute(_stream(path, log))
        if summary.letters + summary.duplicates + summary.synthetic == 0:
            single = _whole_file(path)
            if single is not None:
                log = _LineLog()
                summary = compute([single])
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}; check the path") from None
    report = InputReport(
        path=str(path),
        skipped=log.skipped,
        first_skipped=log.first_skipped,
        partial_line=log.partial_line,
    )
    if summary.letters + summary.duplicates + summary.synthetic == 0:
        raise InputError(f"{path} holds no Determination JSON: {_skip_text(report)}; {HOW_TO_MAKE}")
    return replace(summary, source=report)


def _skip_text(report: InputReport) -> str:
    parts = []
    if report.skipped:
        parts.append(
            f"skipped {report.skipped} line{'s' if report.skipped != 1 else ''} that "
            f"{'are' if report.skipped != 1 else 'is'} not Determination JSON "
            f"(first: line {report.first_skipped})"
        )
    if report.partial_line is not None:
        parts.append(f"ignored unfinished last line {report.partial_line}")
    return "; ".join(parts) or "no lines with text"


def skipped_message(report: InputReport) -> str | None:
    """One line for stderr about skipped lines, or None when nothing was skipped."""
    if not report.skipped and report.partial_line is None:
        return None
    note = "" if report.partial_line is None else " (is the file still being written?)"
    return f"imr-llm: stats: {report.path}: {_skip_text(report)}{note}"


# --- counting -----------------------------------------------------------------------------------

Keys = Callable[[Determination, Treatment], list[str]]


def _category(_: Determination, item: Treatment) -> list[str]:
    return [item.category]


def _sources(citations: list[Citation]) -> list[str]:
    return list(distinct_sources(citations)) or ["none cited"]


def _reviewer_sources(_: Determination, item: Treatment) -> list[str]:
    return _sources(item.reviewer_guidelines)


def _claims_sources(_: Determination, item: Treatment) -> list[str]:
    return _sources(item.claims_administrator_guidelines)


def _specialties(letter: Determination, _: Treatment) -> list[str]:
    # Canonical again: results written before specialties were normalised merge too.
    return canonical_specialties(letter.reviewer.specialties) or ["unknown"]


def _year(letter: Determination, _: Treatment) -> list[str]:
    decided = letter.case.decision_date
    return [str(decided.year) if decided else "unknown"]


@dataclass(frozen=True)
class _Spec:
    key: str
    title: str
    column: str
    note: str
    keys: Keys
    chronological: bool = False


SPECS: tuple[_Spec, ...] = (
    _Spec(
        "category",
        "Decisions by treatment category",
        "Treatment category",
        "Each disputed item counts once, under its category.",
        _category,
    ),
    _Spec(
        "reviewer_source",
        "Decisions by guideline source (reviewer)",
        "Guideline source",
        "Each item counts once under every distinct source the reviewer cited for it, so the "
        "rows add up to more than the items; 'none cited' when the reviewer cited none.",
        _reviewer_sources,
    ),
    _Spec(
        "claims_source",
        "Decisions by guideline source (claims administrator)",
        "Guideline source",
        "Each item counts once under every distinct source the claims administrator cited for "
        "it, so the rows add up to more than the items; 'none cited' when none was cited.",
        _claims_sources,
    ),
    _Spec(
        "specialty",
        "Decisions by reviewer specialty",
        "Reviewer specialty",
        "Each specialty of the letter's reviewer counts the letter's items once; 'unknown' when "
        "the letter names no specialty.",
        _specialties,
    ),
    _Spec(
        "year",
        "Decisions by year of decision",
        "Year of decision",
        "The year of the letter's decision date; 'unknown' when the letter has no decision date.",
        _year,
        chronological=True,
    ),
)

_PLACEHOLDERS = frozenset({"unknown", "none cited"})


@dataclass
class _Counts:
    letters: set[int] = field(default_factory=set)
    items: int = 0
    upheld: int = 0

    def add(self, letter: int, item: Treatment) -> None:
        self.letters.add(letter)
        self.items += 1
        self.upheld += item.decision == "upheld"

    def row(self, label: str) -> Row:
        return Row(label, len(self.letters), self.items, self.upheld, self.items - self.upheld)


def _order(rows: Iterable[Row], chronological: bool) -> tuple[Row, ...]:
    def key(row: Row) -> tuple[bool, int, str]:
        rank = 0 if chronological else -row.items
        return (row.label in _PLACEHOLDERS, rank, row.label)

    return tuple(sorted(rows, key=key))


@dataclass
class _Tally:
    letters: int = 0
    empty: int = 0
    duplicates: int = 0
    synthetic: int = 0
    seen: set[LetterKey] = field(default_factory=set)
    formats: dict[str, int] = field(default_factory=dict)
    total: _Counts = field(default_factory=_Counts)
    tables: dict[str, dict[str, _Counts]] = field(
        default_factory=lambda: {spec.key: {} for spec in SPECS}
    )

    def add(self, letter: Determination) -> None:
        """Count a letter once per case: a synthetic letter or a repeat of a counted case is
        only noted."""
        if is_synthetic(letter):
            self.synthetic += 1
            return
        key = letter_key(letter)
        if key is not None and key in self.seen:
            self.duplicates += 1
            return
        if key is not None:
            self.seen.add(key)
        index = self.letters
        self.letters += 1
        self.empty += not letter.treatments
        self.formats[letter.source.format] = self.formats.get(letter.source.format, 0) + 1
        for item in letter.treatments:
            self.total.add(index, item)
            for spec in SPECS:
                table = self.tables[spec.key]
                for label in spec.keys(letter, item):
                    table.setdefault(label, _Counts()).add(index, item)

    def summary(self) -> Summary:
        breakdowns = tuple(
            Breakdown(
                key=spec.key,
                title=spec.title,
                column=spec.column,
                note=spec.note,
                rows=_order(
                    (c.row(label) for label, c in self.tables[spec.key].items()),
                    spec.chronological,
                ),
            )
            for spec in SPECS
        )
        formats = tuple(sorted(self.formats.items(), key=lambda kv: (-kv[1], kv[0])))
        return Summary(
            letters=self.letters,
            items=self.total.items,
            upheld=self.total.upheld,
            overturned=self.total.items - self.total.upheld,
            letters_without_items=self.empty,
            formats=formats,
            breakdowns=breakdowns,
            duplicates=self.duplicates,
            synthetic=self.synthetic,
        )


def compute(determinations: Iterable[Determination]) -> Summary:
    """Tally determinations (consumed once, so a stream of any length fits in memory)."""
    tally = _Tally()
    for letter in determinations:
        tally.add(letter)
    return tally.summary()


# --- shared text --------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f}%"


ROW_HEADERS = ("letters", "items", "upheld", "overturned", "uphold rate", "overturn rate")


def row_cells(row: Row) -> tuple[str, ...]:
    return (
        str(row.letters),
        str(row.items),
        str(row.upheld),
        str(row.overturned),
        pct(row.uphold_rate),
        pct(row.overturn_rate),
    )


def overall_rows(summary: Summary) -> list[tuple[str, str]]:
    formats = ", ".join(f"{name} {count}" for name, count in summary.formats) or "-"
    rows = [
        ("letters", str(summary.letters)),
        ("letters without items", str(summary.letters_without_items)),
        ("items", str(summary.items)),
        ("upheld", str(summary.upheld)),
        ("overturned", str(summary.overturned)),
        ("uphold rate", pct(summary.uphold_rate)),
        ("overturn rate", pct(summary.overturn_rate)),
        ("formats", formats),
    ]
    if summary.source.skipped or summary.source.partial_line is not None:
        rows.append(("input lines skipped", _skip_text(summary.source)))
    rows.append(("left out: duplicates", str(summary.duplicates)))
    rows.append(("left out: synthetic letters", str(summary.synthetic)))
    return rows


def left_out_message(summary: Summary) -> str | None:
    """One line for stderr about the letters not counted, or None when none was left out."""
    if not summary.duplicates and not summary.synthetic:
        return None
    return (
        f"imr-llm: stats: counted {summary.letters} cases; left out {summary.duplicates} "
        f"duplicate letter(s) (same case number and decisions as one counted) and "
        f"{summary.synthetic} synthetic letter(s) (SYN-*)"
    )


# --- console ------------------------------------------------------------------------------------


# Two-line headers keep a breakdown within an 80-column terminal.
_HEADER_LINES = {
    "overturned": "over-\nturned",
    "uphold rate": "uphold\nrate",
    "overturn rate": "overturn\nrate",
}


def _rich_table(breakdown: Breakdown) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=breakdown.title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        padding=(0, 1),
        collapse_padding=True,
    )
    widest = max((len(row.label) for row in breakdown.rows), default=10)
    table.add_column(breakdown.column, min_width=min(widest, 24))
    for header in ROW_HEADERS:
        table.add_column(_HEADER_LINES.get(header, header), justify="right")
    for row in breakdown.rows:
        table.add_row(row.label, *row_cells(row))
    return table


def render_table(summary: Summary, console: Console | None = None) -> None:
    """Print the overall totals and every breakdown as rich tables."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    out = console or Console()
    overall = Table(
        title=f"imr-llm stats: {summary.source.path}", title_justify="left", box=box.SIMPLE_HEAD
    )
    overall.add_column("overall")
    overall.add_column("value", justify="right")
    for name, value in overall_rows(summary):
        overall.add_row(name, value)
    out.print(overall)
    for breakdown in summary.breakdowns:
        out.print(_rich_table(breakdown))


# --- Markdown -----------------------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(summary: Summary) -> str:
    lines = [f"# imr-llm stats: {_md_cell(summary.source.path)}", "", "| overall | value |"]
    lines.append("| --- | ---: |")
    lines += [f"| {name} | {_md_cell(value)} |" for name, value in overall_rows(summary)]
    for breakdown in summary.breakdowns:
        lines += ["", f"## {breakdown.title}", "", breakdown.note, ""]
        lines.append(f"| {breakdown.column} | {' | '.join(ROW_HEADERS)} |")
        lines.append("| --- |" + " ---: |" * len(ROW_HEADERS))
        lines += [
            f"| {_md_cell(row.label)} | {' | '.join(row_cells(row))} |" for row in breakdown.rows
        ]
    return "\n".join(lines) + "\n"


# --- HTML ---------------------------------------------------------------------------------------


def _bar_labels(values: list[int], widest: int) -> list[str]:
    """Counts inside the segments wide enough to hold them; the table has every number."""
    return [str(v) if v and v >= widest * 0.03 * (len(str(v)) + 1) else "" for v in values]


def _draw_bars(axes: Axes, rows: tuple[Row, ...]) -> Sequence[Text]:
    """Stacked horizontal bars, counts inside the segments and the total after each bar."""
    positions = list(range(len(rows)))
    upheld = [row.upheld for row in rows]
    overturned = [row.overturned for row in rows]
    kept = axes.barh(
        positions,
        upheld,
        color=UPHELD_COLOUR,
        label="Upheld (denial stands)",
        edgecolor="white",
        linewidth=0.8,
    )
    turned = axes.barh(
        positions,
        overturned,
        left=upheld,
        color=OVERTURNED_COLOUR,
        label="Overturned (care approved)",
        edgecolor="white",  # a visible seam between the two colours
        linewidth=0.8,
    )
    widest = max((row.items for row in rows), default=1) or 1
    axes.bar_label(kept, labels=_bar_labels(upheld, widest), label_type="center", color="white")
    axes.bar_label(
        turned, labels=_bar_labels(overturned, widest), label_type="center", color="white"
    )
    totals = [f"{row.items} ({row.overturned / row.items:.0%})" for row in rows]
    ends = axes.bar_label(turned, labels=totals, padding=4, color=INK)
    axes.set_yticks(positions, labels=[textwrap.fill(row.label, 24) for row in rows])
    axes.invert_yaxis()
    axes.set_xlim(0, widest * 1.1)
    return ends


def _make_room(figure: Figure, axes: Axes, ends: Sequence[Text], rows: tuple[Row, ...]) -> None:
    """Widen the x range until the total after every bar fits inside the axes."""
    figure.draw_without_rendering()
    box = axes.get_window_extent()
    limit = axes.get_xlim()[1]
    for text, row in zip(ends, rows, strict=True):
        room = box.width - (text.get_window_extent().width + 8)  # label and its padding
        if room > 0:
            limit = max(limit, row.items * box.width / room)
    axes.set_xlim(0, limit * 1.03)


def _chart_svg(breakdown: Breakdown, chart_id: str) -> str:
    """One horizontal stacked bar chart (upheld + overturned per row) as an inline <svg>."""
    import io

    try:
        import matplotlib
    except ModuleNotFoundError:
        raise UsageError("--html needs matplotlib: pip install 'imr-llm[charts]'") from None
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    with matplotlib.rc_context(
        {
            "svg.fonttype": "none",  # keep text as <text>: searchable, selectable, small
            "svg.hashsalt": "imr-llm-stats",  # the same page for the same data
            "font.family": "sans-serif",
            "font.size": 12,
            "text.color": INK,
            "axes.labelcolor": INK,
            "xtick.color": INK,
            "ytick.color": INK,
        }
    ):
        height = 1.5 + 0.42 * max(len(breakdown.rows), 1)
        figure = Figure(figsize=(6.6, height), layout="constrained")
        axes = figure.subplots()
        ends = _draw_bars(axes, breakdown.rows)
        figure.suptitle(breakdown.title, x=0.01, ha="left", fontweight="bold", fontsize=13)
        axes.set_xlabel("Disputed items (count)\nafter each bar: items (% overturned)")
        axes.set_ylabel(breakdown.column)
        axes.spines[["top", "right"]].set_visible(False)
        figure.legend(loc="outside lower center", ncols=2, frameon=False)
        _make_room(figure, axes, ends, breakdown.rows)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=_NO_METADATA)
    return _inline_svg(buffer.getvalue(), chart_id, breakdown)


_NO_METADATA: dict[str, str | None] = {
    "Creator": None,
    "Date": None,
    "Format": None,
    "Type": None,
}


def _inline_svg(svg: str, chart_id: str, breakdown: Breakdown) -> str:
    """Strip the XML prolog, give every id a per-chart prefix, add a <title> and <desc>."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r'\bid="', f'id="{chart_id}-', svg)
    svg = svg.replace("url(#", f"url(#{chart_id}-").replace('href="#', f'href="#{chart_id}-')
    svg = re.sub(r'\s(?:width|height)="[\d.]+pt"', "", svg, count=2)
    title, desc = f"{chart_id}-title", f"{chart_id}-desc"
    described = "; ".join(
        f"{row.label}: {row.upheld} upheld, {row.overturned} overturned" for row in breakdown.rows
    )
    end = svg.index(">")
    return (
        f'{svg[:end]} role="img" aria-labelledby="{title} {desc}">'
        f'<title id="{title}">{html.escape(breakdown.title)}</title>'
        f'<desc id="{desc}">{html.escape(described)}</desc>{svg[end + 1 :]}'
    )


def _breakable(label: str) -> Markup:
    """Let "chiropractic/acupuncture" wrap after the slash in a narrow table."""
    from markupsafe import Markup, escape

    return Markup("/<wbr>").join(escape(label).split("/"))


def render_html(summary: Summary) -> str:
    """One self-contained page: an inline SVG chart and its data table per breakdown."""
    from markupsafe import Markup

    parts = [
        {
            "id": f"chart-{breakdown.key}",
            "breakdown": breakdown,
            "svg": Markup(_chart_svg(breakdown, f"chart-{breakdown.key}")),
        }
        for breakdown in summary.breakdowns
    ]
    return render_page(
        "imr_llm",
        "stats.html.j2",
        path=summary.source.path,
        summary=summary,
        overall=overall_rows(summary),
        parts=parts,
        headers=ROW_HEADERS,
        cells=row_cells,
        breakable=_breakable,
        version=__version__,
    )


def write_text(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise ImrError(f"cannot write {path}: {exc.strerror}; check the path") from None
