"""The account of a story across outlets: the figures each outlet gives, which one stands.

Outlets covering one event over a day give its figures at different moments and from
different authorities: a death toll of 296 at dawn and 2,012 at night, 155 passengers from
prosecutors and "more than 200" from the president. Printed side by side as facts they read as
a contradiction. This module reads every figure of the story's candidate sentences, by what it
counts (`kind`), and settles one value per kind:

- counts that grow as a day goes on (dead, injured, missing, bodies, displaced): the newest
  articles' value, the highest of them (articles are often dated to the day only, and a day
  of one event has one toll that keeps rising); but a count corrected downwards ("revised
  down to 125") stands against the older count printed again later, and a newer death toll
  overtakes an older count of bodies recovered;
- other counts (magnitude, people aboard, foreigners among them, a city's population): the
  value most outlets give, the newest on a tie; settled only when two outlets give the kind
  (one article's own figures are its own business).

A sentence giving another value of a settled kind, and not the settled one, is stale: the
writer leaves it out, so the toll is told once, as it stands now. A sentence that gives both
("revised to 275 from 288") stays: it reconciles them itself. So does one that credits a
count that does not grow to an authority of its own (`authorities`): a second source's
magnitude, unless that authority is the one the settled value is credited to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

# Kinds of counts that only grow while an event unfolds: the newest value stands.
GROWING = frozenset({"dead", "injured", "missing", "bodies", "displaced"})
# Two values within this share of each other are the same figure told loosely
# ("more than 15,000" and "15,383").
SAME_FIGURE = 0.05

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "dozens": 24, "hundreds": 200, "thousands": 2000,
}  # fmt: skip
_NUM = (
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?<!-)(?:"  # not "Thirty-four"'s four
    + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
    + r"))(?:\s*(?P<scale>million|thousand))?"
)
_KIND_WORDS = {
    "dead": r"killed|dead|died|deaths|fatalities|lives|perished",
    "injured": r"injured|wounded|hurt|injuries",
    "missing": r"missing|unaccounted",
    "bodies": r"bodies",
    "displaced": r"homeless|displaced|evacuated",
}
_KIND_OF = [(kind, re.compile(rf"^(?:{w})$", re.IGNORECASE)) for kind, w in _KIND_WORDS.items()]
_ANY_KIND = "|".join(_KIND_WORDS.values())
_HEDGE = r"(?:(?:at\s+least|more\s+than|over|nearly|almost|about|around|some|up\s+to)\s+)?"
_FILLER = (
    r"(?:people|persons|civilians|residents|others|children|adults|more|were|have|has|had"
    r"|been|are|was|is|confirmed|reported|believed|feared|now|already|so\s+far|of\s+them"
    r"|in\s+all|in\s+total)"
)
# "2,012 people were killed", "1,037 dead", "10,000 are missing", "30 people have been confirmed
# dead"
_AFTER = re.compile(rf"\b{_NUM}\s+(?:{_FILLER}\s+){{0,4}}(?P<kind>{_ANY_KIND})\b", re.IGNORECASE)
# "killed at least 2,000", "injuring 40"
_VERB_BEFORE = re.compile(
    rf"\b(?P<kind>killed|killing|kills|injuring|wounding|injured|wounded)\s+{_HEDGE}{_NUM}\b",
    re.IGNORECASE,
)
# "the death toll ... has risen to 632", "bringing the total to 15,383": no other number, in
# figures or in words, between the toll and its value.
_NO_NUMBER = r"(?:(?!\b(?:" + "|".join(_WORD_NUMBERS) + r")\b)[^.;:\d]){0,140}?"
_TOLL_BEFORE = re.compile(
    rf"\b(?P<kind>(?:death\s+)?toll|death\s+count|body\s+count|lives\s+lost|total|bodies\s+of)\b"
    rf"(?:{_NO_NUMBER}\b(?:to|at|past|above|over|of|reached|surpassed|passed|exceeded"
    rf"|topped|hit|is|was|stands|stood|least|than|nearly|almost|about|around|some))?"
    rf"\s+{_NUM}",
    re.IGNORECASE,
)
# "carrying 155 passengers", "72 people on board", "with more than 200 people"
_CARRYING = re.compile(
    rf"\b(?:carrying|carried|with)\s+{_HEDGE}{_NUM}\s+(?:people|passengers|persons)\b"
    r"(?!\s+(?:being|were|are|in\s+hospital|hospitali[sz]ed|treated|injured|wounded|dead))",
    re.IGNORECASE,
)  # but not "with 40 people being treated in hospital"
_ABOARD = re.compile(
    rf"\b{_NUM}\s+(?:(?:people|persons)\s+(?:on\s+board|aboard|onboard)|passengers)\b",
    re.IGNORECASE,
)
_FOREIGNERS = re.compile(
    rf"\b{_NUM}\s+(?:foreigners|foreign\s+(?:nationals|citizens|passengers|tourists))\b",
    re.IGNORECASE,
)
_POPULATION = re.compile(
    rf"\b(?:home\s+to|population\s+of|community\s+of|city\s+of|town\s+of)\s+{_HEDGE}{_NUM}"
    rf"(?:\s+(?:people|residents|inhabitants))?",
    re.IGNORECASE,
)
_MAGNITUDE = re.compile(
    r"\bmagnitude(?:\s+of)?[\s-]+(?P<num>\d(?:\.\d)?)\b|\b(?P<num2>\d(?:\.\d)?)[\s-]*magnitude\b"
    r"|\b(?P<num3>\d(?:\.\d)?)\s+(?:degrees\s+)?on\s+the\s+richter",
    re.IGNORECASE,
)
# "35 kilometers northwest of the city of Herat", "40 km from Herat": a distance from a place
_DISTANCE = re.compile(
    rf"\b{_HEDGE}{_NUM}\s*(?:km|kilometres|kilometers|miles)\s+(?:[a-z-]+\s+){{0,2}}?"
    r"(?:of|from)\s+(?:the\s+(?:city|town|capital)\s+of\s+)?(?P<place>[A-Z][\w-]+)",
)
_PLAIN_KINDS = (
    (_CARRYING, "aboard"),
    (_ABOARD, "aboard"),
    (_FOREIGNERS, "foreigners"),
    (_POPULATION, "population"),
)
# Where a count applies: "the death toll in Turkey rose to 12,391", "In Syria, 2,530 deaths",
# "12,391 had died in Turkey" (not "in Turkey and Syria": that is the whole).
_IN_PLACE = re.compile(
    r"\b[Ii]n\s+(?P<place>[A-Z][a-z]+(?:[\s-][A-Z][a-z]+)*)\b(?!['’]s)(?!\s+and\s+[A-Z])"
)
# "in Kanjuruhan Stadium", "in Pokhara Airport": where in the event's place it happened, not
# a place of its own with its own count
_VENUE = re.compile(
    r"[\s-](?:Stadium|Arena|Airport|Station|Hospital|Square|Street|Market|Mall|Bridge|Hotel)$"
)
SPELLINGS = {"Turkiye": "Turkey", "Türkiye": "Turkey"}  # one place, two spellings
_OPENING_PLACE = re.compile(r"^\s*In\s+[A-Z][a-z]+(?:\s+alone)?,")
_NOT_PLACES = re.compile(
    r"^(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|The|An?|This|That)$"
)
_NOT_A_COUNT = re.compile(r"^(?:19|20)\d\d$")  # a year
# "recovered two more bodies", "three additional deaths": an increment, not a count so far
_INCREMENT = re.compile(r"^\s+(?:more|additional|further|other|new)\b", re.IGNORECASE)
# "12,391 had died in Turkey and 2,992 in Syria": the same count for a second place
_AND_IN_PLACE = re.compile(
    rf"^\s+in\s+[A-Z][\w-]+\s*,?\s+and\s+{_HEDGE}{_NUM}\s+in\s+(?P<place>[A-Z][\w-]+)"
)
# "have identified 22 bodies": how many are known by name, not how many were found
_IDENTIFIED = re.compile(r"\bidentified\s+(?:the\s+)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Figure:
    """One count a sentence gives: what it counts and the value."""

    kind: str
    value: float


def _value(num: str, scale: str | None) -> float | None:
    text = num.lower().replace(",", "")
    if text in _WORD_NUMBERS:
        value = float(_WORD_NUMBERS[text])
    else:
        try:
            value = float(text)
        except ValueError:
            return None
    if scale:
        value *= 1_000_000 if scale.lower() == "million" else 1_000
    return value


# The words before a count that say what it counts ("the death toll ... 632", "injuring 40").
_LEADING_KIND = {
    "toll": "dead", "death toll": "dead", "death count": "dead", "body count": "dead",
    "lives lost": "dead", "killed": "dead", "killing": "dead", "kills": "dead",
    "injuring": "injured", "wounding": "injured", "injured": "injured", "wounded": "injured",
    "bodies of": "bodies",
}  # fmt: skip


def _kind(word: str) -> str:
    word = " ".join(word.lower().split())
    if word in _LEADING_KIND:
        return _LEADING_KIND[word]
    return next((kind for kind, pattern in _KIND_OF if pattern.match(word)), "dead")


def _scope(sentence: str, start: int, num: int, end: int) -> str:
    """The place a count is given for, or "" for the whole event."""
    opening = _OPENING_PLACE.match(sentence[:start])
    after = re.match(r".{0,30}\w*(?:[\s-][A-Z]\w*)*", sentence[end:], re.DOTALL)
    windows = (sentence[start:num], after.group(0) if after else "", opening[0] if opening else "")
    for window in windows:
        for m in _IN_PLACE.finditer(window):
            place = m.group("place").replace("-", " ")
            if _VENUE.search(place):
                return ""
            if not _NOT_PLACES.match(place.split()[0]):
                return SPELLINGS.get(place, place)
    return ""


def base_kind(kind: str) -> str:
    """The kind without its place: "dead in Turkey" -> "dead"."""
    return kind.split(" in ", 1)[0]


def figures_in(sentence: str) -> tuple[Figure, ...]:
    """The counts a sentence gives: death tolls, injured, missing, bodies, people displaced or
    aboard, an earthquake's magnitude. A year or a bare number counts nothing. A toll given
    for one place is its own kind ("dead in Syria"); `one_place` folds places back when a
    story has only one."""
    found: dict[tuple[str, float], None] = {}
    matches = sorted(
        (m for pattern in (_AFTER, _VERB_BEFORE, _TOLL_BEFORE) for m in pattern.finditer(sentence)),
        key=lambda m: m.start("num"),
    )
    last = ""
    for m in matches:
        if _NOT_A_COUNT.match(m.group("num")) and not m.group("scale"):
            continue
        if m.re is _AFTER and _INCREMENT.match(sentence[m.end("num") :]):
            continue  # "two more bodies"; but "wounded two more" counts two
        value = _value(m.group("num"), m.group("scale"))
        word = m.group("kind").lower()
        # "a total of" counts whatever the sentence counted before it, if anything
        kind = last if word == "total" else _kind(word)
        if _IDENTIFIED.search(sentence[max(0, m.start("num") - 20) : m.start("num")]):
            kind = "identified"
        if value is not None and kind:
            place = "" if word == "total" else _scope(sentence, m.start(), m.start("num"), m.end())
            found[(f"{kind} in {place}" if place else kind, value)] = None
            last = kind
            second = _AND_IN_PLACE.match(sentence[m.end() :])
            if place and second and (other := _value(second.group("num"), second.group("scale"))):
                where = SPELLINGS.get(second.group("place"), second.group("place"))
                found[(f"{kind} in {where}", other)] = None
    for pattern, kind in _PLAIN_KINDS:
        for m in pattern.finditer(sentence):
            value = _value(m.group("num"), m.group("scale"))
            if value is not None and not _NOT_A_COUNT.match(m.group("num")):
                found[(kind, value)] = None
    for m in _DISTANCE.finditer(sentence):
        value = _value(m.group("num"), m.group("scale"))
        if value is not None:
            found[(f"distance from {m.group('place')}", value)] = None
    for value in revised_to(sentence):  # "lowered it to 125": the count the sentence corrects
        if not any(v == value for _, v in found):
            counted = next((k for k, _ in found if base_kind(k) in GROWING), None)
            toll = counted or ("dead" if _A_TOLL.search(sentence) else None)
            if toll:
                found[(toll, value)] = None
    for m in _MAGNITUDE.finditer(sentence):
        num = m.group("num") or m.group("num2") or m.group("num3")
        value = _value(num, None)
        if value is not None and 2 <= value <= 10:
            found[("magnitude", value)] = None
    return tuple(Figure(kind, value) for kind, value in found)


def _rounded(value: float) -> bool:
    """A large figure with two significant digits at most: 15,000, 2,000, 150."""
    if value < 100 or value != int(value):
        return False
    whole = int(value)
    return bool(whole % 10 ** (len(str(whole)) - 2) == 0)


def same_figure(a: float, b: float) -> bool:
    """The same figure, told loosely when one of two large values is a round one ("more than
    15,000" for 15,383); two exact ones (288 and 275) and small ones (a magnitude of 6.8 or 7,
    three dead or four) only when equal."""
    if a == b:
        return True
    loose = min(a, b) >= 100 and (_rounded(a) or _rounded(b))
    return loose and abs(a - b) <= SAME_FIGURE * max(a, b)


@dataclass(frozen=True, slots=True)
class Told:
    """Where a sentence stands: its outlet, its article's time (None when undated) and its
    figures."""

    outlet: str
    published: datetime | None
    figures: tuple[Figure, ...]
    background: bool = False  # about another time ("in 2015 ... killed 8,800"): not settling
    revised: frozenset[float] = frozenset()  # values it gives as a count corrected downwards


# "revised down to 125", "lowered it to 125", "revised the death toll in the crash to 275",
# "the final toll has been fixed at 275", "275 & not 288": a count corrected downwards (bodies
# counted twice), which later reports of the older, higher count do not undo
_REVISED = re.compile(
    rf"\b(?:revised|lowered|reduced|corrected|cut|fixed)\s+(?:down\s+)?"
    rf"(?:[^\d.;:]{{0,60}}?\s)?(?:from\s+{_HEDGE}{_NUM}\s+)?(?:to|at)\s+"
    rf"{_HEDGE}(?P<to>\d[\d,]*)"
    rf"|\b(?P<is>\d[\d,]*)\s*(?:&|,|and)?\s+not\s+\d",
    re.IGNORECASE,
)


def corrected_away(sentence: str) -> frozenset[float]:
    """The counts a sentence gives only to correct them ("initially put at 174 ... lowered it
    to 125": 174): a title cut from it must not give them as the news."""
    revised = revised_to(sentence)
    if not revised:
        return frozenset()
    low = min(revised)
    return frozenset(
        f.value for f in figures_in(sentence) if base_kind(f.kind) in GROWING and f.value > low
    )


_A_TOLL = re.compile(r"\b(?:toll|deaths?|died|dead|killed|fatalities)\b", re.IGNORECASE)


def revised_to(sentence: str) -> frozenset[float]:
    """The values a sentence gives as a count corrected downwards ("revised down to 125")."""
    found = set()
    for m in _REVISED.finditer(sentence):
        value = _value(m.group("to") or m.group("is"), None)
        if value is not None:
            found.add(value)
    return frozenset(found)


_ANOTHER_TIME = re.compile(r"\b(?:in|since|of|during)\s+(?:(?:early|late|mid)\s+)?(?:19|20)\d\d\b")


def about_another_time(sentence: str) -> bool:
    """A sentence set in a named year ("In 2011, a magnitude 9.0 quake ..."): background."""
    return bool(_ANOTHER_TIME.search(sentence))


def _when(published: datetime | None) -> float:
    """A time to compare: undated is older than anything dated."""
    return published.timestamp() if published is not None else float("-inf")


def one_place(told: Sequence[Told]) -> list[Told]:
    """Counts given for places are told apart only when a story gives a count for two or
    more places (Turkey and Syria); one place alone is the event's own ("in Balasore")."""
    places: dict[str, set[str]] = {}
    for t in told:
        for f in t.figures:
            if f.kind != base_kind(f.kind):
                places.setdefault(base_kind(f.kind), set()).add(f.kind)
    fold = {k for k, found in places.items() if len(found) < 2}
    return [
        replace(
            t,
            figures=tuple(
                Figure(base_kind(f.kind), f.value) if base_kind(f.kind) in fold else f
                for f in t.figures
            ),
        )
        for t in told
    ]


def settle(told: Sequence[Told]) -> dict[str, float]:
    """One value per kind of count: the newest articles' highest value for a growing count,
    the value most outlets give for the others (the newest on a tie). Background sentences
    (another year's disaster) settle nothing."""
    settled: dict[str, float] = {}
    current = [t for t in told if not t.background]
    kinds = {f.kind for t in current for f in t.figures}
    for kind in sorted(kinds):
        giving = [(t, f.value) for t in current for f in t.figures if f.kind == kind]
        if base_kind(kind) in GROWING:  # undated articles are older than any dated one
            settled[kind] = max(giving, key=lambda tv: (_when(tv[0].published), tv[1]))[1]
            corrected = _corrected(giving)
            if corrected is not None:
                settled[kind] = corrected
        elif len({t.outlet.casefold() for t, _ in giving}) > 1:  # outlets differ, or agree
            outlets: dict[float, set[str]] = {}
            latest: dict[float, float] = {}
            for t, v in giving:
                outlets.setdefault(v, set()).add(t.outlet.casefold())
                latest[v] = max(latest.get(v, _when(None)), _when(t.published))
            settled[kind] = max(  # the higher value on a full tie: the same in any order
                outlets, key=lambda v: (len(outlets[v]), latest[v], v)
            )
    return _bodies_overtaken(current, settled)


def _corrected(giving: Sequence[tuple[Told, float]]) -> float | None:
    """A count corrected downwards stands against the older, higher figure told again later
    (an outlet dated a day on still printing the count before the recount), unless an article
    of a later day gives a higher count that no correction undid: the toll rising again."""
    revised = [(t, v) for t, v in giving if v in t.revised]
    if not revised:
        return None
    by, value = max(revised, key=lambda tv: (_when(tv[0].published), tv[1]))
    undone = {v for t, v in giving if value in t.revised and v > value}  # "from 174 to 125"
    for t, v in giving:
        if v > value and v not in undone and _later_day(t.published, by.published):
            return None
    return value


def _later_day(a: datetime | None, b: datetime | None) -> bool:
    return a is not None and b is not None and a.date() > b.date()


def _bodies_overtaken(told: Sequence[Told], settled: dict[str, float]) -> dict[str, float]:
    """Bodies recovered are a toll on the way: once a newer article gives the death toll, the
    older count of bodies is overtaken by it ("68 bodies recovered" on Sunday, "the death toll
    rose to 71" on Tuesday: 68 is no longer the news). The toll settles the bodies' kind too."""

    def newest(kind: str) -> float:
        return max(_when(t.published) for t in told for f in t.figures if f.kind == kind)

    for kind in [k for k in settled if base_kind(k) == "bodies"]:
        dead = "dead" + kind[len("bodies") :]
        if dead in settled and newest(dead) > newest(kind):
            settled[kind] = settled[dead]
    return settled


# "the death toll is expected to rise", "the figures are likely to rise higher", "bodies were
# still trapped": what an article expected of a count it could not give yet
_OUTLOOK = re.compile(
    r"\b(?:expected|likely|feared|set|bound|could|may|might|will)\s+(?:to\s+)?"
    r"(?:rise|increase|climb|grow|go\s+up|mount)\b"
    r"|\bstill\s+(?:trapped|buried)\b",
    re.IGNORECASE,
)
_COUNTED = re.compile(
    r"\b(?:toll|numbers?|figures?|casualties|deaths?|dead|bodies|victims|missing)\b", re.IGNORECASE
)


def outlook(sentence: str) -> bool:
    """The sentence expects a count to grow ("the toll is expected to rise", "bodies were still
    trapped") without a figure of its own."""
    if not _OUTLOOK.search(sentence) or figures_in(sentence):
        return False
    return bool(_COUNTED.search(sentence)) or "still" in sentence.lower()


def overtaken_outlooks(told: Sequence[Told], outlooks: Sequence[bool]) -> list[bool]:
    """Which outlook sentences a later day's count has overtaken: "the toll is expected to
    rise" of Saturday, once Sunday's articles give the toll, is no longer what stands (nor is
    it when Sunday's count was revised down). Outlooks of the newest day stay."""
    counted = [t.published for t in told if any(base_kind(f.kind) in GROWING for f in t.figures)]
    newest = max((p for p in counted if p is not None), default=None)
    return [o and _later_day(newest, t.published) for t, o in zip(told, outlooks, strict=True)]


def stale(
    figures: Iterable[Figure], settled: dict[str, float], *, attributed: bool = False
) -> bool:
    """A sentence gives a value of a settled kind but not the settled value itself. An
    `attributed` sentence ("7, according to Morocco's research centre") may give another
    value of a count that does not grow: two sources' figures, each with its source."""
    by_kind: dict[str, list[float]] = {}
    for f in figures:
        by_kind.setdefault(f.kind, []).append(f.value)
    return any(
        kind in settled
        and not any(same_figure(v, settled[kind]) for v in values)
        and (base_kind(kind) in GROWING or not attributed)
        for kind, values in by_kind.items()
    )


# Who a figure is credited to: an acronym ("USGS", "OCHA") or a name with an institution's
# word in it ("the US Geological Survey", "Morocco's National Center for Scientific and
# Technical Research").
_INSTITUTION = re.compile(
    r"\b(?:Survey|Institute|Center|Centre|Ministry|Agency|Organi[sz]ation|Service|Authority"
    r"|Office|Department|Council|Committee|Commission|Bank|Reserve|Crescent|Research|Police"
    r"|Army|Forces|Corps)\b"
)
_NAME_RUN = re.compile(r"[A-Z][\w.’'-]*(?:\s+(?:(?:of|for|and|the)\s+)*[A-Z][\w.’'-]*)*")
_ACRONYM = re.compile(r"^[A-Z]{3,6}$")


def _initials(name: str) -> str:
    """ "U.S. Geological Survey", "US Geological Survey", "United States Geological Survey"
    and "USGS" all give "usgs"."""
    letters = []
    for word in name.replace(".", "").split():
        if word.casefold() in ("of", "for", "and", "the"):
            continue
        letters.append(word if word.isupper() and len(word) <= 6 else word[0])
    return "".join(letters).casefold()


def authorities(sentence: str) -> frozenset[str]:
    """The authorities a sentence names, each as its initials: what tells the same source
    under another name ("the USGS" and "the US Geological Survey")."""
    found = set()
    for found_run in _NAME_RUN.findall(sentence):
        run = re.sub(r"^The\s+", "", found_run)
        if _INSTITUTION.search(run) or _ACRONYM.match(run.replace(".", "")):
            found.add(_initials(run))
    return frozenset(found)


def tells_settled(figures: Iterable[Figure], settled: dict[str, float]) -> frozenset[str]:
    """The kinds whose settled value the sentence gives."""
    return frozenset(
        f.kind for f in figures if f.kind in settled and same_figure(f.value, settled[f.kind])
    )
