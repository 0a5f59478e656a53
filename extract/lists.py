"""Lists and tables: the lines of a page that break an amount down ("Gironde : 24 380 k€", "- 240 M€ pour …"), and
what the line introducing them gives them (a body, a year, the day of an act) when they name none themselves."""

import re

from extract.amounts import CELL_SEPARATOR
from extract.cues import BULLETS
from extract.knowledge import entry
from extract.stories import line_year
from extract.types import DateMention, Mention

__all__ = ["TABLE_GAP", "TABLE_LABEL", "is_listed", "line_starts", "intro_line", "list_body", "list_date",
           "table_tops", "table_date", "table_body"]

# A table line: "Opco EP : 1 645 M€", "Bretagne : 61,4 M€".
TABLE_GAP = re.compile(r"[ ]*:[ ]*")
# A table line's label before its colon is short: a place, a body, a budget line...
TABLE_LABEL = 60
# ... and so is the whole line, unlike a speaker's answer in an interview ("H. V. d. M. : Les plus petits […]").
LIST_LINE_MAX = 160
# A line this short that ends with a colon heads the list below it: its year dates the list's lines ("Dotations 2026 :").
LIST_HEADING = 80


def is_listed(line: str) -> bool:
    """A line of a table or a list: a bullet, or a short label and a colon before the rest ("Gironde : 24 380 k€");
    not the line that introduces one ("Répartition indicative (en k€) :")."""
    label = line.find(":")
    if len(line) > LIST_LINE_MAX:
        return False
    return line.lstrip().startswith(BULLETS) or (0 < label < TABLE_LABEL and not line.rstrip().endswith(":"))


def line_starts(lines: list[str]) -> list[int]:
    """The offset of each line in the text they were split from."""
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    return starts


def intro_line(lines: list[str], index: int) -> int | None:
    """The index of the line introducing the list or table line `index` belongs to, or None."""
    if not is_listed(lines[index]):
        return None
    while index > 0 and is_listed(lines[index - 1]):
        index -= 1
    return index - 1 if index else None


def list_body(lines: list[str], starts: list[int], index: int, intro: int | None, orgs: list[Mention],
              picks: list[tuple[int, str | None]]) -> tuple[str | None, str | None]:
    """The body of a table or list line that names none: the first known body of the line that introduces the list
    ("Les achats de la Région seront répartis […] (en k€) :"), and the body the rules gave the last amount before
    the list (used when the story has no main body); `index` is the amount's line, `intro` the line introducing its
    list, `picks` holds (end, body) of the amounts before."""
    if intro is None or any(starts[index] <= m.start < starts[index] + len(lines[index]) for m in orgs):
        return None, None
    named = [m for m in orgs if starts[intro] <= m.start < starts[intro + 1] and entry(m.norm)]
    before = [body for end, body in picks if end <= starts[intro + 1] and body]
    return (named[0].norm if named else None), (before[-1] if before else None)


def list_date(text: str, lines: list[str], starts: list[int], intro: int | None, dates: list[DateMention],
              named: list[Mention], lead: int) -> tuple[str | None, str | None]:
    """The dates a list's introduction gives its lines: the year of a short heading ("Dotations 2026 des principales
    associations :"), and the day of the act the lead paragraph reports when it introduces the list ("Le décret du 18
    décembre 2020 […]. Les montants restent ceux fixés à l'été :"), which dates lines nothing else dates; `lead` is
    where the lead ends, `named` the names whose years are no dates."""
    if intro is None or not lines[intro].rstrip().endswith(":"):
        return None, None
    start, end = starts[intro], starts[intro] + len(lines[intro])
    if end - start <= LIST_HEADING:
        return line_year(text, start, end, dates, named), None
    if start < lead - 1:
        return None, next((d.value for d in dates if start <= d.start < end and len(d.value) == 10), None)
    return None, None


def _cells(line: str, start: int) -> list[tuple[int, int]]:
    """The (start, end) offsets of a table line's cells; `start` is the line's offset."""
    bounds = [0] + [m.end() for m in CELL_SEPARATOR.finditer(line)] + [len(line) + 1]
    return [(start + a, start + b - 1) for a, b in zip(bounds, bounds[1:])]


def table_tops(lines: list[str]) -> list[int]:
    """For each line, the index of the first line of its table in columns: the run of lines above it with as many
    cell separators ("Poste | BI 2025 | BI 2024"); its own index outside a table."""
    tops, widths = [], [len(CELL_SEPARATOR.findall(line)) for line in lines]
    for index, width in enumerate(widths):
        tops.append(tops[-1] if index and width and width == widths[index - 1] else index)
    return tops


def _table_cells(lines: list[str], starts: list[int], index: int, top: int,
                 position: int) -> tuple[tuple[int, int], tuple[int, int] | None] | None:
    """The heading cell (on line `top`) of the column holding `position` in a table in columns, and the label cell of
    its line `index`, as (start, end) offsets; None outside such a table or in its heading row."""
    if top == index:
        return None
    column = len(CELL_SEPARATOR.findall(lines[index], 0, position - starts[index]))
    label = _cells(lines[index], starts[index])[0] if column else None
    return _cells(lines[top], starts[top])[column], label


def table_date(text: str, lines: list[str], starts: list[int], index: int, top: int, position: int,
               dates: list[DateMention], named: list[Mention]) -> str | None:
    """The year a table in columns ("Poste | BI 2025 | BI 2024", "Année | Dépense CPF") gives the cell at `position`
    of its line `index` (`top`, its table's first line: see `table_tops`): its column heading's, else its row
    label's ("2021 | 2,8 Md€ | 1 310 €")."""
    cells = _table_cells(lines, starts, index, top, position)
    if cells is None:
        return None
    heading, label = cells
    return line_year(text, *heading, dates, named) or (line_year(text, *label, dates, named) if label else None)


def table_body(lines: list[str], starts: list[int], index: int, top: int, position: int,
               orgs: list[Mention]) -> str | None:
    """The known body the column heading of a table in columns names for the cell at `position` of its line `index`
    (`top` as for `table_date`): "Axe | Région | ANR", "Département | Région (k€) | France Travail (k€)", "part de
    l'État"."""
    cells = _table_cells(lines, starts, index, top, position)
    if cells is None:
        return None
    (start, end), _ = cells
    return next((m.norm for m in orgs if start <= m.start < end and entry(m.norm)), None)
