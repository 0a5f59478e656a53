"""Charts as inline SVG strings, drawn in Python: a tile map of the regions, horizontal bars, columns over time.

Nothing here loads a script or a font: the SVG goes as it is into a served page or a mailed digest. Every label
is escaped; a bar or tile with an `href` is a link.
"""

import math
from dataclasses import dataclass
from html import escape

from pipelines.desk.data import load_json

__all__ = ["Bar", "format_euros", "region_map", "bar_chart", "column_chart"]

# Tile map geometry, in pixels: a square tile, the gap between tiles, and the extra space before the overseas row.
TILE, GAP, OVERSEAS_SPACE = 74, 5, 26
OVERSEAS_ROW = 5
# Horizontal bars: label column, bar area, row height; labels longer than this many characters are cut.
LABEL_WIDTH, BAR_AREA, ROW_HEIGHT, LABEL_CHARS = 250, 300, 26, 36
# Columns over time: plot height and column width.
PLOT_HEIGHT, COLUMN_WIDTH = 170, 44
# Colours: light to dark blue for amounts, grey for nothing, dark text on light tiles and white on dark ones.
LIGHT, DARK, EMPTY = (222, 235, 247), (8, 69, 148), "#eeeeee"
TEXT_DARK, TEXT_LIGHT = "#1b1b1b", "#ffffff"
# Above this share of the largest value a tile is dark enough to need white text.
DARK_TEXT_THRESHOLD = 0.55
MAGNITUDES = ((1e9, "Md€"), (1e6, "M€"), (1e3, "k€"))


@dataclass(frozen=True)
class Bar:
    """One bar, column or tile value: its label, its value in euros and, optionally, where it links to."""

    label: str
    value: float
    href: str | None = None


def format_euros(amount: float) -> str:
    """A euro amount as people say it, with a French decimal comma.

    >>> format_euros(45_000_000), format_euros(1_960_000_000), format_euros(2_500), format_euros(800)
    ('45 M€', '1,96 Md€', '2,5 k€', '800 €')
    """
    for size, unit in MAGNITUDES:
        if abs(amount) >= size:
            value = f"{amount / size:.2f}".rstrip("0").rstrip(".")
            return f"{value.replace('.', ',')} {unit}"
    return f"{amount:.0f} €"


def _shade(share: float) -> str:
    share = min(max(share, 0.0), 1.0)
    r, g, b = (round(lo + (hi - lo) * share) for lo, hi in zip(LIGHT, DARK))
    return f"#{r:02x}{g:02x}{b:02x}"


def _link(inner: str, href: str | None) -> str:
    return f'<a href="{escape(href)}">{inner}</a>' if href else inner


def _svg(width: int, height: int, title: str, chart_id: str, body: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{chart_id}" width="{width}" '
            f'height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-title" '
            f'font-family="sans-serif"><title id="{chart_id}-title">{escape(title)}</title>{body}</svg>')


def _empty(title: str, chart_id: str) -> str:
    body = '<text x="10" y="30" font-size="14" fill="#555">Aucun montant à afficher.</text>'
    return _svg(320, 50, title, chart_id, body)


def _tile(tile: dict, value: float | None, largest: float, href: str | None) -> str:
    x = tile["col"] * (TILE + GAP)
    y = tile["row"] * (TILE + GAP) + (OVERSEAS_SPACE if tile["row"] >= OVERSEAS_ROW else 0) + 24
    share = math.sqrt(value / largest) if value and largest else 0.0
    fill = _shade(share) if value else EMPTY
    ink = TEXT_LIGHT if share > DARK_TEXT_THRESHOLD else TEXT_DARK
    amount = format_euros(value) if value else "—"
    name = escape(tile["region"])
    inner = (f'<g class="tile" data-region="{name}"><title>{name} : {escape(amount)}</title>'
             f'<rect x="{x}" y="{y}" width="{TILE}" height="{TILE}" rx="6" fill="{fill}" stroke="#ffffff"/>'
             f'<text x="{x + TILE / 2}" y="{y + 32}" text-anchor="middle" font-size="16" font-weight="bold" '
             f'fill="{ink}">{escape(tile["code"])}</text>'
             f'<text x="{x + TILE / 2}" y="{y + 54}" text-anchor="middle" font-size="12" fill="{ink}">'
             f'{escape(amount)}</text></g>')
    return _link(inner, href)


def region_map(bars: list[Bar], title: str = "Montants par région", chart_id: str = "carte-regions") -> str:
    """A tile map of the French regions shaded by value; a region's tile links where its bar says."""
    tiles = load_json("region_tiles.json")["tiles"]
    by_region = {bar.label: bar for bar in bars}
    largest = max((bar.value for bar in bars if bar.value > 0), default=0.0)
    parts = [f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    overseas_y = OVERSEAS_ROW * (TILE + GAP) + 24 + OVERSEAS_SPACE - 8
    parts.append(f'<text x="0" y="{overseas_y}" font-size="12" fill="#555">Outre-mer</text>')
    for tile in tiles:
        bar = by_region.get(tile["region"])
        parts.append(_tile(tile, bar.value if bar else None, largest, bar.href if bar else None))
    width = 5 * (TILE + GAP)
    height = (OVERSEAS_ROW + 1) * (TILE + GAP) + OVERSEAS_SPACE + 30
    return _svg(width, height, title, chart_id, "".join(parts))


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[:LABEL_CHARS - 1] + "…"


def bar_chart(bars: list[Bar], title: str, chart_id: str) -> str:
    """Horizontal bars, one a row, in the order given, each with its label and amount."""
    if not bars:
        return _empty(title, chart_id)
    largest = max(abs(bar.value) for bar in bars) or 1.0
    parts = [f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>']
    for i, bar in enumerate(bars):
        y = 30 + i * ROW_HEIGHT
        length = max(2.0, BAR_AREA * abs(bar.value) / largest)
        label, amount = escape(_cut(bar.label)), escape(format_euros(bar.value))
        inner = (f'<g class="bar"><title>{escape(bar.label)} : {amount}</title>'
                 f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end" font-size="13">{label}</text>'
                 f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW_HEIGHT - 8}" '
                 f'fill="{_shade(0.8)}"/>'
                 f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}" font-size="12">{amount}</text></g>')
        parts.append(_link(inner, bar.href))
    height = 30 + len(bars) * ROW_HEIGHT + 6
    return _svg(LABEL_WIDTH + BAR_AREA + 90, height, title, chart_id, "".join(parts))


def column_chart(bars: list[Bar], title: str, chart_id: str) -> str:
    """Vertical columns in the order given (years, oldest first), each with its amount above and label below."""
    if not bars:
        return _empty(title, chart_id)
    largest = max(abs(bar.value) for bar in bars) or 1.0
    top, step = 40, COLUMN_WIDTH + 22
    parts = [f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
             f'<line x1="0" y1="{top + PLOT_HEIGHT}" x2="{20 + len(bars) * step}" y2="{top + PLOT_HEIGHT}" '
             'stroke="#888"/>']
    for i, bar in enumerate(bars):
        x = 20 + i * step
        height = max(2.0, PLOT_HEIGHT * abs(bar.value) / largest)
        y = top + PLOT_HEIGHT - height
        amount = escape(format_euros(bar.value))
        inner = (f'<g class="column"><title>{escape(bar.label)} : {amount}</title>'
                 f'<rect x="{x}" y="{y:.1f}" width="{COLUMN_WIDTH}" height="{height:.1f}" fill="{_shade(0.8)}"/>'
                 f'<text x="{x + COLUMN_WIDTH / 2}" y="{y - 5:.1f}" text-anchor="middle" font-size="11">'
                 f'{amount}</text>'
                 f'<text x="{x + COLUMN_WIDTH / 2}" y="{top + PLOT_HEIGHT + 16}" text-anchor="middle" '
                 f'font-size="12">{escape(_cut(bar.label))}</text></g>')
        parts.append(_link(inner, bar.href))
    width = max(320, 40 + len(bars) * step)
    return _svg(width, top + PLOT_HEIGHT + 28, title, chart_id, "".join(parts))
