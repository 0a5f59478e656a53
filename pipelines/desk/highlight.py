"""An article's text cut into pieces for display: the amounts marked, one fact's sentence highlighted."""

from dataclasses import dataclass

__all__ = ["Amount", "Piece", "sentence_span", "pieces"]


@dataclass(frozen=True)
class Amount:
    """Where a fact's amount is in the article's text."""

    fact_id: int
    start: int
    end: int


@dataclass(frozen=True)
class Piece:
    """A run of text: inside the highlighted sentence or not, part of an amount or not, and the anchor it opens."""

    text: str
    in_sentence: bool
    fact_id: int | None
    anchor: str | None


def sentence_span(text: str, sentence: str | None, start: int, end: int) -> tuple[int, int]:
    """Where the sentence holding [start, end) is in the text; the amount alone when the sentence is not found.

    >>> sentence_span("Un. La Région vote 3 M€. Fin.", "La Région vote 3 M€.", 19, 23)
    (4, 24)
    """
    sentence = (sentence or "").strip()
    if sentence:
        at = text.find(sentence, max(0, start - len(sentence)))
        while 0 <= at <= start:
            if at + len(sentence) >= end:
                return at, at + len(sentence)
            at = text.find(sentence, at + 1)
    return start, end


def pieces(text: str, amounts: list[Amount], selected: int | None, sentence: str | None) -> list[Piece]:
    """The text cut at the amounts and at the selected fact's sentence, in order, covering all of it."""
    valid = [a for a in amounts if 0 <= a.start < a.end <= len(text)]
    chosen = next((a for a in valid if a.fact_id == selected), None)
    span = sentence_span(text, sentence, chosen.start, chosen.end) if chosen else (len(text), len(text))
    cuts = sorted({0, len(text), *span, *(a.start for a in valid), *(a.end for a in valid)})
    out, anchored = [], set()
    for left, right in zip(cuts, cuts[1:]):
        owner = next((a for a in valid if a.start <= left < a.end), None)
        fact_id = owner.fact_id if owner else None
        anchor = None
        if fact_id is not None and fact_id not in anchored:
            anchored.add(fact_id)
            anchor = f"fait-{fact_id}"
        out.append(Piece(text[left:right], span[0] <= left < span[1], fact_id, anchor))
    return out
