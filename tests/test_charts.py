"""SVG charts: labelled images, data tables equal to the data, escaped text, no inline styles, never colour alone."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from flask import Flask, render_template_string

from core.charts import (
    MARKERS,
    SERIES,
    Chart,
    StripCell,
    assessment_colour,
    assessment_strip,
    bar_chart,
    line_chart,
    value_series,
)
from core.map_svg import MapArea, MapData, MapPoint, map_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "Torget"'


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast_with_white(colour: str) -> float:
    return 1.05 / (_luminance(colour) + 0.05)


def _root(chart: Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def _charts() -> list[Chart]:
    return [
        bar_chart("c-hour", "Per timme", "Antal per timme", [f"{h:02d}" for h in range(24)], list(range(24)),
                  headers=("Timme", "Rapporter")),
        bar_chart("c-theme", HOSTILE, HOSTILE, [HOSTILE, "Våld"], [3, 1], headers=(HOSTILE, "Rapporter")),
        line_chart("c-trend", "Trend", "Per tema", ["2024-W01", "2024-W02"], [(HOSTILE, [1, 2]), ("Våld", [0, 4])],
                   period_header="Period"),
        assessment_strip("c-strip", "Centrum", "Bedömningar", [StripCell("2024-W01", HOSTILE, 2, 4)],
                         headers=("Period", "Bedömning")),
        value_series("c-risk", "Risk", "Riskvärde", ["2024-W01", "2024-W02"], [3, 7], maximum=10,
                     headers=("Period", "Riskvärde")),
    ]  # fmt: skip


@pytest.mark.parametrize("chart", _charts(), ids=lambda c: c.id)
def test_every_chart_is_a_labelled_image_without_inline_style(chart: Chart) -> None:
    root = _root(chart)  # well-formed XML: hostile text was escaped
    assert root.get("role") == "img" and root.get("viewBox")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert (title.text, desc.text) == (chart.title, chart.description)
    assert not any(element.get("style") is not None for element in root.iter())
    assert root.find(f".//{SVG}style") is None and "<script" not in str(chart.svg)
    assert str(chart.svg) == str(_charts()[[c.id for c in _charts()].index(chart.id)].svg)  # deterministic


def test_bar_table_equals_the_data_and_hostile_labels_are_text() -> None:
    hours = _charts()[0]
    assert hours.headers == ("Timme", "Rapporter")
    assert hours.rows == tuple((f"{h:02d}", str(h)) for h in range(24))
    themes = _charts()[1]
    assert themes.rows == ((HOSTILE, "3"), ("Våld", "1"))
    texts = [element.text for element in _root(themes).iter(f"{SVG}text")]
    assert HOSTILE in texts


def test_bar_texts_replace_numbers_for_the_public() -> None:
    chart = bar_chart("c", "T", "D", ["a", "b"], [0, 5], headers=("K", "N"), texts=["färre än 3", "5"])
    assert chart.rows == (("a", "färre än 3"), ("b", "5"))


def test_line_series_differ_by_marker_and_dash_and_are_named_in_a_legend() -> None:
    series = [(f"Tema {n}", [n, n + 1, n]) for n in range(4)]
    chart = line_chart("t", "Trend", "D", ["P1", "P2", "P3"], series, period_header="Period")
    root = _root(chart)
    lines = root.findall(f".//{SVG}polyline")
    assert len({line.get("stroke-dasharray") for line in lines}) == 4
    assert len(set(MARKERS[:4])) == 4
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert all(name in texts for name, _ in series)
    assert chart.headers == ("Period", "Tema 0", "Tema 1", "Tema 2", "Tema 3")
    assert chart.rows[1] == ("P2", "1", "2", "3", "4")
    with pytest.raises(ValueError):
        line_chart("t", "T", "D", ["P1"], [("x", [1, 2])], period_header="P")


def test_mark_colours_reach_three_to_one_against_white() -> None:
    assert all(_contrast_with_white(colour) >= 3 for colour in SERIES)
    svg = "".join(str(chart.svg) for chart in _charts())
    for colour in set(re.findall(r'(?:fill|stroke)="(#[0-9a-f]{6})"', svg)) - {"#ffffff"}:
        if colour in SERIES or colour in ("#1f1f1f", "#767676"):
            assert _contrast_with_white(colour) >= 3, colour


def test_strip_keeps_the_last_twelve_each_with_its_label() -> None:
    cells = [StripCell(f"2024-W{n:02d}", ["Grön", "Gul", "Orange", "Röd"][n % 4], n % 4 + 1, 4) for n in range(1, 15)]
    chart = assessment_strip("s", "Centrum", "D", cells, headers=("Period", "Bedömning"))
    assert chart.rows == tuple((c.period, c.label) for c in cells[-12:])
    root = _root(chart)
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert all(cell.label in texts for cell in cells[-12:])  # the label, never the colour alone
    assert assessment_colour(1, 4) != assessment_colour(4, 4)


def test_value_series_refuses_values_off_the_scale() -> None:
    with pytest.raises(ValueError):
        value_series("r", "R", "D", ["P"], [11], maximum=10, headers=("P", "V"))


def test_map_draws_outlines_points_and_spots_and_escapes_names() -> None:
    square = ((17.0, 59.0), (17.1, 59.0), (17.1, 59.1), (17.0, 59.1), (17.0, 59.0))
    data = MapData(
        areas=(MapArea(HOSTILE, (square,), "färre än 3"),),
        points=(MapPoint(17.05, 59.05), MapPoint(17.06, 59.06, positive=True)),
        hot_spots=(MapPoint(17.05, 59.05, count=4),),
    )
    root = ET.fromstring(str(map_svg(data, chart_id="m", title="Karta", description="Beskrivning")))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "m-title m-desc"
    assert len(root.findall(f"{SVG}circle")) == 3 and len(root.findall(f"{SVG}path")) == 1
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert HOSTILE in texts and "färre än 3" in texts and "4" in texts
    assert not any(element.get("style") is not None for element in root.iter())
    empty = ET.fromstring(str(map_svg(MapData(), chart_id="e", title="T", description="D")))
    assert empty.get("role") == "img"


def test_the_macro_renders_a_figure_with_the_svg_and_a_real_table() -> None:
    app = Flask(__name__, template_folder="../core/templates")
    chart = _charts()[1]
    with app.app_context():
        html = render_template_string(
            '{% from "_chart.html" import chart_figure %}{{ chart_figure(chart) }}', chart=chart
        )
    assert html.count("<figure") == 1 and "<figcaption" in html and str(chart.svg) in html
    assert '<th scope="col">' in html and '<th scope="row">' in html and "<caption>" in html
    assert "<script>" not in html.replace(str(chart.svg), "") and "&lt;script&gt;" in html
