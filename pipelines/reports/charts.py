"""Charts drawn into the report as inline SVG (matplotlib, text as paths: no font to fetch).

Only disclosure-controlled values are drawn: a suppressed value is a gap in a line or a missing
bar marked with the symbol, never an estimate.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from pipelines.reports.content import Chart  # noqa: E402

# A colour-blind-safe palette (Okabe–Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
plt.rcParams.update(
    {
        "svg.fonttype": "path",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 10,
        "axes.titleweight": "bold",
        "svg.hashsalt": "send-report",  # the same figures always give the same file
    }
)


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]  # drop the XML prologue and DOCTYPE for inline use


def render(chart: Chart) -> str:
    """The chart as an <svg> element."""
    if chart.kind == "line":
        return _line(chart)
    return _bar(chart)


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
    step = max(1, len(positions) // 8)
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
    return _svg(figure)


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
    return _svg(figure)
