"""Charts: well-formed SVG drawn in Python, labels escaped, elements linked when asked."""

import xml.etree.ElementTree as ET

import pytest

from pipelines.desk.charts import Bar, bar_chart, column_chart, format_euros, region_map

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = 'Région <script>alert("x")</script> & Cie'


@pytest.mark.parametrize("amount, said", [
    (45e6, "45 M€"), (1.96e9, "1,96 Md€"), (3.7e6, "3,7 M€"), (2_500, "2,5 k€"), (800, "800 €"),
    (-3.3e6, "-3,3 M€"), (12.5e9, "12,5 Md€"), (999, "999 €"),
])
def test_format_euros(amount, said):
    assert format_euros(amount) == said


def _texts(svg: str) -> list[str]:
    return ["".join(node.itertext()) for node in ET.fromstring(svg).iter(f"{SVG}text")]


def test_region_map_has_every_region_and_shades_by_amount():
    svg = region_map([Bar("Normandie", 173e6, "/x?region=Normandie"), Bar("Bretagne", 14e6)])
    root = ET.fromstring(svg)
    tiles = [g for g in root.iter(f"{SVG}g") if g.get("class") == "tile"]
    assert len(tiles) == 18
    fills = {g.get("data-region"): g.find(f"{SVG}rect").get("fill") for g in tiles}
    assert fills["Normandie"] != fills["Bretagne"] != fills["Corse"] == "#eeeeee"
    links = [a.get("href") for a in root.iter(f"{SVG}a")]
    assert links == ["/x?region=Normandie"]
    assert "173 M€" in _texts(svg)


def test_bar_and_column_charts_escape_labels_and_keep_order():
    bars = [Bar(HOSTILE, 3e6, "/b?x=1&y=2"), Bar("État", 1e9)]
    for draw in (bar_chart, column_chart):
        svg = draw(bars, "Titre <b>", "c")
        root = ET.fromstring(svg)
        assert "<script" not in svg and "&lt;script&gt;" in svg
        assert root.find(f"{SVG}title").text == "Titre <b>"
        assert [a.get("href") for a in root.iter(f"{SVG}a")] == ["/b?x=1&y=2"]
        texts = _texts(svg)
        assert "3 M€" in texts and "1 Md€" in texts


def test_a_chart_with_nothing_says_so():
    svg = bar_chart([], "Vide", "v")
    assert "Aucun montant" in svg
    ET.fromstring(svg)
