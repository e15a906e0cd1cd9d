"""Part of the writing stage: titles, categories and tags built by our own code.

Used by the extractive writer, and whenever the model's title or category fails a check.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from newsdesk.text import stem, words
from newsdesk.writing.drafts import Fact
from newsdesk.writing.rules import (
    CATEGORIES,
    DEFAULT_CATEGORY,
    SourceWords,
    is_clickbait,
    near_identical,
    tag_words,
    title_case,
)

MIN_TITLE_WORDS = 5
MAX_TITLE_WORDS = 14
MIN_TITLE_SUPPORT = 0.6

_CLAUSE_END = re.compile(r",\s|;\s|:\s|\s[-–—]\s")
_ATTRIBUTION = re.compile(
    r",?\s+(?:the\s+[\w\s'-]{1,40}?\s+)?(?:said|says|announced|reported|confirmed)\b.*$",
    re.IGNORECASE,
)
_WHEN = (
    r"(?:\d{1,2}:\d{2}|\d{2}\.\d{2}(?!\s*%)|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|morning|evening|night|overnight|week|weekend|today|yesterday)"
)
_TRAILING_TIME = re.compile(
    rf"\s+(?:early\s+|late\s+)?(?:on|at|by|from|this|last)\s+(?:about\s+)?{_WHEN}\b.*$",
    re.IGNORECASE,
)
# A long clause is cut before one of these, so the title ends on a whole phrase.
_CUT_TEXT = "in on at for with after to from by while when as and but which who where that"
_CUT_BEFORE = frozenset(_CUT_TEXT.split())
# Words too general to tag a story with.
_GENERIC_TEXT = """people million billion percent cent company government officials including
    according time times number part area local state national news report reports people's town
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december morning evening night"""
_GENERIC = frozenset(_GENERIC_TEXT.split())

# Keywords per category for the extractive writer (the model chooses with a schema instead).
_CATEGORY_WORDS: dict[str, str] = {
    "World": "war troops foreign embassy treaty border sanctions refugees united nations",
    "National": "ferry police court accident coast guard rescue investigation grounding",
    "Local": "village neighbourhood councillors street",
    "Politics": "parliament minister vote election party bill law government opposition "
    "referendum coalition mps lawmakers legal challenge",
    "Business": "bank rate rates inflation shares investors revenue profit market economy "
    "prices mortgage mortgages growth interest lenders economist",
    "Technology": "technology software app digital battery batteries computer internet data "
    "cyber startup start-up chip cells factory outage",
    "Science": "scientists researchers study fossil species museum satellite space launch "
    "rocket research discovery whale orbit",
    "Health": "health hospital measles vaccine vaccination patients doctors disease virus "
    "outbreak cases clinic",
    "Climate": "climate storm flood flooding rain rainfall weather emissions drought heatwave "
    "wind gust warming",
    "Sports": "cup final match goal goals team players coach season league championship "
    "victory club fans parade",
    "Entertainment": "film films festival music actor actress award premiere concert director "
    "cinema jury",
    "Culture": "library art books theatre exhibition literature heritage",
    "Lifestyle": "bakery food restaurant recipe fashion bread cafe",
}


def choose_category(texts: Sequence[str]) -> str:
    """The category whose keywords the facts use most (the default when none match)."""
    counts = Counter(w.lower() for text in texts for w in words(text))
    scores = {
        name: sum(counts[w] for w in _CATEGORY_WORDS.get(name, "").split()) for name in CATEGORIES
    }
    best = max(CATEGORIES, key=lambda name: scores[name])
    return best if scores[best] > 0 else DEFAULT_CATEGORY


def choose_tags(headlines: Sequence[str], texts: Sequence[str]) -> tuple[str, ...]:
    """Three lowercase words the headlines share (most shared first, then in headline order),
    topped up with the words the facts use most."""
    distinct = list(dict.fromkeys(h.strip() for h in headlines if h.strip()))
    shared = Counter(w for h in distinct for w in set(tag_words(h)))
    order = list(dict.fromkeys(w for h in distinct for w in tag_words(h)))
    ranked = sorted((w for w in order if shared[w] >= 2), key=lambda w: -shared[w])
    body_words = [w for text in texts for w in tag_words(text)]
    used = Counter(body_words)
    # Counter keeps first-seen order, so ties go to the word the facts use first.
    salient = sorted(used, key=lambda w: -(used[w] + 2 * shared[w]))
    tags: list[str] = []
    for word in [*ranked, *salient]:
        if word not in _GENERIC and all(stem(word) != stem(t) for t in tags):
            tags.append(word)
        if len(tags) == 3:
            break
    return tuple(tags)


def in_headline_case(title: str) -> bool:
    """Most longer words capitalised: "Lumora Plans Battery Factory in Dunmere"."""
    longer = [w for w in words(title) if len(w) > 3]
    return bool(longer) and sum(w[0].isupper() for w in longer) >= 0.8 * len(longer)


def title_problem(title: str, headlines: Sequence[str], evidence: SourceWords) -> str | None:
    """Why a title cannot be used, or None: it must be new, plain and what sources say."""
    n = len(title.split())
    if not MIN_TITLE_WORDS - 1 <= n <= MAX_TITLE_WORDS + 2:
        return f"a title of {n} words"
    for headline in headlines:
        if near_identical(title, headline):
            return f"copies the headline {headline!r}"
    if is_clickbait(title):
        return "reads like clickbait"
    if _unclosed_quote(title):
        return "a quotation mark is left open"
    if tainted := evidence.tainted_words(title):
        return f"repeats an instruction planted in a source: {', '.join(tainted)}"
    if numbers := evidence.unknown_numbers(title):
        return f"numbers no source has: {', '.join(sorted(numbers))}"
    if names := evidence.unknown_names(title, capitalised=not in_headline_case(title)):
        return f"names no source has: {', '.join(names)}"
    if evidence.support(title) < MIN_TITLE_SUPPORT:
        return "wording mostly not from the sources"
    return None


def _unclosed_quote(title: str) -> bool:
    """An odd number of straight double quotes, or curly ones that do not pair up: a cut-off
    quotation ('Nadia Kessler's "The Glass Orchard', seen in the demo)."""
    return title.count('"') % 2 == 1 or title.count("\u201c") != title.count("\u201d")


def _title_from(sentence: str) -> str | None:
    """The first clause of a sentence, without attribution or time, as a headline."""
    if sentence.lstrip().startswith(('"', "“", "'", "‘")):
        return None  # a quotation is not a neutral title
    clause = _CLAUSE_END.split(sentence.replace("\u201c", "").replace("\u201d", ""), maxsplit=1)[0]
    clause = _TRAILING_TIME.sub("", _ATTRIBUTION.sub("", clause)).strip(" .;:\"'")
    tokens = clause.split()
    if len(tokens) > MAX_TITLE_WORDS:
        cuts = [i for i in range(MIN_TITLE_WORDS, MAX_TITLE_WORDS + 1) if tokens[i] in _CUT_BEFORE]
        tokens = tokens[: cuts[-1]] if cuts else tokens[:MAX_TITLE_WORDS]
    if len(tokens) < MIN_TITLE_WORDS:
        return None
    return title_case(" ".join(tokens).rstrip(",;:"))


def extractive_title(facts: Sequence[Fact], headlines: Sequence[str], evidence: SourceWords) -> str:
    """A title from the first clause of the best facts that is not a source's headline."""
    for fact in facts[:6]:
        title = _title_from(fact.text)
        if title is not None and title_problem(title, headlines, evidence) is None:
            return title
    # Last resort: a fact's opening words, cut to a length no headline of it has.
    for fact in facts:
        for size in (MAX_TITLE_WORDS, MAX_TITLE_WORDS - 3):
            title = title_case(" ".join(fact.text.split()[:size]).rstrip(",;:."))
            if not any(near_identical(title, h) for h in headlines):
                return title
    return "Untitled Story"
