"""Tests for pipelines.readers, on real files written in tmp_path."""

import codecs
import dataclasses
import doctest
import gzip
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipelines import decoding, readers
from pipelines.readers import RawArticle, Reject, read_file, read_paths

UNDECODABLE = "undecodable bytes (not UTF-8, cp1252 or latin-1 text)"
UNDECODABLE_UTF16 = "undecodable bytes (a UTF-16 byte-order mark, but not UTF-16 text)"
UNDECODABLE_UTF32 = "undecodable bytes (a UTF-32 byte-order mark, but not UTF-32 text)"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Grève à la SNCF | Le Quotidien</title>
<link rel="canonical" href="https://example.fr/2021/03/greve-sncf">
</head><body>
<nav><a href="/">Accueil</a> <a href="/politique">Politique</a></nav>
<article>
<h1>Grève à la SNCF</h1>
<time datetime="2021-03-04T08:30:00+01:00">4 mars 2021</time>
<p>Les cheminots ont voté une grève reconductible à partir de lundi, selon les syndicats réunis à Paris.</p>
<p>La direction de la SNCF prévoit un trafic très perturbé sur les lignes TGV et TER dans tout le pays.</p>
<p>Le ministre des Transports a appelé au dialogue et recevra les représentants syndicaux mardi.</p>
</article>
<footer>© Le Quotidien, tous droits réservés</footer>
</body></html>
"""

EMPTY_HTML = """<!DOCTYPE html>
<html><head><title>Page vide</title><script>var x = 1;</script></head>
<body><div class="ad"></div></body></html>
"""


def write(folder, name, data):
    """Write bytes or text (as UTF-8) to folder/name, creating parent folders; return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return path


def read_one(path):
    """Read a one-article file and return its only result."""
    results = list(read_file(path))
    assert len(results) == 1, results
    return results[0]


def jsonl(*records):
    """Join records (dicts dumped as JSON, strings kept raw) into JSONL bytes."""
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return ("\n".join(lines) + "\n").encode("utf-8")


# --- plain text and decoding ---------------------------------------------------------------


def test_txt_file_is_one_article(tmp_path):
    path = write(tmp_path, "depeche-42.txt", "Le conseil municipal a voté le budget.\r\nDeuxième ligne.\n")
    article = read_one(path)
    assert article == RawArticle(
        id="depeche-42", source=str(path), text="Le conseil municipal a voté le budget.\nDeuxième ligne.\n"
    )


EURO = "Le café coûte 3 € à Orléans."
SCHOOL = "Élève à l'école, garçon."
LONG_LATIN1 = "Les élèves de l'école communale ont présenté leur spectacle de fin d'année à la mairie. " * 3

DECODING_CASES = [
    pytest.param("\ufeffUn café à Noël.".encode("utf-8"), "Un café à Noël.", "utf-8", id="utf8-bom-stripped"),
    pytest.param(EURO.encode("cp1252"), EURO, "cp1252", id="cp1252"),
    # Every printable latin-1 character decodes the same in cp1252, which is tried first.
    pytest.param(SCHOOL.encode("latin-1"), SCHOOL, "cp1252", id="latin1-as-cp1252"),
    # A byte cp1252 leaves undefined (0x81) forces the latin-1 fallback; one in 250 chars is tolerated.
    pytest.param(LONG_LATIN1.encode("latin-1") + b"\x81", LONG_LATIN1 + "\x81", "latin-1", id="latin1-fallback"),
    # What Windows editors save as "Unicode": UTF-16 with its byte-order mark, little-endian; the mark is dropped.
    pytest.param(codecs.BOM_UTF16_LE + EURO.encode("utf-16-le"), EURO, "utf-16", id="utf16-le-bom"),
    pytest.param(codecs.BOM_UTF16_BE + EURO.encode("utf-16-be"), EURO, "utf-16", id="utf16-be-bom"),
    pytest.param(codecs.BOM_UTF32_LE + EURO.encode("utf-32-le"), EURO, "utf-32", id="utf32-le-bom"),
    pytest.param(codecs.BOM_UTF32_BE + EURO.encode("utf-32-be"), EURO, "utf-32", id="utf32-be-bom"),
    # A lone surrogate (a broken code unit) is replaced, one for one, as in UTF-8 text.
    pytest.param(codecs.BOM_UTF16_LE + LONG_LATIN1.encode("utf-16-le") + b"\x00\xd8" + "fin".encode("utf-16-le"),
                 LONG_LATIN1 + "\ufffdfin", "utf-16", id="utf16-lone-surrogate-replaced"),
]


@pytest.mark.parametrize(("data", "text", "encoding"), DECODING_CASES)
def test_txt_decoding_flags_the_encoding_used(tmp_path, data, text, encoding):
    article = read_one(write(tmp_path, "a.txt", data))
    assert (article.text, article.encoding) == (text, encoding)


REJECTED_FILE_CASES = [
    pytest.param("a.txt", b"Prix : " + bytes(range(0x80, 0xA0)) * 3, UNDECODABLE, id="undecodable"),
    pytest.param("a.txt", PNG_HEADER, "binary file", id="png-with-nul"),
    pytest.param("a.txt", bytes(range(1, 32)) * 20, "binary file", id="mostly-control-bytes"),
    pytest.param("a.html", PNG_HEADER, "binary file", id="binary-html"),
    pytest.param("a.jsonl", PNG_HEADER, "binary file", id="binary-jsonl"),
    pytest.param("a.jsonl", gzip.compress(b'{"id": "1", "text": "x"}\n'), "binary file", id="gzip-named-jsonl"),
    pytest.param("a.txt", b"", "empty article", id="empty-txt"),
    pytest.param("a.txt", b"  \n\t\r\n", "empty article", id="blank-txt"),
    pytest.param("a.txt", b"\xef\xbb\xbf \n", "empty article", id="bom-only-txt"),
    pytest.param("a.txt", " \r\n".encode("utf-16"), "empty article", id="utf16-bom-only-txt"),
    # Without a byte-order mark, UTF-16 and UTF-32 text is full of NULs: binary, as before.
    pytest.param("a.txt", EURO.encode("utf-16-le"), "binary file", id="utf16-without-mark"),
    pytest.param("a.txt", EURO.encode("utf-32-be"), "binary file", id="utf32-without-mark"),
    pytest.param("a.jsonl", '{"id": "1", "text": "x"}\n'.encode("utf-16-le"), "binary file", id="utf16-jsonl-no-mark"),
    # A mark followed by bytes that are not that encoding's text (broken code units, controls).
    pytest.param("a.txt", codecs.BOM_UTF16_LE + bytes(range(256)) * 4, UNDECODABLE_UTF16, id="utf16-mark-then-noise"),
    pytest.param("a.txt", codecs.BOM_UTF32_BE + b"\xff" * 64, UNDECODABLE_UTF32, id="utf32-mark-then-noise"),
    pytest.param("a.html", b"", "empty article", id="empty-html"),
    pytest.param("a.jsonl", b"", "empty article", id="empty-jsonl"),
    pytest.param("a.jsonl", b"\n \n\n", "empty article", id="blank-lines-jsonl"),
    pytest.param("a.jsonl.gz", gzip.compress(b""), "empty article", id="empty-jsonl-gz"),
    pytest.param("a.html", EMPTY_HTML, "no article text in page", id="html-without-text"),
    pytest.param("scan.pdf", b"%PDF-1.4", "unsupported file type '.pdf'", id="pdf"),
    pytest.param("notes.gz", b"x", "unsupported file type '.gz'", id="plain-gz"),
    pytest.param("README", b"x", "unsupported file type (no extension)", id="no-extension"),
]


@pytest.mark.parametrize(("name", "data", "reason"), REJECTED_FILE_CASES)
def test_bad_file_is_one_reject_with_reason(tmp_path, name, data, reason):
    path = write(tmp_path, name, data)
    assert list(read_file(path)) == [Reject(source=str(path), reason=reason, id=_expected_id(name, reason))]


def _expected_id(name, reason):
    """One-article files (txt, html) name their rejects after the file; dumps and unsupported files don't."""
    one_article = name.endswith((".txt", ".html"))
    return name.rsplit(".", 1)[0] if one_article else None


def test_missing_path_is_rejected(tmp_path):
    missing = tmp_path / "nowhere" / "x.jsonl"
    assert list(read_paths([missing])) == [Reject(str(missing), "no such file or directory")]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_unreadable_file_gives_os_error(tmp_path):
    path = write(tmp_path, "secret.txt", "texte")
    path.chmod(0)
    assert read_one(path) == Reject(str(path), "cannot read file: Permission denied", id="secret")


@pytest.mark.parametrize("name", ["a.txt", "a.html", "a.jsonl"])
def test_os_error_on_open_becomes_reject(tmp_path, monkeypatch, name):
    path = write(tmp_path, name, "texte")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(readers, "open", refuse, raising=False)
    result = read_one(path)
    assert isinstance(result, Reject)
    assert result.reason == "cannot read file: Permission denied"


# --- HTML ----------------------------------------------------------------------------------


def test_html_page_gives_main_text_title_date_and_url(tmp_path):
    path = write(tmp_path, "greve.html", ARTICLE_HTML)
    article = read_one(path)
    assert isinstance(article, RawArticle)
    assert (article.id, article.source, article.encoding) == ("greve", str(path), "utf-8")
    assert article.title == "Grève à la SNCF"
    assert article.published == "2021-03-04"
    assert article.url == "https://example.fr/2021/03/greve-sncf"
    assert "grève reconductible à partir de lundi" in article.text
    assert "recevra les représentants syndicaux mardi" in article.text
    assert "Accueil" not in article.text and "droits réservés" not in article.text


def test_htm_extension_and_cp1252_page(tmp_path):
    page = ARTICLE_HTML.replace('<meta charset="utf-8">', "").replace("à Paris", "à Paris pour 3 €")
    article = read_one(write(tmp_path, "greve.htm", page.encode("cp1252")))
    assert article.encoding == "cp1252"
    assert "à Paris pour 3 €" in article.text


# --- JSONL ---------------------------------------------------------------------------------

MIXED_DUMP = jsonl(
    {"id": "a1", "url": "https://ex.fr/a1", "title": " Titre A1 ", "published": "2021-03-04", "text": "Texte A1."},
    '{"id": "a2", "text": "Texte" "A2"}',
    "",
    {"url": "https://ex.fr/a4", "published": "2021-03-05T08:30:00+01:00", "text": "Texte A4."},
    "[1, 2, 3]",
    {"id": "a6", "title": "Sans texte"},
    {"title": "Ni id ni url", "text": "Texte."},
    {"id": 8, "published": "le 4 mars", "text": "Texte A8."},
    {"id": "a9", "text": 42},
    {"id": "a10", "title": ["liste"], "text": "Texte."},
    {"id": "a11", "text": "   "},
    '{"id": "a12", "text": "coupé',
    {"id": "a13", "html": ARTICLE_HTML},
    '"juste une chaîne"',
    {"id": "a15", "text": "Dernier."},
)

EXPECTED_MIXED = [
    RawArticle("a1", "{src}", "Texte A1.", "Titre A1", "https://ex.fr/a1", "2021-03-04", line=1),
    Reject("{src}", "invalid JSON: Expecting ',' delimiter (col 30)", line=2),
    RawArticle("https://ex.fr/a4", "{src}", "Texte A4.", None, "https://ex.fr/a4", "2021-03-05", line=4),
    Reject("{src}", "not a JSON object", line=5),
    Reject("{src}", "no text or html field", line=6, id="a6"),
    Reject("{src}", "no id", line=7),
    RawArticle("8", "{src}", "Texte A8.", line=8),
    Reject("{src}", "field 'text' is not a string (got number)", line=9, id="a9"),
    Reject("{src}", "field 'title' is not a string (got array)", line=10, id="a10"),
    Reject("{src}", "empty article", line=11, id="a11"),
    Reject("{src}", "invalid JSON: Unterminated string starting at (col 23)", line=12),
]


def _with_source(item, source):
    """Fill the '{src}' placeholder of an expected result."""
    return dataclasses.replace(item, source=source)


def test_jsonl_good_lines_load_and_each_bad_line_is_a_reject(tmp_path):
    path = write(tmp_path, "dump.jsonl", MIXED_DUMP)
    results = list(read_file(path))
    expected = [_with_source(item, str(path)) for item in EXPECTED_MIXED]
    assert results[: len(expected)] == expected
    html_article, not_object, last = results[len(expected):]
    assert (html_article.id, html_article.line, html_article.title) == ("a13", 13, "Grève à la SNCF")
    assert (html_article.published, html_article.url) == ("2021-03-04", "https://example.fr/2021/03/greve-sncf")
    assert "grève reconductible" in html_article.text
    assert not_object == Reject(str(path), "not a JSON object", line=14)
    assert last == RawArticle("a15", str(path), "Dernier.", line=15)


def test_jsonl_record_metadata_wins_over_page_metadata(tmp_path):
    record = {
        "id": "p", "url": "https://ex.fr/p", "title": "Titre du flux", "published": "2020-01-02", "html": ARTICLE_HTML
    }
    article = read_one(write(tmp_path, "d.jsonl", jsonl(record)))
    assert (article.title, article.url, article.published) == ("Titre du flux", "https://ex.fr/p", "2020-01-02")


def test_jsonl_html_without_text_is_rejected(tmp_path):
    path = write(tmp_path, "d.jsonl", jsonl({"id": "vide", "html": EMPTY_HTML}))
    assert read_one(path) == Reject(str(path), "no article text in page", line=1, id="vide")


def test_jsonl_lines_decode_one_by_one(tmp_path):
    cp1252_line = '{"id": "w", "text": "En cp1252 : 5 €"}\r\n'.encode("cp1252")
    data = jsonl({"id": "u", "text": "En UTF-8 : été"}) + cp1252_line
    first, second = read_file(write(tmp_path, "d.jsonl", data))
    assert (first.text, first.encoding) == ("En UTF-8 : été", "utf-8")
    assert (second.text, second.encoding) == ("En cp1252 : 5 €", "cp1252")


# Dumps written by Windows tools in UTF-16 or UTF-32 (PowerShell's `>` writes UTF-16 with its mark), CRLF lines.
MARKED_DUMPS = [
    pytest.param("d.jsonl", "utf-16", lambda data: data, id="utf16-jsonl"),
    pytest.param("d.jsonl", "utf-32", lambda data: data, id="utf32-jsonl"),
    pytest.param("d.jsonl.gz", "utf-16", gzip.compress, id="utf16-jsonl-gz"),
]


@pytest.mark.parametrize(("name", "encoding", "pack"), MARKED_DUMPS)
def test_jsonl_with_a_byte_order_mark_is_read_in_its_encoding(tmp_path, name, encoding, pack):
    lines = jsonl({"id": "u1", "text": "Un café à Noël : 5 €"}, '{"id": "u2", "text": "coupé',
                  {"id": "u3", "text": "été"})
    path = write(tmp_path, name, pack(lines.decode("utf-8").replace("\n", "\r\n").encode(encoding)))
    first, broken, last = read_file(path)
    assert (first.id, first.text, first.line, first.encoding) == ("u1", "Un café à Noël : 5 €", 1, encoding)
    assert isinstance(broken, Reject) and broken.line == 2 and broken.reason.startswith("invalid JSON")
    assert (last.id, last.text, last.line, last.encoding) == ("u3", "été", 3, encoding)


def test_html_page_saved_in_utf16_is_read(tmp_path):
    article = read_one(write(tmp_path, "greve.html", ARTICLE_HTML.encode("utf-16")))
    assert (article.encoding, article.title, article.published) == ("utf-16", "Grève à la SNCF", "2021-03-04")
    assert "grève reconductible à partir de lundi" in article.text


PUBLISHED_CASES = [
    ("2021-03-04", "2021-03-04"),
    ("2021-03-04T23:59:59", "2021-03-04"),
    ("2021-03-04T23:30:00Z", "2021-03-04"),
    ("2021-03-04 08:30:00+01:00", "2021-03-04"),
    ("4 mars 2021", "2021-03-04"),
    ("mardi 4 mars 2021 à 10h32", "2021-03-04"),
    ("1er mars 2021", "2021-03-01"),
    ("04/03/2021", "2021-03-04"),
    ("March 4, 2021", "2021-03-04"),
    ("Thu, 04 Mar 2021 08:30:00 GMT", "2021-03-04"),
    ("le 4 mars", None),
    ("hier", None),
    ("31 février 2021", None),
    ("4 mars 2021 " + "x" * 100, None),
    ("2021-13-45", None),
    ("2023-07", "2023-07"),
    ("2023-13", None),
    ("", None),
    (20210304, None),
    (None, None),
]


STAMPED = " date 2023-07 \nLa Région Bretagne vote 3 M€ le mois dernier."


def test_a_scraper_stamp_gives_the_publication_month(tmp_path):
    article = read_one(write(tmp_path, "stamped.txt", STAMPED))
    assert article.published == "2023-07"
    assert article.text == STAMPED  # the reader keeps the text as it is; cleaning drops the stamp line


def test_the_dump_publication_date_wins_over_the_stamp(tmp_path):
    article = read_one(write(tmp_path, "d.jsonl", jsonl({"id": "s", "published": "2023-07-18", "text": STAMPED})))
    assert article.published == "2023-07-18"


def test_a_stamp_naming_no_real_month_is_no_date(tmp_path):
    assert read_one(write(tmp_path, "bad.txt", " date 2023-13 \nTexte.")).published is None


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(" date 2025-03 \nTitre\nPublié le 25/03/2025 – Mis à jour le 27/03/2025 à 11h20\nTexte.", "2025-03-25",
                 id="the day of the page's publication line, in the stamp's month"),
    pytest.param("Titre\nPubliée le lundi 30 juin 2025 à 07h45\nTexte.", "2025-06-30", id="no stamp"),
    pytest.param(" date 2024-03 \nTitre\nPublié le 25/03/2025\nTexte.", "2024-03", id="another month: the stamp wins"),
    pytest.param("Titre\nMis à jour le 3 octobre 2024\nTexte.", None, id="an update is no publication"),
    pytest.param("Le rapport publié le 9 février 2024 chiffre 3 M€.", None, id="a sentence is no publication line"),
    pytest.param("Titre\nNantes, 8 février 2019\nTexte.", "2019-02-08", id="a dateline"),
    pytest.param("Titre\nSaint-Denis de La Réunion, le 3 mars 2024\nTexte.", "2024-03-03", id="a dateline with le"),
    pytest.param("Titre\nLa Région a voté, le 12 juin 2024, 3 M€.\nTexte.", None, id="a sentence is no dateline"),
])
def test_a_page_publication_line_gives_the_publication_day(tmp_path, text, expected):
    assert read_one(write(tmp_path, "page.txt", text)).published == expected


@pytest.mark.parametrize(("published", "expected"), PUBLISHED_CASES)
def test_published_keeps_the_date_part_or_none(tmp_path, published, expected):
    article = read_one(write(tmp_path, "d.jsonl", jsonl({"id": "x", "published": published, "text": "T"})))
    assert article.published == expected


# --- gzip ----------------------------------------------------------------------------------

GZ_RECORDS = [
    {"id": f"g{i}", "text": f"Dépêche numéro {i} : " + "le marché a ouvert en hausse. " * 20} for i in range(300)
]


def test_jsonl_gz_reads_every_line(tmp_path):
    path = write(tmp_path, "dump.jsonl.gz", gzip.compress(jsonl(*GZ_RECORDS)))
    results = list(read_file(path))
    assert [r.id for r in results] == [r["id"] for r in GZ_RECORDS]
    assert [r.line for r in results] == list(range(1, 301))
    assert results[5].text == GZ_RECORDS[5]["text"]


def test_truncated_jsonl_gz_loads_lines_before_the_cut_then_rejects(tmp_path):
    data = gzip.compress(jsonl(*GZ_RECORDS))
    path = write(tmp_path, "cut.jsonl.gz", data[: len(data) // 2])
    results = list(read_file(path))
    *articles, reject = results
    assert 0 < len(articles) < len(GZ_RECORDS)
    assert all(isinstance(a, RawArticle) for a in articles)
    assert [a.id for a in articles] == [r["id"] for r in GZ_RECORDS[: len(articles)]]
    assert reject.source == str(path) and reject.line == len(articles) + 1
    assert reject.reason.startswith("truncated gzip: ")


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"not gzip at all\n", id="not-gzip"),
        pytest.param(gzip.compress(b'{"id": "1", "text": "x"}\n')[:6], id="cut-in-header"),
    ],
)
def test_corrupt_jsonl_gz_is_rejected_at_line_one(tmp_path, data):
    path = write(tmp_path, "bad.jsonl.gz", data)
    reject = read_one(path)
    assert isinstance(reject, Reject) and reject.line == 1
    assert reject.reason.startswith("truncated gzip: ")


def test_jsonl_is_streamed_not_loaded_whole(tmp_path):
    path = write(tmp_path, "big.jsonl", jsonl(*GZ_RECORDS))
    stream = read_file(path)
    assert next(stream).id == "g0"
    with path.open("ab") as handle:  # a reader that had loaded the file would never see this line
        handle.write(jsonl({"id": "late", "text": "Ajoutée pendant la lecture."}))
    assert [r.id for r in stream][-2:] == ["g299", "late"]


# --- folders -------------------------------------------------------------------------------


def test_folder_is_walked_recursively_in_sorted_order_skipping_hidden(tmp_path):
    root = tmp_path / "dumps"
    write(root, "b.txt", "B")
    write(root, "a/z.txt", "AZ")
    write(root, "a/b/deep.txt", "ABD")
    write(root, "a/c.txt", "AC")
    write(root, "c.jsonl", jsonl({"id": "c1", "text": "C1"}, {"id": "c2", "text": "C2"}))
    write(root, ".hidden.txt", "H")
    write(root, ".git/x.txt", "G")
    write(root, "a/.cache/y.txt", "Y")
    write(root, "d.pdf", b"%PDF")
    results = list(read_paths([root, root / "b.txt"]))
    assert [(r.id, r.text) for r in results[:6] if isinstance(r, RawArticle)] == [
        ("deep", "ABD"), ("c", "AC"), ("z", "AZ"), ("b", "B"), ("c1", "C1"), ("c2", "C2"),
    ]
    assert results[6] == Reject(str(root / "d.pdf"), "unsupported file type '.pdf'")
    assert results[7].text == "B"
    assert len(results) == 8


def test_folder_link_loop_is_not_followed(tmp_path):
    write(tmp_path, "root/a.txt", "A")
    (tmp_path / "root" / "loop").symlink_to(tmp_path / "root")
    results = list(read_paths([tmp_path / "root"]))
    assert [type(r) for r in results] == [RawArticle, Reject]
    assert results[1].reason == "folder link loops back to a parent folder, not followed"


def test_read_file_on_a_folder_is_rejected(tmp_path):
    assert list(read_file(tmp_path)) == [Reject(str(tmp_path), "is a directory")]


# --- never raise ---------------------------------------------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.binary(max_size=600),
    name=st.sampled_from(["f.txt", "f.html", "f.jsonl", "f.jsonl.gz", "f.warc", "f.warc.gz"]),
    compress=st.booleans(),
)
def test_any_bytes_give_results_and_never_raise(tmp_path, data, name, compress):
    path = write(tmp_path, name, gzip.compress(data) if compress and name.endswith(".gz") else data)
    results = list(read_file(path))
    assert results
    assert all(isinstance(r, (RawArticle, Reject)) and r.source == str(path) for r in results)


def test_decoding_docstring_examples():
    result = doctest.testmod(decoding)
    assert result.attempted > 0 and result.failed == 0
