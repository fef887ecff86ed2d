"""Bytes to text: byte-order marks, declared charsets, UTF-8, detection; binary refused.

:func:`decode` returns the text and the name of the encoding used, which the
:class:`~summarizer.article.model.Article` records.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer

from summarizer.base.errors import InputError

__all__ = ["bom_encoding", "decode", "declared_meta_charset"]

# Checked longest first so UTF-32 LE is not mistaken for UTF-16 LE.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", "a RIFF media file"),
    (b"OggS", "an Ogg media file"),
    (b"ID3\x03", "an MP3 file"),
    (b"ID3\x04", "an MP3 file"),
    (b"PK\x03\x04", "a zip archive (or an Office document)"),
    (b"PK\x05\x06", "a zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"),
)

# Control bytes that do not occur in text; tab, newlines, form feed and ESC are allowed.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 11, 12, 13, 27)) + b"\x7f"
_BINARY_SAMPLE = 65536
_MAX_CONTROL_RATIO = 0.01

_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_REPLACEMENT = "\ufffd"


def bom_encoding(data: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``data`` names, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def declared_meta_charset(data: bytes) -> str | None:
    """The ``<meta charset>`` of an HTML page, from its first 4 KiB."""
    match = _META_CHARSET_RE.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def decode(data: bytes, *, origin: str, declared: str | None = None) -> tuple[str, str]:
    """``(text, encoding)``: a BOM, then a declared charset, then UTF-8 (with replacement
    when most of the non-ASCII bytes are valid UTF-8), then detection."""
    bom = bom_encoding(data)
    if bom is not None:
        return _decode_bom(data, bom, origin=origin), bom.removesuffix("-sig")
    _refuse_binary(data, origin=origin)
    if declared:
        try:
            name = codecs.lookup(declared).name
            return data.decode(name), name
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong or unknown label: go on as if none was declared
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return mostly
    return _detect(data, origin=origin)


def _decode_bom(data: bytes, bom: str, *, origin: str) -> str:
    try:
        text = data.decode(bom)
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not valid {bom.removesuffix('-sig').upper()} despite its byte-order mark",
            source=origin,
        ) from exc
    if "\x00" in text:
        raise InputError("binary content (contains NUL characters), not text", source=origin)
    return text


def _refuse_binary(data: bytes, *, origin: str) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"binary content ({what}), not text", source=origin)
    sample = data[:_BINARY_SAMPLE]
    if b"\x00" in sample:
        raise InputError("binary content (contains NUL bytes), not text", source=origin)
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls > _MAX_CONTROL_RATIO * len(sample):
        raise InputError("binary content (control characters), not text", source=origin)


def _mostly_utf8(data: bytes) -> tuple[str, str] | None:
    """UTF-8 with replacement characters, when valid multi-byte sequences outnumber the
    invalid bytes (a legacy 8-bit encoding has almost no valid UTF-8 sequences)."""
    text = data.decode("utf-8", errors="replace")
    invalid = text.count(_REPLACEMENT) - data.count(_REPLACEMENT.encode("utf-8"))
    valid = sum(1 for char in text if char > "\x7f") - invalid
    if valid > invalid:
        return text, f"utf-8 ({invalid} invalid byte{'s' if invalid != 1 else ''} replaced)"
    return None


def _detect(data: bytes, *, origin: str) -> tuple[str, str]:
    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is None:
        raise InputError("cannot detect the text encoding", source=origin)
    # charset-normalizer often ranks a Baltic or Central European code page first for
    # Western European text; when windows-1252 reads about as cleanly, it is the
    # far likelier encoding (it is also what browsers assume for latin-1).
    if "cp1252" not in best.could_be_from_charset and any(
        "cp1252" in m.could_be_from_charset and m.chaos <= best.chaos + 0.05 for m in matches
    ):
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return str(best), str(best.encoding)
