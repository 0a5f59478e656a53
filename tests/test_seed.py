"""The seed dispatch against the worked example of the fact specification, through the CLI and the store."""

import json
from dataclasses import dataclass

import pytest

SEED_ID = "000_4b56ed4868a6c56d"
ANY = object()  # the worked example says nothing about this field


@dataclass(frozen=True)
class Expected:
    """One row of the worked example: bodies and dates list every acceptable answer (None = left empty)."""

    amount: int
    qualifier: str
    per: str | None
    bodies: tuple
    role: object
    date: str | None
    region: str


CDC_OR_NONE = ("Caisse des dépôts", None)
WORKED_EXAMPLE = [
    Expected(3_700_000, "exact", None, ("Région Normandie",), ANY, "2020-12-14", "Normandie"),
    Expected(6_200_000, "exact", None, ("Caisse des dépôts",), ANY, "2020-05-04", "Normandie"),
    Expected(4_000_000, "exact", None, CDC_OR_NONE, ANY, None, "Île-de-France"),
    Expected(8_600_000, "exact", None, CDC_OR_NONE, ANY, None, "Bretagne"),
    Expected(6_900_000, "exact", None, CDC_OR_NONE, ANY, None, "Pays de la Loire"),
    Expected(4_000_000, "exact", None, CDC_OR_NONE, ANY, None, "Auvergne-Rhône-Alpes"),
    Expected(2_000_000, "max", "projet", CDC_OR_NONE, ANY, None, "Normandie"),
    Expected(1_000_000, "min", None, (None,), ANY, None, "Normandie"),
    Expected(10_000_000, "exact", None, ("Transitions Pro Normandie",), "recipient", None, "Normandie"),
    Expected(19_000_000, "approx", None, ("Transitions Pro Normandie",), ANY, None, "Normandie"),
]
AMOUNTS = [row.amount for row in WORKED_EXAMPLE]
ROW_IDS = [f"{i}-{row.amount // 100_000 / 10:g}M-{row.region}" for i, row in enumerate(WORKED_EXAMPLE)]
PEOPLE = {"David Margueritte", "Jean-Paul Choulant"}
# FSE is a fund: a programme, tagged PROG, never an organisation (real-dispatches.md, "What is not an organisation").
ORGS = {"Région Normandie", "LR", "Caisse des dépôts", "État", "Transitions Pro Normandie", "Direccte", "CFDT"}
# Pieces of the seed's boilerplate lines: none may reach the stored text, an entity or a fact.
BOILERPLATE = ["cookies", "Politique de protection des données", "Que diriez-vous", "Nous vous invitons",
               "demande de test", "lire sur AEF info"]


@pytest.fixture(scope="module")
def record(run_cli, seed_path):
    code, out, err = run_cli("extract", seed_path, "--jsonl", "--workers", "1")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 1, out
    return json.loads(lines[0])


@pytest.fixture(scope="module")
def stored(ingested, rows):
    assert ingested.first.code == 0, ingested.first.stderr
    columns = ("seq", "amount", "amount_max", "currency", "qualifier", "per", "body", "body_role", "date", "region",
               "sentence", "start", "end")
    select = ", ".join(f'"{c}"' for c in columns)
    found = rows(ingested.db, f"SELECT {select} FROM fact_view WHERE article_id = ? ORDER BY seq", (SEED_ID,))
    return [dict(zip(columns, row)) for row in found]


def check_fact(fact: dict, want: Expected) -> None:
    assert fact["amount"] == want.amount
    assert fact["amount_max"] is None
    assert fact["currency"] == "EUR"
    assert fact["qualifier"] == want.qualifier
    assert fact["per"] == want.per
    assert fact["body"] in want.bodies
    if want.role is not ANY:
        assert fact["body_role"] == want.role
    assert fact["date"] == want.date
    assert fact["region"] == want.region


def test_extract_record_names_the_file(record, seed_path):
    assert record["id"] == SEED_ID
    assert record["source"].endswith(seed_path.name)
    assert record["published"] is None


def test_extract_prints_the_ten_amounts_in_order(record):
    assert [f["amount"] for f in record["facts"]] == AMOUNTS
    starts = [f["start"] for f in record["facts"]]
    assert starts == sorted(starts)


@pytest.mark.parametrize("index", range(len(WORKED_EXAMPLE)), ids=ROW_IDS)
def test_extract_fact_matches_worked_example(record, index):
    check_fact(record["facts"][index], WORKED_EXAMPLE[index])


def test_extract_people(record):
    people = {e["norm"] for e in record["entities"] if e["label"] == "PER"}
    assert people == PEOPLE


def test_extract_organisations(record):
    orgs = {e["norm"] for e in record["entities"] if e["label"] == "ORG"}
    assert ORGS <= orgs, ORGS - orgs


def test_extract_money_entities_give_the_amount_in_its_currency(record):
    money = [e["norm"] for e in record["entities"] if e["label"] == "MONEY"]
    assert money == [f"{amount} EUR" for amount in AMOUNTS]


def test_extract_has_nothing_from_boilerplate(record):
    for entity in record["entities"]:
        assert "AEF" not in entity["text"] and "AEF" not in entity["norm"], entity
    for piece in BOILERPLATE:
        assert piece.lower() not in json.dumps(record, ensure_ascii=False).lower()


def test_store_holds_the_ten_amounts_in_order(stored):
    assert [f["amount"] for f in stored] == AMOUNTS
    assert [f["seq"] for f in stored] == list(range(len(AMOUNTS)))


@pytest.mark.parametrize("index", range(len(WORKED_EXAMPLE)), ids=ROW_IDS)
def test_store_fact_matches_worked_example(stored, index):
    check_fact(stored[index], WORKED_EXAMPLE[index])


def test_store_offsets_point_at_the_amounts(stored, ingested, rows):
    (text,), = rows(ingested.db, "SELECT text FROM articles WHERE id = ?", (SEED_ID,))
    for fact in stored:
        span = text[fact["start"]:fact["end"]]
        assert span.endswith("M€") and span in fact["sentence"], (span, fact)


def test_store_text_has_no_boilerplate(ingested, rows):
    (text,), = rows(ingested.db, "SELECT text FROM articles WHERE id = ?", (SEED_ID,))
    assert text.startswith("L'assemblée plénière de la région Normandie")
    for piece in BOILERPLATE:
        assert piece.lower() not in text.lower()


def test_store_entities_and_facts_have_no_boilerplate(ingested, rows):
    entities = rows(ingested.db, "SELECT text, norm FROM entities WHERE article_id = ?", (SEED_ID,))
    assert entities
    assert not [e for e in entities if "AEF" in e[0] or "AEF" in e[1]]
    sentences = [s for (s,) in rows(ingested.db, "SELECT sentence FROM facts WHERE article_id = ?", (SEED_ID,))]
    for piece in BOILERPLATE:
        assert not [s for s in sentences if piece.lower() in s.lower()]
