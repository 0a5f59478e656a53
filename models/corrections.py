"""The desk's corrections of facts: kept apart from what was extracted, keyed so that they outlive re-ingests.

A correction names a fact by its article's content hash and the amount's offsets in that text, with the amount
extracted there (a changed text no longer has it), so that it holds whatever the article's id, the fact's row id or
the pipeline that extracted it. Each correction is a row: who, when, a note, the fields it changed, and the state of
the fact once corrected — every field corrected so far, NULL where the extracted value stands, an empty string where
the desk emptied a field that may be empty. The newest row of a fact is the one in force (`in_force` = 1), the older
ones its history. Extracted values are never overwritten: fact_view and the event tables read a fact through its
correction in force (models/correction_sql.py), and a fact the desk said is no fact drops out of both.

The functions here are what the command line and the review page call: validate what a reviewer typed, record a
correction (and regroup the events of its article in the same transaction), list the corrections, find those left
without their fact, carry them over when an article's text changes, and build gold lines of the corrected articles.
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import Connection, DateTime, Engine, Float, Index, Integer, String, Text, bindparam, text
from sqlalchemy.orm import Mapped, mapped_column

from extract.data import load_json
from models.correction_sql import CLEARABLE_FIELDS, CORRECTED_FIELDS
from models.events import EventChanges
from models.grouping import names
from models.schema import Base

__all__ = ["Correction", "CorrectionError", "Recorded", "FIELDS", "ROLES", "QUALIFIERS", "REGIONS", "validate",
           "record_correction", "list_corrections", "carry_over", "gold_articles", "GoldArticleLine"]

# What a correction may set: the fields of facts.md it corrects, and whether the amount is a fact at all.
FIELDS = (*CORRECTED_FIELDS, "not_a_fact")
# The values facts.md allows for a body's role and for a qualifier; the regions are its 18 official names.
ROLES = ("funder", "recipient")
QUALIFIERS = ("exact", "approx", "min", "max", "range")
REGIONS = tuple(load_json("regions.json")["regions"])
# The largest amount a fact may hold, as extract/amounts.py: beyond it a number is no money.
MAX_AMOUNT = 10**15
# Longest body name and reviewer name accepted, in characters: longer is a paste gone wrong.
MAX_NAME = 200
# Longest note accepted, in characters.
MAX_NOTE = 2_000
DATE_PATTERN = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class Correction(Base):
    """One correction of a fact by a reviewer, and the state of the fact it leaves (see the module's docstring)."""

    __tablename__ = "corrections"
    __table_args__ = (Index("ix_corrections_key", "content_hash", "start", "in_force"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    extracted_amount: Mapped[float] = mapped_column(Float)
    article_id: Mapped[str] = mapped_column(String(255))
    in_force: Mapped[int] = mapped_column(Integer)
    changed: Mapped[str] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Float)
    qualifier: Mapped[str | None] = mapped_column(String(8))
    body: Mapped[str | None] = mapped_column(Text)
    body_role: Mapped[str | None] = mapped_column(String(16))
    date: Mapped[str | None] = mapped_column(String(10))
    region: Mapped[str | None] = mapped_column(String(64))
    not_a_fact: Mapped[int | None] = mapped_column(Integer)
    corrected_by: Mapped[str] = mapped_column(String(255))
    corrected_at: Mapped[datetime] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)


class CorrectionError(Exception):
    """A correction that cannot be recorded: unknown fact, value out of the fact specification; says why."""


def _text(value, field: str, longest: int = MAX_NAME) -> str:
    cleaned = " ".join(str(value).split())
    if len(cleaned) > longest:
        raise CorrectionError(f"{field} is too long ({len(cleaned)} characters, at most {longest})")
    return cleaned


def _one_of(value, field: str, allowed: tuple[str, ...], clearable: bool) -> str:
    cleaned = _text(value, field)
    if clearable and cleaned == "":
        return ""
    found = next((a for a in allowed if a.casefold() == cleaned.casefold()), None)
    if found is None:
        raise CorrectionError(f"unknown {field} {cleaned!r}: one of {', '.join(allowed)}"
                              + (", or empty" if clearable else ""))
    return found


def _note(note: str | None) -> str | None:
    """A note as stored: its lines kept, surrounding blanks dropped, None when empty."""
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise CorrectionError(f"note is too long ({len(note)} characters, at most {MAX_NOTE})")
    return note or None


def _date(value) -> str:
    cleaned = _text(value, "date")
    match = DATE_PATTERN.fullmatch(cleaned)
    if cleaned == "":
        return ""
    try:
        if match is None:
            raise ValueError
        year, month, day = match.groups()
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        raise CorrectionError(f"not a date: {cleaned!r} (YYYY, YYYY-MM or YYYY-MM-DD that exists)") from None
    return cleaned


def _amount(value) -> float:
    written = str(value).replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        amount = float(written)
    except ValueError:
        raise CorrectionError(f"not an amount: {value!r} (a number, e.g. 3700000)") from None
    if not math.isfinite(amount) or abs(amount) > MAX_AMOUNT:
        raise CorrectionError(f"amount out of range: {value!r} (at most {MAX_AMOUNT:.0e} in absolute value)")
    return amount


def validate(changes: dict) -> dict:
    """The changes a reviewer asked for, checked against the fact specification and put as they are stored.

    >>> validate({"region": "bretagne", "date": "2021", "body_role": "", "amount": "3,7"})
    {'region': 'Bretagne', 'date': '2021', 'body_role': '', 'amount': 3.7}
    """
    stored = {}
    for field, value in changes.items():
        if field == "body":
            stored[field] = _text(value, "body")
        elif field == "body_role":
            stored[field] = _one_of(value, "role", ROLES, clearable=True)
        elif field == "region":
            stored[field] = _one_of(value, "region", REGIONS, clearable=True)
        elif field == "qualifier":
            stored[field] = _one_of(value, "qualifier", QUALIFIERS, clearable=False)
        elif field == "date":
            stored[field] = _date(value)
        elif field == "amount":
            stored[field] = _amount(value)
        elif field == "not_a_fact":
            stored[field] = 1 if value else 0
        else:
            raise CorrectionError(f"no field {field!r} to correct: one of {', '.join(FIELDS)}")
    return stored


@dataclass(frozen=True)
class Recorded:
    """What a correction changed on a fact: (field, before, after) as fact_view shows them; empty if nothing."""

    fact_id: int
    article_id: str
    changes: list[tuple[str, object, object]]
    correction_id: int | None


_FACT_SQL = text('SELECT f.id, f.article_id, a.content_hash, f.start, f."end", f.amount, f.qualifier, f.body, '
                 'f.body_role, f.date, f.region FROM facts f JOIN articles a ON a.id = f.article_id WHERE f.id = :id')
_IN_FORCE_SQL = text('SELECT * FROM corrections WHERE content_hash = :content_hash AND start = :start '
                     'AND "end" = :end AND extracted_amount = :amount AND in_force = 1')
_RETIRE_SQL = text('UPDATE corrections SET in_force = 0 WHERE content_hash = :content_hash AND start = :start '
                   'AND "end" = :end AND extracted_amount = :amount AND in_force = 1')


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _shown(extracted: dict, state: dict) -> dict:
    """A fact's fields as fact_view shows them under the corrections of `state` (stored values, NULL = as extracted)."""
    shown = {}
    for field in CORRECTED_FIELDS:
        value = state.get(field)
        shown[field] = extracted[field] if value is None else (value or None if field in CLEARABLE_FIELDS else value)
    shown["not_a_fact"] = 1 if state.get("not_a_fact") else 0
    return shown


def _fact(connection: Connection, fact_id: int) -> dict:
    row = connection.execute(_FACT_SQL, {"id": fact_id}).mappings().first()
    if row is None:
        raise CorrectionError(f"no fact {fact_id} in the store (see the fact_id column of fact_view, or the site)")
    return dict(row)


def _insert(connection: Connection, fact: dict, state: dict, changed: list[str], by: str, note: str | None) -> int:
    row = {"content_hash": fact["content_hash"], "start": fact["start"], "end": fact["end"],
           "extracted_amount": fact["amount"], "article_id": fact["article_id"], "in_force": 1,
           "changed": ",".join(changed), **{field: state.get(field) for field in FIELDS},
           "corrected_by": by, "corrected_at": _now(), "note": note}
    return connection.execute(Correction.__table__.insert().values(**row)).inserted_primary_key[0]


def _regroup(connection: Connection, content_hash: str) -> None:
    """Bring the events of every article holding this text (the correction applies to each) up to date."""
    articles = list(connection.scalars(text("SELECT id FROM articles WHERE content_hash = :h"), {"h": content_hash}))
    events = EventChanges(connection)
    events.remove(articles)
    events.add(articles)
    events.apply()


def record_correction(engine: Engine, fact_id: int, changes: dict, by: str, note: str | None = None) -> Recorded:
    """Record a reviewer's correction of a fact (fact_id as fact_view shows it) in one write transaction, with the
    events of its article (and of any other article with the same text) regrouped; nothing is recorded when it
    changes nothing. Raises CorrectionError."""
    stored = validate(changes)
    if not stored:
        raise CorrectionError("nothing to correct: give a field (body, role, date, region, qualifier, amount) "
                              "or say it is not a fact")
    by = _text(by or "", "reviewer name")
    if not by:
        raise CorrectionError("say who corrects (a name)")
    note = _note(note)
    with engine.begin() as connection:
        fact = _fact(connection, fact_id)
        key = {k: fact[k] for k in ("content_hash", "start", "end", "amount")}
        current = connection.execute(_IN_FORCE_SQL, key).mappings().first()
        state = {field: current[field] for field in FIELDS} if current else {}
        before, after = _shown(fact, state), _shown(fact, {**state, **stored})
        changed = [field for field in FIELDS if before[field] != after[field]]
        if not changed:
            return Recorded(fact_id, fact["article_id"], [], None)
        connection.execute(_RETIRE_SQL, key)
        correction_id = _insert(connection, fact, {**state, **stored}, changed, by, note)
        _regroup(connection, fact["content_hash"])
    return Recorded(fact_id, fact["article_id"], [(f, before[f], after[f]) for f in changed], correction_id)


# The corrections (those in force, or all of them) with the fact each applies to now, if any.
_LIST_SQL = """
SELECT c.id, c.corrected_at, c.corrected_by, c.article_id, f.id AS fact_id, c.start, c."end", c.extracted_amount,
       c.changed, c.amount, c.qualifier, c.body, c.body_role, c.date, c.region, c.not_a_fact, c.in_force, c.note
FROM corrections c
LEFT JOIN articles a ON a.content_hash = c.content_hash
LEFT JOIN facts f ON f.article_id = a.id AND f.start = c.start AND f."end" = c."end" AND f.amount = c.extracted_amount
"""


def list_corrections(connection: Connection, orphaned: bool = False, history: bool = False) -> list[dict]:
    """The corrections in force, oldest first, each with the fact it applies to now (`fact_id`, empty when none);
    `orphaned`: only those whose fact is gone (its text changed, or no amount is extracted there any more);
    `history`: the replaced corrections too."""
    clauses = ([] if history else ["c.in_force = 1"]) + (["f.id IS NULL"] if orphaned else [])
    where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
    return [dict(row) for row in connection.execute(text(_LIST_SQL + where + " ORDER BY c.id, f.id")).mappings()]


_IDS = bindparam("ids", expanding=True)
_OLD_KEYS_SQL = text("SELECT DISTINCT content_hash FROM corrections WHERE content_hash IN :ids").bindparams(_IDS)
_STILL_HELD_SQL = text("SELECT count(*) FROM articles WHERE content_hash = :old")
_MATCHING = ('content_hash = :old AND EXISTS (SELECT 1 FROM facts f WHERE f.article_id = :article '
             'AND f.start = corrections.start AND f."end" = corrections."end" AND f.amount = corrections.extracted_amount)')
_COPIED = [c.name for c in Correction.__table__.columns if c.name not in ("id", "content_hash", "article_id")]
_MOVE_SQL = text(f"UPDATE corrections SET content_hash = :new WHERE {_MATCHING}")
_COPY_SQL = text(f"INSERT INTO corrections (content_hash, article_id, {names(_COPIED)}) "
                 f"SELECT :new, :article, {names(_COPIED)} FROM corrections WHERE {_MATCHING} ORDER BY id")


def carry_over(connection: Connection, changed_texts: dict[str, tuple[str, str]]) -> None:
    """Follow articles whose text changed (article id → old hash, new hash), their new facts already written: their
    corrections whose amount is still at the same offsets with the same value go to the new text, with their
    history (copied when another article still holds the old text); the others stay, orphaned, and are listed by
    list_corrections(orphaned=True). Called by the loader in the transaction that replaces the articles."""
    moved = {article: hashes for article, hashes in changed_texts.items() if hashes[0] != hashes[1]}
    old = sorted({hashes[0] for hashes in moved.values()})
    corrected = set(connection.scalars(_OLD_KEYS_SQL, {"ids": old})) if old else set()
    for article, (old_hash, new_hash) in sorted(moved.items()):
        if old_hash in corrected:
            held = connection.execute(_STILL_HELD_SQL, {"old": old_hash}).scalar_one()
            connection.execute(_COPY_SQL if held else _MOVE_SQL, {"old": old_hash, "new": new_hash, "article": article})


@dataclass(frozen=True)
class GoldArticleLine:
    """A corrected article as a gold annotation of facts.md (`line`, one JSON object) and its cleaned text."""

    gold_id: str
    line: dict
    text: str


# A gold article's id is its text's file name: the article's own id when it makes a plain file name, else a name
# made from its text's hash (a WARC record's id is a URL).
PLAIN_ID = re.compile(r"[\w][\w.-]{0,119}")
_CORRECTED_ARTICLES_SQL = """
SELECT DISTINCT a.id FROM corrections c JOIN articles a ON a.content_hash = c.content_hash
JOIN facts f ON f.article_id = a.id AND f.start = c.start AND f."end" = c."end" AND f.amount = c.extracted_amount
WHERE c.in_force = 1 ORDER BY a.id
"""
_GOLD_FACTS_SQL = ('SELECT article_id, start, "end", amount, amount_max, currency, qualifier, per, body, body_role, '
                   'date, region FROM fact_view WHERE article_id IN :ids ORDER BY article_id, seq')
_GOLD_ENTITIES_SQL = ("SELECT article_id, label, norm FROM entities WHERE label IN ('ORG', 'PER') "
                      "AND article_id IN :ids ORDER BY article_id, start, id")
_GOLD_TEXTS_SQL = "SELECT id, published, text, content_hash FROM articles WHERE id IN :ids"


def _gold_fact(row, article_text: str) -> dict:
    return {"span": article_text[row["start"]:row["end"]], "amount": row["amount"], "amount_max": row["amount_max"],
            "currency": row["currency"], "qualifier": row["qualifier"], "per": row["per"], "body": [row["body"]],
            "body_role": row["body_role"], "date": [row["date"]], "region": [row["region"]]}


def _rows_by_article(connection: Connection, sql: str, ids: list[str]) -> dict[str, list]:
    found: dict[str, list] = {}
    for row in connection.execute(text(sql).bindparams(_IDS), {"ids": ids}).mappings():
        found.setdefault(row["article_id"], []).append(row)
    return found


def gold_articles(connection: Connection) -> list[GoldArticleLine]:
    """Every article with a correction in force as a gold annotation: all its facts, corrected where the desk
    corrected them and as extracted elsewhere (the facts it said are no facts left out), with its entities as
    extracted and its stored text, so that `depeches eval` scores the pipeline against what the desk said."""
    ids = list(connection.scalars(text(_CORRECTED_ARTICLES_SQL)))
    if not ids:
        return []
    articles = {row["id"]: row for row in connection.execute(text(_GOLD_TEXTS_SQL).bindparams(_IDS),
                                                              {"ids": ids}).mappings()}
    facts = _rows_by_article(connection, _GOLD_FACTS_SQL, ids)
    entities = _rows_by_article(connection, _GOLD_ENTITIES_SQL, ids)
    lines = []
    for article_id in ids:
        article = articles[article_id]
        gold_id = article_id if PLAIN_ID.fullmatch(article_id) else f"article-{article['content_hash'][:16]}"
        names_of = {label: list(dict.fromkeys(e["norm"] for e in entities.get(article_id, []) if e["label"] == label))
                    for label in ("ORG", "PER")}
        line = {"id": gold_id, "article_id": article_id, "published": article["published"],
                "facts": [_gold_fact(row, article["text"]) for row in facts.get(article_id, [])],
                "orgs": [[name] for name in names_of["ORG"]], "people": names_of["PER"]}
        lines.append(GoldArticleLine(gold_id, line, article["text"]))
    return lines
