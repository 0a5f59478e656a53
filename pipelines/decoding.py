"""Bytes to text for the readers: binary or text, and which encoding.

A byte-order mark decides first: UTF-16 and UTF-32 files carry one (Windows editors save "Unicode" text as UTF-16
with its mark), and a marked file is read in the encoding its mark names, or not at all. Without a mark, UTF-8 is
tried, then the encodings French Windows tools write, and a head holding NULs or mostly control bytes is binary.
"""

from __future__ import annotations

import codecs
import io
import re
from typing import BinaryIO

__all__ = ["UNDECODABLE", "SNIFF_BYTES", "MIXED_ENCODING", "marked_encoding", "is_binary", "is_mixed", "decode",
           "decode_unmarked", "undecodable", "MarkedLines"]

# Leading bytes looked at to tell binary from text: enough for a file header and a few lines,
# small enough to stay cheap on big dumps (git sniffs about as much).
SNIFF_BYTES = 8192
# Share of C0 control bytes above which a head without NUL is still binary: text has almost
# none, images and archives are full of them.
BINARY_CONTROL_SHARE = 0.30
# Share of control characters a fallback decoding may hold and still count as text: one stray
# control character in a hundred is tolerated, more means the guessed encoding is wrong.
MAX_CONTROL_SHARE = 0.01
# C0 control bytes other than \t \n \r, and DEL: never found in ordinary text.
CONTROL_BYTES = bytes(b for b in range(0x20) if b not in b"\t\n\r") + b"\x7f"
# The same, as characters, plus the C1 range that latin-1 makes of bytes 0x80-0x9f.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a UTF-16 or UTF-32 decoding is not expected to hold either: the U+FFFD that replaces a broken code unit
# (a stray one is kept as the text's own, many mean the bytes are not that encoding).
MARKED_NOISE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
# Tried in order when UTF-8 fails: cp1252 is what French Windows tools write; latin-1 decodes
# any byte at all, so it comes last and is kept only when the result looks like text.
FALLBACK_ENCODINGS = ("cp1252", "latin-1")
# A well-formed UTF-8 sequence of two to four bytes. Text holding more of them than broken bytes is UTF-8 with a few
# stray bytes (a cp1252 apostrophe pasted in, a sequence cut short): French cp1252 text holds none ("é" is one byte,
# then a letter), save by a rare chance such as "Ã©".
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
# The encoding kept for such text: UTF-8, each stray byte read as cp1252 ("\x92" is "’"; one cp1252 leaves undefined
# becomes U+FFFD).
MIXED_ENCODING = "utf-8+cp1252"
# U+FFFD written in UTF-8: a text may hold it already (a page saved after a bad decoding), which is no broken byte.
REPLACEMENT_CHARACTER = "\ufffd".encode()
# Byte-order marks of the encodings whose text is full of NUL bytes, and the codec that reads (and drops) each.
# UTF-32 comes first: its little-endian mark begins with UTF-16's. The UTF-8 mark is left to the UTF-8 decoding.
BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"),
)
UNDECODABLE = "undecodable bytes (not UTF-8, cp1252 or latin-1 text)"


def marked_encoding(head: bytes) -> str | None:
    """The encoding ('utf-16' or 'utf-32') a byte-order mark at the start of `head` names, else None.

    >>> marked_encoding("Été".encode("utf-16")), marked_encoding("Été".encode("utf-32")), marked_encoding(b"Et")
    ('utf-16', 'utf-32', None)
    """
    for mark, encoding in BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return encoding
    return None


def is_binary(head: bytes) -> bool:
    """Tell whether the first bytes of a file are binary: a NUL, or mostly control bytes, and no UTF-16/32 mark."""
    if marked_encoding(head):
        return False
    if b"\x00" in head:
        return True
    if not head:
        return False
    controls = len(head) - len(head.translate(None, CONTROL_BYTES))
    return controls / len(head) > BINARY_CONTROL_SHARE


def _looks_like_text(text: str, noise: re.Pattern = CONTROL_CHARS) -> bool:
    """Tell whether decoded text is plausible: no NUL and almost no control characters (or other `noise`)."""
    if "\x00" in text:
        return False
    noisy = sum(1 for _ in noise.finditer(text))
    return noisy <= MAX_CONTROL_SHARE * len(text)


def decode(data: bytes) -> tuple[str, str] | None:
    """Decode bytes as their byte-order mark says (a broken code unit replaced by U+FFFD), else as UTF-8 (its mark
    stripped), else as cp1252 or latin-1; return (text, encoding) if that gives text, else None.

    >>> decode("\\ufeffNoël".encode("utf-16-be")), decode("Noël".encode("cp1252"))
    (('Noël', 'utf-16'), ('Noël', 'cp1252'))
    """
    marked = marked_encoding(data)
    if marked:
        text = data.decode(marked, errors="replace")
        return (text, marked) if _looks_like_text(text, MARKED_NOISE) else None
    return decode_unmarked(data)


def decode_unmarked(data: bytes) -> tuple[str, str] | None:
    """Decode bytes with no UTF-16 or UTF-32 mark (a line of a dump): UTF-8, UTF-8 with its few stray bytes read as
    cp1252 (see `is_mixed`), else cp1252 or latin-1 if that gives text; return (text, encoding), or None."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    if is_mixed(data):
        return data.decode("utf-8-sig", errors=MIXED_ENCODING), MIXED_ENCODING
    for encoding in FALLBACK_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text, encoding
    return None


def _stray_as_cp1252(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start:error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error(MIXED_ENCODING, _stray_as_cp1252)


def is_mixed(data: bytes) -> bool:
    """Tell whether bytes that are not UTF-8 are UTF-8 with a few stray bytes: their well-formed multi-byte sequences
    outnumber the bytes UTF-8 cannot read.

    >>> is_mixed("Un budget de 3 M€ voté à Lyon".encode() + " l’an".encode("cp1252"))
    True
    >>> is_mixed("Noël à Lyon".encode("cp1252"))
    False
    """
    return len(UTF8_SEQUENCE.findall(data)) > _broken_bytes(data)


def _broken_bytes(data: bytes) -> int:
    """How many places UTF-8 cannot read in `data`: the U+FFFD its decoding puts in, less those the text holds.

    >>> _broken_bytes(b"caf\\xe9 " + "\\ufffd".encode())
    1
    """
    return data.decode("utf-8", errors="replace").count("\ufffd") - data.count(REPLACEMENT_CHARACTER)


def undecodable(data: bytes) -> str:
    """Why `decode` found no text in `data`, for a reject."""
    marked = marked_encoding(data)
    if marked:
        return f"undecodable bytes (a {marked.upper()} byte-order mark, but not {marked.upper()} text)"
    return UNDECODABLE


class MarkedLines:
    """A UTF-16 or UTF-32 stream read a line at a time as UTF-8 bytes, what the JSONL reader takes.

    Lines end at "\\n" only, as in a byte stream; a broken code unit becomes U+FFFD, so one bad line cannot end the
    file. `readline(limit)` reads at most `limit` characters, so memory stays bounded on a line without end.
    """

    def __init__(self, stream: BinaryIO, encoding: str) -> None:
        self._text = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="\n")

    def readline(self, limit: int = -1) -> bytes:
        return self._text.readline(limit).encode("utf-8")
