"""What attribution knows about one amount (its sentence, the verbs above it, its story's body, decision and year),
shared by the rules of bodies and regions (extract/facts.py) and of dates (extract/dating.py)."""

from dataclasses import dataclass

from spacy.tokens import Span, Token

from extract.cues import COMPARED
from extract.types import Amount, Mention

__all__ = ["Context", "verbs_above", "nearest_owner", "is_compared"]


@dataclass(frozen=True)
class Context:
    """What attribution needs to know about one amount: its sentence's setting (`national`: the sentence is about the
    whole country), the verbs above it in the parse, from the nearest up, and its story's body, decision and year."""

    amount: Amount
    text: str
    sentence: Span
    sentence_text: str
    previous: Span | None
    orgs: list[Mention]
    previous_orgs: list[Mention]
    main_body: str | None = None
    actors: list[Mention] = ()
    body: str | None = None
    runner: str | None = None
    decision: tuple[str | None, str | None] = (None, None)
    budget_year: str | None = None
    national: bool = False
    verbs: tuple[Token, ...] = ()
    list_body: tuple[str | None, str | None] = (None, None)
    list_date: tuple[str | None, str | None] = (None, None)



def verbs_above(token: Token):
    """The verbs (and the root) above a token in the parse, from the nearest up, across coordinated and complement
    clauses."""
    while True:
        if token.pos_ in ("VERB", "AUX") or token.dep_ == "ROOT":
            yield token
            if token.dep_ == "conj" or token.dep_ in ("xcomp", "ccomp") and token.head.i != token.i:
                token = token.head
                continue
        if token.head.i == token.i:
            return
        token = token.head



def nearest_owner(position: int, amounts: list[Amount]) -> Amount:
    """The amount nearest a position (a date's, a place's): the one it most likely belongs to."""
    return min(amounts, key=lambda a: min(abs(position - a.start), abs(position - a.end)))



def is_compared(ctx: Context) -> bool:
    """An amount another is compared with: "contre 585 M€ en 2025"."""
    return bool(COMPARED.search(ctx.text[max(0, ctx.amount.start - 20):ctx.amount.start]))
