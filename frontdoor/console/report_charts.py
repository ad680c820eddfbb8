"""Charts for the commissioners' report, drawn on the server as SVG: no script, nothing from
another site. Each chart is a figure with a caption, an SVG that names itself and says its
figures (role img, title and desc), and the same figures as a table below it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
ROW = 28  # a bar's row, in SVG units
LABEL_WIDTH = 210
BAR_SPACE = 340
COLUMN_HEIGHT = 180
INK = "#0b0c0c"
MUTED = "#484949"
# Colours at least 3:1 against white (WCAG 1.4.11), told apart by hue and by the legend.
SERIES_COLOURS = ("#00563f", "#8a3b00")
FONT = 'font-family="Arial, sans-serif" font-size="14"'


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval, for the interval chart."""

    label: str
    mean: float
    low: float | None
    high: float | None


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _svg(chart_id: str, height: float, description: str, body: str) -> str:
    return (
        f'<svg role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {height:g}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'focusable="false"><desc id="{chart_id}-desc">{escape(description)}</desc>{body}</svg>'
    )


def _table(title: str, head: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    header = "".join(f'<th scope="col">{escape(h)}</th>' for h in head)
    body = "".join(
        "<tr>"
        + f'<th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return (
        f"<details><summary>{escape(title)} as a table</summary><table>"
        f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></details>"
    )


def _figure(chart_id: str, title: str, svg: str, table: str) -> Markup:
    return Markup(
        f'<figure class="chart" id="{chart_id}" aria-labelledby="{chart_id}-title">'
        f'<figcaption id="{chart_id}-title"><h3>{escape(title)}</h3></figcaption>'
        f"{svg}{table}</figure>"
    )


def _empty(chart_id: str, title: str) -> Markup:
    return Markup(
        f'<figure class="chart" id="{chart_id}" aria-labelledby="{chart_id}-title">'
        f'<figcaption id="{chart_id}-title"><h3>{escape(title)}</h3></figcaption>'
        "<p>None in this period.</p></figure>"
    )


def bar_chart(chart_id: str, title: str, figures: dict[str, int], unit: str) -> Markup:
    """Horizontal bars, one a row, with each value written at the bar's end."""
    if not figures:
        return _empty(chart_id, title)
    top = max(figures.values()) or 1
    parts = []
    for index, (label, value) in enumerate(figures.items()):
        y = index * ROW
        width = BAR_SPACE * value / top
        parts.append(
            f'<text x="0" y="{y + 19}" fill="{INK}" {FONT}>{escape(_short(label))}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{width:.1f}" height="20" '
            f'fill="{SERIES_COLOURS[0]}"></rect>'
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 19}" fill="{INK}" {FONT}>'
            f"{_number(value)}</text>"
        )
    description = "; ".join(f"{label}: {_number(value)} {unit}" for label, value in figures.items())
    svg = _svg(chart_id, len(figures) * ROW + 4, description, "".join(parts))
    table = _table(title, ("Item", unit.capitalize()), [(k, str(v)) for k, v in figures.items()])
    return _figure(chart_id, title, svg, table)


def _short(label: str, length: int = 28) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def column_chart(
    chart_id: str,
    title: str,
    columns: Sequence[tuple[str, str]],
    series: dict[str, Sequence[int]],
) -> Markup:
    """Columns side by side for each month or quarter (a short name under it, its full name
    in the table), one colour a series, with a legend."""
    if not columns:
        return _empty(chart_id, title)
    top = max((max(values, default=0) for values in series.values()), default=0) or 1
    slot = (WIDTH - 40) / len(columns)
    width = min(slot * 0.8 / len(series), 40)
    parts = [_legend(list(series))]
    base = 30 + COLUMN_HEIGHT
    for index, (column, _) in enumerate(columns):
        x0 = 40 + index * slot + (slot - width * len(series)) / 2
        for number, values in enumerate(series.values()):
            height = COLUMN_HEIGHT * values[index] / top
            parts.append(
                f'<rect x="{x0 + number * width:.1f}" y="{base - height:.1f}" '
                f'width="{width:.1f}" height="{height:.1f}" '
                f'fill="{SERIES_COLOURS[number % len(SERIES_COLOURS)]}"></rect>'
            )
        parts.append(
            f'<text x="{40 + index * slot + slot / 2:.1f}" y="{base + 18}" text-anchor="middle" '
            f'fill="{INK}" {FONT}>{escape(column)}</text>'
        )
    parts.append(
        f'<line x1="40" x2="{WIDTH}" y1="{base}" y2="{base}" stroke="{INK}"></line>'
        f'<text x="0" y="{30 + 12}" fill="{MUTED}" {FONT}>{top}</text>'
        f'<text x="0" y="{base}" fill="{MUTED}" {FONT}>0</text>'
    )
    description = "; ".join(
        f"{column}: " + ", ".join(f"{name} {values[index]}" for name, values in series.items())
        for index, (_, column) in enumerate(columns)
    )
    svg = _svg(chart_id, base + 26, description, "".join(parts))
    rows = [
        [column, *(str(values[index]) for values in series.values())]
        for index, (_, column) in enumerate(columns)
    ]
    return _figure(chart_id, title, svg, _table(title, ("Period", *series), rows))


def _legend(names: list[str]) -> str:
    parts = []
    for number, name in enumerate(names):
        x = 40 + number * 200
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        parts.append(
            f'<rect x="{x}" y="4" width="14" height="14" fill="{colour}"></rect>'
            f'<text x="{x + 20}" y="16" fill="{INK}" {FONT}>{escape(name)}</text>'
        )
    return "".join(parts)


def interval_chart(chart_id: str, title: str, intervals: Sequence[Interval]) -> Markup:
    """Each mean as a dot, its 95% confidence interval as a line, around a line at nought."""
    shown = list(intervals)
    if not shown:
        return _empty(chart_id, title)
    reach = max([abs(v) for i in shown for v in (i.mean, i.low, i.high) if v is not None] + [1.0])
    middle = LABEL_WIDTH + BAR_SPACE / 2

    def x(value: float) -> float:
        return middle + value / reach * (BAR_SPACE / 2 - 10)

    parts = [
        f'<line x1="{middle}" x2="{middle}" y1="0" y2="{len(shown) * ROW + 4}" '
        f'stroke="{MUTED}" stroke-dasharray="4 3"></line>'
    ]
    for index, interval in enumerate(shown):
        y = index * ROW + 14
        parts.append(
            f'<text x="0" y="{y + 5}" fill="{INK}" {FONT}>{escape(_short(interval.label))}</text>'
        )
        if interval.low is not None and interval.high is not None:
            parts.append(
                f'<line x1="{x(interval.low):.1f}" x2="{x(interval.high):.1f}" y1="{y}" '
                f'y2="{y}" stroke="{INK}" stroke-width="2"></line>'
            )
        parts.append(
            f'<circle cx="{x(interval.mean):.1f}" cy="{y}" r="5" '
            f'fill="{SERIES_COLOURS[0]}"></circle>'
        )
    bottom = len(shown) * ROW + 4
    for tick in (-reach, 0.0, reach):
        parts.append(
            f'<text x="{x(tick):.1f}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}" '
            f"{FONT}>{f'{tick:+.1f}' if tick else '0'}</text>"
        )
    description = "; ".join(_interval_words(i) for i in shown)
    svg = _svg(chart_id, bottom + 22, description, "".join(parts))
    rows = [(i.label, f"{i.mean:+.2f}", _bound(i.low), _bound(i.high)) for i in shown]
    table = _table(title, ("Measure", "Mean change", "95% CI from", "95% CI to"), rows)
    return _figure(chart_id, title, svg, table)


def _bound(value: float | None) -> str:
    return "" if value is None else f"{value:+.2f}"


def _interval_words(interval: Interval) -> str:
    if interval.low is None or interval.high is None:
        return f"{interval.label}: {interval.mean:+.2f}"
    return (
        f"{interval.label}: {interval.mean:+.2f}, "
        f"95% CI {interval.low:+.2f} to {interval.high:+.2f}"
    )
