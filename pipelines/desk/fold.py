"""Text folded for matching the way people type: no accents, no case, one kind of apostrophe and dash, single spaces."""

import re
import unicodedata

__all__ = ["fold", "contains_words"]

APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "‐": "-", "‑": "-", "–": "-", "—": "-"})
SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case text without diacritics, typographic apostrophes or repeated spaces.

    >>> fold("  Région   Île-de-France ")
    'region ile-de-france'
    >>> fold(None)
    ''
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(APOSTROPHES))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return SPACES.sub(" ", bare.casefold()).strip()


def contains_words(haystack: str, needle: str) -> bool:
    """Whether folded `needle` occurs in folded `haystack` as whole words (not inside a longer word).

    >>> contains_words(fold("Le CFA de Rennes"), fold("cfa"))
    True
    >>> contains_words(fold("Les CFAs"), fold("CFA"))
    False
    """
    if not needle:
        return False
    return re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack) is not None
