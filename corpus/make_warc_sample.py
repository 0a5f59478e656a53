"""Write corpus/samples/warc/crawl-2024.warc.gz: three dispatch pages as a crawler stores them.

The pages are written for this project. The file holds what a crawl of a news site holds: a `warcinfo` record, then
for each page the crawler's `request` and the site's `response`; the third page was served gzip-compressed, and the
second gives no date in its markup, so its publication date comes from its WARC-Date. Record ids and dates are fixed,
so the file is the same at every run:

    .venv/bin/python corpus/make_warc_sample.py
"""

import gzip
import uuid
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

TARGET = Path(__file__).resolve().parent / "samples" / "warc" / "crawl-2024.warc.gz"
SITE = "https://www.depeches-regions.example"
CRAWLER = "depeches-sample-crawler/1.0"

PAGE = """<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>{title} | Dépêches des régions</title>
{meta}</head>
<body>
  <header><a href="/">Dépêches des régions</a>
    <nav><a href="/formation">Formation</a> <a href="/apprentissage">Apprentissage</a></nav>
  </header>
  <main>
    <article>
      <h1>{title}</h1>
{paragraphs}
    </article>
  </main>
  <footer><p>© Dépêches des régions. Tous droits réservés.</p> <a href="/mentions-legales">Mentions légales</a></footer>
</body>
</html>
"""


@dataclass(frozen=True)
class Dispatch:
    path: str
    title: str
    paragraphs: tuple[str, ...]
    crawled: str  # the WARC-Date of the capture
    published: str | None  # the date in the page's markup, if it gives one
    gzipped: bool = False


DISPATCHES = (
    Dispatch(
        path="/formation/2023/09/bretagne-formations-sanitaires-et-sociales",
        title="La Région Bretagne consacre 18,4 M€ aux formations sanitaires et sociales",
        paragraphs=(
            "Rennes, le 14 septembre 2023. La Région Bretagne a adopté lundi en session plénière un budget de "
            "18,4 millions d'euros pour les formations sanitaires et sociales en 2024, en hausse de 6 % sur un an. "
            "L'enveloppe finance les instituts de formation en soins infirmiers et les écoles d'aides-soignants de la "
            "région.",
            "Sur ce montant, 2,3 M€ serviront à ouvrir 240 places supplémentaires en formation d'aide-soignant, à "
            "Brest, Lorient et Saint-Brieuc. La Région versera en outre une bourse de 1 200 euros par étudiant aux "
            "élèves infirmiers qui s'engagent à exercer trois ans en Bretagne.",
            "« Nous devons former plus vite et plus près des besoins », a déclaré la vice-présidente chargée de la "
            "formation. L'Agence régionale de santé apportera de son côté 750 000 euros pour équiper les plateaux "
            "techniques des instituts.",
        ),
        crawled="2023-09-15T07:42:10Z", published="2023-09-14T11:05:00+02:00"),
    Dispatch(
        path="/apprentissage/pays-de-la-loire-cfa-du-btp",
        title="Pays de la Loire : 4,2 millions d'euros pour moderniser les CFA du BTP",
        paragraphs=(
            "Le conseil régional des Pays de la Loire a voté vendredi une aide de 4,2 millions d'euros pour "
            "moderniser les centres de formation d'apprentis du bâtiment et des travaux publics. Les CFA de Nantes, "
            "d'Angers et du Mans recevront chacun entre 900 000 euros et 1,1 million d'euros pour renouveler leurs "
            "ateliers.",
            "La fédération régionale du BTP complétera l'effort à hauteur de 350 000 euros, destinés à des "
            "simulateurs de conduite d'engins. Près de 3 800 apprentis sont formés chaque année dans ces "
            "établissements, dont un quart en travaux publics.",
            "Le président de la commission formation de la Région rappelle que les besoins de recrutement du "
            "secteur sont estimés à 9 000 personnes d'ici à 2026.",
        ),
        crawled="2024-01-22T08:15:00Z", published=None),
    Dispatch(
        path="/emploi/2024/02/bourgogne-franche-comte-metiers-de-l-industrie",
        title="Bourgogne-Franche-Comté : 6 M€ pour former les demandeurs d'emploi aux métiers de l'industrie",
        paragraphs=(
            "Besançon, le 7 février 2024. La Région Bourgogne-Franche-Comté et France Travail signent une "
            "convention de 6 M€ pour former 1 500 demandeurs d'emploi aux métiers de l'industrie en 2024. La Région "
            "apporte 3,5 M€, France Travail 2,5 M€.",
            "Les formations, de six à neuf mois, préparent aux métiers de soudeur, de technicien de maintenance et "
            "d'opérateur sur machines à commande numérique, dans les bassins de Belfort, de Montbéliard et du "
            "Creusot. Chaque stagiaire percevra une aide de 300 euros par mois pour ses frais de transport.",
            "L'Union des industries et métiers de la métallurgie s'engage à proposer un entretien d'embauche à "
            "chaque stagiaire qui aura suivi la formation jusqu'à son terme.",
        ),
        crawled="2024-02-08T06:30:45Z", published="2024-02-07T16:20:00+01:00", gzipped=True),
)


def page_html(dispatch: Dispatch) -> str:
    """The page of a dispatch, with its date in the markup when it gives one."""
    meta = f'  <meta property="article:published_time" content="{dispatch.published}">\n' if dispatch.published else ""
    paragraphs = "\n".join(f"      <p>{p}</p>" for p in dispatch.paragraphs)
    return PAGE.format(title=dispatch.title, meta=meta, paragraphs=paragraphs)


def record_id(kind: str, uri: str) -> str:
    """A record id fixed by the record's type and URI, so that the file is the same at every run."""
    return f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{kind} {uri}')}>"


def warc_headers(kind: str, uri: str, date: str) -> dict:
    return {"WARC-Record-ID": record_id(kind, uri), "WARC-Date": date}


def write_capture(writer: WARCWriter, dispatch: Dispatch) -> None:
    """The crawler's request for a page, then the site's response."""
    uri = SITE + dispatch.path
    request = StatusAndHeaders(f"GET {dispatch.path} HTTP/1.1", [
        ("Host", SITE.removeprefix("https://")), ("User-Agent", CRAWLER), ("Accept-Encoding", "gzip")],
        is_http_request=True)
    writer.write_record(writer.create_warc_record(uri, "request", http_headers=request,
                                                  warc_headers_dict=warc_headers("request", uri, dispatch.crawled)))
    body = page_html(dispatch).encode("utf-8")
    headers = [("Content-Type", "text/html; charset=utf-8")]
    if dispatch.gzipped:
        body = gzip.compress(body, mtime=0)
        headers.append(("Content-Encoding", "gzip"))
    headers.append(("Content-Length", str(len(body))))
    response = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(uri, "response", payload=BytesIO(body), length=len(body),
                                                  http_headers=response,
                                                  warc_headers_dict=warc_headers("response", uri, dispatch.crawled)))


def sample_warc() -> bytes:
    """The sample WARC file, gzipped record by record."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=True, warc_version="1.0")
    info = f"software: {CRAWLER}\r\nformat: WARC File Format 1.0\r\n".encode("utf-8")
    headers = {**warc_headers("warcinfo", TARGET.name, DISPATCHES[0].crawled), "WARC-Filename": TARGET.name}
    writer.write_record(writer.create_warc_record("", "warcinfo", payload=BytesIO(info), length=len(info),
                                                  warc_content_type="application/warc-fields",
                                                  warc_headers_dict=headers))
    for dispatch in DISPATCHES:
        write_capture(writer, dispatch)
    return out.getvalue()


if __name__ == "__main__":
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_bytes(sample_warc())
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes)")
