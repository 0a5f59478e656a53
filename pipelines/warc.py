"""The pages of a WARC file (.warc, or .warc.gz compressed record by record), read with warcio.

A page is a `response` record (an HTTP response, as crawlers store them) or a `resource` record (a document stored
as it is). `warcinfo`, `request`, `metadata` and `revisit` records describe the crawl, not a page, and are passed
over. Each page comes with its record's byte offset, which `warcio extract FILE OFFSET` reads back. A record that
cannot be read becomes a `Broken` item at its offset: a cut record ends the file (what follows a cut cannot be
found), as does a record warcio cannot parse; after a record that does not end where its Content-Length says, warcio
finds the next one and reading goes on.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import zlib
from dataclasses import dataclass
from typing import BinaryIO, Iterator, NamedTuple

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

__all__ = ["Page", "Broken", "read_pages", "PAGE_RECORDS"]

# warcio logs the fixes it makes to a record's headers (spaces in a target URI): a reader has nothing to report.
logging.getLogger("warcio").addHandler(logging.NullHandler())

# The record types that hold a document: what a crawler fetched, or what an archivist stored as it was.
PAGE_RECORDS = ("response", "resource")
# What reading a damaged WARC raises: a record warcio cannot parse, a bad gzip member, a bad header line, and, on a
# record whose headers are cut short, whatever warcio meets (an AttributeError on a missing URI): its errors on
# damaged input are no documented set, and any of them means that record is broken.
WARC_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error, EOFError, ValueError, AttributeError,
               TypeError, IndexError, KeyError)
TRUNCATED = "truncated WARC record"
# What warcio says of a .warc.gz compressed as a whole rather than record by record, and what a person is told.
WHOLE_GZIP_MARK = "non-chunked gzip"
WHOLE_GZIP = "the file is gzipped as a whole, not record by record ('warcio recompress FILE NEW.warc.gz' rewrites it)"
# Longest error text kept in a reason: warcio quotes the offending line, which may be a whole page of bytes.
MAX_ERROR_CHARS = 120


@dataclass(frozen=True)
class Page:
    """One page of a WARC file: where its record starts, what it says about the page, and its payload."""

    offset: int
    uri: str | None
    date: str | None
    media_type: str | None
    status: int | None
    length: int
    payload: bytes


@dataclass(frozen=True)
class Broken:
    """A record that cannot be read, at its offset, and why."""

    offset: int
    reason: str


def read_pages(stream: BinaryIO, max_payload: int) -> Iterator[Page | Broken]:
    """The pages of a WARC stream in file order, each payload read up to `max_payload` + 1 bytes (enough to tell
    that it is too large); stops after a record that is cut or cannot be parsed."""
    records = ArchiveIterator(stream)
    while True:
        offset = records.offset  # where the next record starts: each one is read to its end before the next
        try:
            step = _read_record(records, offset, max_payload)
        except WARC_ERRORS as error:
            yield Broken(offset, f"broken WARC record: {_error_text(error)}")
            return
        if step is None:
            break
        if step.page is not None:
            yield step.page
        if step.problem is not None:
            yield Broken(offset, step.problem)
            if step.last:
                return
    size = _size(stream)
    if size is not None and records.offset < size:
        yield Broken(records.offset, f"{TRUNCATED}: cut within its headers ({size - records.offset:,} bytes)")


class _Step(NamedTuple):
    """What one record came to: a page, or what is wrong with it, and whether the file can be read past it."""

    page: Page | None = None
    problem: str | None = None
    last: bool = False


def _read_record(records: ArchiveIterator, offset: int, max_payload: int) -> _Step | None:
    """Read the next record to its end; None at the end of the file."""
    said = io.StringIO()
    with contextlib.redirect_stderr(said):  # what warcio prints about a record becomes its reject
        record = next(records, None)
        if record is None:
            return None
        if record.format != "warc":  # warcio also reads ARC, the older format: here, lines it took for one
            return _Step(problem=f"broken WARC record: not a WARC record (read as {record.format})", last=True)
        page = _page(record, offset, max_payload) if record.rec_type in PAGE_RECORDS else None
        problem = _finish(records, record) or _printed(said.getvalue())
    if problem is None:
        return _Step(page=page)
    return _Step(problem=problem, last=problem.startswith(TRUNCATED))


def _page(record, offset: int, max_payload: int) -> Page:
    """The page a response or resource record holds, with the first bytes of its (decoded) payload."""
    http = record.http_headers
    content_type = http.get_header("Content-Type") if http else record.rec_headers.get_header("Content-Type")
    return Page(offset=offset, uri=record.rec_headers.get_header("WARC-Target-URI"),
                date=record.rec_headers.get_header("WARC-Date"), media_type=_media_type(content_type),
                status=_status(http.get_statuscode()) if http else None, length=record.length or 0,
                payload=record.content_stream().read(max_payload + 1))


def _finish(records: ArchiveIterator, record) -> str | None:
    """Read the record to its end; say what is wrong with it, if anything: cut short, or not ending where it says."""
    warnings = records.err_count
    records.read_to_end()
    if record.rec_headers.get_header("Content-Length") is None:
        return f"{TRUNCATED}: its headers end without a Content-Length"  # where it ends is lost, like a cut
    missing = getattr(record.raw_stream, "limit", 0)
    if missing > 0:
        length = record.length or 0
        return f"{TRUNCATED}: {length - missing:,} of {length:,} bytes"
    if records.err_count > warnings:
        return "broken WARC record: it does not end where its Content-Length says, the line after it was skipped"
    return None


def _printed(text: str) -> str | None:
    """A reason from what warcio printed while reading a record (a payload it could not decompress), if anything."""
    return f"broken WARC record: {_brief(text)}" if text.strip() else None


def _media_type(content_type: str | None) -> str | None:
    """The media type of a Content-Type header, lower-cased, without its parameters.

    >>> _media_type("Text/HTML; charset=UTF-8"), _media_type(None)
    ('text/html', None)
    """
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def _status(code: str | None) -> int | None:
    try:
        return int(code) if code else None
    except ValueError:
        return None


def _error_text(error: Exception) -> str:
    """What went wrong, from warcio's message or, for an error warcio did not foresee, from where it happened."""
    if isinstance(error, ArchiveLoadFailed) and WHOLE_GZIP_MARK in str(error):
        return WHOLE_GZIP
    if isinstance(error, (ArchiveLoadFailed, StatusAndHeadersParserException, zlib.error)):
        return _brief(str(error) or type(error).__name__)
    return f"its headers cannot be read ({type(error).__name__})"


def _brief(text: str) -> str:
    """A message on one line, cut to MAX_ERROR_CHARS."""
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _size(stream: BinaryIO) -> int | None:
    """The size of a seekable stream (a file), else None."""
    try:
        return stream.seek(0, io.SEEK_END)
    except (OSError, ValueError):
        return None
