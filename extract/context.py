"""What attribution knows about one amount (its sentence, the verbs above it, its story's body, decision and year),
shared by the rules of bodies and regions (extract/facts.py) and of dates (extract/dating.py)."""

from dataclasses import dataclass

from spacy.tokens import Span, Token

from extract.cues import COMPARED
from extract.types import Amount, Mention

__all__ = ["Context", "verbs_above", "nearest_owner", "is_compared", "tense"]


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


# The tense an auxiliary of time gives the participle it goes with: "a voté", "avait inscrit", "aura versé".
AUXILIARY_TENSES = {"Pres": "past", "Past": "past", "Imp": "pluperfect", "Fut": "future"}


def _finite(token: Token) -> str:
    if token.morph.get("Mood") == ["Cnd"]:
        return "conditional"
    found = token.morph.get("Tense")
    return {"Fut": "future", "Imp": "imperfect", "Past": "past"}.get(found[0], "present") if found else "present"


def tense(verbs: list[Token]) -> str:
    """The tense of the clause an amount stands in, from the verbs above it (nearest first): present, past,
    imperfect, pluperfect, future, conditional, or "no verb". An infinitive or a participle standing alone takes the
    tense of the verb above it ("pourrait coûter 3 M€", conditional)."""
    for verb in verbs:
        auxiliaries = [c for c in verb.children if c.dep_.startswith("aux")]
        timed = [c for c in auxiliaries if c.dep_ == "aux:tense"]
        if any(c.morph.get("Mood") == ["Cnd"] for c in auxiliaries):
            return "conditional"
        if timed:
            found = timed[0].morph.get("Tense")
            return AUXILIARY_TENSES.get(found[0], "past") if found else "past"
        if auxiliaries:
            return _finite(auxiliaries[0])
        if verb.morph.get("VerbForm") == ["Fin"]:
            return _finite(verb)
    return "no verb"
