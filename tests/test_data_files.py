"""Every data file of extract/data/ parses, says where it comes from, and agrees with the fact specification."""

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "extract" / "data"
FACTS_MD = REPO.parent / "shared" / "docs" / "facts.md"  # the specification, beside the repository
# The 18 official regions, as listed in the fact specification.
OFFICIAL_REGIONS = [
    "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté", "Bretagne", "Centre-Val de Loire", "Corse", "Grand Est",
    "Hauts-de-France", "Île-de-France", "Normandie", "Nouvelle-Aquitaine", "Occitanie", "Pays de la Loire",
    "Provence-Alpes-Côte d'Azur", "Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte",
]
DEPARTEMENT_COUNT = 101  # 96 in metropolitan France (2A and 2B for Corsica) and 5 overseas
DATA_FILES = sorted(p.name for p in DATA.iterdir() if p.is_file() and p.suffix != ".py")


def load(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def departements() -> list[dict]:
    lines = (DATA / "departements.csv").read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def test_data_files_are_json_or_csv():
    assert DATA_FILES
    assert {Path(name).suffix for name in DATA_FILES} <= {".json", ".csv"}, DATA_FILES


@pytest.mark.parametrize("name", [n for n in DATA_FILES if n.endswith(".json")])
def test_json_file_parses_and_names_its_source(name):
    data = load(name)
    assert isinstance(data, dict)
    assert isinstance(data.get("_source"), str) and len(data["_source"]) > 20


@pytest.mark.parametrize("name", [n for n in DATA_FILES if n.endswith(".csv")])
def test_csv_file_parses_and_names_its_source(name):
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#") and len(lines[0]) > 20
    body = [line for line in lines if not line.startswith("#")]
    table = list(csv.reader(body))
    assert len(table) > 1
    assert {len(row) for row in table} == {len(table[0])}


def test_official_regions_are_those_of_the_specification():
    if not FACTS_MD.exists():
        pytest.skip("the specification is not beside the repository")
    text = FACTS_MD.read_text(encoding="utf-8")
    listed = re.search(r"## The 18 regions \(official names\)\s*\n\n(.*?)\.\n", text, re.S).group(1)
    assert [name.strip() for name in listed.replace("\n", " ").split(",")] == OFFICIAL_REGIONS


def test_regions_json_names_exactly_the_18_official_regions():
    assert sorted(load("regions.json")["regions"]) == sorted(OFFICIAL_REGIONS)


def test_region_forms_name_one_region():
    forms = Counter()
    for region, entry in load("regions.json")["regions"].items():
        assert set(entry) >= {"variants", "former", "cities"}, region
        forms.update(set(entry["variants"] + entry["former"] + entry["cities"]))
    assert [form for form, n in forms.items() if n > 1] == []


def test_every_departement_maps_to_an_official_region():
    rows = departements()
    assert len(rows) == DEPARTEMENT_COUNT
    assert {row["region"] for row in rows} <= set(OFFICIAL_REGIONS)
    assert len({row["code"] for row in rows}) == len(rows)
    assert len({row["name"] for row in rows}) == len(rows)
    assert all(re.fullmatch(r"\d{2}|2[AB]|97[1-6]", row["code"]) for row in rows)
    assert all(row["prefecture"] for row in rows)


def test_every_region_has_a_departement():
    assert {row["region"] for row in departements()} == set(OFFICIAL_REGIONS)


KB_KINDS = {"region", "departement", "university", "school", "comue", "operator", "agency", "ministry", "state",
            "parliament", "court", "inspection", "social_partner", "european", "network", "company", "association",
            "local_authority", "foreign", "international", "party", "other"}


def kb_rows() -> list[dict]:
    kb = load("kb.json")
    return kb["bodies"] + kb["programmes"]


def test_kb_names_are_unique():
    names = [row["name"] for row in kb_rows()]
    assert [name for name, n in Counter(names).items() if n > 1] == []


def test_no_kb_name_belongs_to_two_entries():
    owners = {}
    for row in kb_rows():
        for name in {row["name"], *row.get("aliases", ()), *row.get("former", ()), *row.get("acronyms", ())}:
            owners.setdefault(name, set()).add(row["name"])
    assert {name: rows for name, rows in owners.items() if len(rows) > 1} == {}


def test_kb_bodies_are_well_formed():
    for body in load("kb.json")["bodies"]:
        assert body["kind"] in KB_KINDS, body["name"]
        assert body["region"] is None or body["region"] in OFFICIAL_REGIONS, body["name"]
        assert all(len(name) >= 2 for name in [*body.get("aliases", ()), *body.get("acronyms", ())]), body["name"]
        assert set(body.get("former", ())) <= set(body.get("aliases", ())), body["name"]
        # A network of one member per region is national itself: its members carry or name the region.
        assert body.get("per_region") in (None, "named", "carried"), body["name"]
        assert not (body.get("per_region") and body["region"]), body["name"]


def test_kb_holds_every_region_and_departement_as_a_body():
    bodies = load("kb.json")["bodies"]
    assert sorted(b["name"] for b in bodies if b["kind"] == "region") == sorted(f"Région {r}" for r in OFFICIAL_REGIONS)
    names = {b["name"] for b in bodies if b["kind"] == "departement"}
    for row in departements():
        assert any(name.endswith(row["name"]) for name in names), row["name"]


def test_kb_holds_the_universities():
    assert sum(1 for b in load("kb.json")["bodies"] if b["kind"] == "university") >= 70


def test_entity_word_lists_are_lower_case_and_kinds_known():
    data = load("entities.json")
    assert all(word == word.lower() for word in data["programme_heads"])
    assert all(set(kinds) <= KB_KINDS for kinds in data["generic_bodies"].values())


def test_organisation_patterns_compile():
    for pattern in load("bodies.json")["org_patterns"]["patterns"]:
        re.compile(pattern)


@pytest.mark.parametrize("group", ["line_patterns", "inline_patterns"])
def test_boilerplate_patterns_compile(group):
    patterns = load("boilerplate.json")[group]
    assert patterns
    for entry in patterns:
        assert entry["kind"]
        re.compile(entry["pattern"], re.IGNORECASE)


def test_boilerplate_line_patterns_are_lower_case():
    """Lines are lowercased before the line patterns are matched: a capital letter in one could never match."""
    for entry in load("boilerplate.json")["line_patterns"]:
        letters = re.sub(r"\\.", "", entry["pattern"])  # escapes such as \b or \S keep their case
        assert letters == letters.lower(), entry["pattern"]


def test_currencies_are_iso_codes_with_distinct_forms():
    currencies = load("currencies.json")["currencies"]
    assert all(re.fullmatch(r"[A-Z]{3}", code) for code in currencies)
    forms = Counter(form.lower() for forms in currencies.values() for form in forms)  # matched whatever the case
    assert [form for form, n in forms.items() if n > 1] == []
    assert "€" in currencies["EUR"]
    before = load("currencies.json")["before_number"]
    assert set(before) <= {form for forms in currencies.values() for form in forms}
