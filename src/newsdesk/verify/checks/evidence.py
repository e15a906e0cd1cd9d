"""The sources of one story, prepared once: sentences, entities, quotes, figures, words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from newsdesk.models.ner import Entity
from newsdesk.text import STOPWORDS
from newsdesk.verify.checks.documents import (
    Annotate,
    Document,
    Passage,
    SourceDoc,
    build_document,
    prose_paragraphs,
    sentence_texts,
)
from newsdesk.verify.checks.normal import content_stems, name_key, place_stem, same_place, tokens
from newsdesk.verify.checks.numbers import Figures, figures
from newsdesk.verify.checks.relations import (
    ROLE_NOUNS,
    Containment,
    EventOrder,
    Title,
    containments,
    event_order,
    place_kinds,
    titles,
)

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# Labels the small model gives places it does not know ("Kursk region" as a PRODUCT).
_MISTAKABLE = frozenset({"PERSON", "ORG", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"})


@dataclass(frozen=True, slots=True)
class SourceText:
    doc: SourceDoc
    title: Document  # the headline as a one-sentence document
    body: Document

    @property
    def documents(self) -> tuple[Document, Document]:
        return (self.title, self.body)


@dataclass(frozen=True, slots=True)
class Located:
    """A source sentence and where it is: article number, and index in the body (-1: title)."""

    article: int
    index: int
    passage: Passage
    stems: frozenset[str]
    key: str  # name_key of the whole sentence, for phrase lookups


@dataclass(frozen=True, slots=True)
class Evidence:
    """Everything the checks look up in the sources of one story."""

    articles: tuple[SourceText, ...]
    sentences: tuple[Located, ...]  # titles (index -1) and body sentences
    figures: Figures
    names: str  # name keys of every sentence, " | "-separated, for phrase lookups
    words: tuple[str, ...]  # per article: " token token ... " of title and body
    persons: tuple[tuple[str, ...], ...] = field(default=())
    containments: tuple[Containment, ...] = field(default=())
    titles: tuple[Title, ...] = field(default=())
    place_kinds: tuple[tuple[str, str], ...] = field(default=())  # (name key, kind)
    orders: tuple[EventOrder, ...] = field(default=())  # events a source sentence orders

    def in_context(self, located: Located) -> str:
        """The sentence with the one before it in its paragraph: "The port authority puts
        the figure at 350." needs the sentence that says what the figure counts."""
        if located.index <= 0:
            return located.passage.text
        body = self.articles[located.article].body.sentences
        before = body[located.index - 1]
        if before.paragraph != located.passage.paragraph:
            return located.passage.text
        return f"{before.text} {located.passage.text}"


def _located(articles: Sequence[SourceText]) -> list[Located]:
    found = []
    for number, article in enumerate(articles):
        placed = [(-1, p) for p in article.title.sentences]  # a headline has no index
        placed += [(p.index, p) for p in article.body.sentences]
        for index, passage in placed:
            stems = frozenset(content_stems(passage.text))
            found.append(Located(number, index, passage, stems, name_key(passage.text)))
    return found


# "Veltrava's military", "Veltravan troops": how a text shows a name is a country even when
# the small NER model, not knowing the name, tags it as a person.
_STATE_NOUNS = (
    r"(?:military|army|navy|government|parliament|president|prime minister|foreign ministry"
    r"|defence ministry|intelligence|capital|embassy|ambassador|border|troops|forces|soldiers"
    r"|economy|police)"
)
_OWNER_CUE = re.compile(rf"\b([A-Z][a-z]+)['’]s {_STATE_NOUNS}\b", re.IGNORECASE)
_DEMONYM_CUE = re.compile(rf"\b([A-Z][a-z]+(?:an|ese|i)) {_STATE_NOUNS}\b", re.IGNORECASE)


def _country_cues(texts: Sequence[str], found: Sequence[tuple[Entity, ...]]) -> set[str]:
    """Keys of names the texts treat as countries (by label, possessive or demonym)."""
    demonyms = {name_key(e.text) for ents in found for e in ents if e.label == "NORP"}
    owners: set[str] = set()
    for text in texts:
        demonyms |= {m.lower() for m in _DEMONYM_CUE.findall(text) if m[0].isupper()}
        owners |= {m.lower() for m in _OWNER_CUE.findall(text) if m[0].isupper()}
    names = {name_key(e.text) for ents in found for e in ents}
    by_demonym = {
        n for n in names if len(place_stem(n)) >= 5 and any(same_place(n, d) for d in demonyms)
    }
    return owners | by_demonym


def consistent_labels(
    texts: Sequence[str], found: list[tuple[Entity, ...]]
) -> list[tuple[Entity, ...]]:
    """One name, one kind, in every sentence of a story.

    The small model often tags an unfamiliar place as a person ("in Lirin, Veltrava"), an
    organisation or even a product ("Russia's Kursk region"), and misses or mislabels a
    surname on its own ("..., Hart told reporters", "Anand warned" as a place). The other
    sentences give it away: "in Kursk, Ukraine", "Veltrava's military", "Veltravan troops",
    "manager Colin Hart". A surname of someone named in full is that person even where it is
    tagged as a place, unless the text uses it as one ("Hart's army", "in Hart").
    """
    found = [
        _untagged_people(text, _split_joined(text, ents))
        for text, ents in zip(texts, found, strict=True)
    ]
    cued = _country_cues(texts, found)
    located = {name_key(m) for text in texts for m in _LOCATIVE.findall(text)}
    people = _people(found, cued | located) | (_described_people(texts, found) - cued - located)
    tagged = {name_key(e.text) for ents in found for e in ents if e.label in PLACE_LABELS}
    places = (tagged - people) | cued

    def label(entity: Entity) -> str:
        key = name_key(entity.text)
        if entity.label in _MISTAKABLE and key in places:
            return "GPE"
        if entity.label in _MISTAKABLE | PLACE_LABELS and key in people:
            return "PERSON"
        return entity.label

    return [
        _with_missed_people(text, tuple(replace(e, label=label(e)) for e in ents), people)
        for text, ents in zip(texts, found, strict=True)
    ]


# "Brannock, Calvadia" tagged as one name: a capitalised name after a comma inside one
# mention is a second name (the place pattern "Town, Country"), labelled as a place.
_JOINED = re.compile(r",\s+(?=[A-Z])")


def _split_joined(text: str, entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
    split: list[Entity] = []
    for entity in entities:
        cuts = list(_JOINED.finditer(entity.text))
        if not cuts or entity.label not in PLACE_LABELS | _MISTAKABLE:
            split.append(entity)
            continue
        start, label = 0, entity.label
        for cut in [*cuts, None]:
            end = cut.start() if cut else len(entity.text)
            piece = entity.text[start:end]
            split.append(Entity(piece, label, entity.start + start, entity.start + end))
            start, label = (cut.end(), "GPE") if cut else (start, label)
    return tuple(split)


# "Nadia Kessler, an art-loss researcher at ...": a name described by a job is a person, even
# where the tagger calls it an organisation. Not by words a company can be ("the owner of the
# port", "the market leader"), and not a name starting with "the".
_APPOSITIVE = re.compile(r"^,\s+(?:an?|the)\s+([^,.;:()]{1,60})")
_COMPANY_ROLES = frozenset({"owner", "leader", "head", "chief", "general", "major", "principal"})
_PERSON_ROLES = ROLE_NOUNS - _COMPANY_ROLES


def _job_words(apposition: str) -> set[str]:
    """The first words of an apposition, where its job noun stands ("an art-loss researcher")."""
    return set(re.findall(r"[\w’']+", apposition.casefold())[:5])


def _described_people(texts: Sequence[str], found: Sequence[tuple[Entity, ...]]) -> set[str]:
    described: set[str] = set()
    for text, ents in zip(texts, found, strict=True):
        for entity in ents:
            key = name_key(entity.text)
            if entity.label not in _MISTAKABLE or len(key.split()) < 2:
                continue
            if entity.text.casefold().startswith("the "):
                continue
            match = _APPOSITIVE.match(text[entity.end :])
            if match and _job_words(match[1]) & _PERSON_ROLES:
                described |= {key, key.split()[-1]}
    return described


# "Anders Kvale, head of the fishermen's federation, said": a name the tagger missed, given a
# job in an apposition.
_NAMED_WITH_JOB = re.compile(
    r"\b([A-Z][a-z]+\s+[A-Z][a-z]+),\s+(?:(?:an?|the)\s+)?([^,.;:()]{1,60})"
)


def _untagged_people(text: str, entities: tuple[Entity, ...]) -> tuple[Entity, ...]:
    added = []
    for match in _NAMED_WITH_JOB.finditer(text):
        start, end = match.span(1)
        if any(e.start < end and start < e.end for e in entities):
            continue
        first = match[1].split()[0].casefold()
        if first not in STOPWORDS | _PLACE_WORDS and _job_words(match[2]) & ROLE_NOUNS:
            added.append(Entity(match[1], "PERSON", start, end))
    return tuple(sorted((*entities, *added), key=lambda e: e.start))


# A name starting with one of these is a place whatever the tagger says ("Port Kelvara").
_PLACE_WORD_TEXT = """port fort mount lake cape saint st san santa new north south east west
    upper lower great little bay glen isle"""
_PLACE_WORDS = frozenset(_PLACE_WORD_TEXT.split())
# "off Kelvara", "lives in Brevik": a name right after these is used as a place.
_LOCATIVE = re.compile(r"\b(?:in|at|near|off|outside|across|around|towards)\s+([A-Z][\w’'-]*)")


def _people(found: Sequence[tuple[Entity, ...]], places: set[str]) -> set[str]:
    """Full names tagged as people, and their surnames, unless the text uses the surname as a
    place (`places`: names with country cues or after "in", "off" ...)."""
    full = {
        name_key(e.text)
        for ents in found
        for e in ents
        if e.label == "PERSON" and len(name_key(e.text).split()) > 1
    }
    surnames = {name.split()[-1] for name in full if name.split()[0] not in _PLACE_WORDS}
    return (full | surnames) - places


def _with_missed_people(
    text: str, entities: tuple[Entity, ...], people: set[str]
) -> tuple[Entity, ...]:
    """Add mentions of known people's surnames that NER did not tag at all."""
    added = []
    for name in people:
        if " " in name:
            continue
        for match in re.finditer(rf"\b{re.escape(name)}\b", text, re.IGNORECASE):
            if not match.group()[0].isupper():
                continue  # "hart" the word, not Hart the person
            if not any(e.start < match.end() and match.start() < e.end for e in entities):
                added.append(Entity(match.group(), "PERSON", match.start(), match.end()))
    return tuple(sorted((*entities, *added), key=lambda e: e.start))


def prepare(
    sources: Sequence[SourceDoc], draft: str, annotate: Annotate
) -> tuple[Evidence, Document]:
    """The evidence of `sources` and the draft as a document, with one batch of NER."""
    layouts = [
        ([" ".join(d.title.split())] if d.title.strip() else [], prose_paragraphs(d.body))
        for d in sources
    ]
    draft_paragraphs = prose_paragraphs(draft)
    groups = [sentence_texts(p) for pair in layouts for p in pair]
    groups.append(sentence_texts(draft_paragraphs))
    texts = [s for group in groups for s in group]
    found = consistent_labels(texts, annotate(texts))
    documents, cursor = [], 0
    for group, paragraphs in zip(
        groups, [p for pair in layouts for p in pair] + [draft_paragraphs], strict=True
    ):
        documents.append(build_document(paragraphs, found[cursor : cursor + len(group)]))
        cursor += len(group)
    articles = tuple(
        SourceText(doc, documents[2 * i], documents[2 * i + 1]) for i, doc in enumerate(sources)
    )
    return _evidence(articles), documents[-1]


def _evidence(articles: tuple[SourceText, ...]) -> Evidence:
    located = _located(articles)
    persons = {
        tuple(name_key(e.text).split())
        for s in located
        for e in s.passage.entities
        if e.label == "PERSON"
    }
    return Evidence(
        articles=articles,
        sentences=tuple(located),
        figures=Figures.merge(figures(s.passage.text) for s in located),
        names=" | ".join(s.key for s in located),
        words=tuple(
            " " + " ".join(tokens(a.title.text + " \n " + a.body.text)) + " " for a in articles
        ),
        persons=tuple(sorted(persons)),
        containments=tuple(c for s in located for c in containments(s.passage)),
        titles=tuple(t for s in located for t in titles(s.passage)),
        place_kinds=tuple(k for s in located for k in place_kinds(s.passage.text, loose=True)),
        orders=tuple(o for s in located if (o := event_order(s.passage.text))),
    )
