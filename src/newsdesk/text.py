"""Plain-text helpers shared by the writing and checking stages: sentences, words, stopwords."""

from __future__ import annotations

import re

# Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sen",
    "rep",
    "gov",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "st",
    "mt",
    "jr",
    "sr",
    "inc",
    "ltd",
    "co",
    "corp",
    "no",
    "vs",
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "approx",
    "dept",
    "est",
    "fig",
}
_BOUNDARY = re.compile(r"(?<=[.!?])([\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*")

# A word list reads better as text than as a list literal.
# The one stopword list: function words, and words that say nothing about which event a text
# is about ("says", "year", "new"). Clustering, the writing rules and the checks share it.
_STOPWORD_TEXT = """a about above after again against all also am an and any are as at be
    because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just may me might more most my myself no nor not now of off on once
    only or
    other our ours ourselves out over own s said same says she should so some such t than that
    the
    their theirs them themselves then there these they this those through to too under until
    up us very was we were what when where which while who whom why will with would you your
    yours yourself yourselves new after amid over says say told tells year years day days week
    weeks first last one two three"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph or text; paragraphs (blank lines) always end a sentence."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            candidate = paragraph[start : match.end(1)]
            last_word = candidate.rsplit(" ", 1)[-1].rstrip(".").lower()
            if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
                continue  # "Mr. Smith", "J. Smith": not a boundary
            sentences.append(candidate.strip())
            start = match.end()
        sentences.append(paragraph[start:].strip())
    return [s for s in sentences if s]


# Scripts written without spaces between words, with roughly the characters a word has:
# Chinese and Japanese about 2 (Han, kana, CJK punctuation and full-width forms; Korean has
# spaces), Thai, Lao, Khmer and Burmese about 4. Whitespace splitting would count a whole
# paragraph of them as one word.
_CJK = re.compile(
    "[\u3000-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
)
_SOUTHEAST_ASIAN = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff]")
_CHARS_PER_WORD = ((_CJK, 2), (_SOUTHEAST_ASIAN, 4))


def count_words(text: str) -> int:
    """How many words `text` has: whitespace-separated tokens, except that characters of
    scripts written without spaces count as one word per 2 (Chinese, Japanese) or 4 (Thai,
    Lao, Khmer, Burmese) characters. Text without them counts exactly as `len(text.split())`.
    """
    count = 0
    for script, chars_per_word in _CHARS_PER_WORD:
        found = len(script.findall(text))
        if found:
            count += -(-found // chars_per_word)  # a started word counts
            text = script.sub(" ", text)
    return count + len(text.split())


def words(text: str) -> list[str]:
    return _WORD.findall(text)


def content_words(text: str) -> list[str]:
    """Lower-cased words that carry meaning (no stopwords, no 1-letter tokens)."""
    return [
        w for w in (w.lower().strip("'’") for w in words(text)) if len(w) > 1 and w not in STOPWORDS
    ]


# A wire dateline: "MARROWGATE, 9 March (Meridian Wire) - ", "LONDON (Reuters) - ",
# "PORT AVALEN, 5 March - ", and in mixed case when a wire credit in brackets says it is one:
# "Harwick, Mar 28 (Valley Wire) - ", "Brannock, March 19 (Ostren Press)--". It names the wire
# and the day, not the event: clustering compares leads without it and the fact sheet states
# facts without it.
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z'’. -]{2,40}(?:,[^()\n-]{1,30})?\s*(?:\([^()\n]{1,40}\))?\s*[-–—]{1,2}\s+"
    r"|[A-Z][A-Za-z'’. -]{1,40},\s+[A-Z][a-z]{2,9}\.?\s+\d{1,2}\s*"
    r"\([^()\n]{1,40}\)\s*[-–—]{1,2}\s*)"
    r"(?=[A-Z0-9\"“‘'])"
)


def strip_dateline(text: str) -> str:
    """The text without a leading wire dateline."""
    return _DATELINE.sub("", text, count=1)


_STEM_SUFFIXES = ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "ly", "e", "s")


def stem(word: str) -> str:
    """A crude stem: lower case, no possessive, one common ending off (when four letters stay),
    then the first six letters: "share" ~ "shares" ~ "shared", "employs" ~ "employees",
    "protested" ~ "protesting". Good enough to ask "did a source use this word?"; not a
    linguistic stemmer (spaCy runs with `ner` only, for speed)."""
    word = word.casefold().strip("'’").removesuffix("'s").removesuffix("’s")
    for suffix in _STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]
