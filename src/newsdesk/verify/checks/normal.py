"""Text normalisation the checks share: quote styles, word tokens, crude stems, name keys."""

from __future__ import annotations

import re
import unicodedata

from newsdesk.text import STOPWORDS, stem

_PUNCT = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "«": '"',
        "»": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "′": "'",
        "–": "-",
        "—": "-",
        "‑": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
    }
)
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z0-9]+)*")
_KEY_WORD = re.compile(r"[a-z0-9]+")

# Country names that are written in several ways; each set is one place.
_ALIAS_GROUPS = (
    {"us", "u s", "usa", "u s a", "united states", "united states of america", "america"},
    {"uk", "u k", "britain", "great britain", "united kingdom"},
    {"un", "u n", "united nations"},
    {"eu", "e u", "european union"},
    {"drc", "dr congo", "democratic republic of congo", "democratic republic of the congo"},
    {"uae", "united arab emirates"},
)
_ALIASES = {name: frozenset(group) for group in _ALIAS_GROUPS for name in group}
# Demonyms that do not share a prefix with their country.
_DEMONYMS = {
    "american": "united states",
    "british": "united kingdom",
    "dutch": "netherlands",
    "french": "france",
    "swiss": "switzerland",
    "welsh": "wales",
    "greek": "greece",
    "irish": "ireland",
    "spanish": "spain",
    "danish": "denmark",
    "swedish": "sweden",
    "finnish": "finland",
    "polish": "poland",
    "turkish": "turkey",
    "filipino": "philippines",
    "thai": "thailand",
    "peruvian": "peru",
    "turk": "turkey",
    "turks": "turkey",
    "turkiye": "turkey",
    "dane": "denmark",
    "danes": "denmark",
    "swede": "sweden",
    "swedes": "sweden",
    "finn": "finland",
    "finns": "finland",
    "pole": "poland",
    "poles": "poland",
    "scot": "scotland",
    "scots": "scotland",
    "scottish": "scotland",
    "brit": "united kingdom",
    "brits": "united kingdom",
    "briton": "united kingdom",
    "britons": "united kingdom",
    "filipinos": "philippines",
    "israelis": "israel",
    "afghan": "afghanistan",
    "afghans": "afghanistan",
    "dutchman": "netherlands",
}


def plain(text: str) -> str:
    """One quote, dash and space style, NFKC-folded, whitespace collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_PUNCT).split())


def tokens(text: str) -> list[str]:
    """Lower-case word tokens, apostrophes kept inside words: what 'verbatim' compares."""
    return _TOKEN.findall(plain(text).casefold())


# Words that make no claim of their own when support is measured: hedges ("around 300"),
# attribution ("according to") and number words, which the numbers check compares ("three in
# the morning" and "3am" are both the figure 3).
_NO_CLAIM_TEXT = """according reportedly around roughly nearly almost approximately some four
    five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
    million billion dozen dozens half"""
_NO_CLAIM = frozenset(_NO_CLAIM_TEXT.split())
_TIME_OF_DAY = frozenset({"morning", "afternoon", "evening", "night"})


def _time_of_day(words: list[str], i: int) -> bool:
    """'three in the morning': 'morning' belongs to the figure, like the 'am' of '3am'."""
    if words[i] not in _TIME_OF_DAY or i < 3 or words[i - 2 : i] != ["in", "the"]:
        return False
    number = words[i - 3]
    return number.isdigit() or number in _NO_CLAIM or number in {"one", "two", "three"}


def content_stems(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stopwords, no numbers, no 1-letter tokens,
    no hedges or attribution words)."""
    words = tokens(text)
    return {
        stem(t)
        for i, t in enumerate(words)
        if len(t) > 1
        and not t.isdigit()
        and t.removesuffix("'s") not in STOPWORDS
        and t not in _NO_CLAIM
        and not _time_of_day(words, i)
    }


# British and American spellings of words that occur in names ("Defense Ministry" in one
# outlet, "Defence Ministry" in another): name keys use the first.
_SPELLINGS = {
    "defense": "defence",
    "labor": "labour",
    "center": "centre",
    "organization": "organisation",
    "organizations": "organisations",
    "program": "programme",
    "theater": "theatre",
    "harbor": "harbour",
    "honor": "honour",
    "councilor": "councillor",
}


def name_key(text: str) -> str:
    """'the U.S.' -> 'u s', "Karsovia's" -> 'karsovia': how names are compared."""
    text = plain(text).casefold()
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"'s?$", "", text.strip(" .,;:"))
    return " ".join(_SPELLINGS.get(w, w) for w in _KEY_WORD.findall(text))


def aliases(key: str) -> frozenset[str]:
    """Every way of writing the place `key` (itself included)."""
    return _ALIASES.get(key, frozenset({key}))


def place_stem(key: str) -> str:
    """'karsovian' and 'karsovia' -> 'karsovi': a country and its demonym share a stem."""
    key = _DEMONYMS.get(key, key)
    # "-ian" keeps its "i" so "austrian" -> "austri" ~ "austria", but not "australi(an)".
    for suffix, keep in (("ian", "i"), ("an", ""), ("ese", ""), ("ish", ""), ("i", "")):
        if key.endswith(suffix) and len(key) - len(suffix) >= 4:
            return key[: -len(suffix)] + keep
    return key[:-1] if len(key) >= 5 and key[-1] in "aeiouy" else key


def same_place(a: str, b: str) -> bool:
    """Do two place/country keys name the same place? Demonyms count ('Austrian' ~ 'Austria')."""
    if not a or not b:
        return False
    if (
        a == b
        or b in aliases(a)
        or _DEMONYMS.get(a) in aliases(b)
        or _DEMONYMS.get(b) in aliases(a)
    ):
        return True
    stem_a, stem_b = place_stem(a), place_stem(b)
    return stem_a.startswith(stem_b) or stem_b.startswith(stem_a)


def contains_phrase(haystack: str, needle: str) -> bool:
    """Is `needle` (a name key) in `haystack` (a name key) on word boundaries?"""
    return bool(needle) and f" {needle} " in f" {haystack} "
