"""Deterministic checks of one draft sentence: numbers, names, places (where they are and what
kind of place each is) and titles."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence

from newsdesk.text import STOPWORDS
from newsdesk.verify.checks.documents import Passage
from newsdesk.verify.checks.evidence import Evidence, Located
from newsdesk.verify.checks.normal import aliases, contains_phrase, name_key, place_stem, same_place
from newsdesk.verify.checks.numbers import Quantity, figures
from newsdesk.verify.checks.problems import Problem, Verdict
from newsdesk.verify.checks.relations import (
    Title,
    containments,
    describe,
    place_kinds,
    same_kind,
    same_site,
    titles,
)

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})


# -- numbers -----------------------------------------------------------------------------------


def _known(quantity: Quantity, evidence: Evidence) -> bool:
    if any(quantity.matches(q) for q in evidence.figures.quantities):
        return True
    # "on the 3rd" when the sources say "March 3".
    return not quantity.unit and any(quantity.value == day for _, day in evidence.figures.dates)


def _number_verdict(quantity: Quantity, cited: Sequence[Located], mine: set[float]) -> Verdict:
    """Contradicted when the cited evidence gives another figure of the same kind."""
    units = {unit for _, unit in quantity.readings}
    for located in cited:
        for theirs in figures(located.passage.text).quantities:
            if theirs.unit in units and theirs.value not in mine:
                return Verdict.CONTRADICTED
    return Verdict.UNSUPPORTED


def check_numbers(sentence: Passage, cited: Sequence[Located], evidence: Evidence) -> list[Problem]:
    """Every figure, date and weekday/month name must be in a source (after normalising)."""
    found = figures(sentence.text)
    mine = {value for q in found.quantities for value, _ in q.readings}
    problems = [
        Problem("numbers", _number_verdict(q, cited, mine), f"{q.text} is not in the sources")
        for q in found.quantities
        if not _known(q, evidence)
    ]
    for month, day in sorted(found.dates - evidence.figures.dates):
        date = f"{calendar.month_name[month]} {day}"
        problems.append(Problem("numbers", Verdict.UNSUPPORTED, f"{date} is not in the sources"))
    for word in sorted(found.temporal - evidence.figures.temporal):
        problems.append(
            Problem("numbers", Verdict.UNSUPPORTED, f"{word.title()} is not in the sources")
        )
    return problems


# -- names -------------------------------------------------------------------------------------


def _person_known(key: str, evidence: Evidence) -> bool:
    """'Elena Varga' when the sources say 'Elena M. Varga' (all words in one source name)."""
    words = key.split()
    return any(all(w in person for w in words) for person in evidence.persons)


def _name_known(key: str, label: str, evidence: Evidence) -> bool:
    if any(contains_phrase(evidence.names, a) for a in aliases(key)):
        return True
    if label == "PERSON":
        return _person_known(key, evidence)
    if label in {"NORP", "GPE"}:  # "Karsovian" when the sources say "Karsovia"
        return re.search(rf"\b{re.escape(place_stem(key))}", evidence.names) is not None
    # "the Defence Ministry" for "the Ministry of Defence": every word somewhere in the sources.
    words = [w for w in key.split() if w not in STOPWORDS]
    return bool(words) and all(contains_phrase(evidence.names, w) for w in words)


def _namesake(key: str, evidence: Evidence) -> str | None:
    """A different person in the sources with the same surname ('Peter' for 'Elena Varga')."""
    surname = key.split()[-1]
    for person in evidence.persons:
        if len(person) > 1 and person[-1] == surname:
            return " ".join(person).title()
    return None


def _joined_names(key: str, evidence: Evidence) -> bool:
    """'Dunhaven Lorvania's biggest port' tagged as one name: two names the sources tag,
    neither of them a person's (a first name and another person's surname is a new person)."""
    words = key.split()
    person_words = {w for person in evidence.persons for w in person}
    if len(words) < 2 or person_words & set(words):
        return False
    tagged = {name_key(e.text) for s in evidence.sentences for e in s.passage.entities}
    return any(
        " ".join(words[:cut]) in tagged and " ".join(words[cut:]) in tagged
        for cut in range(1, len(words))
    )


def check_names(sentence: Passage, evidence: Evidence) -> list[Problem]:
    """People, organisations and places must be named in a source."""
    problems = []
    seen: set[str] = set()
    for entity in sentence.entities:
        key = name_key(entity.text)
        if entity.label not in NAME_LABELS or len(key) < 2 or key in seen:
            continue
        seen.add(key)
        if _name_known(key, entity.label, evidence) or _joined_names(key, evidence):
            continue
        other = _namesake(key, evidence) if entity.label == "PERSON" else None
        if other:
            message = f"{entity.text} is not in the sources (they name {other})"
            problems.append(Problem("names", Verdict.CONTRADICTED, message))
        else:
            message = f"{entity.text} is not in the sources"
            problems.append(Problem("names", Verdict.UNSUPPORTED, message))
    return problems


# -- places ------------------------------------------------------------------------------------


def _mentioned_together(place: str, country: str, evidence: Evidence) -> bool:
    """Some source sentence names both (e.g. 'Austrian police ... the museum in Brennhof')."""
    stem = re.compile(rf"\b{re.escape(place_stem(country))}")
    for located in evidence.sentences:
        key = located.key
        if contains_phrase(key, place) and (contains_phrase(key, country) or stem.search(key)):
            return True
    return False


def check_places(sentence: Passage, evidence: Evidence) -> list[Problem]:
    """'Place, Country' and 'Place in Country' must agree with where the sources put it."""
    problems = []
    for claim in containments(sentence):
        theirs = [c for c in evidence.containments if same_site(c.place, claim.place)]
        if any(same_place(c.country, claim.country) for c in theirs):
            continue
        if theirs:
            message = f"'{claim.text}': the sources place it in {theirs[0].country.title()}"
            problems.append(Problem("places", Verdict.CONTRADICTED, message))
        elif not _mentioned_together(claim.place, claim.country, evidence):
            message = f"'{claim.text}': no source puts {claim.place.title()} there"
            problems.append(Problem("places", Verdict.UNSUPPORTED, message))
    return problems


def check_place_kinds(text: str, evidence: Evidence) -> list[Problem]:
    """A place the sentence calls a village (town, region ...) must not be one the sources
    only ever call something else: "Chop, a village" where every source calls Chop a town is
    a detail the writer made up (seen on real reporting)."""
    problems = []
    for name, kind in dict.fromkeys(place_kinds(text)):
        given = {k for n, k in evidence.place_kinds if n == name}
        if given and not any(same_kind(kind, k) for k in given):
            called = " or ".join(sorted(given))
            message = f"calls {name.title()} a {kind}; the sources call it a {called}"
            problems.append(Problem("places", Verdict.UNSUPPORTED, message))
    return problems


# -- titles ------------------------------------------------------------------------------------


def _same_person(a: str, b: str) -> bool:
    """Same surname, and the same first name when both are given."""
    words_a, words_b = a.split(), b.split()
    if words_a[-1] != words_b[-1]:
        return False
    return len(words_a) == 1 or len(words_b) == 1 or words_a[0] == words_b[0]


_FORMER_WORDS = frozenset({"former", "ex"})


def _called_former(title: Title, key: str) -> bool:
    """Does this source sentence (a name key) put 'former' just before the title's words?"""
    words = key.split()
    return any(
        word in _FORMER_WORDS and title.roles <= set(words[i + 1 : i + 2 + len(title.roles)])
        for i, word in enumerate(words)
    )


def _loose_problem(title: Title, evidence: Evidence) -> str | None:
    """No source gives this person a title: do the sentences naming them use the same words,
    with "former" where the draft has it, and without it where the draft dropped it?"""
    naming = [s.key for s in evidence.sentences if contains_phrase(s.key, title.surname)]
    words = {w for key in naming for w in key.split()}
    if not title.roles <= words or (title.former and not words & _FORMER_WORDS):
        return f"'{describe(title)}' for {title.text} is not in the sources"
    if not title.former and any(_called_former(title, key) for key in naming):
        return f"'{describe(title)}' for {title.text}; the sources say former"
    return None


def check_titles(sentence: Passage, evidence: Evidence) -> list[Problem]:
    """People's titles ('former President', 'Foreign Minister') must match the sources."""
    problems = []
    for title in titles(sentence):
        theirs = [t for t in evidence.titles if _same_person(t.person, title.person)]
        if any(title.fits(t) and t.former == title.former for t in theirs):
            continue
        name = title.text
        fitting = [t for t in theirs if title.fits(t)] or theirs
        if fitting:
            message = f"'{describe(title)}' for {name}; the sources say '{describe(fitting[0])}'"
            problems.append(Problem("titles", Verdict.CONTRADICTED, message))
        elif loose := _loose_problem(title, evidence):
            problems.append(Problem("titles", Verdict.UNSUPPORTED, loose))
    return problems
