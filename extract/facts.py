"""Facts: each amount attributed a body (and its role), a date and a region, with a confidence."""

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from extract import text_of
from extract.confidence import features, probability
from extract.context import Context, is_compared, nearest_owner, verbs_above
from extract.cues import (AFTER_BODY, AGENT_BEFORE, ANAPHORA, COST, COST_REACH, FUNDER_VERBS, GAP_BREAK, NATIONAL,
                          PLACE_COMPLEMENT, RECIPIENT_VERBS, ROLE_BEFORE, line_around, role_of)
from extract.dating import MODEL_FILE as DATES_MODEL
from extract.dating import date_candidates, date_setting, rule_date, total_date
from extract.knowledge import PROGRAMME, entry, regional_member
from extract.lists import (TABLE_GAP, intro_line, is_listed, line_starts, list_body, list_date, table_body,
                           table_date, table_tops)
from extract.ranker import Place, candidates, page, rank
from extract.regions import names_region
from extract.stories import Story, headline_end, is_unattached, lead_end, names, stories
from extract.types import Amount, DateMention, Fact, Mention

__all__ = ["attribute", "FACTS_COMPONENT", "FEATURES_KEY", "CANDIDATES_KEY", "DATE_CANDIDATES_KEY"]

FACTS_COMPONENT = "depeches_facts_v1"
# Where a doc keeps the confidence features of its facts, in their order (read by evaluation and training)...
FEATURES_KEY = "depeches_fact_features"
# ... and the body candidates of each, with their features, and its date candidates.
CANDIDATES_KEY = "depeches_body_candidates"
DATE_CANDIDATES_KEY = "depeches_date_candidates"

# Kinds of body (kb.json) that report on, vote or criticise others' money rather than hold their own: never a fact's
# body.
SOURCE_KINDS = {"court", "inspection", "parliament", "party"}
SUBJECT_DEPS = {"nsubj", "nsubj:pass", "obl:agent"}
# How close (characters) a place must stand before an amount to name its region: "la Bretagne (8,6 M€)".
ADJACENT_PLACE = 40
# How far before a place the preposition making it a complement stands ("pour la ").
COMPLEMENT_REACH = 12
# How close a body must stand before its amount to be its subject whatever the parse says:
# "la Région apporte 38 M€ et France Travail 24 M€", "l'université de Lille obtient la plus forte dotation, 21,5 M€".
ADJACENT_BODY = 45


class _Sentences:
    """The sentences of a doc, listed once: `Token.sent` walks the tokens of the sentence at every call."""

    def __init__(self, doc: Doc) -> None:
        self.spans = list(doc.sents)
        self.starts = [s.start_char for s in self.spans]

    def around(self, text: str, start: int) -> tuple[Span, Span | None]:
        """The sentence holding the character at `start`, and the one before it on the same line (or None)."""
        index = bisect_right(self.starts, start) - 1
        sentence = self.spans[index]
        if index == 0:
            return sentence, None
        previous = self.spans[index - 1]
        # A line ends with its newline token, inside the sentence it ends.
        return sentence, None if "\n" in text[previous.start_char:sentence.start_char] else previous


def _inside(mentions: list[Mention], span: Span | None) -> list[Mention]:
    if span is None:
        return []
    return [m for m in mentions if span.start_char <= m.start and m.end <= span.end_char]


def _is_affiliation(text: str, mention: Mention, people: list[Mention]) -> bool:
    """"son président (CFDT)", "David Margueritte (LR)": an organisation in brackets after a person or a role is an
    affiliation; after the body's long name ("l'opérateur de compétences […] (Opco EP)") it is the body."""
    if text[max(0, mention.start - 1):mention.start] != "(" or text[mention.end:mention.end + 1] != ")":
        return False
    before = text[max(0, mention.start - 40):mention.start - 1].rstrip()
    return bool(ROLE_BEFORE.search(before)) or any(0 <= mention.start - 1 - p.end <= 2 for p in people)


def _with_speaker(text: str, orgs: list[Mention], mentions: list[Mention], people: list[Mention],
                  end: int) -> list[Mention]:
    """The bodies a story is told from: those that can hold an amount, and the body of the person a headline (ending
    at `end`) quotes or interviews ("entretien avec Anne Martin (Opco 2i)"), who speaks for it in the page ("nous",
    "notre budget")."""
    speaker = [m for m in mentions if m.label == "ORG" and m.end <= end and _is_affiliation(text, m, people)]
    return sorted(orgs + speaker[:1], key=lambda m: m.start)


def _role(verbs: list[Token]) -> str | None:
    for verb in verbs:
        if RECIPIENT_VERBS.match(verb.text):
            return "recipient"
        if FUNDER_VERBS.match(verb.text):
            return "funder"
    return None


def _syntax_body(ctx: Context) -> tuple[Mention, str | None] | None:
    seen = []
    for verb in ctx.verbs:
        seen.append(verb)
        for child in verb.children:
            if child.dep_ not in SUBJECT_DEPS:
                continue
            inside = [m for m in ctx.actors if child.left_edge.idx <= m.start < child.right_edge.idx + len(child.right_edge)]
            if inside:
                role = "funder" if child.dep_ == "obl:agent" else _role(seen)
                return inside[0], role
    return None


def _near_body(ctx: Context) -> tuple[Mention, str] | None:
    before = [m for m in ctx.orgs if m.end <= ctx.amount.start]
    clause_start = max(ctx.sentence.start_char, ctx.amount.start - 120)
    if before and not re.search(r"[;:]", ctx.text[before[-1].end:ctx.amount.start]) and before[-1].start >= clause_start:
        return before[-1], "clause"
    if ctx.orgs:
        return min(ctx.orgs, key=lambda m: abs(m.start - ctx.amount.start)), "sentence"
    return None


def _adjacent_body(ctx: Context) -> tuple[Mention, str | None] | None:
    """A body standing just before or just after its amount, within the same clause."""
    text, amount = ctx.text, ctx.amount
    for org in ctx.orgs:
        if org.start >= amount.end and org.start - amount.end <= 25:
            link = AFTER_BODY.match(text[amount.end:org.start])
            if link:
                return org, "funder" if link.group("link") == "par" else None
    regions = [m for m in ctx.actors if m.label == "ORG" and m not in ctx.orgs and m.end <= amount.start]
    if regions and _is_gapped(text[regions[-1].end:amount.start]) and not (ctx.orgs and ctx.orgs[-1].end > regions[-1].end
                                                                          and ctx.orgs[-1].end <= amount.start):
        return regions[-1], role_of(text[regions[-1].end:amount.start].split())
    before = [m for m in ctx.orgs if m.end <= amount.start and amount.start - m.end <= ADJACENT_BODY]
    if before:
        gap = text[before[-1].end:amount.start]
        if TABLE_GAP.fullmatch(gap):
            return before[-1], None
        if not GAP_BREAK.search(gap) and gap.count(",") <= 1 \
                and not _in_clause_before(ctx, before[-1]):
            return before[-1], role_of(gap.split())
    return None


def _in_clause_before(ctx: Context, mention: Mention) -> bool:
    """A body inside a relative or participial clause that closes before the amount ("le Crous de Créteil, qui loge
    des étudiants de Paris 12, a consacré 38 M€"): it is no actor of the amount."""
    span = ctx.sentence.doc.char_span(mention.start, mention.end, alignment_mode="expand")
    if span is None:
        return False
    for token in span.root.ancestors:
        if token.dep_ in ("acl:relcl", "acl"):
            return token.right_edge.idx < ctx.amount.start
    return False


def _is_gapped(gap: str) -> bool:
    """"la Martinique 31,5 M€", "la Guadeloupe recevra 38 M€": a region right before its amount, as its actor."""
    words = gap.split()
    return len(gap) <= 25 and (not words or all(FUNDER_VERBS.match(w) or RECIPIENT_VERBS.match(w) for w in words))


def _body(ctx: Context) -> tuple[str | None, str | None, str]:
    adjacent = _adjacent_body(ctx)
    if adjacent:
        return adjacent[0].norm, adjacent[1], "adjacent"
    found = _syntax_body(ctx)
    if found:
        return found[0].norm, found[1], "syntax"
    near = _near_body(ctx)
    role = _role(list(ctx.verbs))
    if near:
        agent = AGENT_BEFORE.search(ctx.text[max(0, near[0].start - 12):near[0].start])
        return near[0].norm, "funder" if agent else role, near[1]
    if ctx.previous_orgs and ANAPHORA.search(ctx.sentence_text):
        # "il", "l'établissement": the story's body if the sentence before names it, else the first body it names.
        named = {m.norm for m in ctx.previous_orgs}
        return (ctx.main_body if ctx.main_body in named else ctx.previous_orgs[0].norm), role, "previous"
    introduced, above = ctx.list_body
    if introduced:
        return introduced, role, "list"
    if ctx.main_body and not ctx.national:
        return ctx.main_body, role, "main"
    if above:
        return above, role, "list"
    if ctx.runner:
        return ctx.runner, role, "programme"
    return None, None, "none"


def _adjacent_place(doc: Doc, ctx: Context, places: list[Mention]) -> Mention | None:
    """A place just before the amount on the same line: "la Bretagne (8,6 M€)", "Bretagne : 61,4 M€"."""
    candidates = [p for p in places if ctx.amount.start - ADJACENT_PLACE <= p.start and p.end <= ctx.amount.start]
    if not candidates:
        return None
    gap = ctx.text[candidates[-1].end:ctx.amount.start]
    if re.fullmatch(r"[ ]*(?:\(|:|:[ ]*\(|,|[ ]-|[ ]–)?[ ]*(?:soit|avec|pour|de|d')?[ ]*", gap):
        return candidates[-1]
    return None


def _place_owner(text: str, place: Mention, amounts: list[Amount]) -> Amount:
    """The amount a place of its sentence belongs to: after a preposition the place complements the amount before it
    ("61,4 M€ pour la Bretagne"), else it is the subject of the amount after it ("la Bretagne consacre 1 640 € et la
    Normandie 1 520 €"); failing that, the nearest."""
    if PLACE_COMPLEMENT.search(text, max(0, place.start - COMPLEMENT_REACH), place.start):
        before = [a for a in amounts if a.end <= place.start]
        if before:
            return before[-1]
    after = [a for a in amounts if a.start >= place.end]
    return after[0] if after else nearest_owner(place.start, amounts)


def _region(doc: Doc, ctx: Context, body: str | None, places: list[Mention], amounts: list[Amount]) -> tuple[str | None, str]:
    adjacent = _adjacent_place(doc, ctx, places)
    if adjacent:
        return adjacent.region, "adjacent"
    body_region = next((o.region for o in ctx.orgs + ctx.previous_orgs if o.norm == body and o.region), None)
    if body_region:
        return body_region, "body"
    in_sentence = [p for p in places if ctx.sentence.start_char <= p.start < ctx.sentence.end_char]
    siblings = [a for a in amounts if ctx.sentence.start_char <= a.start < ctx.sentence.end_char]
    own = [p for p in in_sentence if _place_owner(ctx.text, p, siblings) is ctx.amount]
    if own:
        return min(own, key=lambda p: abs(p.start - ctx.amount.start)).region, "own"
    if in_sentence:
        return min(in_sentence, key=lambda p: abs(p.start - ctx.amount.start)).region, "sentence"
    if ctx.national:
        return None, "none"
    if doc._.main_region:
        return doc._.main_region, "main"
    return None, "none"


def _as_institution(place: Mention) -> Mention:
    """A region named as the subject of a verb acts as its institution: "la Guadeloupe recevra 38 M€"."""
    return Mention("ORG", place.text, f"Région {place.region}", place.start, place.end, place.region)


def _as_runner(programme: Mention) -> Mention:
    """A programme named as the subject of a verb acts through the body that runs it: "le Feder finance 12 M€"."""
    return Mention(PROGRAMME, programme.text, entry(programme.norm).runner, programme.start, programme.end)


@dataclass(frozen=True)
class _Setting:
    """What the amounts of one sentence share (see Context)."""

    sentence: Span
    sentence_text: str
    previous: Span | None
    orgs: list[Mention]
    previous_orgs: list[Mention]
    actors: list[Mention]
    national: bool
    runner: str | None


def _setting(doc: Doc, text: str, sentence: Span, previous: Span | None, orgs: list[Mention],
             programmes: list[Mention], named: list[Mention], headline: int) -> _Setting:
    """What the amounts of a sentence share; `named` holds the names of bodies and programmes of the doc, `headline`
    where its headline ends."""
    in_sentence = _inside(orgs, sentence)
    regions = [_as_institution(m) for m in _inside(doc._.mentions, sentence)
               if m.label == "LOC" and m.region and names_region(m.text)]
    runners = [_as_runner(p) for p in _inside(programmes, sentence)]
    actors = sorted(in_sentence + regions + runners, key=lambda m: m.start)
    sentence_text = text[sentence.start_char:sentence.end_char]
    return _Setting(sentence, sentence_text, previous, in_sentence, _inside(orgs, previous), actors,
                    _is_national(text, sentence, named), _runner(programmes, sentence, headline))


def _is_national(text: str, sentence: Span, named: list[Mention]) -> bool:
    """A sentence about the whole country: a national word, or a national body's name ("l'Agence nationale de la
    recherche"); "nationale" in the name of a body of one region ("l'École nationale supérieure d'architecture de
    Nantes") says nothing of the sentence's scope."""
    inside = [m for m in named if sentence.start_char <= m.start < sentence.end_char and m.region]
    return any(not any(m.start <= cue.start() < m.end for m in inside)
               for cue in NATIONAL.finditer(text, sentence.start_char, sentence.end_char))


def _context(text: str, setting: _Setting, amount: Amount, story: Story) -> Context:
    root = setting.sentence.doc.char_span(amount.start, amount.end, alignment_mode="expand").root
    return Context(amount, text, setting.sentence, setting.sentence_text, setting.previous, setting.orgs,
                   setting.previous_orgs, story.main, setting.actors, runner=setting.runner, decision=story.decision,
                   budget_year=story.budget_year, national=setting.national, verbs=tuple(verbs_above(root)))


def _runner(programmes: list[Mention], sentence: Span, end: int) -> str | None:
    """The body that runs the money of the programme the amount's sentence names, or failing that the headline's:
    "610 M€ pour l'appel générique" is the ANR's, "LFR 2024 : 900 M€ pour l'apprentissage" the State's; `end` is
    where the headline ends."""
    inside = [p for p in programmes if sentence.start_char <= p.start < sentence.end_char]
    headline = [p for p in programmes if p.end <= end]
    found = inside or headline
    return entry(found[0].norm).runner if found else None


def _is_source(mention: Mention) -> bool:
    """A body that audits, inspects, reports or takes sides (Cour des comptes, inspections, Parliament, parties) names
    others' money."""
    known = entry(mention.norm)
    return known is not None and known.kind in SOURCE_KINDS


def attribute(doc: Doc) -> list[Fact]:
    """One fact per amount of a parsed doc with amounts, dates and mentions, in order of appearance."""
    text = text_of(doc)
    mentions, amounts = doc._.mentions, doc._.amounts
    people = [m for m in mentions if m.label == "PER"]
    orgs = [m for m in mentions if m.label == "ORG" and not _is_affiliation(text, m, people) and not _is_source(m)]
    places = [m for m in mentions if m.region and m.label == "LOC"]
    facts, found, ranked, dated_ranked, picks, story, lead, dated = [], [], [], [], [], None, lead_end(text), []
    dates = [d for d in doc._.dates if not is_unattached(text, d)]
    sentences = _Sentences(doc)
    named = names(doc)
    headline = headline_end(text)
    told_stories = stories(doc, text, sentences.spans, dates, _with_speaker(text, orgs, mentions, people, headline),
                           named)
    programmes = [m for m in mentions if m.label == PROGRAMME and entry(m.norm) and entry(m.norm).runner]
    lines = text.split("\n")
    starts, tops = line_starts(lines), table_tops(lines)
    settings: dict[int, _Setting] = {}  # by sentence start: what the amounts of a sentence share, found once
    # The bodies each story names: an appended story's amounts are never a body of the lead's, nor the other way.
    ends = [s.start for s in told_stories[1:]] + [len(text)]
    pages = {s.start: page([m for m in orgs if s.start <= m.start < end], headline, lead)
             for s, end in zip(told_stories, ends)}
    for amount in amounts:
        told = [s for s in told_stories if s.start <= amount.start][-1]
        if told.start and story is not None and dated and dated[-1][0].start < told.start:
            story = None  # an appended story takes no date from the lead's
        sentence, previous = sentences.around(text, amount.start)
        setting = settings.get(sentence.start_char)
        if setting is None:
            setting = settings[sentence.start_char] = _setting(doc, text, sentence, previous, orgs, programmes, named,
                                                               headline)
        ctx = _context(text, setting, amount, told)
        line = bisect_right(starts, amount.start) - 1
        intro = intro_line(lines, line)
        heading, act = list_date(text, lines, starts, intro, dates, named, lead)
        column = table_date(text, lines, starts, line, tops[line], amount.start, dates, named)
        ctx = replace(ctx, list_body=list_body(lines, starts, line, intro, orgs, picks),
                      list_date=(column or heading, act))
        body, role, body_how = _body(ctx)
        holder = table_body(lines, starts, line, tops[line], amount.start, orgs)
        if holder:  # a table's column heading names the cell's body: no other candidate
            body, role, body_how = holder, _role(list(ctx.verbs)), "table"
            ranked.append([(holder, {"picked": True})])
        else:
            ranked.append(candidates(_place(ctx, told, lines[line], starts[line], amounts), pages[told.start], body))
        picks.append((amount.end, body))
        chosen, margin = rank(ranked[-1])
        if chosen != body:
            body, role, body_how = chosen, (_role(list(ctx.verbs)) if chosen else None), "ranked"
        ctx = replace(ctx, body=body)
        date, date_how = rule_date(ctx, dates, amounts, body_how, story)
        if date_how == "none" and (total := total_date(ctx, amounts, dated)):
            date, date_how = total, "total"
        region, region_how = _region(doc, ctx, body, places, amounts)
        elsewhere = region_how == "adjacent" and doc._.main_region is not None and region != doc._.main_region
        dated_ranked.append(date_candidates(date_setting(ctx, dates, told, story, (date, date_how),
                                                          (is_listed(lines[line]), elsewhere, column is not None),
                                                          (headline, lead))))
        if story is None and amount.start < lead and date_how in ("own", "sentence") and not is_compared(ctx):
            story = date
        if date:  # the rules' date: what the next amounts' candidates read owes nothing to the date ranker
            dated.append((amount, date))
        chosen, date_margin = rank(dated_ranked[-1], DATES_MODEL)
        if chosen != date:
            date, date_how = chosen, "ranked"
        if region_how == "adjacent" and (member := regional_member(body, region)):
            body = member  # "Dotations des associations Transitions Pro :\nBretagne : 21,4 M€"
        values = _features(doc, ctx, dates, amounts, told, (body, body_how), (date, date_how), region_how,
                           (margin, date_margin), (headline, lead))
        found.append(values)
        facts.append(Fact(amount.value, amount.value_max, amount.currency, amount.qualifier, amount.per, body, role,
                          date, region, ctx.sentence_text.strip(), amount.start, amount.end,
                          round(probability(values), 2)))
    doc.user_data[FEATURES_KEY] = found
    doc.user_data[CANDIDATES_KEY] = ranked
    doc.user_data[DATE_CANDIDATES_KEY] = dated_ranked
    return _headline_bodies(facts, text)


def _place(ctx: Context, told: Story, line: str, line_start: int, amounts: list[Amount]) -> Place:
    """What the body ranker looks at around one amount, among the page's `amounts`."""
    start, end = ctx.sentence.start_char, ctx.sentence.end_char
    subjects = tuple((child.left_edge.idx, child.right_edge.idx + len(child.right_edge), child.dep_)
                     for verb in ctx.verbs for child in verb.children if child.dep_ in SUBJECT_DEPS)
    previous = (ctx.previous.start_char, ctx.previous.end_char) if ctx.previous is not None else None
    return Place(ctx.text, ctx.amount, (start, end), previous,
                 (line_start, line_start + len(line)), subjects,
                 any(FUNDER_VERBS.match(v.text) for v in ctx.verbs),
                 any(RECIPIENT_VERBS.match(v.text) for v in ctx.verbs), ctx.national, is_listed(line),
                 bool(ANAPHORA.search(ctx.sentence_text)), told.main, told.decision[1], ctx.sentence.doc,
                 tuple(m for m in ctx.actors if m.label == PROGRAMME), ctx.runner, told.start > 0,
                 COST.search(ctx.text, max(start, ctx.amount.start - COST_REACH),
                             ctx.amount.start) is not None,
                 tuple((a.start, a.end) for a in amounts if start <= a.start < end and a is not ctx.amount))


def _features(doc: Doc, ctx: Context, dates: list[DateMention], amounts: list[Amount], told: Story,
              body: tuple[str | None, str], date: tuple[str | None, str], region_how: str,
              margins: tuple[float, float], bounds: tuple[int, int]) -> dict[str, float]:
    """The confidence features of one amount; `margins` holds the body and date rankers' margins,
    `bounds` where the headline and the lead end."""
    start, end, text = ctx.sentence.start_char, ctx.sentence.end_char, ctx.text
    return features(body=body[0], body_how=body[1], date=date[0], date_how=date[1], region_how=region_how,
                    bodies_in_sentence=len({m.norm for m in ctx.orgs}),
                    dates_in_sentence=sum(start <= d.start < end for d in dates),
                    amounts_in_sentence=sum(start <= a.start < end for a in amounts),
                    ranker_margin=margins[0], date_margin=margins[1],
                    known_body=body[0] is not None and entry(body[0]) is not None,
                    main_body=body[0] == ctx.main_body, headline=ctx.amount.start < bounds[0],
                    lead=ctx.amount.start < bounds[1], appended=told.start > 0,
                    published=doc._.published is not None,
                    line_before=text[line_around(text, ctx.amount.start)[0]:ctx.amount.start],
                    position=ctx.amount.start / max(len(text), 1))


def _headline_bodies(facts: list[Fact], text: str) -> list[Fact]:
    """A headline amount that names no body takes the one its repeat in the lead paragraph gives."""
    end, lead = headline_end(text), lead_end(text)
    repeats = [f for f in facts if end <= f.start < lead and f.body]
    out = []
    for fact in facts:
        same = [f for f in repeats if (f.amount, f.currency) == (fact.amount, fact.currency)]
        if fact.start < end and fact.body is None and same:
            fact = replace(fact, body=same[0].body, body_role=same[0].body_role)
        out.append(fact)
    return out


@Language.component(FACTS_COMPONENT)
def facts_component(doc: Doc) -> Doc:
    """Store the facts of the doc in doc._.facts."""
    doc._.facts = attribute(doc)
    return doc


if not Doc.has_extension("facts"):
    Doc.set_extension("facts", default=[])
