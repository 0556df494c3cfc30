"""Server-rendered SVG charts for a lägesbild: the same markup in a browser, an HTML e-mail and a WeasyPrint PDF.

Every chart is a :class:`Chart`: a title, a description, the SVG and the data as a table, so that what a chart
shows can always be read without seeing it (the page's macro ``_chart.html`` puts the table beside the SVG). The
SVG is deterministic (same data, same bytes), every text in it is escaped, it uses presentation attributes only
(the CSP forbids inline styles) and it never tells things apart by colour alone: series differ by marker shape and
dash as well, and an assessment cell carries its label as text. All mark colours reach 3:1 against white.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = ["Chart", "StripCell", "assessment_colour", "assessment_strip", "bar_chart", "line_chart", "value_series"]

INK = "#1f1f1f"
GRID = "#767676"  # 4.5:1 against white
BAR = "#0b5cad"
# Series colours, each at least 3:1 against white; series are also told apart by marker and dash.
SERIES = ("#0b5cad", "#b3261e", "#1a7f37", "#6b3fa0", "#8a5300", "#00696b", "#444444")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "plus", "bar")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 2")
# The assessment ramp, calmest first; a scale of n levels picks n evenly spread steps. The dark outline of every
# cell gives the contrast, the label the meaning.
RAMP = ("#2e8540", "#7aa31d", "#f2c200", "#f08c00", "#d9480f", "#b3261e")

WIDTH = 640
FONT = "sans-serif"


@dataclass(frozen=True)
class Chart:
    """One chart: ``svg`` (root ``role="img"``, labelled by its own ``<title>``/``<desc>``) and its data table."""

    id: str
    title: str
    description: str
    svg: Markup
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class StripCell:
    """One assessment in a strip: the period it was made for, its label on the tenant's scale and its level."""

    period: str
    label: str
    level: int
    levels: int


def assessment_colour(level: int, levels: int) -> str:
    """The fill of ``level`` (1 = calmest) on a scale of ``levels``."""
    if levels <= 1:
        return RAMP[0]
    step = round((min(max(level, 1), levels) - 1) * (len(RAMP) - 1) / (levels - 1))
    return RAMP[step]


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 12, extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-family="{FONT}" font-size="{size}" '
        f'fill="{INK}"{extra}>{escape(content)}</text>'
    )


def _svg(chart_id: str, title: str, description: str, height: int, body: list[str]) -> Markup:
    ident = escape(chart_id)
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ident}-title {ident}-desc" class="chart">'
        f'<title id="{ident}-title">{escape(title)}</title><desc id="{ident}-desc">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def _ticks(maximum: float) -> list[float]:
    """Up to five round gridline values from 0 to at least ``maximum``."""
    if maximum <= 0:
        return [0, 1]
    step = 1.0
    while maximum / step > 5:
        for factor in (2, 2.5, 2):
            step *= factor
            if maximum / step <= 5:
                break
    top = step * -(-maximum // step)
    return [step * n for n in range(int(top / step) + 1)]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _axes(ticks: list[float], left: int, top: int, plot_w: int, plot_h: int) -> list[str]:
    body = []
    for tick in ticks:
        y = top + plot_h - plot_h * tick / ticks[-1]
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.5"/>'
        )
        body.append(_text(left - 6, y + 4, _number(tick), anchor="end", size=11))
    return body


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    categories: Sequence[str],
    values: Sequence[int],
    *,
    headers: tuple[str, str],
    texts: Sequence[str] | None = None,
) -> Chart:
    """Vertical bars, one per category (hours 0–23, weekdays, themes). ``texts`` (default: the numbers) is what the
    table and the bar's label say — the public rendering passes "färre än 3" for a small count whose bar it drew
    at 0."""
    if len(categories) != len(values):
        raise ValueError("one value per category")
    shown = list(texts) if texts is not None else [str(v) for v in values]
    rotate = len(categories) > 12 or max((len(c) for c in categories), default=0) > 8
    left, top, plot_h = (70 if rotate else 40), 10, 180
    height = top + plot_h + (90 if rotate else 30)
    plot_w = WIDTH - left - 10
    ticks = _ticks(max(values, default=0))
    slot = plot_w / max(len(categories), 1)
    body = _axes(ticks, left, top, plot_w, plot_h)
    for index, (category, value, text) in enumerate(zip(categories, values, shown, strict=True)):
        bar_h = plot_h * value / ticks[-1]
        x = left + index * slot + slot * 0.15
        y = top + plot_h - bar_h
        body.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{bar_h:.1f}" fill="{BAR}">'
            f"<title>{escape(category)}: {escape(text)}</title></rect>"
        )
        centre = left + index * slot + slot / 2
        if rotate:
            label_y = top + plot_h + 12
            body.append(
                _text(
                    centre,
                    label_y,
                    category,
                    anchor="end",
                    size=11,
                    extra=f' transform="rotate(-45 {centre:.1f} {label_y:.1f})"',
                )
            )
        else:
            body.append(_text(centre, top + plot_h + 16, category, size=11))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{INK}"/>')
    rows = tuple((category, text) for category, text in zip(categories, shown, strict=True))
    return Chart(chart_id, title, description, _svg(chart_id, title, description, height, body), headers, rows)


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'
    if shape == "square":
        return f'<rect x="{x - 4:.1f}" y="{y - 4:.1f}" width="8" height="8" fill="{colour}"/>'
    if shape == "triangle":
        return f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y + 4:.1f}L{x - 5:.1f} {y + 4:.1f}Z" fill="{colour}"/>'
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 5:.1f}L{x + 5:.1f} {y:.1f}L{x:.1f} {y + 5:.1f}L{x - 5:.1f} {y:.1f}Z" '
            f'fill="{colour}"/>'
        )
    if shape == "cross":
        return (
            f'<path d="M{x - 4:.1f} {y - 4:.1f}L{x + 4:.1f} {y + 4:.1f}M{x + 4:.1f} {y - 4:.1f}L{x - 4:.1f} '
            f'{y + 4:.1f}" stroke="{colour}" stroke-width="2" fill="none"/>'
        )
    if shape == "plus":
        return (
            f'<path d="M{x - 5:.1f} {y:.1f}H{x + 5:.1f}M{x:.1f} {y - 5:.1f}V{y + 5:.1f}" stroke="{colour}" '
            'stroke-width="2" fill="none"/>'
        )
    return f'<rect x="{x - 1.5:.1f}" y="{y - 6:.1f}" width="3" height="12" fill="{colour}"/>'


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    *,
    period_header: str,
    maximum: float | None = None,
    texts: Sequence[Sequence[str]] | None = None,
) -> Chart:
    """Lines over ``periods`` (e.g. the last 12), one per ``(name, values)``; each series has its own colour,
    marker shape and dash, named in a legend. ``maximum`` fixes the top of the scale (default: the data's); ``texts``
    (per series, per period) replaces the numbers in the table, as in :func:`bar_chart`."""
    if any(len(values) != len(periods) for _, values in series):
        raise ValueError("one value per period in every series")
    left, top, plot_h = 70, 10, 200
    plot_w = WIDTH - left - 20
    legend_top = top + plot_h + 60
    height = legend_top + 18 * ((len(series) + 1) // 2) + 6
    ticks = _ticks(maximum if maximum is not None else max((v for _, values in series for v in values), default=0))
    step = plot_w / max(len(periods) - 1, 1)
    body = _axes(ticks, left, top, plot_w, plot_h)
    for index, period in enumerate(periods):
        x = left + index * step
        label_y = top + plot_h + 12
        body.append(
            _text(x, label_y, period, anchor="end", size=10, extra=f' transform="rotate(-45 {x:.1f} {label_y:.1f})"')
        )
    for number, (name, values) in enumerate(series):
        colour, shape, dash = (
            SERIES[number % len(SERIES)],
            MARKERS[number % len(MARKERS)],
            DASHES[number % len(DASHES)],
        )
        points = [(left + i * step, top + plot_h - plot_h * v / ticks[-1]) for i, v in enumerate(values)]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        body.append(
            f'<g><title>{escape(name)}</title><polyline points="{path}" fill="none" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        body.extend(_marker(shape, x, y, colour) for x, y in points)
        body.append("</g>")
        lx = left + (number % 2) * (plot_w / 2)
        ly = legend_top + 18 * (number // 2)
        body.append(
            f'<line x1="{lx:.1f}" y1="{ly:.1f}" x2="{lx + 30:.1f}" y2="{ly:.1f}" stroke="{colour}" '
            f'stroke-width="2"{dash_attr}/>'
        )
        body.append(_marker(shape, lx + 15, ly, colour))
        body.append(_text(lx + 38, ly + 4, name, anchor="start", size=12))
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="{INK}"/>')
    headers = (period_header, *(name for name, _ in series))
    shown = texts if texts is not None else [[_number(v) for v in values] for _, values in series]
    rows = tuple((period, *(column[i] for column in shown)) for i, period in enumerate(periods))
    return Chart(chart_id, title, description, _svg(chart_id, title, description, height, body), headers, rows)


def assessment_strip(
    chart_id: str, title: str, description: str, cells: Sequence[StripCell], *, headers: tuple[str, str]
) -> Chart:
    """An area's latest assessments (up to 12, oldest first): one cell each, its colour and its label as text."""
    shown = list(cells)[-12:]
    size, gap, top = 50, 3, 4
    height = top + size + 36
    body = []
    for index, cell in enumerate(shown):
        x = index * (size + gap) + 2
        fill = assessment_colour(cell.level, cell.levels)
        body.append(
            f'<rect x="{x}" y="{top}" width="{size}" height="{size}" fill="{fill}" '
            f'stroke="{INK}" stroke-width="1.5"><title>{escape(cell.period)}: {escape(cell.label)}</title></rect>'
        )
        body.append(f'<rect x="{x + 4}" y="{top + size / 2 - 9:.1f}" width="{size - 8}" height="18" fill="#ffffff"/>')
        body.append(_text(x + size / 2, top + size / 2 + 4, cell.label[:6], size=11))
        body.append(_text(x + size / 2, top + size + 16, cell.period.rsplit("-", 1)[-1], size=10))
    rows = tuple((cell.period, cell.label) for cell in shown)
    return Chart(chart_id, title, description, _svg(chart_id, title, description, height, body), headers, rows)


def value_series(
    chart_id: str,
    title: str,
    description: str,
    periods: Sequence[str],
    values: Sequence[float],
    *,
    maximum: float,
    headers: tuple[str, str],
) -> Chart:
    """A value over periods on a fixed scale 0…``maximum`` (model C's risk value), one marked line."""
    if maximum <= 0 or any(not 0 <= v <= maximum for v in values):
        raise ValueError("values must lie within 0…maximum")
    return line_chart(
        chart_id, title, description, periods, [(headers[1], values)], period_header=headers[0], maximum=maximum
    )
