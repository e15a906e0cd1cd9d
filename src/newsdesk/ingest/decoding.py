"""The one charset detector of ingest: bytes of a feed or a page to text.

    BOM -> NUL byte pattern (UTF-16/32 without BOM) -> valid UTF-8 -> the declared charsets
    in their order (HTTP header first, then the document's own) -> the bytes themselves

UTF-8 goes before the declarations because declarations are often wrong (templates copied
between sites keep a stale 'iso-8859-1') and valid UTF-8 with non-ASCII characters practically
never happens by accident in a legacy charset. Browsers (WHATWG Encoding) read 'iso-8859-1',
'latin-1' and 'ascii' as windows-1252, and so do we. A declaration naming no usable text
encoding ('rot13', 'base64', 'undefined', UTF-16 in an ASCII-readable declaration) is ignored.
Without a usable declaration the non-ASCII words decide: damaged UTF-8, windows-1252 when the
bytes allow it, else charset-normalizer's most plausible reading. What was guessed or ignored
is said in `problems` (a feed keeps them with its status).
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Sequence

import charset_normalizer

__all__ = ["codec_name", "decode"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with that one
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# XML 1.0 appendix F: a document without BOM still starts with '<', so NUL bytes around the
# first '<' give the code unit width away.
_NUL_PATTERNS = (
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00", "utf-16-le"),
    (b"\x00<", "utf-16-be"),
)
_WINDOWS_1252_ALIASES = frozenset({"ascii", "latin-1", "iso8859-1", "cp1252"})


def codec_name(label: str) -> str | None:
    """Python's name for a text encoding label, or None (unknown, or bytes-to-bytes codecs
    such as rot13, base64 and hex, which `bytes.decode` refuses with a LookupError)."""
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    return info.name if info._is_text_encoding else None


def decode(
    data: bytes,
    declared: Sequence[tuple[str | None, str]] = (),
    problems: list[str] | None = None,
) -> str:
    """The text of `data`. `declared` is (label or None, where it was declared) in order of
    precedence; what was guessed or ignored is appended to `problems`."""
    notes: list[str] = [] if problems is None else problems
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace")
    for prefix, encoding in _NUL_PATTERNS:
        if data.startswith(prefix):
            notes.append(f"no byte-order mark; read as {encoding} from the byte pattern")
            return data.decode(encoding, "replace")
    labels = [(label, source) for label, source in declared if label]
    try:
        # final=False: a document cut off mid-character (size caps) is still UTF-8.
        text = codecs.getincrementaldecoder("utf-8")().decode(data, final=False)
    except UnicodeDecodeError:
        pass
    else:
        if problems is not None:
            _note_unused(data, labels, problems)
        return text
    for label, source in labels:
        text_or_none = _decode_as(data, label, source, notes)
        if text_or_none is not None:
            return text_or_none
    evidence = _non_ascii_words(data)
    if _mostly_utf8(evidence):
        notes.append("encoding undeclared or wrong; read as UTF-8 with a few broken bytes")
        return data.decode("utf-8", "replace")
    guessed = _guess_charset(evidence)
    notes.append(f"encoding undeclared or wrong; detected {guessed}")
    return data.decode(guessed, "replace")


def _note_unused(data: bytes, labels: Sequence[tuple[str, str]], problems: list[str]) -> None:
    """Say which declarations the UTF-8 reading overrode: unusable ones, and legacy charsets
    that the (non-ASCII) bytes contradict."""
    for label, source in labels:
        codec = codec_name(label)
        if codec is None or _wide(label):
            problems.append(f"unusable encoding {label!r} in {source}; ignored")
            continue
        try:
            b"x".decode(codec)
        except UnicodeError:  # a codec that refuses all input ('undefined') or this one (idna)
            problems.append(f"unusable encoding {label!r} in {source}; ignored")
            continue
        if codec != "utf-8" and not data.isascii():
            problems.append(f"{source} says {label} but the bytes are UTF-8; read as UTF-8")


def _wide(label: str) -> bool:
    return (codec_name(label) or "").startswith(("utf-16", "utf-32"))


def _decode_as(data: bytes, label: str, source: str, problems: list[str]) -> str | None:
    """Decode with a declared label, or None (with a problem noted) when it does not fit."""
    codec = codec_name(label)
    if codec is None or _wide(label):
        # utf-16/32 without BOM or NUL pattern would decode 8-bit bytes into nonsense.
        problems.append(f"unusable encoding {label!r} in {source}; ignored")
        return None
    if codec in _WINDOWS_1252_ALIASES:
        return data.decode("cp1252", "replace")
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        problems.append(f"bytes are not valid {label} ({source}); ignored")
    except UnicodeError:  # a codec that refuses all input ('undefined') or this one (idna)
        problems.append(f"unusable encoding {label!r} in {source}; ignored")
    return None


_NON_ASCII = re.compile(rb"[\x80-\xff]+")
_WORD_END = re.compile(rb"[\s<>\"'=&;]")
_EVIDENCE_WORD_BYTES = 64  # of ASCII before a non-ASCII run, at most
_EVIDENCE_BYTES = 100_000


def _non_ascii_words(data: bytes) -> bytes:
    """The words of `data` that hold non-ASCII bytes, space-separated, up to _EVIDENCE_BYTES.

    They are what tells one charset from another. On a whole page they are drowned in ASCII
    markup and English text, and charset-normalizer, which looks at a few chunks, then reads
    a Russian page with a few English paragraphs as DOS Ukrainian (cp1125) or Baltic.
    """
    words: list[bytes] = []
    size = end = 0
    for run in _NON_ASCII.finditer(data):
        if run.start() < end:
            continue  # part of the word taken last
        start = max(end, run.start() - _EVIDENCE_WORD_BYTES)
        edges = [edge.end() for edge in _WORD_END.finditer(data, start, run.start())]
        start = edges[-1] if edges else start
        # To the next delimiter however far: a CJK paragraph is one word, and a cut inside
        # it could split a character. Linear overall: the runs it passes are skipped.
        stop = _WORD_END.search(data, run.end())
        end = stop.start() if stop else len(data)
        words.append(data[start:end])
        size += end - start + 1
        if size >= _EVIDENCE_BYTES:
            break
    return b" ".join(words)


def _mostly_utf8(evidence: bytes) -> bool:
    """True when the non-ASCII words are UTF-8 with a few broken sequences: a damaged UTF-8
    page, not a legacy-charset one."""
    text = evidence.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good > 10 * bad


def _guess_charset(evidence: bytes) -> str:
    """windows-1252 unless the bytes rule it out, else charset-normalizer's best plausible guess.

    windows-1252 is what browsers assume for unlabelled pages (WHATWG) and is right for most
    mislabelled news pages, and charset-normalizer cannot tell the Latin code pages apart on
    a few accented words (it reads French as Baltic cp1257, German as cp1250), so it only
    has to find windows-1252 acceptable. It does not for Cyrillic, Greek, Hebrew, Arabic or
    CJK bytes, whose windows-1252 reading is all symbols or, for windows-1251 ('Ãîðîä'),
    letters in patterns no language has; `_plausible_text` catches the symbols cheaply.
    """
    matches = charset_normalizer.from_bytes(evidence)
    western = any("cp1252" in match.could_be_from_charset for match in matches)
    if western and _plausible_text(evidence.decode("cp1252", "replace")):
        return "cp1252"
    # Its ranking, less readings with symbols inside words (Polish read as Baltic: 'bud¿et')
    # and encodings the page's single-byte ASCII markup rules out (UTF-16, EBCDIC).
    readings = [m for m in matches if _ascii_compatible(m.encoding)]
    plausible = (m.encoding for m in readings if _plausible_text(str(m)))
    return next(plausible, readings[0].encoding if readings else "cp1252")


def _ascii_compatible(encoding: str) -> bool:
    try:
        return b"<p class='x'>".decode(encoding) == "<p class='x'>"
    except (UnicodeError, LookupError):
        return False


_PLAUSIBLE_SYMBOLS = frozenset("’‘“”–—…€•«»°£§©®™·")


def _plausible_text(text: str) -> bool:
    """True when nearly every non-ASCII character is a letter, a combining mark (Arabic, Thai,
    Indic vowels), common typography or CJK punctuation.

    A Central European page read as windows-1252 shows symbols such as ¹ ³ ¿ inside words.
    """
    extra = [ch for ch in text if ord(ch) > 127]
    fine = sum(1 for ch in extra if _plausible_char(ch))
    return fine >= 0.97 * len(extra)


def _plausible_char(ch: str) -> bool:
    return (
        ch.isalpha()
        or ch in _PLAUSIBLE_SYMBOLS
        or "\u3000" <= ch <= "\u303f"  # CJK punctuation: 、。「」
        or "\uff00" <= ch <= "\uffef"  # full-width forms: ，！？
        or unicodedata.category(ch).startswith("M")
    )
