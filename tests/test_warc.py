"""WARC input (.warc, .warc.gz), on WARC files written here with warcio: each HTML page an article through the HTML
path, every other page and every broken record a reject at its byte offset, a cut file read up to the cut."""

import doctest
import gzip
import importlib.util
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipelines import warc as warc_module
from pipelines.readers import MAX_DOCUMENT_BYTES, MAX_ID_CHARS, RawArticle, Reject, read_file

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "corpus" / "samples" / "warc" / "crawl-2024.warc.gz"
SAMPLE_SCRIPT = REPO / "corpus" / "make_warc_sample.py"
SITE = "https://www.exemple.example"
CRAWLED = "2024-03-05T07:30:00Z"

ARTICLE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>{title}</title>{meta}</head>
<body><nav><a href="/">Accueil</a> <a href="/emploi">Emploi</a></nav>
<article><h1>{title}</h1>
<p>La Région Normandie a voté jeudi une enveloppe de 3,5 M€ pour la formation des demandeurs d'emploi.</p>
<p>Le conseil régional précise que 1 200 places seront ouvertes à Caen, Rouen et Cherbourg dès la rentrée.</p>
<p>France Travail apportera 800 000 euros pour accompagner les stagiaires pendant leur formation.</p>
</article><footer>© Exemple, tous droits réservés</footer></body></html>
"""
TITLE = "Normandie : 3,5 M€ pour la formation"
DATED = ARTICLE.format(title=TITLE, meta='<meta property="article:published_time" content="2024-03-04T10:00:00+01:00">')
UNDATED = ARTICLE.format(title=TITLE, meta="")
EMPTY_PAGE = "<html><head><title>Vide</title></head><body><div class='pub'></div></body></html>"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
LONG_URI = SITE + "/recherche?" + "&".join(f"filtre{i}=valeur{i}" for i in range(40))


@dataclass(frozen=True)
class Record:
    """A record to write: its type, URI, payload and the HTTP status and headers of a response."""

    kind: str = "response"
    uri: str = SITE + "/depeche"
    body: bytes = DATED.encode("utf-8")
    status: str | None = "200 OK"
    headers: tuple = (("Content-Type", "text/html; charset=utf-8"),)
    date: str = CRAWLED
    warc_headers: dict = field(default_factory=dict)


def _record(writer: WARCWriter, spec: Record):
    headers = {"WARC-Date": spec.date, **spec.warc_headers}
    if spec.kind in ("response", "request") and spec.status is not None:
        is_request = spec.kind == "request"
        http = StatusAndHeaders(spec.status, list(spec.headers), protocol="" if is_request else "HTTP/1.1",
                                is_http_request=is_request)
        return writer.create_warc_record(spec.uri, spec.kind, payload=BytesIO(spec.body), length=len(spec.body),
                                         http_headers=http, warc_headers_dict=headers)
    content_type = dict(spec.headers).get("Content-Type", "")
    return writer.create_warc_record(spec.uri, spec.kind, payload=BytesIO(spec.body), length=len(spec.body),
                                     warc_content_type=content_type, warc_headers_dict=headers)


def warc(records: list[Record], compressed: bool = True) -> tuple[bytes, list[int]]:
    """A WARC file of the records (gzipped record by record, or plain), and where each record starts."""
    out = BytesIO()
    writer = WARCWriter(out, gzip=compressed)
    offsets = []
    for spec in records:
        offsets.append(out.tell())
        writer.write_record(_record(writer, spec))
    return out.getvalue(), offsets


def write(tmp_path, data: bytes, compressed: bool = True) -> Path:
    path = tmp_path / ("crawl.warc.gz" if compressed else "crawl.warc")
    path.write_bytes(data)
    return path


WARCINFO = Record(kind="warcinfo", uri="", body=b"software: test\r\n", status=None,
                  headers=(("Content-Type", "application/warc-fields"),))
REQUEST = Record(kind="request", status="GET /depeche HTTP/1.1", body=b"", headers=(("Host", "www.exemple.example"),))
LAST = Record(uri=SITE + "/derniere")


@dataclass(frozen=True)
class Page:
    """What an article read from a WARC must hold; `id`, when given, is how the id starts (else it is the URI)."""

    published: str | None = "2024-03-04"
    encoding: str = "utf-8"
    id: str | None = None


def html_response(body: str | bytes, headers=(("Content-Type", "text/html; charset=utf-8"),), **kw) -> Record:
    return Record(body=body.encode("utf-8") if isinstance(body, str) else body, headers=tuple(headers), **kw)


# One record between a warcinfo and a request record and a last good page: what it becomes (None: passed over).
RECORD_CASES = [
    pytest.param(html_response(DATED), Page(), id="html-response"),
    pytest.param(html_response(UNDATED), Page(published="2024-03-05"), id="page-without-date-takes-warc-date"),
    pytest.param(html_response(DATED, [("Content-Type", "application/xhtml+xml")]), Page(), id="xhtml"),
    pytest.param(html_response(DATED, []), Page(), id="html-without-content-type"),
    pytest.param(html_response(gzip.compress(DATED.encode()), [("Content-Type", "text/html"),
                                                                 ("Content-Encoding", "gzip")]),
                 Page(), id="gzip-body"),
    pytest.param(html_response(DATED.replace('charset="utf-8"', "").encode("cp1252"), [("Content-Type", "text/html")]),
                 Page(encoding="cp1252"), id="cp1252-page"),
    pytest.param(html_response(DATED.encode("utf-16")), Page(encoding="utf-16"), id="utf16-page-with-mark"),
    pytest.param(Record(kind="resource", status=None, headers=(("Content-Type", "text/html"),)), Page(),
                 id="html-resource-record"),
    pytest.param(html_response(DATED, uri=LONG_URI), Page(id=LONG_URI[:MAX_ID_CHARS - 17]), id="long-uri"),
    pytest.param(html_response(PNG, [("Content-Type", "image/png")]), "not an HTML page: image/png", id="image"),
    pytest.param(html_response(b"User-agent: *\n", [("Content-Type", "text/plain")]), "not an HTML page: text/plain",
                 id="robots-txt"),
    pytest.param(html_response(b"%PDF-1.4\n", []), "not an HTML page: no Content-Type", id="pdf-without-type"),
    pytest.param(html_response("<html>Introuvable</html>", status="404 Not Found"), "not a page: HTTP status 404",
                 id="http-404"),
    pytest.param(html_response("", status="301 Moved Permanently"), "not a page: HTTP status 301", id="redirect"),
    pytest.param(html_response(EMPTY_PAGE), "no article text in page", id="page-without-text"),
    pytest.param(html_response(PNG), "binary file", id="binary-labelled-html"),
    pytest.param(Record(kind="metadata", status=None, body=b"outlink: x\r\n",
                        headers=(("Content-Type", "application/warc-fields"),)), None, id="metadata-passed-over"),
    pytest.param(Record(kind="revisit", status=None, body=b"", headers=()), None, id="revisit-passed-over"),
]


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
@pytest.mark.parametrize(("record", "expected"), RECORD_CASES)
def test_each_record_gives_an_article_a_reject_or_nothing(tmp_path, record, expected, compressed):
    data, offsets = warc([WARCINFO, REQUEST, record, LAST], compressed)
    path = write(tmp_path, data, compressed)
    *results, last = read_file(path)
    assert isinstance(last, RawArticle) and (last.id, last.line) == (LAST.uri, offsets[3])  # reading went on
    if expected is None:
        assert results == []
    elif isinstance(expected, str):
        assert results == [Reject(str(path), expected, offsets[2], record.uri)]
    else:
        (article,) = results
        assert isinstance(article, RawArticle), article
        assert (article.source, article.line, article.url) == (str(path), offsets[2], record.uri)
        if expected.id is None:
            assert article.id == record.uri
        else:
            assert article.id.startswith(expected.id) and len(article.id) == MAX_ID_CHARS
        assert (article.title, article.published, article.encoding) == (TITLE, expected.published, expected.encoding)
        assert "3,5 M€ pour la formation des demandeurs d'emploi" in article.text
        assert "Accueil" not in article.text and "droits réservés" not in article.text


def test_long_uris_get_distinct_ids(tmp_path):
    other = LONG_URI.replace("valeur39", "autre")
    data, _ = warc([html_response(DATED, uri=LONG_URI), html_response(DATED, uri=other)])
    first, second = read_file(write(tmp_path, data))
    assert first.id != second.id and len(first.id) == len(second.id) == MAX_ID_CHARS
    assert (first.url, second.url) == (LONG_URI, other)


def test_offsets_are_where_warcio_reads_each_record_back(tmp_path):
    pages = [html_response(DATED, uri=f"{SITE}/p{i}") for i in range(4)]
    path = write(tmp_path, warc([WARCINFO, *pages])[0])
    articles = list(read_file(path))
    assert [a.id for a in articles] == [p.uri for p in pages]
    with path.open("rb") as stream:
        for article in articles:
            stream.seek(article.line)
            record = next(iter(ArchiveIterator(stream)))
            assert record.rec_headers.get_header("WARC-Target-URI") == article.id


PAGES = [html_response(DATED, uri=f"{SITE}/page{i}") for i in range(5)]


def _body_start(data: bytes, offset: int) -> int:
    """Where the payload of the record at `offset` of a plain WARC starts."""
    return data.index(b"<!DOCTYPE", offset)


# Where a file is cut: in the middle of the fourth record, in its payload or in its WARC headers.
CUTS = [
    pytest.param(True, lambda data, start: start + (len(data) - start) // 4, id="warc.gz-in-payload"),
    pytest.param(True, lambda data, start: start + 12, id="warc.gz-in-headers"),
    pytest.param(False, lambda data, start: _body_start(data, start) + 200, id="warc-in-payload"),
    pytest.param(False, lambda data, start: start + 60, id="warc-in-headers"),
]


@pytest.mark.parametrize(("compressed", "cut_at"), CUTS)
def test_truncated_file_keeps_the_records_before_the_cut(tmp_path, compressed, cut_at):
    data, offsets = warc(PAGES, compressed)
    path = write(tmp_path, data[:cut_at(data, offsets[3])], compressed)
    *articles, reject = read_file(path)
    assert [a.id for a in articles] == [p.uri for p in PAGES[:3]]
    assert all(isinstance(a, RawArticle) and "3,5 M€" in a.text for a in articles)
    assert isinstance(reject, Reject) and reject.line == offsets[3]
    assert reject.reason.startswith("truncated WARC record: ")


@pytest.mark.parametrize("compressed", [True, False], ids=["warc.gz", "warc"])
def test_a_record_that_cannot_be_parsed_is_a_reject_and_ends_the_file(tmp_path, compressed):
    data, offsets = warc(PAGES, compressed)
    garbage = b"\x1f\x8b\x08\x00" + b"\x00" * 40 if compressed else b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
    path = write(tmp_path, data[:offsets[2]] + garbage + data[offsets[3]:], compressed)
    *articles, reject = read_file(path)
    assert [a.id for a in articles] == [p.uri for p in PAGES[:2]]
    assert isinstance(reject, Reject) and reject.line == offsets[2]
    assert reject.reason.startswith("broken WARC record: ")


def test_a_record_longer_than_its_content_length_says_is_a_reject_and_reading_goes_on(tmp_path, capsys):
    data, offsets = warc(PAGES, compressed=False)
    record = data[offsets[2]:offsets[3]]
    length = int(record.split(b"Content-Length: ", 1)[1].split(b"\r\n", 1)[0])
    shorter = record.replace(b"Content-Length: %d" % length, b"Content-Length: %d" % (length - 10), 1)
    path = write(tmp_path, data[:offsets[2]] + shorter + data[offsets[3]:], compressed=False)
    results = list(read_file(path))
    assert [r.id for r in results if isinstance(r, RawArticle)] == [p.uri for i, p in enumerate(PAGES) if i != 2]
    (reject,) = [r for r in results if isinstance(r, Reject)]
    assert reject.line == offsets[2]
    assert reject.reason.startswith("broken WARC record: it does not end where its Content-Length says")
    assert capsys.readouterr() == ("", "")  # warcio's warning became the reject, nothing is printed


def test_a_page_over_the_size_limit_is_rejected(tmp_path):
    big = DATED.replace("</article>", "<p>" + "x" * MAX_DOCUMENT_BYTES + "</p></article>")
    data, offsets = warc([html_response(big), LAST])
    reject, last = read_file(write(tmp_path, data))
    assert reject.line == offsets[0] and reject.reason.startswith("article too large (")
    assert last.id == LAST.uri


WHOLE_FILE_CASES = [
    pytest.param("crawl.warc", b"", "no page in WARC file", None, id="empty-file"),
    pytest.param("crawl.warc.gz", warc([WARCINFO, REQUEST])[0], "no page in WARC file", None, id="no-page"),
    pytest.param("crawl.warc", b"Ceci n'est pas une archive.\n" * 3,
                 "broken WARC record: not a WARC record", 0, id="not-a-warc"),
    pytest.param("crawl.warc", b"\x00\x01binaire" * 20, "broken WARC record: Unknown archive format", 0,
                 id="binary-file"),
    pytest.param("crawl.warc.gz", gzip.compress(warc(PAGES, compressed=False)[0]),
                 "broken WARC record: the file is gzipped as a whole", None, id="gzipped-as-a-whole"),
]


@pytest.mark.parametrize(("name", "data", "reason", "line"), WHOLE_FILE_CASES)
def test_a_file_without_pages_is_one_reject(tmp_path, name, data, reason, line):
    path = tmp_path / name
    path.write_bytes(data)
    *_, reject = read_file(path)
    assert isinstance(reject, Reject) and reject.reason.startswith(reason) and reject.line == line


DAMAGED_SOURCE = {compressed: warc([WARCINFO, REQUEST, *PAGES[:3]], compressed)[0] for compressed in (True, False)}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(compressed=st.booleans(), cut=st.floats(0, 1), flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)),
                                                                       max_size=3))
def test_any_cut_or_damage_gives_results_and_prints_nothing(tmp_path, capsys, compressed, cut, flips):
    data = bytearray(DAMAGED_SOURCE[compressed][:int(cut * len(DAMAGED_SOURCE[compressed]))])
    for where, value in flips:
        if data:
            data[int(where * (len(data) - 1))] = value
    path = write(tmp_path, bytes(data), compressed)
    results = list(read_file(path))
    assert results and all(isinstance(r, (RawArticle, Reject)) and r.source == str(path) for r in results)
    assert capsys.readouterr() == ("", "")


def test_docstring_examples():
    result = doctest.testmod(warc_module)
    assert result.attempted > 0 and result.failed == 0


# --- the sample of the demo dump -----------------------------------------------------------------------------------

def test_the_sample_is_what_its_script_writes():
    spec = importlib.util.spec_from_file_location("make_warc_sample", SAMPLE_SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert script.TARGET == SAMPLE
    assert gzip.decompress(script.sample_warc()) == gzip.decompress(SAMPLE.read_bytes())


SAMPLE_PAGES = {  # id (target URI) -> publication date: from the page's markup, or from the WARC-Date for the second
    "https://www.depeches-regions.example/formation/2023/09/bretagne-formations-sanitaires-et-sociales": "2023-09-14",
    "https://www.depeches-regions.example/apprentissage/pays-de-la-loire-cfa-du-btp": "2024-01-22",
    "https://www.depeches-regions.example/emploi/2024/02/bourgogne-franche-comte-metiers-de-l-industrie": "2024-02-07",
}


def test_the_sample_pages_are_in_the_demo_store_with_their_facts(ingested, rows):
    assert ingested.first.code == 0, ingested.first.stderr
    stored = rows(ingested.db, "SELECT id, url, published, line FROM articles WHERE source LIKE '%.warc.gz'")
    assert {i: (url, published) for i, url, published, _ in stored} == {
        i: (i, published) for i, published in SAMPLE_PAGES.items()}
    with SAMPLE.open("rb") as stream:
        for article_id, _, _, offset in stored:
            stream.seek(offset)
            assert next(iter(ArchiveIterator(stream))).rec_headers.get_header("WARC-Target-URI") == article_id
    facts = rows(ingested.db, "SELECT amount, body, region FROM fact_view WHERE source LIKE '%.warc.gz'")
    assert (18_400_000, "Région Bretagne", "Bretagne") in facts
    assert {region for *_, region in facts} == {"Bretagne", "Pays de la Loire", "Bourgogne-Franche-Comté"}
    assert rows(ingested.db, "SELECT count(*) FROM rejects WHERE source LIKE '%.warc.gz'") == [(0,)]
