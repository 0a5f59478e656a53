"""Quality measured on gold annotations, exactly as the fact specification defines it."""

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Iterable

from extract.bodies import canonical
from extract.clean import normalise
from extract.nlp import DEFAULT_MODEL, extract_docs, load
from pipelines.batch import prepare
from pipelines.readers import RawArticle, read_file

__all__ = ["GoldArticle", "Report", "Sample", "load_gold", "evaluate", "score", "FIELDS"]

FIELDS = ("body", "date", "region", "qualifier")
# The fields a fact's confidence speaks for.
ATTRIBUTION = ("body", "date", "region")


@dataclass(frozen=True)
class GoldArticle:
    id: str
    path: Path
    published: str | None
    facts: list[dict]
    orgs: list[list[str]]
    people: list[str]


@dataclass(frozen=True)
class Sample:
    """A matched fact seen by the models: its article, its confidence features, whether body, date and region are all
    right, the confidence the pipeline gave it, its body candidates (name, features, right) and its date candidates
    (value, features, right)."""

    article: str
    features: dict[str, float]
    all_right: bool
    confidence: float
    candidates: tuple = ()
    date_candidates: tuple = ()


@dataclass
class Report:
    """Counts behind the figures; `errors` lists (article, field, got, want)."""

    amounts_predicted: int = 0
    amounts_gold: int = 0
    amounts_matched: int = 0
    right: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    entities: dict[str, list[int]] = field(default_factory=lambda: {"ORG": [0, 0, 0], "PER": [0, 0, 0]})
    samples: list[Sample] = field(default_factory=list)
    errors: list[tuple] = field(default_factory=list)
    articles: int = 0

    def figures(self) -> dict[str, float]:
        """The quality figures of the specification, each between 0 and 1."""
        out = {"amount precision": _ratio(self.amounts_matched, self.amounts_predicted),
               "amount recall": _ratio(self.amounts_matched, self.amounts_gold)}
        out.update({f"{f} accuracy": _ratio(self.right[f], self.amounts_matched) for f in FIELDS})
        for label, (hits, predicted, gold) in self.entities.items():
            out[f"{label} precision"] = _ratio(hits, predicted)
            out[f"{label} recall"] = _ratio(hits, gold)
        return out


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def _key(value) -> str | None:
    return None if value is None else normalise(str(value)).casefold().strip()


def _names(wanted: list) -> set[str | None]:
    """The keys of acceptable names, each with its canonical form when the knowledge base knows it: a body is one
    body under all its names ("Uniformation", "Opco Cohésion sociale")."""
    keys = {_key(w) for w in wanted}
    return keys | {_key(canonical(w)) for w in wanted if isinstance(w, str) and canonical(w)}


def load_gold(paths: Iterable[str]) -> list[GoldArticle]:
    """Gold articles from gold.jsonl files (or folders holding them); each text is <id>.txt beside its gold.jsonl."""
    files = []
    for path in map(Path, paths):
        files += sorted(path.rglob("gold.jsonl")) if path.is_dir() else [path]
    gold = []
    for file in files:
        for line in file.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                gold.append(GoldArticle(row["id"], file.parent / f"{row['id']}.txt", row.get("published"),
                                        row.get("facts", []), row.get("orgs", []), row.get("people", [])))
    return gold


def _raw(article: GoldArticle) -> RawArticle:
    raw = next(r for r in read_file(article.path) if isinstance(r, RawArticle))
    return RawArticle(raw.id, raw.source, raw.text, published=article.published or raw.published)


def _score_fields(report: Report, article: GoldArticle, got, want: dict, features: dict[str, float],
                 candidates: tuple[list, list]) -> None:
    all_right = True
    for name in FIELDS:
        wanted = want[name] if isinstance(want[name], list) else [want[name]]
        value = getattr(got, name)
        if _key(value) in (_names(wanted) if name == "body" else {_key(w) for w in wanted}):
            report.right[name] += 1
        else:
            all_right = all_right and name not in ATTRIBUTION
            report.errors.append((article.id, name, value, wanted, want["span"]))
    bodies = _names(want["body"] if isinstance(want["body"], list) else [want["body"]])
    dates = {_key(d) for d in (want["date"] if isinstance(want["date"], list) else [want["date"]])}
    ranked = tuple((name, values, _key(name) in bodies) for name, values in candidates[0])
    dated = tuple((value, values, _key(value) in dates) for value, values in candidates[1])
    report.samples.append(Sample(article.id, features, all_right, got.confidence, ranked, dated))


def _score_amounts(report: Report, article: GoldArticle, facts: list, features: list[dict],
                   candidates: tuple[list, list]) -> None:
    """Match the article's facts to its gold ones by amount and score each matched fact; `candidates` holds the body
    and the date candidates of each fact."""
    in_euros = [i for i, f in enumerate(facts) if f.currency == "EUR"]
    got = [facts[i] for i in in_euros]
    want = [f for f in article.facts if f.get("currency", "EUR") == "EUR"]
    matcher = SequenceMatcher(a=[round(f.amount, 2) for f in got], b=[round(float(f["amount"]), 2) for f in want],
                              autojunk=False)
    matched = set()
    for block in matcher.get_matching_blocks():
        for k in range(block.size):
            matched.add(block.a + k)
            index = in_euros[block.a + k]
            _score_fields(report, article, facts[index], want[block.b + k], features[index] if features else {},
                          tuple(found[index] if found else [] for found in candidates))
    report.amounts_predicted += len(got)
    report.amounts_gold += len(want)
    report.amounts_matched += len(matched)
    report.errors += [(article.id, "amount", f.amount, None, f.sentence[:60]) for i, f in enumerate(got) if i not in matched]
    missed = len(want) - len(matched)
    if missed:
        got_values = {round(f.amount, 2) for f in got}
        report.errors += [(article.id, "amount", None, w["amount"], w["span"]) for w in want
                          if round(float(w["amount"]), 2) not in got_values][:missed]


def _score_entities(report: Report, article: GoldArticle, mentions: list) -> None:
    for label, gold in (("ORG", article.orgs), ("PER", [[p] for p in article.people])):
        predicted = {_key(m.norm) for m in mentions if m.label == label}
        names = [_names(alternatives) if label == "ORG" else {_key(n) for n in alternatives} for alternatives in gold]
        hits = {p for p in predicted if any(p in n for n in names)}
        found = sum(1 for n in names if n & predicted)
        report.entities[label][0] += found
        report.entities[label][1] += len(predicted) - len(hits) + found
        report.entities[label][2] += len(names)
        report.errors += [(article.id, label, p, None, "") for p in sorted(predicted - hits)]
        report.errors += [(article.id, label, None, sorted(n)[0], "") for n in names if not n & predicted]


def evaluate(paths: Iterable[str], model: str = DEFAULT_MODEL) -> Report:
    """Run the pipeline on gold articles and count what it got right."""
    return score(load_gold(paths), model)


def score(gold: list[GoldArticle], model: str = DEFAULT_MODEL) -> Report:
    """Run the pipeline on these gold articles and count what it got right."""
    prepared = [prepare(_raw(a)) for a in gold]
    report = Report(articles=len(gold))
    texts = ((p.text, p.raw.published) for p in prepared)
    for article, extraction in zip(gold, extract_docs(load(model), texts, details=True)):
        _score_amounts(report, article, extraction.facts, extraction.features,
                       (extraction.candidates, extraction.date_candidates))
        _score_entities(report, article, extraction.mentions)
    return report
