"""The one date parser of ingest: feed dates, page metadata, outlet specs.

RFC 822 (with zones email.utils does not know), ISO 8601, epoch seconds and milliseconds,
12-hour clocks and localised month and weekday names ("3 de junho de 2023", "17. März").
Aware results are converted to UTC; a date without a zone stays naive (the pipeline reads it
as UTC). Never raises: anything unreadable is None.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

__all__ = ["parse_date"]


# Zones RFC 822 parsers do not know (email.utils knows UT/GMT/Z and the US ones).
_ZONES = {
    "UTC": "+0000", "WET": "+0000", "BST": "+0100", "IST": "+0530", "CET": "+0100",
    "MET": "+0100", "WEST": "+0100", "CEST": "+0200", "MEST": "+0200", "EET": "+0200",
    "EEST": "+0300", "MSK": "+0300", "SAST": "+0200", "EAT": "+0300", "WAT": "+0100",
    "PKT": "+0500", "ICT": "+0700", "WIB": "+0700", "SGT": "+0800", "HKT": "+0800",
    "AWST": "+0800", "JST": "+0900", "KST": "+0900", "ACST": "+0930", "AEST": "+1000",
    "AEDT": "+1100", "NZST": "+1200", "NZDT": "+1300", "HST": "-1000", "AKST": "-0900",
    "AKDT": "-0800", "BRT": "-0300", "ART": "-0300", "MEZ": "+0100", "MESZ": "+0200",
}  # fmt: skip
_MONTHS = {
    # pt / es / fr / de / it abbreviations and full names that differ from English
    "fev": "Feb", "abr": "Apr", "mai": "May", "ago": "Aug", "set": "Sep", "out": "Oct",
    "dez": "Dec", "ene": "Jan", "dic": "Dec", "janv": "Jan", "févr": "Feb", "fevr": "Feb",
    "mars": "Mar", "avr": "Apr", "juin": "Jun", "juil": "Jul", "août": "Aug", "aout": "Aug",
    "sept": "Sep", "déc": "Dec", "mär": "Mar", "märz": "Mar", "mrz": "Mar", "okt": "Oct",
    "gen": "Jan", "mag": "May", "giu": "Jun", "lug": "Jul", "ott": "Oct",
    "janeiro": "Jan", "fevereiro": "Feb", "março": "Mar", "abril": "Apr", "maio": "May",
    "junho": "Jun", "julho": "Jul", "agosto": "Aug", "setembro": "Sep", "outubro": "Oct",
    "novembro": "Nov", "dezembro": "Dec", "enero": "Jan", "febrero": "Feb", "marzo": "Mar",
    "mayo": "May", "junio": "Jun", "julio": "Jul", "septiembre": "Sep", "octubre": "Oct",
    "noviembre": "Nov", "diciembre": "Dec", "janvier": "Jan", "février": "Feb",
    "juillet": "Jul", "septembre": "Sep", "octobre": "Oct", "novembre": "Nov",
    "décembre": "Dec", "januar": "Jan", "februar": "Feb", "juni": "Jun", "juli": "Jul",
    "oktober": "Oct", "dezember": "Dec", "gennaio": "Jan", "febbraio": "Feb",
    "aprile": "Apr", "maggio": "May", "giugno": "Jun", "luglio": "Jul", "settembre": "Sep",
    "ottobre": "Oct", "dicembre": "Dec",
}  # fmt: skip
_TWELVE_HOUR = re.compile(r"\b(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp])\.?[Mm]\.?(?=\s|$)")
_HHMM = re.compile(r"(?<=\s)(\d{2})(\d{2})(?=\s+[A-Za-z+-]|$)")
_TRAILING_ZONE = re.compile(r"\s([A-Za-z]{2,5})$")
_ISO_LIKE = re.compile(r"^\d{4}-?\d{2}")


def parse_date(value: str | None, *, to_utc: bool = True) -> datetime | None:
    """A feed date (RFC 822, ISO 8601, epoch seconds, localised or odd forms) or None.

    Aware results are converted to UTC (unless `to_utc` is false: a page's date keeps the
    page's own offset); a date without a zone stays naive. Never raises.
    """
    text = " ".join((value or "").split())
    if not text or len(text) > 80:
        return None
    try:
        parsed = _parse_date(text)
    except (ValueError, OverflowError, TypeError, IndexError, OSError):
        return None
    if parsed is None or not 1900 <= parsed.year <= 2200:
        return None
    return parsed.astimezone(UTC) if to_utc and parsed.tzinfo is not None else parsed


def _parse_date(text: str) -> datetime | None:
    if text.isdigit():
        return _epoch(int(text))
    if _ISO_LIKE.match(text):
        return _iso_date(text)
    rfc = _rfc822(text)
    if rfc is not None:
        return rfc
    return _rfc822(_english(text))


def _epoch(number: int) -> datetime | None:
    if number >= 10**11:  # milliseconds
        number //= 1000
    return datetime.fromtimestamp(number, UTC) if number >= 10**8 else None


def _iso_date(text: str) -> datetime | None:
    text = re.sub(r"(?i)\s*(?:z|utc|gmt)$", "+00:00", text)
    text = re.sub(r"\s+(?=[+-]\d{2}:?\d{2}$)", "", text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return _rfc822(text)


def _rfc822(text: str) -> datetime | None:
    text = _TWELVE_HOUR.sub(_to_24_hour, text)
    text = _HHMM.sub(r"\1:\2", text)
    zone = _TRAILING_ZONE.search(text)
    if zone and zone.group(1).upper() in _ZONES:
        text = text[: zone.start()] + " " + _ZONES[zone.group(1).upper()]
    try:
        return parsedate_to_datetime(text)
    except (ValueError, TypeError):
        return None


def _to_24_hour(match: re.Match[str]) -> str:
    hour = int(match.group(1)) % 12 + (12 if match.group(4).lower() == "p" else 0)
    return f"{hour:02d}:{match.group(2)}:{match.group(3) or '00'}"


def _english(text: str) -> str:
    """Drop a (possibly localised) weekday, translate localised month names, strip "17."."""
    words = [w.rstrip(".").lower() for w in text.replace(",", " ").split()]
    if words and words[0].isalpha() and not _is_month(words[0]):
        words = words[1:]  # a weekday, in whatever language
    return " ".join(_MONTHS.get(w, w) for w in words if w not in _FILLER_WORDS)


def _is_month(word: str) -> bool:
    return word in _MONTHS or word[:3] in _ENGLISH_MONTHS


_ENGLISH_MONTHS = frozenset(
    {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}
)
_FILLER_WORDS = frozenset({"de", "del", "di", "of"})  # "3 de junho de 2023"
