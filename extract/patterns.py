"""Quicker scans for the stages' regular expressions, each giving exactly the matches `re` would.

A pattern that starts with an assertion (`\\b`, a lookbehind) or an alternation of many words is tried by `re` at
every position of a text, one alternative after the other. Two ways round it:
- `literal_alternation` writes a list of words as a trie ("Paris|Pau" as "Pa(?:ris|u)"), with the assertion placed
  after the first character, so that `re` jumps from one possible first character to the next;
- `anchored_finditer` finds a rare part every match contains (a month name, four digits) with a quick pattern, and
  tries the full pattern only a few characters before each.
"""

import re
from typing import Iterator

__all__ = ["literal_alternation", "anchored_finditer", "Anchored"]


def literal_alternation(words, after_first: str = "") -> str:
    """A regular expression matching any of `words`, the longest first, as `"|".join` of them sorted longest first
    would; `after_first` is inserted after the first character of every word (a lookbehind that sees it as well).

    >>> literal_alternation(["Pau", "Paris", "Pa"])
    'Pa(?:ris|u)?'
    >>> re.findall(literal_alternation(["an", "année"], r"(?<!\\w.)"), "l'année, an, plan")
    ['année', 'an']
    """
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _branches(trie, after_first)


def _branches(node: dict, after_first: str | None) -> str:
    """The trie below `node`: longer words first, since `?` is greedy and each branch starts with its own letter."""
    branches = [re.escape(char) + (after_first or "") + _branches(child, None)
                for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    group = f"(?:{'|'.join(branches)})"
    return group + "?" if "" in node else group


class Anchored:
    """A pattern with the quick pattern of a part its every match contains (`core`) and how far before that part a
    match may start (`reach`). The core is searched in the casefolded text, so it is written in lower case."""

    def __init__(self, pattern: re.Pattern, core: str, reach: int) -> None:
        self.pattern, self.core, self.reach = pattern, re.compile(core), reach

    def finditer(self, text: str, folded: str | None = None) -> Iterator[re.Match]:
        """The matches of the pattern in `text`, as `pattern.finditer(text)` gives them; `folded` is
        `text.casefold()`, passed when several patterns scan the same text."""
        return anchored_finditer(self.pattern, self.core, self.reach, text, folded)


def anchored_finditer(pattern: re.Pattern, core: re.Pattern, reach: int, text: str,
                      folded: str | None = None) -> Iterator[re.Match]:
    """`pattern.finditer(text)`, with `pattern` tried only from `reach` positions before each match of `core` in
    the casefolded text up to it. Exact when every match of `pattern` contains a match of `core` starting at most
    `reach` characters after its own start; a text whose casefolded form has another length is scanned in full."""
    folded = text.casefold() if folded is None else folded
    if len(folded) != len(text):
        yield from pattern.finditer(text)
        return
    tried = 0  # every start before this one has been tried, or lies inside a match
    while candidate := core.search(folded, tried):  # one core may start inside another: "avant-hier" and "hier"
        for start in range(max(tried, candidate.start() - reach), candidate.start() + 1):
            match = pattern.match(text, start)
            if match:
                yield match
                tried = match.end()
                break
        else:
            tried = candidate.start() + 1
