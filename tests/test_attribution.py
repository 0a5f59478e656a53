"""Golden cases for attribution: which body, date and region the stages give one amount, through the real model."""

import pytest

from extract.nlp import extract_docs


def case(text: str, amount: str, field: str, want, published: str = "2024-09-12", nth: int = 0):
    return pytest.param(text, published, amount, nth, field, want, id=f"{field}: {amount} in {text[:50]}")


# Amounts that add up to a dated amount of the sentence before break it down and share its date.
BREAKDOWNS = [
    case("Le 9 septembre 2024, France Travail et la Région ont signé une convention de 48 M€. L'État apporte 21 M€, "
         "la Région 19,5 M€ et France Travail 7,5 M€.", "21 M€", "date", "2024-09-09"),
    case("Le 9 septembre 2024, France Travail et la Région ont signé une convention de 96 M€. La collectivité apporte "
         "58 M€ et France Travail 38 M€, l'État finançant par ailleurs des parcours à hauteur de 24 M€.",
         "24 M€", "date", "2024-09-09"),
    # Amounts that do not add up to it are not a breakdown of it.
    case("Le 9 septembre 2024, la Région a voté une enveloppe de 48 M€. L'Afpa gère déjà 3 M€ de crédits propres.",
         "3 M€", "date", None),
]

# Table lines take the date of the story's first dated amount, not a date met in the line that introduces them.
TABLES = [
    case("Opco EP : 95 M€ pour les TPE en 2022\nLe conseil d'administration a arrêté le 13 avril 2022 une enveloppe "
         "de 95 M€.\nLa répartition, établie selon les contributions versées en 2021, s'établit comme suit :\n"
         "Bretagne : 11,8 M€\nNormandie : 3,4 M€", "3,4 M€", "date", "2022", published="2022-04-15"),
    # ... unless a short heading over the table names their year.
    case("Transitions Pro : les dotations de France compétences\nFrance compétences répartit 498 M€ entre les "
         "associations.\nEnveloppes 2025 par région :\nBretagne : 21,4 M€\nCorse : 2,1 M€",
         "2,1 M€", "date", "2025", published="2025-01-16"),
    # ... but the day of the act the lead reports dates the amounts it decided (the vote's day, not the budget year).
    case("Transitions Pro : France compétences fixe les dotations\nLe conseil d'administration a arrêté le 14 janvier "
         "2025 la répartition : 498 M€ au total.\nEnveloppes 2025 par région :\nBretagne : 21,4 M€\nCorse : 2,1 M€",
         "2,1 M€", "date", "2025-01-14", published="2025-01-16"),
    case("Transitions Pro : France compétences fixe les dotations\nLe conseil d'administration a arrêté le 14 janvier "
         "2025 la répartition : 498 M€ au total.\nLauréats France 2030 par région :\nBretagne : 21,4 M€",
         "21,4 M€", "date", "2025-01-14", published="2025-01-16"),
    # A list the lead paragraph introduces takes the day of the act it reports, when nothing else dates its lines.
    case("Apprentissage : l'arrêté sur les plafonds est paru\nL'arrêté du 3 mars 2022, publié au Journal officiel le "
         "5 mars, fixe les plafonds de l'aide aux employeurs. Les montants sont les suivants :\n- 4 000 € pour un "
         "apprenti mineur ;\n- 6 000 € pour un apprenti majeur.", "6 000 €", "date", "2022-03-03",
         published="2022-03-07"),
    # An amount of the lead that another is compared with gives the table no date.
    case("Transitions Pro : les dotations 2026 en baisse\nFrance compétences versera 512 M€ aux associations, contre "
         "585 M€ en 2025.\nBretagne : 20,3 M€\nCorse : 2,2 M€", "2,2 M€", "date", "2026", published="2026-01-14"),
]

# A list or table line that names no body belongs to the body that introduces the list, or failing that to the body
# of the amount just above it.
# A table in columns: the year of a cell's column heading, else of its row label.
BUDGET_COLUMNS = ("France compétences : le budget 2026 adopté\nLe conseil d'administration a adopté jeudi le budget "
                  "initial.\nLigne | BI 2026 | BI 2025\nAlternance | 8 400 M€ | 8 720 M€\nCPF | 2 050 M€ | 2 150 M€")
TABLES += [
    case(BUDGET_COLUMNS, "2 150 M€", "date", "2025", published="2025-11-28"),
    case(BUDGET_COLUMNS, "2 050 M€", "date", "2026", published="2025-11-28"),
    case("CPF : la dépense recule\nLe rapport de la Cour retrace la dépense du dispositif.\n"
         "Année | Dépense | Coût par dossier\n2019 | 960 M€ | 1 100 €\n2020 | 1,4 Md€ | 1 200 €", "1 200 €", "date",
         "2020", published="2024-06-19"),
]

# A table in columns whose heading names a body for each column: each cell is its column's body.
COFINANCED = ("Bretagne : la Région et l'ANR cofinancent la recherche\nLa Région Bretagne et l'Agence nationale de la "
              "recherche ont signé jeudi une convention de 9 M€.\nThème | Région | ANR\nMer et littoral | 2 M€ | 1,5 M€"
              "\nCybersécurité | 3 M€ | 2,5 M€")
TABLES += [
    case(COFINANCED, "3 M€", "body", "Région Bretagne", published="2025-10-03"),
    case(COFINANCED, "2,5 M€", "body", "ANR", published="2025-10-03"),
]

LISTS = [
    case("Le conseil départemental de la Gironde répartit ses crédits de rénovation des collèges (en k€) :\n"
         "Bordeaux : 4 250 k€\nLibourne : 1 180 k€\nArcachon : 960 k€", "960 k€", "body", "Département de la Gironde"),
    case("Transitions Pro : les dotations baissent\nFrance compétences versera 480 M€ aux associations régionales.\n"
         "Dotations par région :\nBretagne : 21,4 M€\nCorse : 2,1 M€", "2,1 M€", "body", "France compétences",
         published="2026-01-20"),
]

# Dates of the sentence that belong to another clause, a comparison or a goal do not date the amount.
CLAUSES = [
    case("Le conseil régional a voté le 12 mars 2021 un budget de 312 M€, en baisse de 12 M€ par rapport à 2020.",
         "312 M€", "date", "2021-03-12", published="2021-03-15"),
    case("Le ministère a annoncé le 14 mars 2023 une enveloppe de 120 M€ pour former d'ici à 2030 près de 60 000 "
         "salariés.", "120 M€", "date", "2023-03-14", published="2023-03-16"),
    case("Selon les comptes administratifs 2014, la région dépensait 271 M€. Cette année-là, la Picardie consacrait "
         "98 M€ à la formation.", "98 M€", "date", "2014", published="2016-01-19"),
    case("L'Opco a fixé le 2 avril 2024 ses nouveaux niveaux de prise en charge. Son niveau pour le BTS est fixé à "
         "6 650 €, contre 7 000 € auparavant.", "7 000 €", "date", None, published="2024-04-03"),
]

# Bodies: next to the amount, from the parse, and a headline repeated in the lead.
BODIES = [
    case("La Région apporte 38 M€ et France Travail 24 M€.", "24 M€", "body", "France Travail"),
    # A body inside a relative clause that closes before the amount is not its actor.
    case("Le Crous de Lille, qui loge des étudiants de l'université de Lille, a consacré 38 M€ à ses résidences.",
         "38 M€", "body", "Crous de Lille"),
    # A programme's money is the body that runs it, when the text names no other.
    case("Le Fonds social européen apporte 16,8 M€ au plan, la collectivité complétant à hauteur de 11,2 M€.",
         "16,8 M€", "body", "Union européenne"),
    case("L'appel à projets générique disposera de 705 M€ l'an prochain, contre 690 M€ cette année.",
         "705 M€", "body", "ANR"),
    case("PLFR 2025 : les crédits de l'apprentissage revus\nLe texte arrive au Sénat.\n• +310 M€ d'AE pour le "
         "programme 103\n• -45 M€ de CP pour le programme 102", "+310 M€", "body", "État"),
    # ... a State budget programme named by its number is the State's, wherever the headline points.
    case("Côté vie étudiante, le P231 progresse de 38 M€ en crédits de paiement.", "38 M€", "body", "État"),
    # A programme the amount's verb has for subject acts through its runner, whoever else the sentence names.
    case("Le Feder finance à hauteur de 12 M€ le nouveau bâtiment, a indiqué la présidente de l'université de Tours.",
         "12 M€", "body", "Union européenne"),
    case("Le P172 gagne 85 M€ en crédits de paiement, selon le président de l'université de Strasbourg.", "85 M€",
         "body", "État"),
    case("Une enveloppe de 6 M€ pour former les demandeurs d'emploi\nLa région Bretagne a voté le 4 mai 2020 une "
         "enveloppe de 6 M€ pour former les demandeurs d'emploi.", "6 M€", "body", "Région Bretagne",
         published="2020-05-06"),
    case("Un appel doté de 6 M€ pour les « compétences numériques »\nLa région Bretagne a lancé le 4 mai 2020 un "
         "appel doté de 6 M€ pour les compétences numériques.", "6 M€", "body", "Région Bretagne",
         published="2020-05-06"),
    case("Les deux premières éditions, pilotées par l'ex-Direccte, avaient mobilisé 11,6 M€.", "11,6 M€", "body",
         "Direccte"),
    # A region or département named bare as the subject of a verb of money is its council, and so is the next one
    # of an enumeration; a place where things happen is not.
    case("Les collectivités complètent : la Bretagne verse 500 000 euros par an, les Pays de la Loire 350 000 euros.",
         "350 000 euros", "body", "Région Pays de la Loire"),
    case("RSA : la Gironde inscrit 18 M€ de plus en décision modificative", "18 M€", "body",
         "Département de la Gironde"),
    case("En Bretagne, les entreprises ont embauché 3 000 apprentis pour un coût de 12 M€.", "12 M€", "body", None),
    case("La Caisse d'allocations familiales de la Gironde verse 3 M€ aux foyers.", "3 M€", "body",
         "CAF de la Gironde"),
    # A body's first word taken up alone stands for the body named whole before it; a kind of body does not.
    case("Les chiffres viennent de la Caisse des dépôts, gestionnaire de la plateforme. La Caisse évalue à 62 M€ le "
         "coût de gestion.", "62 M€", "body", "Caisse des dépôts"),
]

# A network's line for one region is its member there, when the network has one member in that region.
NETWORKS = [
    case("Transitions Pro : les dotations 2025 par région\nLes associations Transitions Pro se partagent 498 M€ cette "
         "année, selon la répartition suivante :\nBretagne : 21,4 M€\nCorse : 2,1 M€", "21,4 M€", "body",
         "Transitions Pro Bretagne", published="2025-01-16"),
    case("Les Crous : les aides d'urgence par région\nLes Crous répartissent 60 M€ d'aides d'urgence :\n"
         "Île-de-France : 12 M€\nBretagne : 3 M€", "12 M€", "body", "Crous", published="2025-01-16"),
]

# Regions: a place next to the amount, a city standing for its region, none for a national amount.
REGIONS = [
    case("Le pacte prévoit 61,4 M€ pour la Bretagne et 66,1 M€ pour la Normandie.", "66,1 M€", "region", "Normandie"),
    case("La région Normandie finance à Rouen un campus de 4 M€.", "4 M€", "region", "Normandie"),
    case("L'État consacre 15 Md€ au plan national d'investissement dans les compétences.", "15 Md€", "region", None),
    # A ranking of regions gives each amount its own: a place belongs to the amount nearer its edge.
    *[case("La Bretagne consacre 1 640 € et la Normandie 1 520 €.", amount, "region", region)
      for amount, region in (("1 640 €", "Bretagne"), ("1 520 €", "Normandie"))],
]


# Stories: the headline's budget year dates the story's lines; an older dispatch appended to the page keeps its own.
STORIES = [
    # An interview: "nous" is the body of the person the headline names.
    case("« Il nous manque 40 M€ » : entretien avec Claire Dumoulin-Roche (Atlas)\nMis en ligne le 3 octobre 2025\n"
         "Directrice générale d'Atlas, Claire Dumoulin-Roche revient sur la baisse des dotations de France compétences."
         "\nAEF info : Comment tenir jusqu'à la fin de l'année ?\nClaire Dumoulin-Roche : France compétences nous a "
         "notifié une dotation en baisse, quand l'État promettait davantage. L'État et l'UIMM se renvoient la balle. "
         "Nous versons désormais 7 200 euros par contrat.", "7 200 euros", "body", "Atlas", published="2025-10-03"),
    # The headline's budget year, under a scraper's line of date and section.
    case("2025-12-18 | Régions - Budgets\nBP 2026 : la Région Bretagne consolide l'apprentissage\nLes élus ont arrêté "
         "les grandes masses.\n• 38 M€ pour les lycées\n• 12,4 M€ pour les CFA", "12,4 M€", "date", "2026",
         published="2025-12-19"),
    # An announcement the lead reports dates the list of what it announced.
    case("Appel à projets : douze universités retenues\nLe ministère de l'Enseignement supérieur a dévoilé mardi 4 mars "
         "2025 les lauréats de l'appel à projets.\n• Université de Lille : 12 M€\n• Nantes Université : 9 M€", "9 M€",
         "date", "2025-03-04", published="2025-03-05"),
    case("BP 2026 : la Région Bretagne consolide l'apprentissage\nLes élus ont arrêté les grandes masses.\n"
         "• 38 M€ pour les lycées\n• 12,4 M€ pour les CFA", "12,4 M€", "date", "2026", published="2025-12-19"),
    case("BP 2026 : la Région Bretagne consolide l'apprentissage\nLes élus ont arrêté les grandes masses.\n"
         "• 38 M€ pour les lycées, contre 35 M€ en 2025", "35 M€", "date", "2025", published="2025-12-19"),
    # A year standing in the headline dates the story, whatever names it (an edition, a period, "en 2023")...
    case("AAPG 2025 : l'ANR retient 1 410 projets\nL'agence a publié la liste des lauréats. Les projets "
         "collaboratifs obtiennent 402 M€.", "402 M€", "date", "2025", published="2025-07-10"),
    # ... but not a horizon, nor a year that is part of a name.
    case("Assurance chômage : l'Unédic prévoit un excédent d'ici à 2028\nLe régime dégagerait 3,1 Md€ de recettes "
         "nouvelles.", "3,1 Md€", "date", None, published="2025-06-02"),
    case("France 2030 : 54 M€ pour les formations au numérique\nLe gouvernement a retenu douze projets.", "54 M€",
         "date", None, published="2024-02-08"),
    case("Le Gers aide ses CFA\nLe Département du Gers a voté le 12 février 2025 une aide de 1,5 M€ aux CFA.\n"
         "Le conseil général de l'Allier a décidé en novembre 2012 d'attribuer 2,2 M€ à l'IUT de Moulins, "
         "qui compte 600 étudiants.", "2,2 M€", "date", "2012-11", published="2025-02-14"),
    case("Le Gers aide ses CFA\nLe Département du Gers a voté le 12 février 2025 une aide de 1,5 M€ aux CFA.\n"
         "Le conseil général de l'Allier a décidé en novembre 2012 d'attribuer des crédits à l'IUT de Moulins. "
         "L'enveloppe atteint 2,2 M€.", "2,2 M€", "body", "Département de l'Allier", published="2025-02-14"),
    # A date stamp on a line of its own after the lead opens an appended dispatch, however recent: its amounts take no
    # body of the lead.
    case("Le Gers aide ses CFA\nLe Département du Gers a voté le 12 février 2025 une aide de 1,5 M€ aux CFA.\n"
         "Publié le 03/10/2024\nCampus connecté : l'enveloppe atteint 0,8 M€ à Vierzon, dans le Cher.", "0,8 M€",
         "body", None, published="2025-02-14"),
    # ... but a stamp right under the headline dates the page, and the lead is the paragraph after it.
    case("Le Gers aide ses CFA\nPublié le 14/02/2025\nLe Département du Gers a voté le 12 février 2025 une aide de "
         "1,5 M€ aux CFA, dont :\n- 1 M€ pour le CFA d'Auch ;\n- 0,5 M€ pour celui de Condom.", "0,5 M€", "date",
         "2025-02-12", published="2025-02-14"),
    # ... and so does a dateline: its day is the page's, not the amount's.
    case("Le Gers aide ses CFA\nAuch, 14 février 2025\nLe Département du Gers a voté une aide de 1,5 M€ aux CFA.",
         "1,5 M€", "date", None, published="2025-02-14"),
]


@pytest.mark.parametrize("text, published, amount, nth, field, want",
                         BREAKDOWNS + TABLES + LISTS + CLAUSES + BODIES + NETWORKS + REGIONS + STORIES)
def test_attribution(nlp, text, published, amount, nth, field, want):
    (extraction,) = extract_docs(nlp, [(text, published)])
    facts = [f for f in extraction.facts if text[f.start:f.end] == amount]
    assert facts, f"{amount!r} not found among {[text[f.start:f.end] for f in extraction.facts]}"
    assert getattr(facts[nth], field) == want


@pytest.mark.parametrize("text, lead", [
    ("BP 2025 : la Région vote 12 M€\nLes élus ont voté 12 M€ jeudi.\nLe Département ajoute 3 M€.",
     "BP 2025 : la Région vote 12 M€\nLes élus ont voté 12 M€ jeudi.\n"),
    # A page that starts on its text, with no headline, has its first paragraph alone for lead.
    ("Les élus régionaux ont voté jeudi 12 M€ pour les CFA de la région.\nLe Département ajoute 3 M€.",
     "Les élus régionaux ont voté jeudi 12 M€ pour les CFA de la région.\n"),
    # A date stamp between the headline and the first paragraph is no paragraph of its own.
    ("BP 2025 : la Région vote 12 M€\nPublié le 19/12/2024 à 17h42\nLes élus ont voté 12 M€ jeudi.\nSuite.",
     "BP 2025 : la Région vote 12 M€\nPublié le 19/12/2024 à 17h42\nLes élus ont voté 12 M€ jeudi.\n"),
    ("BP 2025 : la Région vote 12 M€\nMis à jour le vendredi 20 décembre 2024\nLes élus ont voté 12 M€.\nSuite.",
     "BP 2025 : la Région vote 12 M€\nMis à jour le vendredi 20 décembre 2024\nLes élus ont voté 12 M€.\n"),
    ("BP 2025 : la Région vote 12 M€\nRennes, le 19 décembre 2024\nLes élus ont voté 12 M€ jeudi.\nSuite.",
     "BP 2025 : la Région vote 12 M€\nRennes, le 19 décembre 2024\nLes élus ont voté 12 M€ jeudi.\n"),
    # ... nor a scraper's line of date and section above the headline.
    ("2024-12-19 | Régions - Budgets\nBP 2025 : la Région vote 12 M€\nLes élus ont voté 12 M€ jeudi.\nSuite.",
     "2024-12-19 | Régions - Budgets\nBP 2025 : la Région vote 12 M€\nLes élus ont voté 12 M€ jeudi.\n"),
    ("BP 2025 : la Région vote 12 M€\nPublié le 19/12/2024 – Mis à jour le 20/12/2024 à 08h10\nLes élus ont voté.\nSuite.",
     "BP 2025 : la Région vote 12 M€\nPublié le 19/12/2024 – Mis à jour le 20/12/2024 à 08h10\nLes élus ont voté.\n"),
])
def test_the_lead_is_the_headline_and_first_paragraph(text, lead):
    from extract.stories import lead_end

    assert text[:lead_end(text)] == lead
