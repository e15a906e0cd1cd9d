"""Relations drafts get wrong: which country a place is in, what a person's title is, what
kind of place a place is, and which of two events came first.

The first two are read with a few patterns over spaCy entities: "Kursk, Russia", "Russia's
Kursk region", "the Kursk region of Russia", "the Russian region of Kursk"; "former President
Donald Trump", "Viktor Aalto, the outgoing prime minister", "Harwick's mayor, Elena Varga".
The last two with patterns over the text: "Chop, a village", "the town of Chop"; "X came
after Y", "X before Y".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from newsdesk.models.ner import Entity
from newsdesk.text import STOPWORDS
from newsdesk.verify.checks.documents import Passage
from newsdesk.verify.checks.normal import content_stems, name_key, plain, same_place

_PLACES = frozenset({"GPE", "LOC", "FAC"})
_INNER = _PLACES | {"ORG"}  # "the Brennhof City Museum in Austria" places a museum
_DIRECTION = r"(?:(?:far\s+)?(?:north|south|east|west|central)(?:-?(?:east|west))?(?:ern)?\s+)"
_REGION = (
    r"(?:region|province|oblast|state|district|area|county|city|town|village|mountains|valley"
    r"|port|island|capital|municipality|prefecture)"
)
# Text between two places that says the first is inside the second.
_INSIDE = (
    re.compile(rf"^\s*(?:{_REGION}\s*)?(?:,\s*(?:in\s+)?|\s+in\s+)(?:the\s+)?{_DIRECTION}?$", re.I),
    re.compile(rf"^\s*{_REGION}\s+of\s+(?:the\s+)?{_DIRECTION}?$", re.I),
)
_POSSESSIVE = re.compile(rf"^['’]s?\s+{_DIRECTION}?$")  # "Russia's [western] Kursk"
# "the Russian region of Kursk", "the Kestrian capital, Ostrov"
# A word or two may stand between: "the Tavrenian border town of Brenzy".
_DEMONYM_REGION = re.compile(
    rf"^\s+(?:[a-z][a-z-]*\s+){{0,2}}{_REGION}(?:\s+of\s+|\s*,\s*|\s+)$", re.I
)
_LIST_AFTER = re.compile(r"^\s*(?:,|,?\s+and|,?\s+or)\s+(?:the\s+)?$")
_AFTER_CONTAINER = re.compile(
    r"^(?:\s*[,.;:)!?]|\s*$|\s+(?:on|in|at|last|this|and|or|after|before|where|when|which|who|"
    r"since|during|for|to|from|with|by|near)\b)"
)
_GENERIC_TAIL = re.compile(rf"\s+(?:{_REGION}|region of)$")


def place_key(text: str) -> str:
    """'the Serra Alta mountains' -> 'serra alta'."""
    return _GENERIC_TAIL.sub("", name_key(text))


@dataclass(frozen=True, slots=True)
class Containment:
    place: str
    country: str
    text: str  # as written, for messages


def _in_list(text: str, entities: list[Entity], i: int) -> bool:
    """Is the pair (i, i+1) part of "A, B and C" rather than "Place, Country"?"""
    if (
        i + 2 < len(entities)
        and entities[i + 2].label in _PLACES
        and _LIST_AFTER.match(text[entities[i + 1].end : entities[i + 2].start])
    ):
        return True
    if i > 0 and entities[i - 1].label in _PLACES:
        return bool(_LIST_AFTER.match(text[entities[i - 1].end : entities[i].start]))
    return False


def _ends_place(after: str, *, comma: bool) -> bool:
    """Does the container end here? Not in "Kursk, Ukraine's president" (an owner) and, after
    a comma, only before punctuation or a linking word ("Almira, Spain, which ...")."""
    if re.match(r"['’]s?\b", after):
        return False
    return not comma or bool(_AFTER_CONTAINER.match(after))


def containments(passage: Passage) -> list[Containment]:
    """Every "place is in country" statement in one sentence."""
    text, ents = passage.text, list(passage.entities)
    found = []
    for i in range(len(ents) - 1):
        first, second = ents[i], ents[i + 1]
        between = text[first.end : second.start]
        pair: tuple[Entity, Entity] | None = None
        if (
            first.label in _INNER
            and second.label in {"GPE", "LOC"}
            and any(p.match(between) for p in _INSIDE)
            and _ends_place(text[second.end :], comma="," in between)
            and not _in_list(text, ents, i)
        ):
            pair = (first, second)
        if first.label == "GPE" and second.label in _PLACES and _POSSESSIVE.match(between):
            pair = (second, first)
        # "the Ostrenian capital, Brannock": the region word makes the name a place whatever
        # the tagger called it (the small model often tags an unfamiliar town as an ORG).
        if (
            first.label == "NORP"
            and second.label in _PLACES | {"ORG"}
            and _DEMONYM_REGION.match(between)
        ):
            pair = (second, first)
        if pair and place_key(pair[0].text) and place_key(pair[1].text):
            place, country = pair
            found.append(
                Containment(
                    place_key(place.text), place_key(country.text), text[first.start : second.end]
                )
            )
    return found


def same_site(a: str, b: str) -> bool:
    """'brennhof' ~ 'brennhof city museum': one name inside the other, or the same place."""
    if same_place(a, b):
        return True
    small, large = sorted((a.split(), b.split()), key=len)
    return bool(small) and all(word in large for word in small)


# -- titles ------------------------------------------------------------------------------------

# Word lists read better as text than as list literals (as in text.py's stopwords).
_ROLE_NOUN_TEXT = """president minister chancellor premier king queen prince princess emperor
    pope governor mayor senator congressman congresswoman lawmaker mp councillor ambassador
    envoy diplomat
    secretary spokesman director chairman chief executive head leader commander general admiral
    colonel captain officer judge justice prosecutor attorney manager coach author founder
    professor scientist researcher engineer commissioner sheriff inspector superintendent editor
    economist analyst nurse doctor official adviser aide owner candidate speaker negotiator
    mediator bishop archbishop cardinal treasurer curator principal headteacher dean warden
    marshal lieutenant sergeant major brigadier chair"""
_MODIFIER_TEXT = """prime foreign defence interior home finance trade labour economy economic
    health justice education transport agriculture energy environment culture deputy vice co
    lead senior police
    union opposition fire museum clinic port authority party team club state public assistant
    associate managing military army navy intelligence security treasury central bank city
    county regional national federal supreme court press communications research medical
    hospital school council parliamentary first"""
ROLE_NOUNS = frozenset(_ROLE_NOUN_TEXT.split())
_MODIFIERS = frozenset(_MODIFIER_TEXT.split())
_SYNONYMS = {
    "spokeswoman": "spokesman",
    "spokesperson": "spokesman",
    "chairwoman": "chairman",
    "chair": "chairman",
    "defense": "defence",
    "labor": "labour",
    "councilor": "councillor",
    "advisor": "adviser",
    "premier": "prime",
    "head": "leader",
    "boss": "leader",
}
_FORMER = frozenset({"former", "ex"})
_NEUTRAL = frozenset(
    {"outgoing", "acting", "interim", "incumbent", "current", "sitting", "then", "newly"}
)
_HONORIFICS = frozenset({"dr", "mr", "mrs", "ms", "prof", "sir", "dame"})
_TOKEN = re.compile(r"[\w’'.-]+|,")
_NAME_STOP = frozenset({"the", "a", "an", "its", "his", "her", "their"})


@dataclass(frozen=True, slots=True)
class Title:
    person: str  # name key, e.g. "mara ellison"
    roles: frozenset[str]  # "foreign", "minister"
    former: bool
    text: str  # the name as written
    wording: str  # the title as written: "former U.S. President"

    @property
    def surname(self) -> str:
        return self.person.split()[-1]

    def fits(self, other: Title) -> bool:
        """Could this title be a shortened form of `other` ("Minister" of "Labour Minister")?"""
        return self.roles <= other.roles


def _role_words(word: str) -> list[str]:
    """'Co-author' -> ['co', 'author']; 'ex-president' -> ['ex', 'president']."""
    parts = word.casefold().replace("’", "'").removesuffix("'s").strip(".'").split("-")
    if parts == ["ceo"]:
        return ["chief", "executive"]
    return [_SYNONYMS.get(p, p) for p in parts if p]


@dataclass(slots=True)
class _Run:
    roles: set[str]
    former: bool = False
    has_role: bool = False
    words: list[str] = field(default_factory=list)


def _read_title(words: list[str], *, backwards: bool) -> _Run:
    """Title words next to a name; reading back from the name, or along an appositive."""
    run = _Run(set())
    useful = 0  # reading forwards: how many words the title has so far
    for raw in reversed(words) if backwards else words:
        if raw == "," and backwards:
            break
        if re.search(r"\w['’]s?$", raw):  # "Calderon's President": the owner is no title
            if backwards:
                break
            continue
        parts = _role_words(raw)
        if not parts:
            continue
        if backwards and len(run.roles) == 0 and not run.former:
            first = parts[-1]
            if first not in ROLE_NOUNS | _FORMER | _HONORIFICS | _NEUTRAL:
                break  # "Strom told supporters": no title at all
        if parts[0] in STOPWORDS - {"first"} and not set(parts) & ROLE_NOUNS:
            if backwards:
                break
            continue
        run.former = run.former or bool(set(parts) & _FORMER)
        roles = {p for p in parts if p in ROLE_NOUNS or p in _MODIFIERS}
        run.has_role = run.has_role or bool(roles & ROLE_NOUNS)
        run.roles |= roles
        run.words.insert(len(run.words) if not backwards else 0, raw)
        if not backwards and (roles or set(parts) & _FORMER):
            useful = len(run.words)
    if not backwards:  # "a former minister of neighbouring Ostavia": the title ends at "minister"
        del run.words[useful:]
    return run


def titles(passage: Passage) -> list[Title]:
    """The title given to each person named in one sentence."""
    text, found = passage.text, []
    for entity in passage.entities:
        if entity.label != "PERSON" or not name_key(entity.text):
            continue
        before = _TOKEN.findall(text[: entity.start])[-6:]
        if before and before[-1] == ",":  # "the outgoing prime minister, Viktor Aalto"
            before = before[:-1]
        run = _read_title(before, backwards=True)
        # "Oren Blake, 61, a former health minister": an age between name and title.
        after = re.match(r"(?:\s*,\s*\d{1,3})?\s*,\s*([^,.;:]{3,60})[,.;:]?", text[entity.end :])
        # "Viktor Aalto, the outgoing prime minister, said"; not a relative clause ("Peter
        # Mravec, who negotiated the aid as economy minister,": what he was then).
        if after and re.match(r"(?:who|which|whose|whom)\b(?!\s+is\b)", after.group(1), re.I):
            after = None
        if not run.has_role and after:
            appositive = _read_title(_TOKEN.findall(after.group(1))[:7], backwards=False)
            run = appositive if appositive.has_role else run
        if run.has_role or run.former:
            found.append(
                Title(
                    name_key(entity.text),
                    frozenset(run.roles),
                    run.former,
                    entity.text,
                    " ".join(run.words),
                )
            )
    return found


def describe(title: Title) -> str:
    return title.wording


# -- what kind of place ---------------------------------------------------------------------------

# Kinds in one group are told apart too loosely by outlets to hold a writer to ("the city of"
# and "the town of" the same place).
_KIND_GROUPS = (
    frozenset({"village", "hamlet"}),
    frozenset({"town", "city", "capital"}),
    frozenset({"region", "province", "oblast", "state", "area"}),
    frozenset({"district", "county", "municipality"}),
    frozenset({"country", "nation"}),
    frozenset({"island"}),
    frozenset({"port"}),
)
_KINDS = "|".join(sorted(k for group in _KIND_GROUPS for k in group))
_KIND_PLACE = r"(?P<name>[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+){0,2})"
_DESCRIBED = (
    re.compile(rf"{_KIND_PLACE},\s+(?:a|an|the)\s+(?:[a-z-]+\s+){{0,2}}(?P<kind>{_KINDS})\b"),
    re.compile(rf"\b(?:a|an|the)\s+(?:[a-z-]+\s+){{0,2}}(?P<kind>{_KINDS})\s+of\s+{_KIND_PLACE}"),
)
# Sources name a place's kind more loosely too: "border town Chop", "the Kharkiv region".
_LOOSELY_DESCRIBED = (
    *_DESCRIBED,
    re.compile(rf"\b(?P<kind>{_KINDS})\s+(?:of\s+)?{_KIND_PLACE}"),
    re.compile(rf"{_KIND_PLACE}\s+(?P<kind>{_KINDS})\b"),
)


def place_kinds(text: str, *, loose: bool = False) -> list[tuple[str, str]]:
    """(name key, kind) of each place the text says is a village, town, region ...: "Chop, a
    village", "the town of Chop"; `loose` (for sources) also "border town Chop", "Kharkiv
    region"."""
    return [
        (name_key(m.group("name")), m.group("kind").lower())
        for pattern in (_LOOSELY_DESCRIBED if loose else _DESCRIBED)
        for m in pattern.finditer(text)
    ]


def same_kind(a: str, b: str) -> bool:
    return any(a in group and b in group for group in _KIND_GROUPS)


# -- which event came first -----------------------------------------------------------------------

# "X after Y" / "X before Y" between two clauses.
_SEQUENCE = re.compile(r"\s(?:came\s+|come\s+|comes\s+)?(after|before|following)\s", re.IGNORECASE)
# Who said it, at the end or the start: no part of either event.
_SAID_BY = re.compile(
    r",\s*(?:according\s+to\b[^,;]*|[^,;]{1,60}\s(?:said|says|reported|told\s[^,;]*))\s*[.!]?$"
    r"|^according\s+to\b[^,;]*,",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class EventOrder:
    """Two events a text orders: the content stems of each, names aside."""

    earlier: frozenset[str]
    later: frozenset[str]


def event_order(text: str) -> EventOrder | None:
    """The two events a text orders by "after" or "before", or None. The events are read by
    their own words, names aside: two events at the same places ("left Port Avalen" and
    "suspended the Port Avalen service") are not one."""
    text = _SAID_BY.sub(" ", plain(text))
    text = re.sub(r"\b[A-Z][\w'’-]*", " ", text)
    match = _SEQUENCE.search(text)
    if match is None:
        return None
    first = frozenset(content_stems(text[: match.start()]))
    second = frozenset(content_stems(text[match.end() :]))
    if not first or not second or len(first | second) < 3:
        return None
    if match.group(1).lower() == "before":
        return EventOrder(first, second)
    return EventOrder(second, first)
