"""Entities: the statistical model's people and organisations, trimmed and filtered, merged with the gazetteers."""

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extract import text_of
from extract.anaphora import resolve_generics
from extract.bodies import acting_places, canonical, find_bodies, is_budget_act, is_not_body
from extract.data import load_json
from extract.knowledge import KNOWLEDGE_COMPONENT, PROGRAMME, SPANS_KEY, known_spans
from extract.regions import find_places, main_region, region_of
from extract.stories import lead_end
from extract.types import Mention

__all__ = ["find_entities", "ENTITIES_COMPONENT"]

ENTITIES_COMPONENT = "depeches_entities_v1"

# An organisation name ends before these words: "la Caisse des dépôts pour encourager…" is "Caisse des dépôts".
ORG_STOP_WORDS = {"pour", "afin", "qui", "que", "qu'", "dont", "en", "sur", "avec", "dans", "par", "lors", "après",
                  "avant", "depuis", "sans", "selon", "chez", "vers", "contre", "ou", "mais", "soit", "ainsi"}
# "et" ends a name only before a determiner: "la Région et l'État", not "Agence de services et de paiement".
DETERMINERS = {"le", "la", "l'", "les", "un", "une", "son", "sa", "ses", "leur", "leurs", "ce", "cette"}
LEADING_DROP = {"le", "la", "l'", "les", "un", "une", "des", "du", "de", "d'", "au", "aux", "à", "ce", "cet", "cette",
                "son", "sa", "ses", "leur", "leurs", "notre", "nos", "votre", "l", "d"}
# Lowercase heads that open real organisation names in French typography ("l'université de Lille").
ORG_HEADS = {"université", "école", "lycée", "cfa", "chambre", "agence", "association", "fédération", "syndicat",
             "groupe", "institut", "fondation", "ministère", "comité", "commission", "cour", "observatoire", "centre",
             "réseau", "union", "conseil", "campus", "office", "caisse", "banque", "établissement", "société",
             "confédération", "collectif", "mutuelle", "conservatoire", "délégation", "direction", "haut-commissariat"}
# Ministerial portfolios, as in "ministre de l'Enseignement supérieur, de la Recherche et de l'Innovation": titles,
# not organisations, when the model tags them.
PORTFOLIOS = {"Recherche", "Innovation", "Enseignement", "Formation", "Travail", "Emploi", "Insertion", "Solidarités",
              "Santé", "Économie", "Economie", "Finances", "Éducation", "Education", "Jeunesse", "Sports", "Plein"}
NAME_PARTICLES = {"de", "du", "des", "d'", "le", "la", "van", "von", "der", "ben", "el", "al"}


def _trim_org(span: Span) -> str | None:
    tokens = list(span)
    for i, token in enumerate(tokens[1:], start=1):
        ends_with_and = token.lower_ == "et" and token.i + 1 < len(span.doc) and span.doc[token.i + 1].lower_ in DETERMINERS
        if token.lower_ in ORG_STOP_WORDS or ends_with_and or token.is_punct and token.text not in "-&'" \
                or token.pos_ in ("VERB", "AUX"):
            tokens = tokens[:i]
            break
    while tokens and (tokens[0].lower_ in LEADING_DROP or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and tokens[0].is_lower and tokens[0].lower_ not in ORG_HEADS:
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower_ in LEADING_DROP or tokens[-1].is_punct):
        tokens = tokens[:-1]
    if not tokens:
        return None
    return span.doc[tokens[0].i:tokens[-1].i + 1].text


def _head(span: Span) -> str:
    """The first word of a name after its determiners, lowercased: "le Plan de relance" → "plan"."""
    words = [t.lower_ for t in span if t.lower_ not in LEADING_DROP and not t.is_punct]
    return words[0] if words else ""


def _programme(span: Span) -> Mention | None:
    """A programme, call, fund, plan or law that the model tags as an organisation or a person: "Plan
    d'investissement…", "Advanced Grant"."""
    if _head(span) not in _word_lists()["programme_heads"] and not _has_programme_tail(span):
        return None
    tokens = list(span)
    while tokens and (tokens[0].lower_ in LEADING_DROP or tokens[0].is_punct):
        tokens = tokens[1:]
    while tokens and (tokens[-1].lower_ in LEADING_DROP | {"et", "ou"} or tokens[-1].is_punct):
        tokens = tokens[:-1]
    if not tokens or not any(c.isupper() for t in tokens for c in t.text):
        return None
    name = span.doc[tokens[0].i:tokens[-1].i + 1]
    return Mention(PROGRAMME, name.text, name.text, name.start_char, name.end_char)


def _has_programme_tail(span: Span) -> bool:
    words = [t.lower_ for t in span if not t.is_punct]
    return bool(words) and words[-1] in _word_lists()["programme_tails"]


def _org(span: Span) -> Mention | None:
    if "|" in span.text:  # across a table's cells ("Poste | BI 2025 | BI 2024"): a row, not a name
        return None
    programme = _programme(span)
    if programme:
        return programme
    text = _trim_org(span)
    if not text or is_not_body(text) or region_of(text) or len(text) < 2 or text.islower():
        return None
    if not any(c.isupper() for c in text) or text.split(" ")[0] in PORTFOLIOS:
        return None
    if text.split(" ")[0].casefold() in _word_lists()["titles"]:  # "Sénatrice de la Drôme", "Président": a role
        return None
    if " " not in text and span.doc[span.start].pos_ in ("VERB", "ADJ", "ADV") and not text.isupper():
        return None
    start = span.start_char + span.text.index(text)
    if _is_capitalised_word(span.doc, start, text):
        return None
    return Mention("ORG", text, canonical(text) or text, start, start + len(text))


def _is_capitalised_word(doc: Doc, start: int, text: str) -> bool:
    """A common word written with a capital only because it opens a sentence or a line ("Investissements dans les
    lycées :", "Continuer à former…"): one word, not an acronym, unknown to the knowledge base, first of its
    sentence, and a word of the language (the model's vectors know its lowercase form)."""
    if " " in text or "-" in text or text.isupper() or canonical(text):
        return False
    token = doc.char_span(start, start + len(text), alignment_mode="expand")
    return token is not None and token[0].is_sent_start and doc.vocab.has_vector(text.lower())


@lru_cache(maxsize=1)
def _word_lists() -> dict[str, frozenset]:
    data = load_json("entities.json")
    return {name: frozenset(data[name]) for name in ("programme_heads", "programme_tails", "civilities", "titles")}


# A one-word name joined by these is a place: "Vitry-sur-Seine", "Mont-de-Marsan", "Saint-Denis", "Aix-en-Provence".
PLACE_NAME = re.compile(r"^(?:Saint|Sainte|Le|La|Les)-[A-ZÉ]|-(?:sur|sous|de|du|des|en|lès|lez|le|la|les|aux|et)-", re.I)


# Initials and nothing else: "A.-S. M.-S", "N. G.-M".
INITIALS = re.compile(r"(?:[A-ZÀ-Ý]\.[\s-]*)+[A-ZÀ-Ý]\.?")


def _is_place_name(words: list[Token]) -> bool:
    return len(words) == 1 or bool(PLACE_NAME.search(words[0].text))


def _person(span: Span) -> Mention | None:
    tokens = list(span)
    while tokens and tokens[0].text in _word_lists()["civilities"]:
        tokens = tokens[1:]
    if not tokens:
        return None
    span = span.doc[tokens[0].i:tokens[-1].i + 1]
    words = [t for t in span if not t.is_punct or t.text == "-"]
    if _is_place_name(words):
        return None
    if len(words) < 2 or any(t.like_num for t in words):
        return None
    if not (words[0].text[:1].isupper() and words[-1].text[:1].isupper()):
        return None
    if any(t.is_lower and t.lower_ not in NAME_PARTICLES for t in words):
        return None
    text = span.text.strip(" ,.;:\"'()")
    if INITIALS.fullmatch(text):  # "A.-S. M.-S." opening an interview's answer: who speaks, not a name
        return None
    if canonical(text) or region_of(text) or is_not_body(text) or "AEF" in text:
        return None
    start = span.start_char + span.text.index(text)
    return Mention("PER", text, text, start, start + len(text))


def _model_mentions(doc: Doc) -> list[Mention]:
    found = []
    for ent in doc.ents:
        if ent.label_ == "PER":
            found.append(_programme(ent) if _has_programme_tail(ent) else _person(ent))
        elif ent.label_ == "ORG":
            found.append(_org(ent))
        elif ent.label_ == "LOC" and not canonical(ent.text) and not is_not_body(ent.text):
            found.append(Mention("LOC", ent.text, ent.text, ent.start_char, ent.end_char))
    return [m for m in found if m is not None]


# An acronym a text defines in brackets right after a body's name: "la Communauté urbaine de Bordeaux (CUB)".
DEFINED_ACRONYM = re.compile(r"[ ]?\((?P<acronym>[A-ZÉÈ][A-Za-zÉÈé0-9&]{1,9})\)")


def _defined_acronyms(text: str, mentions: list[Mention]) -> list[Mention]:
    """Mentions with every acronym the text defines after a body's name standing for that body: each mention of it
    takes the body's name and region, and each use of it the model missed becomes a mention. An acronym the
    knowledge base knows as another body is left to it."""
    defined = {}
    for m in mentions:
        found = DEFINED_ACRONYM.match(text, m.end) if m.label == "ORG" else None
        acronym = found.group("acronym") if found else None
        if acronym and _abbreviates(acronym, m.text) and canonical(acronym) in (None, m.norm):
            defined.setdefault(acronym, m)
    if not defined:
        return mentions
    out = [replace(m, label="ORG", norm=defined[m.text].norm, region=defined[m.text].region)
           if m.label in ("ORG", "LOC") and m.text in defined and m.norm == m.text else m for m in mentions]
    for acronym, body in defined.items():
        out += _uses(text, acronym, out, lambda start, end: Mention("ORG", acronym, body.norm, start, end, body.region))
    return sorted(out, key=lambda m: m.start)


def _uses(text: str, acronym: str, mentions: list[Mention], mention_at: Callable[[int, int], Mention]) -> list[Mention]:
    """A mention (made by `mention_at`) for each use of a defined acronym that no mention holds yet."""
    uses = (mention_at(m.start(), m.end()) for m in re.finditer(rf"(?<![\w-]){re.escape(acronym)}(?![\w-])", text))
    return [use for use in uses if not _overlaps(use, mentions)]


# A body's former name in brackets right after its name: "France Travail (ex-Pôle emploi)", "(anciennement …)".
FORMER_NAME_BEFORE = re.compile(r"[ ]?\((?P<cue>(?:anciennement|ancien|ancienne|ex)\s+)?")


def _former_names(text: str, mentions: list[Mention]) -> list[Mention]:
    """A body's former name glossing its name ("Numeum (ex-Syntec Numérique)", "(anciennement Syntec Numérique)")
    stands for the body named before it, not for another one."""
    out = list(mentions)
    for index, m in enumerate(out):
        before = out[index - 1] if index else None
        gloss = FORMER_NAME_BEFORE.fullmatch(text, before.end, m.start) if before is not None else None
        if gloss and m.label == before.label == "ORG" and (gloss.group("cue") or m.text.startswith("ex-")) \
                and text[m.end:m.end + 1] == ")":
            out[index] = replace(m, norm=before.norm, region=before.region)
    return out


# Guillemets around a whole name: the title of a project, a call or a plan ("l'idex « UCA Jedi »"), not a body.
QUOTE_OPEN = re.compile(r"[«“]\s?$")
QUOTE_CLOSE = re.compile(r"\s?[»”]")


# The word before an opening guillemet: "le programme « Cap Métiers »".
WORD_BEFORE_QUOTE = re.compile(r"(\w+)\s?[«“]\s?$")


def _quoted_title(text: str, mention: Mention, heads: frozenset[str] | None = None) -> Mention:
    """An organisation alone between guillemets is a programme's title, tagged PROG; with `heads`, only when one of
    these words opens the guillemets ("le programme « Cap Métiers »": a known body's name, no Carif-Oref there)."""
    if mention.label != "ORG" or not (QUOTE_OPEN.search(text, max(0, mention.start - 2), mention.start)
                                      and QUOTE_CLOSE.match(text, mention.end)):
        return mention
    if heads is not None:
        before = WORD_BEFORE_QUOTE.search(text, max(0, mention.start - 30), mention.start)
        if not before or before.group(1).lower() not in heads:
            return mention
    return replace(mention, label=PROGRAMME, norm=mention.text, region=None)


# The words before an acronym in brackets that may hold the name it abbreviates, looked for in the last
# NAME_BEFORE_REACH characters only (a newline before the end still lets `$` match).
NAME_BEFORE_ACRONYM = re.compile(r"([^\n.;:()«»\"]{3,90})$")
NAME_BEFORE_REACH = 92


def _defined_programmes(text: str, mentions: list[Mention]) -> list[Mention]:
    """Mentions with every acronym the text defines in brackets after a programme's name ("le programme départemental
    d'insertion (PDI)", "un appel à manifestation d'intérêt (AMI)") standing for a programme: tagged PROG wherever
    it is used, never an organisation. An acronym the knowledge base knows is left to it."""
    defined = set()
    for found in DEFINED_ACRONYM.finditer(text):
        acronym, before = found.group("acronym"), NAME_BEFORE_ACRONYM.search(
            text, max(0, found.start() - NAME_BEFORE_REACH), found.start())
        if acronym not in defined and canonical(acronym) is None and before and _names_programme(acronym, before[1]):
            defined.add(acronym)
    if not defined:
        return mentions
    out = [replace(m, label=PROGRAMME) if m.label == "ORG" and m.text in defined else m for m in mentions]
    for acronym in sorted(defined):
        out += _uses(text, acronym, out, lambda start, end: Mention(PROGRAMME, acronym, acronym, start, end))
    return sorted(out, key=lambda m: m.start)


def _names_programme(acronym: str, before: str) -> bool:
    """A run of words ending `before`, that the acronym abbreviates, starts with a programme's head word."""
    words = re.split(r"\s+", before.strip())
    for size in range(2, min(len(words), 2 * len(acronym) + 2) + 1):
        head = re.split(r"['’]", words[-size].casefold())[-1]
        if head in _word_lists()["programme_heads"] and _folded(head[:1]) == _folded(acronym[:1]) \
                and _abbreviates(acronym, " ".join(words[-size:])):
            return True
    return False


def _abbreviates(acronym: str, name: str) -> bool:
    """The acronym's letters are, in order, initials of the name's words: "CUB" for "Communauté urbaine de Bordeaux",
    not "DVD" (an affiliation) for "Département de la Manche"."""
    initials = iter(_folded(word[0]) for word in re.split(r"[\s'’-]+", name) if word)
    return " " in name and all(letter in initials for letter in _folded(acronym) if letter.isalpha())


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()


def _overlaps(mention: Mention, others: list[Mention]) -> bool:
    return any(mention.start < o.end and o.start < mention.end for o in others)


def find_entities(doc: Doc, known_in: Callable[[str], list[Span]] = known_spans) -> tuple[list[Mention], str | None]:
    """ORG, PER, LOC and PROG mentions of a parsed doc, in order, and the dispatch's main region; `known_in` finds
    the knowledge base's names in a text."""
    text = text_of(doc)
    places = find_places(text)
    known = list(doc.spans[SPANS_KEY]) if SPANS_KEY in doc.spans else known_in(text)
    regional = [b for b in find_bodies(text, None, known, known_in) if b.region]
    main = main_region([p for p in places if not _overlaps(p, regional)] + regional, lead_end(text))
    gazetteer = find_bodies(text, main, known, known_in)
    gazetteer += resolve_generics(text, gazetteer, doc.vocab.has_vector)
    gazetteer += [Mention(PROGRAMME, s.text, s.kb_id_, s.start_char, s.end_char) for s in known if s.label_ == PROGRAMME]
    gazetteer += [Mention(PROGRAMME, s.text, s.text, s.start_char, s.end_char) for s in known
                  if s.label_ != PROGRAMME and is_budget_act(text, s)]  # a budget act is a law, like a programme
    gazetteer += [p for p in acting_places(text, places) if not _overlaps(p, gazetteer)]
    gazetteer += [p for p in places if not _overlaps(p, gazetteer)]
    gazetteer = [_quoted_title(text, m, _word_lists()["programme_heads"]) for m in gazetteer]
    model = [_quoted_title(text, m) for m in _model_mentions(doc) if not _overlaps(m, gazetteer)]
    mentions = _former_names(text, _defined_acronyms(text, sorted(gazetteer + model, key=lambda m: m.start)))
    return _defined_programmes(text, mentions), main


@Language.factory(ENTITIES_COMPONENT)
def make_entities(nlp: Language, name: str):
    """The stage storing the entity mentions in doc._.mentions and the main region in doc._.main_region; names of
    the knowledge base in other texts than the doc's are found by the pipeline's own matcher when it has one."""
    known_in = nlp.get_pipe(KNOWLEDGE_COMPONENT).matcher.find if KNOWLEDGE_COMPONENT in nlp.pipe_names else known_spans

    def entities_component(doc: Doc) -> Doc:
        doc._.mentions, doc._.main_region = find_entities(doc, known_in)
        return doc

    return entities_component


for _name, _default in (("mentions", []), ("main_region", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
