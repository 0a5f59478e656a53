"""Watchlists: TOML files of named rules (bodies, regions, people, keywords, a minimum amount) and how facts match them.

A fact matches a rule when, for every key the rule sets, it meets one of the listed values:
- `bodies`: the fact's body contains the name as whole words, accents and case aside ("Transitions Pro" matches
  "Transitions Pro Normandie"); known aliases count ("CDC" is "Caisse des dépôts");
- `regions`: the fact's region is the named one (variants such as "PACA" or a département resolve to it);
- `people`: the fact's article names the person (a tagged person, or the name in its text);
- `keywords`: the fact's article has the word or phrase in its title or text;
- `min_amount`: the fact's amount (the upper bound of a range) is at least this much.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path

from extract.bodies import canonical
from extract.regions import region_of
from pipelines.desk.events import Mention
from pipelines.desk.fold import contains_words, fold

__all__ = ["Rule", "Watchlist", "ArticleText", "WatchlistError", "load_watchlist", "parse_watchlist", "matches"]

LIST_KEYS = ("bodies", "regions", "people", "keywords")
RULE_KEYS = ("name", *LIST_KEYS, "min_amount")
TOP_KEYS = ("title", "rule")


class WatchlistError(Exception):
    """A watchlist that cannot be used; the message says where and why."""


@dataclass(frozen=True)
class Rule:
    """A named rule; an empty tuple or None means the rule does not look at that key."""

    name: str
    bodies: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    min_amount: float | None = None

    @property
    def reads_articles(self) -> bool:
        """Whether matching needs the article's text and people."""
        return bool(self.people or self.keywords)


@dataclass(frozen=True)
class Watchlist:
    """The rules of one file; `name` (the file's stem) keys its alert state in the store."""

    name: str
    title: str
    rules: tuple[Rule, ...]


@dataclass(frozen=True)
class ArticleText:
    """What people and keywords are looked for in: the folded title and text, and the folded people tagged."""

    text: str
    people: frozenset[str]


def _strings(value, where: str) -> tuple[str, ...]:
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise WatchlistError(f"{where}: expected a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in values)


def _rule(table: dict, where: str) -> Rule:
    unknown = sorted(set(table) - set(RULE_KEYS))
    if unknown:
        raise WatchlistError(f"{where}: unknown key(s) {', '.join(unknown)}; a rule may set {', '.join(RULE_KEYS)}")
    name = table.get("name")
    if not isinstance(name, str) or not name.strip():
        raise WatchlistError(f"{where}: every rule needs a name")
    minimum = table.get("min_amount")
    if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, (int, float))):
        raise WatchlistError(f"{where} ({name}): min_amount must be a number, got {minimum!r}")
    lists = {key: _strings(table[key], f"{where} ({name}), {key}") for key in LIST_KEYS if key in table}
    return Rule(name=name.strip(), min_amount=float(minimum) if minimum is not None else None, **lists)


def parse_watchlist(text: str, name: str) -> Watchlist:
    """A watchlist from TOML text: `[[rule]]` tables and an optional top-level `title`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise WatchlistError(f"{name}: not valid TOML: {error}") from error
    unknown = sorted(set(data) - set(TOP_KEYS))
    if unknown:
        raise WatchlistError(f"{name}: unknown top-level key(s) {', '.join(unknown)}; expected [[rule]] tables")
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not tables:
        raise WatchlistError(f"{name}: no rule; write at least one [[rule]] table with a name")
    rules = tuple(_rule(table, f"{name}, rule {i + 1}") for i, table in enumerate(tables))
    names = [rule.name for rule in rules]
    if len(set(names)) != len(names):
        raise WatchlistError(f"{name}: two rules have the same name")
    return Watchlist(name, str(data.get("title") or name), rules)


def load_watchlist(path: str | Path) -> Watchlist:
    """Read a watchlist file; its stem names it."""
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise WatchlistError(f"cannot read watchlist {path}: {error}") from error
    return parse_watchlist(text, path.stem)


def _body_matches(body: str | None, wanted: tuple[str, ...]) -> bool:
    folded = fold(body)
    names = {fold(name) for name in wanted} | {fold(canonical(name)) for name in wanted if canonical(name)}
    return any(contains_words(folded, name) for name in names)


def _region_matches(region: str | None, wanted: tuple[str, ...]) -> bool:
    return fold(region) in {fold(region_of(name) or name) for name in wanted}


def _person_matches(article: ArticleText, wanted: tuple[str, ...]) -> bool:
    for name in map(fold, wanted):
        if any(contains_words(person, name) for person in article.people) or contains_words(article.text, name):
            return True
    return False


def matches(rule: Rule, mention: Mention, article: ArticleText | None) -> bool:
    """Whether a fact meets every key its rule sets; `article` is needed when the rule reads articles."""
    if rule.min_amount is not None and (mention.amount_max or mention.amount) < rule.min_amount:
        return False
    if rule.bodies and not _body_matches(mention.body, rule.bodies):
        return False
    if rule.regions and not _region_matches(mention.region, rule.regions):
        return False
    if rule.reads_articles and article is None:
        raise ValueError(f"rule {rule.name!r} needs the fact's article")
    if rule.people and not _person_matches(article, rule.people):
        return False
    return not rule.keywords or any(contains_words(article.text, fold(word)) for word in rule.keywords)
