"""Cleaning: typography normalised one character for one, publisher boilerplate removed."""

import re
from dataclasses import dataclass
from functools import lru_cache

from extract.data import load_json
from extract.patterns import Screened

__all__ = ["CleanText", "normalise", "clean", "is_boilerplate", "stamp_date"]

# A scraper's stamp before the lead: " date 2023-07 ", the month (or day) of publication, and nothing else.
STAMP_LINE = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}(?:-\d{2})?)[ \t]*")

# One character for one, so that offsets computed on the normalised text stay valid.
TYPOGRAPHY = {
    "\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2032": "'",
    "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u201c": '"', "\u201d": '"', "\u201e": '"',
    "\r": "\n", "\t": " ",
}
# The characters to replace, found by one character class: quicker than str.translate, which looks every character
# of a non-ASCII text up in its table.
TYPOGRAPHIC = re.compile("[" + "".join(re.escape(c) for c in TYPOGRAPHY) + "]")
# What separates the buttons of a consent banner's row: blanks, or a bar, slash, dot or dash between blanks.
BUTTON_SEPARATOR = r"\s*[|/·•,–-]?\s*"


@dataclass(frozen=True)
class CleanText:
    text: str
    removed_lines: int


def normalise(text: str) -> str:
    """Replace typographic variants by their plain form, keeping the length unchanged."""
    return TYPOGRAPHIC.sub(lambda match: TYPOGRAPHY[match.group()], text)


def button_row(labels: list[str]) -> str:
    """A pattern of a line made only of consent buttons, one or more: "Tout accepter | Personnaliser".

    >>> bool(re.match(button_row(["accepter", "refuser"]), "accepter / refuser")), button_row([])
    (True, '(?!)')
    """
    if not labels:
        return r"(?!)"
    button = "(?:" + "|".join(f"(?:{label})" for label in labels) + ")"
    return rf"^\s*{button}(?:{BUTTON_SEPARATOR}{button})*\s*[.!]?\s*$"


def _alternation(patterns: list[str]) -> re.Pattern:
    """The patterns as one, matched against a lowercased line (cheaper than re.IGNORECASE for the same result)."""
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, Screened, tuple[re.Pattern, ...]]:
    """The line patterns as two alternations, those anchored at the line's start (tried there only) and the
    others (searched along the line, only in a line holding one of the words they need); the inline ones apart
    (each removes its match)."""
    data = load_json("boilerplate.json")
    lines = [p["pattern"] for p in data["line_patterns"]]
    anchored = _alternation([p for p in lines if p.startswith("^")] + [button_row(data["consent_buttons"])])
    floating = Screened(_alternation([p for p in lines if not p.startswith("^")]))
    inline = tuple(re.compile(p["pattern"], re.IGNORECASE) for p in data["inline_patterns"])
    return anchored, floating, inline


def is_boilerplate(line: str) -> bool:
    """True when a whole line is publisher boilerplate (banner, promotion, cross-reference, a scraper's stamp)."""
    anchored, floating, _ = _patterns()
    line = line.lower()
    return anchored.match(line) is not None or floating.search(line) is not None or STAMP_LINE.fullmatch(line) is not None


def stamp_date(text: str) -> str | None:
    """The publication date a scraper stamped on the first line of a text (" date 2023-07 "), as written, or None.

    >>> stamp_date(" date 2023-07 \nLa région Normandie vote 3,7 M€."), stamp_date("La région vote 3,7 M€.")
    ('2023-07', None)
    """
    first = text.lstrip("\n\r").split("\n", 1)[0].rstrip("\r")
    match = STAMP_LINE.fullmatch(first)
    return match.group(1) if match else None


def _strip_inline(line: str) -> str:
    *_, inline = _patterns()
    for pattern in inline:
        line = pattern.sub("", line)
    return line


def clean(text: str) -> CleanText:
    """Normalise typography, drop boilerplate lines and inline cross-references, squeeze blank lines.

    >>> clean("Politique de cookies\\nLa région vote 3,7\\u00a0M€ (lire sur AEF info).").text
    'La région vote 3,7 M€.'
    """
    kept, removed = [], 0
    for line in normalise(text).split("\n"):
        if is_boilerplate(line):
            removed += 1
            continue
        line = " ".join(_strip_inline(line).split())
        if line:
            kept.append(line)
    return CleanText("\n".join(kept), removed)
