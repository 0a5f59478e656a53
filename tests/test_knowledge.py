"""Golden cases for the knowledge base and the entity stage: known names tagged whole and canonicalised, programmes
apart from organisations, generic nouns resolved to the body they stand for, people whole and places never people."""

import pytest

from extract.anaphora import resolve_generics
from extract.bodies import find_bodies
from extract.knowledge import known_spans, regional_member
from extract.nlp import extract_docs, load
from extract.types import Mention


def case(text, want, reason=""):
    return pytest.param(text, want, id=reason or text[:40])


# A known name is tagged whole, under its canonical name, whatever form the text gives it.
KNOWN_NAMES = [
    case("l'université Paris-XIII", [("université Paris-XIII", "ORG", "Université Sorbonne Paris Nord")]),
    case("à Paris 8", [("Paris 8", "ORG", "Université Paris 8")]),
    case("l'UGA", [("UGA", "ORG", "Université Grenoble Alpes")]),
    case("le conseil général du Finistère", [("conseil général du Finistère", "ORG", "Département du Finistère")]),
    case("le Conseil départemental des Hautes-Alpes", [("Conseil départemental des Hautes-Alpes", "ORG",
                                                         "Département des Hautes-Alpes")]),
    case("le conseil régional d'Aquitaine", [("conseil régional d'Aquitaine", "ORG", "Région Nouvelle-Aquitaine")],
         "former region"),
    case("l'Agence nationale de la recherche", [("Agence nationale de la recherche", "ORG", "ANR")]),
    case("le Fongecif Lorraine", [("Fongecif Lorraine", "ORG", "Transitions Pro Grand Est")]),
    case("l'ex-Direccte", [("ex-Direccte", "ORG", "Direccte")]),
    case("le Snesup-FSU", [("Snesup-FSU", "ORG", "Snesup-FSU")], "a name holding another"),
    case("le syndicat Snetap-FSU", [], "an acronym inside an unknown name"),
    # Programmes, calls, funds, plans and laws carry their own label.
    case("le PIA 4 et le FSE+", [("PIA 4", "PROG", "PIA"), ("FSE+", "PROG", "FSE")]),
    case("l'appel à projets générique", [("appel à projets générique", "PROG", "AAPG")]),
    case("au titre du contrat de plan État-région", [("contrat de plan État-région", "PROG", "CPER")]),
    # The State budget's programmes go by their number: a pattern of the knowledge base, not a list of names.
    case("le P150 et le programme n° 231", [("P150", "PROG", "Programme du budget de l'État"),
                                           ("programme n° 231", "PROG", "Programme du budget de l'État")]),
    case("le BOP 102 régional", [("BOP 102", "PROG", "Programme du budget de l'État")]),
    case("le RSA, les POEI et le parcours emploi compétences",
         [("RSA", "PROG", "RSA"), ("POEI", "PROG", "POEI"), ("parcours emploi compétences", "PROG", "PEC")],
         "benefits and schemes"),
    case("le programme 2024 de l'agence", [], "a year after 'programme' is no budget programme"),
    case("la direction du budget et la DGFiP", [("direction du budget", "ORG", "Direction du budget"),
                                              ("DGFiP", "ORG", "DGFiP")], "State directorates"),
    case("le réseau E2C France", [("réseau E2C France", "ORG", "Réseau E2C France")]),
    case("le Crous de Toulouse-Occitanie", [("Crous de Toulouse-Occitanie", "ORG", "Crous de Toulouse")],
         "a name of the base with 'de'"),
    case("selon Syntec Numérique", [("Syntec Numérique", "ORG", "Numeum")], "a former name"),
    case("l'Autorité de sûreté nucléaire et l'IRSN", [("Autorité de sûreté nucléaire", "ORG", "ASNR"),
                                                     ("IRSN", "ORG", "ASNR")], "two bodies merged into one"),
    case("le Snes-FSU et le SE-Unsa", [("Snes-FSU", "ORG", "Snes-FSU"), ("SE-Unsa", "ORG", "SE-Unsa")]),
    case("l'École des ponts ParisTech et la DFG", [("École des ponts ParisTech", "ORG",
                                                    "École nationale des ponts et chaussées"),
                                                   ("DFG", "ORG", "Deutsche Forschungsgemeinschaft")],
         "a school and a foreign research funder"),
    case("Manpower et le groupe La Poste", [("Manpower", "ORG", "ManpowerGroup"), ("groupe La Poste", "ORG", "La Poste")],
         "companies"),
    case("l'AP-HP et la Fondation pour la recherche médicale", [("AP-HP", "ORG", "AP-HP"), (
        "Fondation pour la recherche médicale", "ORG", "Fondation pour la recherche médicale")], "hospitals, foundations"),
    case("le RSMA et l'Acsé", [("RSMA", "ORG", "Service militaire adapté"), ("Acsé", "ORG", "ANCT")],
         "insertion bodies, a former one"),
]


@pytest.mark.parametrize("text, want", KNOWN_NAMES)
def test_known_names(text, want):
    assert [(s.text, s.label_, s.kb_id_) for s in known_spans(text)] == want


# Bodies named by a kind and a place or a name, canonicalised whole, with the region of the place when it is known;
# foreign bodies take no French region. A plural names a kind of body, not a body.
PATTERN_BODIES = [
    case("La mission locale de Laval a reçu 2 M€.", [("mission locale de Laval", "Mission locale de Laval",
                                                      "Pays de la Loire")]),
    case("La Mission Locale du Pays de Morlaix signe.", [("Mission Locale du Pays de Morlaix",
                                                         "Mission locale du Pays de Morlaix", None)], "unknown place"),
    case("Les missions locales recevront 50 M€.", [], "plural"),
    case("L'E2C Normandie et l'école de la deuxième chance de l'Isère.",
         [("E2C Normandie", "E2C Normandie", "Normandie"),
          ("école de la deuxième chance de l'Isère", "E2C de l'Isère", "Auvergne-Rhône-Alpes")]),
    case("Les écoles de la deuxième chance recevront 5 M€.", [], "plural E2C"),
    case("La maison de l'emploi et de la formation de Nantes signe.",
         [("maison de l'emploi et de la formation de Nantes", "Maison de l'emploi et de la formation de Nantes",
           "Pays de la Loire")]),
    case("La caisse d'allocations familiales de la Gironde et le CHU de Lille.",
         [("caisse d'allocations familiales de la Gironde", "CAF de la Gironde", "Nouvelle-Aquitaine"),
          ("CHU de Lille", "CHU de Lille", "Hauts-de-France")]),
    case("Les CHU recevront 5 M€.", [], "plural CHU"),
    case("L'IUT d'Annecy et l'institut universitaire de technologie de Lannion.",
         [("IUT d'Annecy", "IUT d'Annecy", "Auvergne-Rhône-Alpes"),
          ("institut universitaire de technologie de Lannion", "IUT de Lannion", "Bretagne")]),
    case("L'Inspé de l'académie de Lyon et l'ESPE de Bretagne.",
         [("Inspé de l'académie de Lyon", "Inspé de Lyon", "Auvergne-Rhône-Alpes"),
          ("ESPE de Bretagne", "Inspé de Bretagne", "Bretagne")], "a teachers' school under its former name"),
    case("L'institut régional du travail social de Lorraine et le Greta du Velay.",
         [("institut régional du travail social de Lorraine", "IRTS de Lorraine", "Grand Est"),
          ("Greta du Velay", "Greta du Velay", None)]),
    case("Greta Thunberg et les Inspé.", [], "a first name, a plural"),
    case("Le lycée professionnel Jean-Moulin ouvre.", [("lycée professionnel Jean-Moulin",
                                                       "Lycée professionnel Jean-Moulin", None)]),
    case("Le CFA de la chambre de métiers et le BTP CFA de l'Orne.",
         [("CFA de la chambre de métiers", "CFA de la chambre de métiers", None),
          ("BTP CFA de l'Orne", "BTP CFA de l'Orne", "Normandie")]),
    case("Les CFA de la région et 14 CFA du Gard.", [], "CFA in the plural"),
    case("La chambre de métiers et de l'artisanat de la Sarthe et la CCI de Lyon.",
         [("chambre de métiers et de l'artisanat de la Sarthe", "Chambre de métiers et de l'artisanat de la Sarthe",
           "Pays de la Loire"), ("CCI de Lyon", "CCI de Lyon", "Auvergne-Rhône-Alpes")]),
    case("La CCI de Bretagne vote.", [("CCI de Bretagne", "CCI Bretagne", "Bretagne")], "the base's own name"),
    case("Le rectorat de Lille et l'académie de Lyon.", [("rectorat de Lille", "Rectorat de Lille", "Hauts-de-France"),
                                                        ("académie de Lyon", "Académie de Lyon", "Auvergne-Rhône-Alpes")]),
    case("L'Académie des sciences publie.", [("Académie des sciences", "Académie des sciences", None)],
         "a learned society of the base, not a rectorat"),
    case("L'UFR de sciences et la faculté de médecine de Tours.",
         [("UFR de sciences", "UFR de sciences", None),
          ("faculté de médecine de Tours", "Faculté de médecine de Tours", "Centre-Val de Loire")]),
    case("Elle a la faculté de choisir.", [], "faculté as a power"),
    case("La Ville de Lille et la mairie de Nantes.", [("Ville de Lille", "Ville de Lille", "Hauts-de-France"),
                                                      ("mairie de Nantes", "Ville de Nantes", "Pays de la Loire")]),
    case("Le gouvernement britannique et le département américain du Travail.",
         [("gouvernement britannique", "Gouvernement britannique", None),
          ("département américain du Travail", "Département américain du Travail", None)], "foreign"),
    case("Le gouvernement a annoncé 2 M€.", [("gouvernement", "État", None)], "the French government"),
    case("Le canton du Jura et le Land de Bade-Wurtemberg.", [("canton du Jura", "Canton du Jura", None),
                                                             ("Land de Bade-Wurtemberg", "Land de Bade-Wurtemberg", None)]),
    case("Avec la Confédération, le canton finance.", [("Confédération", "Confédération suisse", None)]),
    case("La conseillère départementale du canton de Lodève vote.", [], "a French canton elects, it is no body"),
    case("Le Cap emploi de l'Hérault et Polytech Nice Sophia.",
         [("Cap emploi de l'Hérault", "Cap emploi de l'Hérault", "Occitanie"),
          ("Polytech Nice Sophia", "Polytech Nice Sophia", "Provence-Alpes-Côte d'Azur")]),
    case("Le RSMA de Guadeloupe forme 600 jeunes.", [("RSMA de Guadeloupe", "Service militaire adapté", "Guadeloupe")],
         "a body of one member per region, carrying it"),
    case("Le Boston Children's Hospital et le King's College London coopèrent.",
         [("Boston Children's Hospital", "Boston Children's Hospital", None),
          ("King's College London", "King's College London", None)], "named in English"),
    case("Le Massachusetts Institute of Technology et la London School of Economics.",
         [("Massachusetts Institute of Technology", "Massachusetts Institute of Technology", None),
          ("London School of Economics", "London School of Economics", None)], "with of"),
    case("La University of Oxford signe.", [("University of Oxford", "University of Oxford", None)], "head first"),
    case("La Confédération générale du travail proteste.", [("Confédération générale du travail", "CGT", None)],
         "a union"),
    case("L'AMI « Compétences et métiers d'avenir » (CMA) de France 2030.", [], "an acronym before a plan's name"),
    # A name cut by its acronym in brackets is one body, the bracket inside it.
    case("La chambre régionale de métiers et de l'artisanat (CRMA) Grand Est signe.",
         [("chambre régionale de métiers et de l'artisanat (CRMA) Grand Est", "CMA Grand Est", "Grand Est")],
         "a name of the base cut"),
    case("La chambre de métiers et de l'artisanat (CMA) de la Sarthe signe.",
         [("chambre de métiers et de l'artisanat (CMA) de la Sarthe", "Chambre de métiers et de l'artisanat de la Sarthe",
           "Pays de la Loire")], "a pattern's name cut"),
]


@pytest.mark.parametrize("text, want", PATTERN_BODIES)
def test_bodies_named_by_a_pattern(text, want):
    assert [(m.text, m.norm, m.region) for m in find_bodies(text)] == want


# Local authorities beyond regions and départements, and international bodies, are in the knowledge base.
LOCAL_AND_FOREIGN = [
    case("Bordeaux Métropole", [("Bordeaux Métropole", "ORG", "Bordeaux Métropole")]),
    case("la MEL", [("MEL", "ORG", "Métropole européenne de Lille")]),
    case("la communauté urbaine de Strasbourg", [("communauté urbaine de Strasbourg", "ORG",
                                                  "Eurométropole de Strasbourg")], "former name"),
    case("la Métropole Aix-Marseille-Provence", [("Métropole Aix-Marseille-Provence", "ORG",
                                                  "Métropole d'Aix-Marseille-Provence")]),
    case("l'ESA et l'ONU", [("ESA", "ORG", "Agence spatiale européenne"), ("ONU", "ORG", "Organisation des Nations unies")]),
    case("le plan Université 2000 puis U3M", [("plan Université 2000", "PROG", "Université 2000"), ("U3M", "PROG", "U3M")],
         "university plans are programmes"),
    case("le programme Interreg", [("programme Interreg", "PROG", "Interreg")]),
]


@pytest.mark.parametrize("text, want", LOCAL_AND_FOREIGN)
def test_local_and_foreign_bodies(text, want):
    assert [(s.text, s.label_, s.kb_id_) for s in known_spans(text)] == want


def body(name, start, end, region=None):
    return Mention("ORG", name, name, start, end, region)


GENERICS = [
    pytest.param("L'université de Caen vote son budget. L'établissement prévoit 4 M€.",
         [body("Université de Caen Normandie", 0, 20, "Normandie")], [("L'établissement", "Université de Caen Normandie")],
         id="university"),
    pytest.param("Le Département du Gard et la CDC signent. Le département apporte 2 M€.",
         [body("Département du Gard", 0, 19, "Occitanie"), body("Caisse des dépôts", 26, 33)],
         [("Le département", "Département du Gard")], id="département"),
    pytest.param("Rennes Métropole et la Région Bretagne signent. La métropole apporte 2 M€.",
         [body("Rennes Métropole", 0, 16, "Bretagne"), body("Région Bretagne", 23, 38, "Bretagne")],
         [("La métropole", "Rennes Métropole")], id="métropole"),
    pytest.param("Le département apporte 2 M€.", [], [], id="no body to stand for"),
    pytest.param("La Caisse des dépôts gère la plateforme. La Caisse évalue son coût à 62 M€.",
                 [body("Caisse des dépôts", 3, 20)], [("Caisse", "Caisse des dépôts")], id="a name's first word"),
    pytest.param("La Caisse évalue son coût à 62 M€. La Caisse des dépôts gère la plateforme.",
                 [body("Caisse des dépôts", 38, 55)], [], id="a first word before the name"),
]


@pytest.mark.parametrize("text, bodies, want", GENERICS)
def test_generic_nouns_stand_for_the_body_named(text, bodies, want):
    found = resolve_generics(text, bodies)
    assert [(text[m.start:m.end], m.norm) for m in found] == want


@pytest.fixture(scope="module")
def nlp():
    return load()


def mentions(nlp, text):
    return next(extract_docs(nlp, [(text, "2024-05-02")])).mentions


PEOPLE = [
    case("« Nous tenons le cap », affirme Marie-Hélène de La Roche, présidente de l'université.",
         ["Marie-Hélène de La Roche"], "particles kept"),
    case("Selon Pierre-Yves Le Floch, 1er vice-président, le budget augmente.", ["Pierre-Yves Le Floch"],
         "title after the name"),
    case("M. Karim Ben Yahia (CFDT) a voté contre.", ["Karim Ben Yahia"], "civility dropped"),
    case("Le centre ouvrira à Saint-Étienne-du-Rouvray en 2025, puis à Villeneuve-sur-Lot.", [], "towns"),
    case("A.-S. M.-S. : Notre cellule Europe compte douze ingénieurs.", [], "an interviewee's initials"),
    case("« Une licence rapporte dans dix ans », plaide le président, Yann-Erwan Le Floc'h, qui rappelle le bilan.",
         ["Yann-Erwan Le Floc'h"], "a Breton name whole"),
    case("Trois Advanced Grant et deux Consolidator Grant sont allés à Grenoble.", [], "programmes"),
]


@pytest.mark.parametrize("text, want", PEOPLE)
def test_people(nlp, text, want):
    assert [m.norm for m in mentions(nlp, text) if m.label == "PER"] == want


# Budget jargon, titles and roles, bare generic words and legal forms are never organisations, whatever the model says.
NEVER_ORGANISATIONS = [
    case("Le BP 2025 prévoit 3 M€ d'AE et 2 M€ de CP, hors TVA.", set(), "budget jargon"),
    case("La LFI 2024 et le PLFR prévoient 10 M€ ; le DM1 ajoute 2 M€ au compte administratif (CA).", set(),
         "budget acts"),
    case("En LFI, le programme 150 reçoit 14 Md€.", set(), "a budget act after 'en'"),
    case("Le P172 « Recherches scientifiques et technologiques pluridisciplinaires » perd 12 M€.", set(),
         "a budget programme"),
    case("Les députés de La France insoumise ont voté contre.", {"LFI"}, "the party under its name"),
    case("Sénatrice de la Drôme depuis 2020, elle préside la commission.", set(), "a side box's title"),
    case("Président de l'université de Lille, il a présenté le budget.", {"Université de Lille"}, "a title before a body"),
    case("Le Trinity College Dublin obtient 2 M€.", {"Trinity College Dublin"}, "an English name, not a place"),
    case("Le dispositif prend le relais du programme « Cap Métiers », doté de 11 M€.", set(),
         "a known body's name as a programme's title"),
    case("L'association « Apprentis d'Auteuil » reçoit 2 M€.", {"Apprentis d'Auteuil"},
         "a body's name quoted after a word that opens no programme"),
    case("Le PRES Université de Toulouse obtient 5 M€.", {"Université de Toulouse"}, "a legal form before a name"),
    case("La Région publie le détail de son budget.\nInvestissements dans les collèges, par canton :\nNiort : 4 M€",
         set(), "a common word capitalised at the start of a line"),
    case("Le jury confirme le projet « Campus Horizon Santé » et lui garde 58 M€.", set(),
         "a project's title in guillemets"),
    case("L'université a voté son budget initial.\nPoste | BI 2025 | BI 2024\nFonctionnement | 98 M€ | 95 M€\n"
         "Investissement | 41 M€ | 37 M€", set(), "a table's rows"),
]


@pytest.mark.parametrize("text, want", NEVER_ORGANISATIONS)
def test_never_organisations(nlp, text, want):
    assert {m.norm for m in mentions(nlp, text) if m.label == "ORG"} == want


# An acronym the text defines in brackets after a body's name stands for that body wherever the text uses it.
DEFINED_ACRONYMS = [
    case("L'Union régionale des entreprises d'insertion (UREI) alerte : selon l'UREI, 1,2 M€ manquent.",
         [("Union régionale des entreprises d'insertion", "Union régionale des entreprises d'insertion"),
          ("UREI", "Union régionale des entreprises d'insertion"),
          ("UREI", "Union régionale des entreprises d'insertion")], "an unknown body"),
    case("La Communauté urbaine de Bordeaux (CUB) signe avec la CDC. La CUB prendra 4 M€ à sa charge.",
         [("Communauté urbaine de Bordeaux", "Bordeaux Métropole"), ("CUB", "Bordeaux Métropole"),
          ("CDC", "Caisse des dépôts"), ("CUB", "Bordeaux Métropole")], "a former name of a known body"),
    case("Le président du Département de la Manche (DVD) a annoncé 2 M€. Le groupe DVD a voté pour.",
         [("Département de la Manche", "Département de la Manche"), ("DVD", "DVD")],
         "an affiliation, not the name's initials"),
]


# A body's former name glossing its name stands for that body; alone, it is the former body under its own name.
FORMER_NAMES = [
    case("France Travail (ex-Pôle emploi) versera 3 M€.",
         [("France Travail", "France Travail"), ("ex-Pôle emploi", "France Travail")], "a gloss in brackets"),
    case("Numeum (anciennement Syntec Numérique) signe.",
         [("Numeum", "Numeum"), ("Syntec Numérique", "Numeum")], "a gloss with a word"),
    case("La convention lie l'Afpa (Agefiph) et l'Unédic.",
         [("Afpa", "Afpa"), ("Agefiph", "Agefiph"), ("Unédic", "Unédic")], "no gloss without its word"),
    case("L'ex-Pôle emploi a versé 3 M€ en 2021.", [("ex-Pôle emploi", "Pôle emploi")], "alone"),
    case("L'ex-conseil régional de Picardie vote.", [("ex-conseil régional de Picardie", "Région Hauts-de-France")],
         "a former region"),
]


@pytest.mark.parametrize("text, want", FORMER_NAMES)
def test_former_names_stand_for_their_body(nlp, text, want):
    assert [(m.text, m.norm) for m in mentions(nlp, text) if m.label == "ORG"] == want


@pytest.mark.parametrize("text, want", DEFINED_ACRONYMS)
def test_defined_acronyms_stand_for_their_body(nlp, text, want):
    assert [(m.text, m.norm) for m in mentions(nlp, text) if m.label == "ORG"] == want


# ... and one defined after a programme's name is a programme wherever the text uses it, never an organisation.
DEFINED_PROGRAMMES = [
    case("Le programme départemental d'insertion (PDI) est ramené à 31,4 M€ ; la baisse du PDI inquiète.",
         [("PDI", "PROG"), ("PDI", "PROG")], "a programme"),
    case("Un appel à manifestation d'intérêt (AMI) doté de 5 M€ est lancé par la Région Bretagne : l'AMI ferme en mai.",
         [("AMI", "PROG"), ("Région Bretagne", "ORG"), ("AMI", "PROG")], "a call, its small words skipped"),
    case("La Métropole étend le revenu de solidarité jeunes (RSJ) : le RSJ coûte 9,6 M€.", [("RSJ", "PROG"),
                                                                                            ("RSJ", "PROG")],
         "an allowance"),
    case("L'Agence de l'eau (ADE) verse 2 M€ au plan régional (ADE).", [("Agence de l'eau", "ORG"), ("ADE", "ORG"),
                                                                        ("ADE", "ORG")], "a body's name"),
]


@pytest.mark.parametrize("text, want", DEFINED_PROGRAMMES)
def test_defined_programmes_are_programmes(nlp, text, want):
    assert [(m.text, m.label) for m in mentions(nlp, text) if m.label in ("ORG", "PROG")] == want


def test_programmes_are_never_organisations(nlp):
    text = ("Le Plan d'investissement dans les compétences et le Programme d'investissements d'avenir financent "
            "l'Afpa, qui touche 3 M€ du FSE.")
    found = mentions(nlp, text)
    assert {m.norm for m in found if m.label == "ORG"} == {"Afpa"}
    assert {m.norm for m in found if m.label == "PROG"} >= {"PIA", "FSE"}


def test_the_pipeline_finds_in_any_text_the_names_known_spans_finds(nlp):
    """The entity stage reads the text around an acronym in brackets with the pipeline's own matcher: it must find
    there what the blank French tokenizer of known_spans finds, on every text of the corpus and on those texts read
    without each of their brackets."""
    from pathlib import Path

    from extract.bodies import BRACKETED_ACRONYM
    from extract.knowledge import KNOWLEDGE_COMPONENT
    from pipelines.readers import RawArticle, read_paths

    find = nlp.get_pipe(KNOWLEDGE_COMPONENT).matcher.find
    corpus = [a.text for a in read_paths([Path(__file__).resolve().parent.parent / "corpus"])
              if isinstance(a, RawArticle)]
    texts = corpus + [t[:b.start()] + t[b.end():] for t in corpus for b in BRACKETED_ACRONYM.finditer(t)]
    assert len(texts) > len(corpus)
    for text in texts:
        assert [(s.start_char, s.end_char, s.label_, s.kb_id_) for s in find(text)] == \
               [(s.start_char, s.end_char, s.label_, s.kb_id_) for s in known_spans(text)]


@pytest.mark.parametrize("network, region, want", [
    ("Transitions Pro", "Bretagne", "Transitions Pro Bretagne"),
    ("Crous", "Bretagne", "Crous de Rennes"),
    ("Crous", "Île-de-France", None),  # Paris, Créteil and Versailles: no one member
    ("Région Bretagne", "Bretagne", None),  # a body of one region is no network
    ("Transitions Pro", None, None),
    ("Organisme inconnu", "Bretagne", None),
])
def test_a_network_has_one_member_per_region_or_none(network, region, want):
    assert regional_member(network, region) == want
