"""Numbers, amounts, percentages and dates in text, normalised so they can be compared.

"10,000", "10 000", "10k", "ten thousand" and "10 thousand" all become 10000.0; "£3.2m" and
"3.2 million pounds" become (3200000.0, "£"); "March 3" and "3 March" become (3, 3).
Some words have more than one reading, and match a source figure in any of them: "2.4m" with
no currency is 2.4 (metres) or 2.4 million; "a fifth of" is 0.2 or 20%; "one in five" too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from newsdesk.verify.checks.normal import plain

PERCENT = "%"
# "up 9 percentage points" is not "up 9%" (a rate from 40% to 49%, against 40% to 43.6%).
POINTS = "percentage points"
_CURRENCY_SYMBOLS = {"$": "$", "us$": "$", "€": "€", "£": "£", "¥": "¥"}
_CURRENCY_WORDS = {
    "dollar": "$",
    "dollars": "$",
    "euro": "€",
    "euros": "€",
    "pound": "£",
    "pounds": "£",
    "yen": "¥",
}
_SCALES = {
    "hundred": 100.0,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "mn": 1e6,
    "bn": 1e9,
    "tn": 1e12,
    "m": 1e6,
    "b": 1e9,
}
_NUMBER = re.compile(
    r"""
    (?<![\w.,])(?<![A-Za-z]-)           # not part of a word ("G7", "F-16") or a longer number
    (?P<cur>US\$|\$|€|£|¥)?\s?
    (?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?  # 10,000 / 1,200.5
      |\d{1,3}(?:\ \d{3})+(?!\d)         # 10 000
      |\d+(?:\.\d+)?)
    (?P<suffix>st|nd|rd|th|s|am|pm)?     # ordinals, decades ("1990s"), times ("6pm")
    (?:\ ?(?P<scale>hundred|thousand|million|billion|trillion|bn|mn|tn|k|m|b)(?![a-z]))?
    (?:\ ?(?P<pct>%|percentage\ points?|percent|per\ cent)(?![a-z]))?  # longest first
    (?:\ (?P<curword>dollars?|euros?|pounds?|yen)\b)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
_UNIT_TEXT = """zero one two three four five six seven eight nine ten eleven twelve thirteen
    fourteen fifteen sixteen seventeen eighteen nineteen"""
_TEN_TEXT = "twenty thirty forty fifty sixty seventy eighty ninety"
_UNITS = {w: i for i, w in enumerate(_UNIT_TEXT.split())}
_TENS = {w: 10 * (i + 2) for i, w in enumerate(_TEN_TEXT.split())}
_WORD_SCALES = {"hundred": 100, "thousand": 1000, "million": 10**6, "billion": 10**9}
_WORD = re.compile(r"[A-Za-z]+")
# Fractions: "two-thirds", "a fifth of", "three-quarters of a point", "half a point",
# "one in five", "two and a half". A bare "a third" or "a quarter" is an ordinal or a period
# ("a third term", "in a quarter") unless "of" or "point" follows, or it is hyphenated.
_FRACTION_WORDS = "an?|one|two|three|four|five|six|seven|eight|nine"
_DENOMINATORS = {
    "half": 2,
    "halves": 2,
    "third": 3,
    "quarter": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_FRACTION = re.compile(
    rf"\b(?P<num>{_FRACTION_WORDS})(?P<sep>[\ -])"
    r"(?P<den>halves|half|thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b",
    re.IGNORECASE,
)
_FRACTION_OF = re.compile(r"(?:\s+of\b|[\s-](?:percentage[\s-])?points?\b)", re.IGNORECASE)
_HALF = re.compile(
    r"\bhalf\b(?=\s+(?:an?|of|the)\b|[\s-](?:percentage[\s-])?points?\b)", re.IGNORECASE
)
# "the first half of the year", "the other half": a part, not a figure.
_NOT_FRACTION_BEFORE = re.compile(
    r"\b(?:first|second|other|latter|better|top|bottom|front|back|final|last|next)\s+$",
    re.IGNORECASE,
)
_SCALE_AFTER = re.compile(
    r"\s+(?:of\s+)?an?\s+(dozen|hundred|thousand|million|billion)\b", re.IGNORECASE
)
_SMALL_NUMBER = rf"\d{{1,3}}|{'|'.join(_UNIT_TEXT.split()[1:])}"
_MIXED = re.compile(rf"\b(?P<whole>{_SMALL_NUMBER})\s+and\s+a\s+half\b", re.IGNORECASE)
# "one in five", "three out of 10"; a round denominator, so "2 in 45 minutes" stays two figures.
_RATIO_DENOMINATOR = r"two|three|four|five|six|seven|eight|nine|ten|[2-9]|10|20|100|1,?000"
_RATIO = re.compile(
    rf"\b(?P<num>{_SMALL_NUMBER})\s+(?:in|out\s+of)\s+(?P<den>{_RATIO_DENOMINATOR})\b(?!,?\d)",
    re.IGNORECASE,
)
_MONTHS = {
    name: i + 1
    for i, names in enumerate(
        (
            "january jan",
            "february feb",
            "march mar",
            "april apr",
            "may",
            "june jun",
            "july jul",
            "august aug",
            "september sept sep",
            "october oct",
            "november nov",
            "december dec",
        )
    )
    for name in names.split()
}
_MONTH_RE = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DATE_PATTERNS = (
    re.compile(rf"\b{_MONTH_RE}\s(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?![,.]?\d)"),
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s(?:of\s)?{_MONTH_RE}\b"),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
)
_TEMPORAL = re.compile(
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|June|July|August|September|October|November|December)\b|\bMay(?=\s+\d)"
)
# Words before a number that make it approximate: "about 4,000" may stand for 4,150.
_HEDGES = re.compile(
    r"(?:about|around|roughly|nearly|almost|some|approximately|over|more than|less than|fewer "
    r"than|at least|up to|close to|under|upwards of|just over|just under)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number as written (`text`) and as compared (`value`, `unit`: "", "%", "$", "€" ...)."""

    value: float
    unit: str
    text: str
    approximate: bool = False
    # Other (value, unit) readings of the same words: "2.4m" may be metres or millions.
    alternatives: tuple[tuple[float, str], ...] = ()

    @property
    def readings(self) -> tuple[tuple[float, str], ...]:
        return ((self.value, self.unit), *self.alternatives)

    def matches(self, other: Quantity) -> bool:
        """Same value (within 10% when this one is hedged) and no clash of units, in any
        reading of either."""
        tolerance = 0.1 if self.approximate else 1e-9
        return any(
            (not unit or not their_unit or unit == their_unit)
            and abs(value - theirs) <= tolerance * max(abs(value), 1.0)
            for value, unit in self.readings
            for theirs, their_unit in other.readings
        )


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything number-like in a text."""

    quantities: tuple[Quantity, ...]
    dates: frozenset[tuple[int, int]]  # (month, day)
    temporal: frozenset[str]  # weekday and month names, lower case

    @staticmethod
    def merge(parts: Iterable[Figures]) -> Figures:
        parts = list(parts)
        return Figures(
            tuple(q for p in parts for q in p.quantities),
            frozenset(d for p in parts for d in p.dates),
            frozenset(t for p in parts for t in p.temporal),
        )


def _to_float(number: str) -> float:
    return float(number.replace(",", "").replace(" ", ""))


def _digit_quantities(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """Numbers written with digits; their spans are added to `taken`."""
    found = []
    for match in _NUMBER.finditer(text):
        if _inside(match.start("num"), taken):
            continue  # the day of a date
        end = match.end()
        if end < len(text) and text[end].isalpha():
            continue  # "737MAX", "3D": a code, not a quantity
        scale_word = (match["scale"] or "").lower()
        currency = _CURRENCY_SYMBOLS.get((match["cur"] or "").lower(), "")
        currency = currency or _CURRENCY_WORDS.get((match["curword"] or "").lower(), "")
        alternatives: tuple[tuple[float, str], ...] = ()
        if scale_word in {"m", "b"} and not currency:
            # "a 120m bridge" is metres, "2.4m packs" millions: without a currency both count.
            alternatives = ((_to_float(match["num"]) * _SCALES[scale_word], ""),)
            scale_word = ""
        if scale_word == "k" and match["scale"] and text[match.start("scale") - 1] == " ":
            scale_word = ""  # "10 k" is rare; "10k" is ten thousand
        value = _to_float(match["num"]) * _SCALES.get(scale_word, 1.0)
        pct = (match["pct"] or "").lower()
        unit = (POINTS if pct.startswith("percentage") else PERCENT) if pct else currency
        hedged = bool(_HEDGES.search(text[: match.start()]))
        found.append(Quantity(value, unit, match.group().strip(), hedged, alternatives))
        taken.append((match.start(), match.end()))
    return found


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _word_value(words: list[str]) -> float | None:
    """Value of a run of number words, or None when it is not a usable number."""
    total, current, seen_number = 0.0, 0.0, False
    for word in words:
        if word in _UNITS:
            current += _UNITS[word]
            seen_number = True
        elif word in _TENS:
            current += _TENS[word]
            seen_number = True
        elif word in {"dozen", "decade", "decades"}:
            current = (current or 1) * (12 if word == "dozen" else 10)
            seen_number = True
        elif word == "hundred":
            current = (current or 1) * 100
            seen_number = True
        elif word in _WORD_SCALES:
            total += (current or 1) * _WORD_SCALES[word]
            current, seen_number = 0.0, True
    if not seen_number or words in (["one"], ["a"]):
        return None  # "one of the", "a": not a figure anyone reported
    return total + current


def _starts_number(word: str) -> bool:
    return word in _UNITS or word in _TENS or word in _WORD_SCALES or word in {"dozen", "a"}


def _continues_number(word: str, previous: str) -> bool:
    if word in _UNITS or word in _TENS or word in _WORD_SCALES or word == "dozen":
        return True
    if word in {"decade", "decades"}:
        return True  # "two decades" is 20 (years); "decades" alone is vague and never starts
    return word == "and" and previous in _WORD_SCALES


def _word_quantities(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """'ten thousand', 'twenty-five', 'a dozen', 'two decades' (= 20 years)."""
    found: list[Quantity] = []
    run: list[re.Match[str]] = []
    for match in _WORD.finditer(text):
        word = "" if _inside(match.start(), taken) else match.group().lower()
        if run:
            gap = text[run[-1].end() : match.start()]
            if gap in {" ", "-"} and _continues_number(word, run[-1].group().lower()):
                run.append(match)
                continue
            found.extend(_close_word_run(text, run))
        run = [match] if _starts_number(word) else []
    found.extend(_close_word_run(text, run))
    return found


def _close_word_run(text: str, run: list[re.Match[str]]) -> list[Quantity]:
    while run and run[-1].group().lower() == "and":
        run = run[:-1]
    words = [m.group().lower() for m in run]
    value = _word_value(words) if words and words != ["a"] else None
    if value is None:
        return []
    after = text[run[-1].end() :]
    unit = PERCENT if re.match(r"\s?(?:%|percent\b|per cent\b)", after) else ""
    unit = POINTS if re.match(r"\s?percentage\s+points?\b", after) else unit
    currency = re.match(r"\s(dollars?|euros?|pounds?)\b", after)
    if currency:
        unit = _CURRENCY_WORDS[currency.group(1).lower()]
    hedged = bool(_HEDGES.search(text[: run[0].start()]))
    return [Quantity(value, unit, text[run[0].start() : run[-1].end()], hedged)]


def _small_number(word: str) -> float:
    word = word.replace(",", "")
    return float(word) if word.isdigit() else float(_UNITS[word.lower()])


def _fraction(text: str, start: int, end: int, share: float, *, percent: bool) -> Quantity:
    """A fraction and its readings: 'a fifth' is 0.2 or 20% ('two-thirds' is 66.7% or 67%);
    'half a million' is 500000."""
    scale = _SCALE_AFTER.match(text, end)
    hedged = bool(_HEDGES.search(text[:start]))
    if scale:
        value = share * {"dozen": 12.0, **_SCALES}[scale.group(1).lower()]
        return Quantity(value, "", text[start : scale.end()], hedged)
    shares = sorted({100 * share, round(100 * share), round(100 * share, 1)}) if percent else []
    return Quantity(share, "", text[start:end], hedged, tuple((p, PERCENT) for p in shares))


def _fraction_quantities(text: str, taken: list[tuple[int, int]]) -> list[Quantity]:
    """Fractions and ratios written in words; their spans are added to `taken`."""
    found: list[Quantity] = []

    def add(start: int, end: int, share: float, *, percent: bool = True) -> None:
        quantity = _fraction(text, start, end, share, percent=percent)
        found.append(quantity)
        taken.append((start, start + len(quantity.text)))

    for match in _MIXED.finditer(text):
        if not _inside(match.start(), taken):
            add(match.start(), match.end(), _small_number(match["whole"]) + 0.5, percent=False)
    for match in _RATIO.finditer(text):
        den = _small_number(match["den"])
        if den and not _inside(match.start(), taken):
            add(match.start(), match.end(), _small_number(match["num"]) / den)
    for match in _FRACTION.finditer(text):
        if _inside(match.start(), taken):
            continue
        if match["sep"] == " " and not _FRACTION_OF.match(text, match.end()):
            continue  # "a third term", "a year and a half"
        num = match["num"].lower()
        part = match["den"].lower()
        share = 1.0 if num in {"a", "an"} else float(_UNITS[num])
        share /= _DENOMINATORS.get(part) or _DENOMINATORS[part.removesuffix("s")]  # "thirds"
        add(match.start(), match.end(), share)
    for match in _HALF.finditer(text):
        if not _inside(match.start(), taken) and not _NOT_FRACTION_BEFORE.search(
            text[: match.start()]
        ):
            add(match.start(), match.end(), 0.5)
    return found


def _dates(text: str) -> tuple[set[tuple[int, int]], list[tuple[int, int]], list[Quantity]]:
    """(month, day) pairs, the spans of their day numbers, and the years of ISO dates."""
    dates: set[tuple[int, int]] = set()
    spans: list[tuple[int, int]] = []
    years: list[Quantity] = []
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            month = match["month"]
            number = int(month) if month.isdigit() else _MONTHS[month.lower().rstrip(".")]
            day = int(match["day"])
            if 1 <= number <= 12 and 1 <= day <= 31:
                dates.add((number, day))
                spans.append((match.start(), match.end()))
                if "year" in pattern.groupindex:
                    years.append(Quantity(float(match["year"]), "", match["year"]))
    return dates, spans, years


# "the over-80s", "under-18s": an age group, unlike the code in "F-16". Same length, so the
# spans found below still point into the caller's text.
_AGE_GROUP = re.compile(r"\b(over|under)-(?=\d)", re.IGNORECASE)


def figures(text: str) -> Figures:
    """Every number, amount, percentage, date and weekday/month name in `text`."""
    text = _AGE_GROUP.sub(lambda m: m[1] + " ", plain(text))
    dates, date_spans, years = _dates(text)
    taken = list(date_spans)
    fractions = _fraction_quantities(text, taken)
    digits = _digit_quantities(text, taken)
    quantities = years + fractions + digits + _word_quantities(text, taken)
    temporal = frozenset(m.group().lower() for m in _TEMPORAL.finditer(text))
    return Figures(tuple(quantities), frozenset(dates), temporal)
