"""Charts drawn into the report as inline SVG (matplotlib), with their text as real text.

Labels are SVG <text> in fonts every machine has (no font to fetch), so screen readers, search
and copying read them; each chart is an image named by its <title> and described in words by
its <desc>, written from the chart's own cells. Only disclosure-controlled values are drawn: a
suppressed value is a gap in a line or a missing bar marked with the symbol, never an estimate.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape, quoteattr

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from pipelines.reports.disclosure import Cell  # noqa: E402
from pipelines.reports.model import Chart  # noqa: E402

# A colour-blind-safe palette (Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
plt.rcParams.update(
    {
        "svg.fonttype": "none",  # text as <text>, not outlines
        # Matplotlib lays the text out in DejaVu Sans (shipped with it); browsers without it
        # fall back to the report's own stack, all narrower, so no label outgrows its place.
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans", "Segoe UI", "Arial", "Helvetica"],
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "svg.hashsalt": "send-report",  # the same figures always give the same file
    }
)


def _svg(figure, chart: Chart) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    text = text[text.index("<svg") :]  # drop the XML prologue and DOCTYPE for inline use
    # An image named by its title and described by its desc (ids unique in the page)
    title, desc = f"{chart.key}-title", f"{chart.key}-desc"
    opening = text.index(">") + 1
    return (
        text[: opening - 1]
        + f' role="img" aria-labelledby="{title} {desc}">'
        + f"\n <title id={quoteattr(title)}>{escape(chart.title)}</title>"
        + f"\n <desc id={quoteattr(desc)}>{escape(describe(chart))}</desc>"
        + text[opening:]
    )


def render(chart: Chart) -> str:
    """The chart as an <svg> element."""
    if chart.kind == "line":
        return _line(chart)
    return _bar(chart)


def _said(cell: Cell, unit: str) -> str:
    """A published cell in words: its text with the unit, or why it has no figure."""
    if cell.suppressed:
        return f"{cell.text} (hidden to protect children's privacy)"
    if cell.value is None:
        return "no figure"
    if not unit or unit == "%" or cell.text.endswith(unit):
        return cell.text
    return f"{cell.text} {unit}"


def _names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def reference_lines(chart: Chart) -> str:
    """The chart's reference lines in words ("" when it has none)."""
    percent = "%" if chart.unit == "%" else ""
    lines = [
        f"{name} at {_said(Cell(level, f'{level:g}{percent}'), chart.unit)}"
        for name, level in chart.reference.items()
    ]
    return f"Reference lines: {_names(lines)}." if lines else ""


def describe(chart: Chart) -> str:
    """What the chart shows in one or two sentences, from its published cells only."""
    names = list(chart.series)
    references = f" {reference_lines(chart)}" if chart.reference else ""
    if chart.kind == "line":
        latest = chart.categories[-1]
        values = "; ".join(
            f"{name} {_said(cells[-1], chart.unit)}" for name, cells in chart.series.items()
        )
        return (
            f"Line chart of {_names(names)}, {chart.categories[0]} to {latest}. "
            f"In {latest}: {values}.{references}"
        )
    largest = []
    for name, cells in chart.series.items():
        published = [(c.value, i) for i, c in enumerate(cells) if c.value]
        if published:
            _, i = max(published)
            who = f" for {name}" if len(names) > 1 else ""
            largest.append(f"{chart.categories[i]} ({_said(cells[i], chart.unit)}){who}")
    split = f", split by {_names(names)}" if len(names) > 1 else f": {names[0].lower()}"
    return (
        f"Bar chart, one bar per {chart.category_name.lower()}{split}. "
        f"Largest: {'; '.join(largest) or 'none published'}.{references}"
    )


def _line(chart: Chart) -> str:
    figure, axes = plt.subplots(figsize=(7.2, 3.0))
    positions = list(range(len(chart.categories)))
    for colour, (name, cells) in zip(PALETTE, chart.series.items(), strict=False):
        values = [c.value if c.value is not None else float("nan") for c in cells]
        axes.plot(
            positions, values, marker="o", markersize=2.5, linewidth=1.6, color=colour, label=name
        )
    for style, (name, level) in zip(("--", ":", "-."), chart.reference.items(), strict=False):
        axes.axhline(level, linestyle=style, linewidth=1.2, color="#555555", label=name)
    step = -(-len(positions) // 8)  # at most 8 month labels: wider, they would overlap
    axes.set_xticks(positions[::step], chart.categories[::step])
    if chart.unit:
        axes.set_ylabel(chart.unit)
    axes.set_ylim(bottom=0)
    axes.grid(axis="y", linewidth=0.4, alpha=0.6)
    axes.legend(
        frameon=False,
        fontsize=8,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=min(4, len(chart.series) + len(chart.reference)),
    )
    return _svg(figure, chart)


def _bar(chart: Chart) -> str:
    categories = chart.categories
    height = max(2.2, 0.42 * len(categories) + 0.8)
    figure, axes = plt.subplots(figsize=(7.2, height))
    positions = list(range(len(categories)))
    series = list(chart.series.items())
    lefts = [0.0] * len(categories)
    for colour, (name, cells) in zip(PALETTE, series, strict=False):
        values = [c.value or 0.0 for c in cells]
        axes.barh(positions, values, left=lefts, color=colour, label=name, height=0.6)
        for i, cell in enumerate(cells):
            if cell.suppressed:
                axes.annotate(
                    cell.text, (lefts[i], i), xytext=(3, -3), textcoords="offset points", fontsize=8
                )
        lefts = [left + value for left, value in zip(lefts, values, strict=True)]
    for style, (name, level) in zip(("--", ":", "-."), chart.reference.items(), strict=False):
        axes.axvline(level, linestyle=style, linewidth=1.2, color="#555555", label=name)
    axes.set_yticks(positions, categories)
    axes.invert_yaxis()
    if chart.unit:
        axes.set_xlabel(chart.unit)
    axes.grid(axis="x", linewidth=0.4, alpha=0.6)
    if len(series) > 1 or chart.reference:
        axes.legend(
            frameon=False,
            fontsize=8,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12 - 0.9 / height),
            ncol=4,
        )
    return _svg(figure, chart)
