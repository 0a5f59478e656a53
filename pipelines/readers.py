"""Read dumps of news dispatches (.txt, .html/.htm, .jsonl, .jsonl.gz, .warc, .warc.gz) into articles or rejects.

Every input gives something back: a RawArticle, or a Reject naming the file (and line) and why.
Bad input never raises; JSONL dumps are streamed line by line, and no file or line larger than
MAX_DOCUMENT_BYTES is ever held in memory. Every string handed back can be stored: lone surrogates
(from undecodable file names or broken JSON escapes) and NUL characters are replaced.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import os
import re
import zlib
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Callable, Iterable, Iterator, NamedTuple

import trafilatura
from dateparser.date import DateDataParser
from lxml.etree import LxmlError

from extract.clean import stamp_date
from extract.cues import DATE_STAMP, DATELINE
from extract.dates import find_dates, parse_published
from pipelines.decoding import (SNIFF_BYTES, UNDECODABLE, MarkedLines, decode, decode_unmarked, is_binary,
                                marked_encoding, undecodable)
from pipelines.warc import Broken, Page, read_pages

__all__ = ["RawArticle", "Reject", "read_paths", "read_file"]

# A publication date must name its day, month and year, and only as an absolute date ("hier" is no metadata).
PUBLISHED_SETTINGS = {"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["absolute-time"]}
# A page's own publication line, a date stamp opening on "Publié le" ("Publié le 25/03/2025 – Mis à jour le …")...
# ... or a dateline ("Nantes, 8 février 2019").
PUBLISHED_LINE = re.compile(rf"\s*publiée?\s+le\b|{DATELINE}", re.I)
# ... looked for in this many lines from the top, past cookie banners and the headline.
PUBLISHED_LINE_REACH = 15
# The length of an ISO day, "2025-03-25".
ISO_DAY_LENGTH = 10
# A publication date given to the month only: "2023-07".
ISO_MONTH = re.compile(r"\d{4}-\d{2}")
# Longer than any written date with its weekday and time ("mercredi 24 septembre 2025 à 10 h 32 (heure de Paris)").
MAX_DATE_CHARS = 80
# What gzip raises on a cut or damaged stream, as opposed to an unreadable file.
GZIP_ERRORS = (EOFError, zlib.error, gzip.BadGzipFile)
# What the HTML parser may raise on hostile pages (deep nesting, broken markup).
HTML_ERRORS = (ValueError, RecursionError, LxmlError)
# Record fields that must be strings (or null) when present.
STRING_FIELDS = ("url", "title", "text", "html")
# JSON names of Python types, so reasons speak the dump's language.
JSON_TYPES = {dict: "object", list: "array", str: "string", int: "number", float: "number", bool: "boolean"}
# Suffixes of gzipped dumps, matched before the plain one-dot extension.
GZIP_JSONL = ".jsonl.gz"
GZIP_WARC = ".warc.gz"
# Media types of the WARC payloads read as HTML pages; every other one is not an article.
HTML_MEDIA_TYPES = ("text/html", "application/xhtml+xml")
# How a payload without a Content-Type starts when it is an HTML page (compared lower-cased, after white space).
HTML_STARTS = (b"<!doctype html", b"<html")
# A page's date comes from its markup (meta tags, <time>, structured data), never from a year seen in its text.
PAGE_DATE_SEARCH = {"extensive_search": False, "original_date": True}
# Largest one-article file or JSONL line read: a dispatch is a few kB of text and even a bloated
# HTML page stays under 1 MB, so anything bigger is not an article; the limit keeps memory and the
# cleaning time bounded (cleaning 20 MB of text takes about 20 s).
MAX_DOCUMENT_BYTES = 5_000_000
# Chunk size used to skip the rest of a JSONL line that is too long, without holding it.
SKIP_BYTES = 1 << 20
# Longest article id: the store's key column holds 255 characters.
MAX_ID_CHARS = 255
# Hex digits of the digest that ends the id of a page whose URI is longer than MAX_ID_CHARS: 64 bits tell apart the
# long URIs of any crawl.
URI_DIGEST_CHARS = 16
# Largest `line` stored: the column is a 32-bit integer on PostgreSQL, so a WARC record more than 2 GiB into a file
# (past the 1 GB the WARC standard advises for a file) is stored without its offset.
MAX_LINE = 2**31 - 1
# Characters no store can hold in text: lone surrogates (a file name that is not UTF-8, a JSON
# "\ud800" escape) cannot be encoded, and PostgreSQL refuses NUL.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# What replaces them in text: the Unicode replacement character, one for one, so offsets hold.
REPLACEMENT = "\ufffd"
NO_EXTENSION = "unsupported file type (no extension)"


@dataclass(frozen=True)
class RawArticle:
    """One article read from a dump, before any extraction."""

    id: str
    source: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    line: int | None = None
    encoding: str = "utf-8"


@dataclass(frozen=True)
class Reject:
    """Something in a dump that could not be read as an article, and why."""

    source: str
    reason: str
    line: int | None = None
    id: str | None = None


class _Page(NamedTuple):
    """What trafilatura found in an HTML page."""

    text: str
    title: str | None
    published: str | None
    url: str | None


def read_paths(paths: Iterable[str | os.PathLike]) -> Iterator[RawArticle | Reject]:
    """Read files and folders (walked recursively in name order), yielding articles and rejects."""
    for path in paths:
        path = os.fspath(path)
        items = _walk(path, frozenset()) if os.path.isdir(path) else _read_file(path)
        yield from map(_storable, items)


def read_file(path: str | os.PathLike) -> Iterator[RawArticle | Reject]:
    """Read one file according to its extension, yielding its articles and rejects."""
    yield from map(_storable, _read_file(path))


def _read_file(path: str | os.PathLike) -> Iterator[RawArticle | Reject]:
    """Read one file as it is: the strings of what it yields may still need _storable."""
    source = os.fspath(path)
    if not os.path.exists(source):
        yield Reject(source, "no such file or directory")
    elif os.path.isdir(source):
        yield Reject(source, "is a directory")
    elif not os.path.isfile(source):
        yield Reject(source, "not a regular file")
    else:
        kind = _file_kind(source)
        reader = READERS.get(kind)
        if reader is None:
            yield Reject(source, f"unsupported file type '{kind}'" if kind else NO_EXTENSION)
        else:
            yield from reader(source)


def _walk(folder: str, parents: frozenset[str]) -> Iterator[RawArticle | Reject]:
    """Read the non-hidden entries of a folder, depth first, in name order."""
    real = os.path.realpath(folder)
    if real in parents:
        yield Reject(folder, "folder link loops back to a parent folder, not followed")
        return
    try:
        names = sorted(os.listdir(folder))
    except OSError as error:
        yield Reject(folder, _os_reason(error))
        return
    for name in names:
        if name.startswith("."):
            continue
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            yield from _walk(path, parents | {real})
        else:
            yield from _read_file(path)


def _storable(item: RawArticle | Reject) -> RawArticle | Reject:
    """Replace what no store can hold: in names (source, id) by an escape, in text by U+FFFD."""
    changes = {}
    for name in ("source", "id", "text", "title", "url", "reason"):
        value = getattr(item, name, None)
        if isinstance(value, str) and UNSTORABLE.search(value):
            escape = name in ("source", "id")
            changes[name] = UNSTORABLE.sub(_escaped if escape else REPLACEMENT, value)
    return dataclasses.replace(item, **changes) if changes else item


def _escaped(match: re.Match) -> str:
    """Write an unstorable character as a backslash escape, so that distinct names stay distinct."""
    return f"\\u{ord(match.group()):04x}"


def _too_large(size: int) -> str:
    return f"article too large ({size:,} bytes, limit {MAX_DOCUMENT_BYTES:,})"


def _file_kind(path: str) -> str:
    """Return the lower-cased extension that decides how a file is read ('.jsonl.gz' counts as one)."""
    name = os.path.basename(path).lower()
    for compound in (GZIP_JSONL, GZIP_WARC):
        if name.endswith(compound):
            return compound
    return os.path.splitext(name)[1]


def _stem(path: str) -> str:
    """Return the file name without its extension, used as the id of one-article files."""
    return os.path.splitext(os.path.basename(path))[0]


def _os_reason(error: OSError) -> str:
    """Describe an OS error briefly, without the path the Reject already carries."""
    return f"cannot read file: {error.strerror or error}"


def _read_document(path: str) -> tuple[str, str] | Reject:
    """Read and decode a whole one-article file, or say why it cannot be."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_DOCUMENT_BYTES + 1)
            size = os.fstat(handle.fileno()).st_size
    except OSError as error:
        return Reject(path, _os_reason(error), id=_stem(path))
    if len(data) > MAX_DOCUMENT_BYTES:
        return Reject(path, _too_large(max(size, len(data))), id=_stem(path))
    if not data.strip():
        return Reject(path, "empty article", id=_stem(path))
    if is_binary(data[:SNIFF_BYTES]):
        return Reject(path, "binary file", id=_stem(path))
    decoded = decode(data)
    if decoded is None:
        return Reject(path, undecodable(data), id=_stem(path))
    return decoded


def _read_txt(path: str) -> Iterator[RawArticle | Reject]:
    """Read a plain-text file holding one article."""
    decoded = _read_document(path)
    if isinstance(decoded, Reject):
        yield decoded
        return
    text, encoding = decoded
    yield _make_article(path, _stem(path), text, encoding)


def _read_html(path: str) -> Iterator[RawArticle | Reject]:
    """Read an HTML page holding one article: its main text, title, date and canonical url."""
    decoded = _read_document(path)
    if isinstance(decoded, Reject):
        yield decoded
        return
    yield _html_article(path, _stem(path), *decoded)


def _html_article(path: str, article_id: str, html: str, encoding: str, line: int | None = None,
                  url: str | None = None, published: str | None = None) -> RawArticle | Reject:
    """The article of an HTML page: `url`, when given, wins over the page's canonical url, and `published` serves
    when the page gives no date."""
    page = _extract_page(html)
    if isinstance(page, str):
        return Reject(path, page, line, article_id)
    return _make_article(path, article_id, page.text, encoding, title=page.title, url=url or page.url,
                         published=page.published or published, line=line)


def _read_warc(path: str) -> Iterator[RawArticle | Reject]:
    """Stream the HTML pages of a WARC file (plain, or gzipped record by record), one article a page; a record's
    byte offset is its article's or reject's `line`."""
    found = False
    try:
        with open(path, "rb") as stream:
            for item in read_pages(stream, MAX_DOCUMENT_BYTES):
                found = True
                if isinstance(item, Broken):
                    yield Reject(path, item.reason, _offset_line(item.offset))
                else:
                    yield _page_article(path, item)
    except OSError as error:
        yield Reject(path, _os_reason(error))
        return
    if not found:
        yield Reject(path, "no page in WARC file")


def _page_article(path: str, page: Page) -> RawArticle | Reject:
    """The article of a WARC page: its target URI as id and url, its WARC date when the page gives none."""
    line, article_id = _offset_line(page.offset), _uri_id(page.uri)
    if article_id is None:
        return Reject(path, "no target URI", line)
    if page.status is not None and not 200 <= page.status < 300:
        return Reject(path, f"not a page: HTTP status {page.status}", line, article_id)
    if not _is_html(page):
        return Reject(path, f"not an HTML page: {page.media_type or 'no Content-Type'}", line, article_id)
    if len(page.payload) > MAX_DOCUMENT_BYTES:
        return Reject(path, _too_large(max(page.length, len(page.payload))), line, article_id)
    if is_binary(page.payload[:SNIFF_BYTES]):
        return Reject(path, "binary file", line, article_id)
    decoded = decode(page.payload)
    if decoded is None:
        return Reject(path, undecodable(page.payload), line, article_id)
    return _html_article(path, article_id, *decoded, line=line, url=page.uri, published=_iso_date(page.date))


def _is_html(page: Page) -> bool:
    """An HTML page by its media type or, without one, by how its payload starts."""
    if page.media_type is not None:
        return page.media_type in HTML_MEDIA_TYPES
    return page.payload[:SNIFF_BYTES].lstrip().lower().startswith(HTML_STARTS)


def _uri_id(uri: str | None) -> str | None:
    """A page's id: its URI, or when longer than an id may be, its start and a digest of the whole."""
    uri = _clean(uri)
    if uri is None or len(uri) <= MAX_ID_CHARS:
        return uri
    digest = hashlib.sha256(uri.encode("utf-8", "surrogatepass")).hexdigest()[:URI_DIGEST_CHARS]
    return f"{uri[:MAX_ID_CHARS - URI_DIGEST_CHARS - 1]}#{digest}"


def _offset_line(offset: int) -> int | None:
    """A record's offset as the `line` it is stored in, or None when unknown (warcio lost count in a file gzipped as a
    whole) or past what that column holds."""
    return offset if 0 <= offset <= MAX_LINE else None


def _extract_page(html: str) -> _Page | str:
    """Extract the main text and metadata of a page with trafilatura, or return why there is none."""
    try:
        document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                               date_extraction_params=PAGE_DATE_SEARCH)
    except HTML_ERRORS as error:
        return f"HTML extraction failed: {error or type(error).__name__}"
    if document is None or not (document.text or "").strip():
        return "no article text in page"
    return _Page(document.text, _clean(document.title), _iso_date(document.date), _clean(document.url))


def _read_jsonl(path: str) -> Iterator[RawArticle | Reject]:
    """Stream a JSONL dump, one article a line."""
    yield from _read_lines(path, open)


def _read_jsonl_gz(path: str) -> Iterator[RawArticle | Reject]:
    """Stream a gzipped JSONL dump, one article a line."""
    yield from _read_lines(path, gzip.open)


def _read_lines(path: str, opener: Callable) -> Iterator[RawArticle | Reject]:
    """Stream a JSONL dump opened with `opener`, after checking its head is not binary; a dump with a UTF-16 or
    UTF-32 byte-order mark is read in that encoding."""
    head = _read_head(path, opener)
    if isinstance(head, Reject):
        yield head
        return
    if is_binary(head):
        yield Reject(path, "binary file")
        return
    marked = marked_encoding(head)
    try:
        with opener(path, "rb") as stream:
            yield from _parse_stream(MarkedLines(stream, marked) if marked else stream, path, marked)
    except OSError as error:
        yield Reject(path, _os_reason(error))


def _read_head(path: str, opener: Callable) -> bytes | Reject:
    """The first bytes of a dump, or a reject if it cannot be read; a broken gzip is left to the line reader."""
    try:
        with opener(path, "rb") as stream:
            return stream.read(SNIFF_BYTES)
    except GZIP_ERRORS:
        return b""
    except OSError as error:
        return Reject(path, _os_reason(error))


def _parse_stream(stream, source: str, marked: str | None = None) -> Iterator[RawArticle | Reject]:
    """Yield an article or reject for each non-blank line; a broken gzip ends it with a reject. `marked` names
    the encoding of a stream that hands UTF-8 lines recoded from its byte-order mark's encoding."""
    number, records = 0, 0
    while True:
        try:
            raw = _next_line(stream)
        except GZIP_ERRORS as error:
            yield Reject(source, f"truncated gzip: {error}", line=number + 1)
            return
        if raw == b"":
            break
        number += 1
        if isinstance(raw, int):
            records += 1
            yield Reject(source, _too_large(raw), number)
        elif raw.strip():
            records += 1
            yield _parse_line(raw, source, number, marked)
    if records == 0:
        yield Reject(source, "empty article")


def _next_line(stream) -> bytes | int:
    """The next line of a stream (b"" at its end), or the size of a line too long to hold, skipped."""
    raw = stream.readline(MAX_DOCUMENT_BYTES + 1)
    if len(raw) <= MAX_DOCUMENT_BYTES:
        return raw
    size = len(raw)
    while not raw.endswith(b"\n"):
        raw = stream.readline(SKIP_BYTES)
        if not raw:
            break
        size += len(raw)
    return size


def _parse_line(raw: bytes, source: str, number: int, marked: str | None = None) -> RawArticle | Reject:
    """Decode and parse one JSONL line into an article or a reject; a line of a marked dump is UTF-8 already."""
    raw = raw.rstrip(b"\r\n")
    decoded = (raw.decode("utf-8"), marked) if marked else decode_unmarked(raw)
    if decoded is None:
        return Reject(source, UNDECODABLE, number)
    line, encoding = decoded
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return Reject(source, f"invalid JSON: {error.msg} (col {error.colno})", number)
    except (ValueError, RecursionError) as error:
        return Reject(source, f"invalid JSON: {error or 'nested too deeply'}", number)
    if not isinstance(record, dict):
        return Reject(source, "not a JSON object", number)
    return _record_article(record, source, number, encoding)


def _record_article(record: dict, source: str, number: int, encoding: str) -> RawArticle | Reject:
    """Turn one JSON record into an article, from its text or else its html."""
    article_id = _record_id(record)
    problem = _field_problem(record)
    if problem:
        return Reject(source, problem, number, article_id)
    if article_id is None:
        return Reject(source, "no id", number)
    if len(article_id) > MAX_ID_CHARS:
        return Reject(source, f"id too long ({len(article_id):,} characters, limit {MAX_ID_CHARS})", number)
    published = _iso_date(record.get("published"))
    if record.get("text") is not None:
        return _make_article(
            source, article_id, record["text"], encoding,
            title=record.get("title"), url=record.get("url"), published=published, line=number,
        )
    if record.get("html") is None:
        return Reject(source, "no text or html field", number, article_id)
    page = _extract_page(record["html"])
    if isinstance(page, str):
        return Reject(source, page, number, article_id)
    return _make_article(
        source, article_id, page.text, encoding, line=number,
        title=_clean(record.get("title")) or page.title,
        url=_clean(record.get("url")) or page.url,
        published=published or page.published,
    )


def _record_id(record: dict) -> str | None:
    """Return the record's id (a whole number is written out), else its url, else None."""
    for key in ("id", "url"):
        value = record.get(key)
        if type(value) is int:
            value = str(value)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _field_problem(record: dict) -> str | None:
    """Say which field of a record has the wrong JSON type, if any."""
    value = record.get("id")
    if value is not None and type(value) not in (str, int):
        return f"field 'id' is not a string or number (got {_json_type(value)})"
    for key in STRING_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            return f"field '{key}' is not a string (got {_json_type(value)})"
    return None


def _json_type(value: object) -> str:
    """Name the JSON type of a parsed value."""
    return JSON_TYPES.get(type(value), type(value).__name__)


def _make_article(
    source: str, article_id: str, text: str, encoding: str, *,
    title: str | None = None, url: str | None = None, published: str | None = None, line: int | None = None,
) -> RawArticle | Reject:
    """Build an article with newlines normalised to \\n, or reject it when its text is blank."""
    if not text.strip():
        return Reject(source, "empty article", line, article_id)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return RawArticle(
        id=article_id, source=source, text=text, title=_clean(title), url=_clean(url),
        published=published or _stamped(text), line=line, encoding=encoding,
    )


def _stamped(text: str) -> str | None:
    """The publication date of a scraper's stamp line ("date 2023-07"), when it names a real month or day; the day
    of the page's own publication line ("Publié le 25/03/2025") when it names one in that month, or there is no
    stamp."""
    stamp = stamp_date(text)
    stamp = stamp if stamp and parse_published(stamp) else None
    lines = text.split("\n", PUBLISHED_LINE_REACH)[:PUBLISHED_LINE_REACH]
    line = next((line for line in lines if PUBLISHED_LINE.match(line) and DATE_STAMP.fullmatch(line)), None)
    day = next((d.value for d in find_dates(line)), None) if line else None
    return day if day and len(day) == ISO_DAY_LENGTH and day.startswith(stamp or "") else stamp


def _clean(value: str | None) -> str | None:
    """Strip a metadata string, turning an empty one into None."""
    if value is None:
        return None
    return value.strip() or None


@lru_cache(maxsize=1)
def _date_parser() -> DateDataParser:
    """Publication dates written out, in French or English, day first: "4 mars 2021", "04/03/2021"."""
    return DateDataParser(languages=["fr", "en"], settings=PUBLISHED_SETTINGS)


def _iso_date(value: object) -> str | None:
    """The day of a publication date or datetime as YYYY-MM-DD, ISO or written out, or an ISO month (YYYY-MM) as it
    is; None if it names neither."""
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_DATE_CHARS:
        return None
    if ISO_MONTH.fullmatch(value.strip()):  # a month of publication, at its precision
        return value.strip() if parse_published(value) else None
    try:
        return datetime.fromisoformat(value.strip()).date().isoformat()
    except ValueError:
        parsed = _date_parser().get_date_data(value.strip()).date_obj
        return parsed.date().isoformat() if parsed else None


# How each supported extension is read.
READERS = {
    ".txt": _read_txt,
    ".html": _read_html,
    ".htm": _read_html,
    ".jsonl": _read_jsonl,
    GZIP_JSONL: _read_jsonl_gz,
    ".warc": _read_warc,
    GZIP_WARC: _read_warc,
}
