"""Quicker scans for the stages' regular expressions, each giving exactly the matches `re` would.

A pattern that starts with an assertion (`\\b`, a lookbehind) or an alternation of many words is tried by `re` at
every position of a text, one alternative after the other. Two ways round it:
- `literal_alternation` writes a list of words as a trie ("Paris|Pau" as "Pa(?:ris|u)"), with the assertion placed
  after the first character, so that `re` jumps from one possible first character to the next;
- `anchored_finditer` finds a rare part every match contains (a month name, four digits) with a quick pattern, and
  tries the full pattern only a few characters before each;
- `Screened` searches a pattern only in a text that holds one of the strings that any text it is found in holds
  (`required_literals`, read from the pattern itself): the words of a cookie banner, say, which a dispatch's
  paragraph seldom has.
"""

import re
from re import _parser
from typing import Iterator

__all__ = ["literal_alternation", "anchored_finditer", "Anchored", "required_literals", "Screened"]


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


def required_literals(pattern: str) -> frozenset[str] | None:
    r"""Strings one of which is in every text where `pattern` finds a match (its longest such set), or None when the
    pattern's own words cannot tell (no literal it always needs, case ignored).

    >>> sorted(required_literals(r"\b(?:abonnez-vous|(?:demandez|profitez d'un) (?:votre |un )?(?:test|essai))\b"))
    ['abonnez-vous', 'demandez', "profitez d'un"]
    >>> required_literals(r"^\s*\d+$") is None
    True
    """
    parsed = _parser.parse(pattern)
    return None if parsed.state.flags & re.IGNORECASE else _required(list(parsed))


def _longest(found: frozenset[str] | None, best: frozenset[str] | None) -> frozenset[str] | None:
    """Of two sets of required strings, the one whose shortest string is longer: the rarer in a text."""
    if not found or "" in found:
        return best
    return found if best is None or min(map(len, found)) > min(map(len, best)) else best


def _required(items: list) -> frozenset[str] | None:
    """The required strings of a parsed sequence: its longest run of literal characters, or what one of its groups,
    alternations, repeats (at least once) or lookarounds requires."""
    best, run = None, []
    for op, av in items:
        if op is _parser.LITERAL:
            run.append(chr(av))
            continue
        best, run = _longest(frozenset(["".join(run)]), best), []
        if op is _parser.SUBPATTERN and not av[1] & re.IGNORECASE:
            best = _longest(_required(list(av[3])), best)
        elif op is _parser.BRANCH:
            parts = [_required(list(alternative)) for alternative in av[1]]
            if all(parts):
                best = _longest(frozenset().union(*parts), best)
        elif op in (_parser.MAX_REPEAT, _parser.MIN_REPEAT) and av[0] >= 1:
            best = _longest(_required(list(av[2])), best)
        elif op is _parser.ASSERT:  # a lookahead or lookbehind that must hold: its words are in the text too
            best = _longest(_required(list(av[1])), best)
    return _longest(frozenset(["".join(run)]), best)


class Screened:
    """A pattern whose `search` gives what `pattern.search` gives, trying it only on texts holding one of its
    required strings (every text when it has none)."""

    def __init__(self, pattern: re.Pattern) -> None:
        self.pattern = pattern
        self.required = None if pattern.flags & re.IGNORECASE else required_literals(pattern.pattern)

    def search(self, text: str) -> re.Match | None:
        if self.required is not None and not any(word in text for word in self.required):
            return None
        return self.pattern.search(text)
