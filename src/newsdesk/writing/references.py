"""Second references: a person named in full once is called by surname after that.

An article built from several outlets' sentences introduces the same person again and again
("Fed Chair Jerome Powell said ...", later "Federal Reserve Chair Jerome Powell told
reporters ...", "Tamer Ramadan, the head of the IFRC delegation in Libya, said ..." twice).
A desk names someone in full, with their role, once; after that the surname is enough. So a
later mention of someone the body has already named in full loses the title before the name
and the first name, and a role in commas right after it goes ("Ramadan, the leader of the
IFRC in Libya, said" -> "Ramadan said").

Text inside quotation marks is never changed, and a surname two people of the body share
stays in full. The verifier reads the result like any other sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsdesk.models.ner import spacy_entities

# Words of a title before a name: "Fed Chair", "Russian President", "ISRO chief".
_ROLE_TEXT = """president minister chair chairman chairwoman secretary governor mayor chief general
    commander spokesman spokeswoman spokesperson director head captain coach manager
    ambassador senator premier chancellor king queen prince princess judge dr mr mrs ms
    prosecutor lieutenant colonel sergeant admiral marshal superintendent inspector
    economist professor deputy vice acting prime executive officer founder leader official"""
_ROLE_WORDS = frozenset(_ROLE_TEXT.split())
# Capitalised words that are no part of a title before a name ("On Monday President ...").
_NOT_TITLE_TEXT = """on in at by after before the a an and but as monday tuesday wednesday
    thursday friday saturday sunday january february march april may june july august
    september october november december"""
_NOT_TITLE = frozenset(_NOT_TITLE_TEXT.split())
_WORD_BEFORE = re.compile(r"([\w.'’-]+)\s+$")
# A role in commas after a name: ", the leader of the IFRC in Libya, ".
_APPOSITIVE = re.compile(r"^,\s+(?:the|a|an|its|his|her|their)\s+[^,\"“”]{3,80}?,\s+")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]")
# A name before one of these is a place's ("the Al Haouz region"), whatever the tagger says.
_PLACE_AFTER = re.compile(
    r"^\s+(?:region|province|district|city|town|village|valley|river|county|state|area"
    r"|airport|station|street|square|bridge|dam|mountains?|island|bay|port)\b",
    re.IGNORECASE,
)


# "Tamer Ramadan, the head of ..., said": a name with a role in commas is a person's, even
# where the small tagger does not say so.
_INTRODUCED = re.compile(
    r"\b([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2}),\s+(?:the|a|an)\s+[^,\"“”]{3,80}?,\s+"
    r"(?:said|says|told|added)\b"
)


# "Governor Ana Ruiz": the capitalised words after a role word are a person's name.
_TITLED = re.compile(
    r"\b(?i:" + "|".join(sorted(_ROLE_WORDS, key=len, reverse=True)) + r")\.?\s+"
    r"([A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){1,2})\b"
)


def people_named(texts: Sequence[str]) -> set[str]:
    """The full names (two words or more) of the people the texts name: what the tagger
    calls a PERSON, a name introduced with a role in commas, a name after a role word; each
    one a person's only if some text gives it a role or a verb of saying (`_cued`)."""
    names: set[str] = set()
    for text, entities in zip(texts, spacy_entities(list(texts)), strict=True):
        names.update(e.text for e in entities if e.label == "PERSON" and len(e.text.split()) >= 2)
        names.update(m.group(1) for m in _INTRODUCED.finditer(text))
        names.update(m.group(1) for m in _TITLED.finditer(text))
    names = {re.sub(r"['’]s$", "", n) for n in names}
    return {n for n in names if _cued(n, texts)}


def _people(texts: Sequence[str]) -> list[list[tuple[int, int, str]]]:
    """Each text's mentions of the people `people_named` finds, as (start, end, name)."""
    names = people_named(texts)
    mentions = []
    for text in texts:
        found = [
            (m.start(), m.end(), name)
            for name in names
            for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text)
        ]
        # The longest name at a place ("Jerome Powell", not a shorter one inside it).
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        kept: list[tuple[int, int, str]] = []
        for f in found:
            if not kept or f[0] >= kept[-1][1]:
                kept.append(f)
        mentions.append(kept)
    return mentions


_SPEECH = (
    r"said|says|told|added|noted|wrote|stated|announced|claimed|accused|warned|urged|called"
    r"|insisted|scored|saved|visited|congratulated|introduced|ordered|agreed|condemned"
)


def _cued(name: str, texts: Sequence[str]) -> bool:
    """Is `name` a person's somewhere in the body: a role right before it ("Fed Chair Jerome
    Powell"), or a verb of saying or doing after it, past a role in commas or an age? A name
    the tagger calls a person without one ("the Al Haouz region") is left as it is."""
    named = re.escape(name)
    for text in texts:
        for m in re.finditer(rf"(?<![\w-]){named}(?![\w-])", text):
            if _role_before(text, m.start()):
                return True
            after = text[m.end() :]
            if re.match(rf"^(?:['’]s)?(?:,[^,\"“”]{{1,80}},)?\s+(?:{_SPEECH})\b", after):
                return True
    return False


def second_references(texts: Sequence[str]) -> list[str]:
    """The sentences of a body in order, each person the body named in full before called by
    surname alone: the title before the name and a role in commas after it left out."""
    people = _people(texts)
    given: dict[str, set[str]] = {}
    for found in people:
        for _, _, name in found:
            given.setdefault(name.split()[-1], set()).add(" ".join(name.split()[:-1]))
    named: set[str] = set()
    out = []
    for text, found in zip(texts, people, strict=True):
        quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
        edits: list[tuple[int, int, str]] = []
        for start, end, name in found:
            surname = name.split()[-1]
            inside = any(a <= start < b for a, b in quoted)
            if _PLACE_AFTER.match(text[end:]):
                continue
            if surname in named and len(given[surname]) == 1 and not inside:
                new = surname
                role = _APPOSITIVE.match(text[end:])
                if role and not any(a < end + role.end() <= b for a, b in quoted):
                    end, new = end + role.end(), new + " "
                edits.append((_title_start(text, start), end, new))
            named.add(surname)
        for begin, end, new in sorted(edits, reverse=True):
            text = text[:begin] + new + text[end:]
        out.append(text)
    return out


def _title_start(text: str, start: int) -> int:
    """Where the title before the name at `start` begins: "the Russian President Vladimir
    Putin" at "the", "ISRO chief S Somanath" at "ISRO"; `start` when the word right before
    the name is no role word."""
    match = _role_before(text, start)
    if match is None:
        return start
    begin = match.start(1)
    for _ in range(3):  # "Federal Reserve Chair", "Prime Minister"
        match = _WORD_BEFORE.search(text[:begin])
        if match is None:
            break
        word = match.group(1)
        if word.lower() in _NOT_TITLE or not (word[:1].isupper() or word.lower() in _ROLE_WORDS):
            break
        begin = match.start(1)
    article = re.search(r"\b(?:the|The)\s+$", text[:begin])
    return article.start() if article else begin


def _role_before(text: str, start: int) -> re.Match[str] | None:
    """The role word right before `start` ("Chair" in "Fed Chair Jerome Powell"), if any."""
    match = _WORD_BEFORE.search(text[:start])
    if match is None or match.group(1).lower().rstrip(".") not in _ROLE_WORDS:
        return None
    return match
