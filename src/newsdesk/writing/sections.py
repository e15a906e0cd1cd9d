"""Part of the restyle stage: which facts go in which section, and headings our code can vouch for.

All deterministic: the model later only rewords a section's facts (and, for voices without
fixed headings, proposes a heading that `heading_problem` must accept). Facts come from the
same fact sheet the house article is written from (writing/factsheet.py), so a voice says what
the house article says, in another order and tone.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsdesk.models.ner import spacy_entities
from newsdesk.models.tagger import Token, pos_tags
from newsdesk.prompts.voices import Voice
from newsdesk.text import STOPWORDS, content_words, stem
from newsdesk.writing.drafts import Fact, fact_runs
from newsdesk.writing.rules import (
    SourceWords,
    is_clickbait,
    looks_like_instruction,
    numbers_in,
    title_case,
)
from newsdesk.writing.titles import short_headline

FACTS_PER_SECTION = 2.5  # long-form voices: about the seed's two to three sentences a section
MAX_PARAGRAPH_FACTS = 3  # a section with more facts is told in two paragraphs
MAX_HEADING_WORDS = 7
LEAD_WORDS = 75  # the lead section takes the runner-up only while it stays this short

_CALENDAR = (
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april"
    "|may|june|july|august|september|october|november|december"
)
_NAME = r"[A-Z][a-z]+\s+[A-Z][a-z]+"
_SPEAKS = r"(?:said|says|told|called|added|warned|described|urged)\b"
# Cue words that put a fact under a fixed heading (voice files name the role, not the words).
_CUES: dict[str, re.Pattern[str]] = {
    "next": re.compile(
        r"\b(?:will|plans?|planned|expected|due\s+to|next|upcoming|scheduled|is\s+set\s+to"
        r"|aims?\s+to|intends?|later\s+this|in\s+the\s+coming|from\s+next)\b",
        re.IGNORECASE,
    ),
    # A cause said as one: "could", "impact" or "the first time" were read as why a fact
    # matters, and a reader found none of those sections said why (blind read 11)
    "why": re.compile(
        r"\b(?:because|due\s+to|as\s+a\s+result|caused\s+by|blamed\s+on|triggered\s+by"
        r"|led\s+to|so\s+that|in\s+order\s+to|to\s+avoid|means\s+that|meaning\s+that)\b",
        re.IGNORECASE,
    ),
    "quotes": re.compile(r"[\"“”]"),
    "when": re.compile(
        rf"\b(?:{_CALENDAR}|yesterday|today|tonight|morning|afternoon|evening|overnight"
        r"|\d{1,2}:\d{2}|(?:19|20)\d{2})\b",
        re.IGNORECASE,
    ),
    # A preposition of place before a capitalised word ("in Dunmere", "off Port Avalen").
    "where": re.compile(
        rf"\b(?:in|at|on|near|off|outside|across|into|from)\s+(?:the\s+)?(?!(?i:{_CALENDAR})s?\b)"
        r"[A-Z][a-z]"
    ),
    # A named person speaking: "Mayor Piet Janssen said", "..., said Leena Fischer",
    # '"...," chief executive Amira Castell said', '"...," Aasen said'.
    "who": re.compile(
        rf"^(?:[\w’'-]+\s+){{0,4}}?{_NAME}(?:,[^,]{{1,80}},)?\s+{_SPEAKS}"
        rf"|[\"”]\s*,?\s*{_SPEAKS}\s+(?:[\w’'-]+\s+){{0,4}}?{_NAME}"
        rf"|[\"”]\s*,?\s*(?:[\w’'-]+\s+){{0,5}}?(?:{_NAME}|[A-Z][a-z]+)\s+{_SPEAKS}"
    ),
}
_PRIORITY = ("next", "why", "quotes", "when", "who", "where")
# How much one cue match weighs: a cause, a plan or a named speaker says what a fact is about;
# a clock time, date or year less, and a weekday ("on Monday", in most news sentences) or a
# place after "in" least.
_WEIGHT = {"next": 3.0, "why": 3.0, "who": 3.0, "quotes": 2.0, "when": 2.0, "where": 1.0}
_WEEKDAY = re.compile(r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?", re.I)


def cue_strength(role: str, text: str) -> float:
    """How strongly a fact belongs under the heading taking `role` (0: not at all)."""
    if role == "quotes":
        return _WEIGHT[role] if _CUES[role].search(text) else 0.0
    matches = [m.group() for m in _CUES[role].finditer(text)]
    if role == "when":
        return sum(0.5 if _WEEKDAY.fullmatch(m) else _WEIGHT[role] for m in matches)
    return _WEIGHT[role] * len(matches)


# Words a heading may use though no fact does: they frame a section, they claim nothing.
_FRAMING_TEXT = """latest news story update updates detail details background context reaction
    reactions response responses happen happened happens next why matters matter how who what
    when where numbers figures big picture bottom line key facts fact scene timeline inside look
    closer meanwhile quick recap wrap summary behind ahead road comes coming"""


@dataclass(frozen=True, slots=True)
class SectionPlan:
    heading: str  # fixed by the voice, or "" for the model to propose
    facts: tuple[Fact, ...]

    @property
    def paragraphs(self) -> tuple[tuple[Fact, ...], ...]:
        """One paragraph, or two halves when the section holds more than three facts."""
        if len(self.facts) <= MAX_PARAGRAPH_FACTS:
            return (self.facts,)
        half = math.ceil(len(self.facts) / 2)
        return (self.facts[:half], self.facts[half:])


def carried_facts(voice: Voice, facts: Sequence[Fact]) -> tuple[Fact, ...]:
    """The facts this voice is meant to tell, the ones its coverage is measured on: the whole
    fact sheet, or (the brief) its best `voice.facts` (the sheet is ordered best first)."""
    return tuple(facts[: voice.facts] if voice.facts else facts)


def plan_sections(voice: Voice, facts: Sequence[Fact]) -> tuple[SectionPlan, ...]:
    """The sections of `voice` and the facts each tells, every carried fact exactly once."""
    carried = carried_facts(voice, facts)
    if not carried:
        return ()
    lead = _lead(carried)
    rest = sorted(carried[len(lead) :], key=lambda f: (f.position, -f.score))
    if voice.layout == "bullets":
        return (SectionPlan("", (*lead, *rest)),)
    if voice.sections:
        return _fixed(voice, lead, rest)
    wanted = round(len(carried) / FACTS_PER_SECTION)
    # The voice's minimum, but never sections of one sentence each for a short story: five
    # facts are three sections, not five headings over a sentence apiece.
    least = min(voice.min_sections, math.ceil(len(carried) / 2))
    count = min(len(carried), max(least, min(voice.max_sections, wanted)))
    if len(lead) > 1 and count > len(carried) - 1:
        rest, lead = [*lead[1:], *rest], lead[:1]  # too few facts to spend two on the lead
    runs = fact_runs(rest, count - 1)
    return tuple(SectionPlan("", run) for run in [tuple(lead), *runs] if run)


def _lead(facts: Sequence[Fact]) -> list[Fact]:
    """The best fact, plus the runner-up when it also opened its article (as the house
    article's lead paragraph)."""
    lead = [facts[0]]
    short = facts[0].word_count + facts[1].word_count <= LEAD_WORDS if len(facts) > 1 else False
    if len(facts) > 2 and facts[1].position < 0.3 and short:
        lead.append(facts[1])
    return lead


def _fixed(voice: Voice, lead: list[Fact], rest: list[Fact]) -> tuple[SectionPlan, ...]:
    """Each fact under the fixed heading whose cues it matches most strongly (the emptier one
    on a tie), else under the catch-all ("rest", else the lead's); headings with no fact are
    left out. A catch-all without a heading of its own becomes as many sections as the voice
    has room for, each headed later by what its facts say."""
    takes = {s.takes: s.heading for s in voice.sections}
    catch_all = takes["rest"] if "rest" in takes else takes["lead"]
    placed: dict[str, list[Fact]] = {s.heading: [] for s in voice.sections}
    placed[takes["lead"]].extend(lead)
    for fact in rest:
        scored = [(cue_strength(r, fact.text), r) for r in _PRIORITY if r in takes]
        best = max((score for score, _ in scored), default=0.0)
        roles = [r for score, r in scored if score == best and score > 0]
        heading = min((takes[r] for r in roles), key=lambda h: len(placed[h]), default=catch_all)
        placed[heading].append(fact)
    _fill_empty(voice, placed, set(map(id, lead)))
    plans: list[SectionPlan] = []
    used = sum(bool(facts) for heading, facts in placed.items() if heading)
    for section in voice.sections:
        facts = placed[section.heading]
        if not facts:
            continue
        if section.heading:
            plans.append(SectionPlan(section.heading, tuple(facts)))
            continue
        room = max(1, voice.max_sections - used)
        wanted = max(voice.min_sections - used, round(len(facts) / FACTS_PER_SECTION))
        runs = fact_runs(facts, max(1, min(room, wanted, math.ceil(len(facts) / 2))))
        plans.extend(SectionPlan("", run) for run in runs if run)
    return tuple(plans)


def _fill_empty(voice: Voice, placed: dict[str, list[Fact]], fixed: set[int]) -> None:
    """Below the voice's minimum of sections, an empty heading takes the fact that matches
    its cue best from a section that keeps at least one fact (never the lead)."""
    for section in voice.sections:
        if sum(bool(facts) for facts in placed.values()) >= voice.min_sections:
            return
        if placed[section.heading] or section.takes not in _CUES or not section.heading:
            continue
        movable = [
            (cue_strength(section.takes, fact.text), heading, fact)
            for heading, facts in placed.items()
            if len(facts) > 1
            for fact in facts
            if id(fact) not in fixed
        ]
        strength, heading, fact = max(movable, key=lambda m: m[0], default=(0.0, "", None))
        if fact is not None and strength > 0:
            placed[heading].remove(fact)
            placed[section.heading].append(fact)
    # Still short: details headed by what they say take the fact that fits its own heading
    # least, from a heading that keeps another (a quotation more, a plan more).
    role = {s.heading: s.takes for s in voice.sections}
    if "" in placed and not placed[""] and sum(map(bool, placed.values())) < voice.min_sections:
        loose = [
            (
                cue_strength(role[heading], fact.text) if role[heading] in _CUES else 0.0,
                heading,
                fact,
            )
            for heading, facts in placed.items()
            if heading and len(facts) > 1
            for fact in facts
            if id(fact) not in fixed
        ]
        if loose:
            _, heading, fact = min(loose, key=lambda m: m[0])
            placed[heading].remove(fact)
            placed[""].append(fact)


# -- headings ----------------------------------------------------------------------------------


def clean_heading(text: str) -> str:
    """A proposed heading without markup, quotes and closing punctuation, in one line."""
    line = " ".join(text.replace("**", " ").split()).strip(" #*:-–—\"'“”‘’")
    return line.rstrip(".!?;,").strip()


def heading_problem(
    heading: str,
    facts: Sequence[Fact],
    earlier: Sequence[str],
    evidence: SourceWords,
    *,
    voice: str = "",
) -> str | None:
    """Why a model's heading cannot stand over this section, or None. A heading claims
    nothing the section does not tell: its numbers and words must all be the section's own
    (a few framing words like "what's next" aside), so "Former President" cannot appear over
    facts that only say "President"; nor does it name the `voice` it is told in."""
    n = len(heading.split())
    if not 1 <= n <= MAX_HEADING_WORDS or len(heading) > 60:
        return f"a heading of {n} words"
    if any(heading.casefold() == e.casefold() for e in earlier):
        return "repeats an earlier heading"
    if looks_like_instruction(heading) or is_clickbait(heading):
        return "reads like an instruction or clickbait"
    if tainted := evidence.tainted_words(heading):
        return f"repeats an instruction planted in a source: {', '.join(tainted)}"
    text = " ".join(f.text for f in facts)
    if extra := numbers_in(heading) - numbers_in(text):
        return f"numbers not in this section: {', '.join(sorted(extra))}"
    own = {stem(w) for w in content_words(text)}
    foreign = [w for w in content_words(heading) if stem(w) not in own | _FRAMING_STEMS]
    if foreign:  # a verb in another form is the section's own ("Toll Rises" over "has risen")
        section, *alone = pos_tags([text, *foreign])
        lemmas = {t.lemma for t in section}
        foreign = [
            w
            for w, tokens in zip(foreign, alone, strict=True)
            if not tokens or tokens[0].lemma not in lemmas
        ]
    if foreign:
        return f"words not in this section: {', '.join(foreign)}"
    if voice and voice.casefold() in heading.casefold().split():
        return f"names the voice ({voice})"  # "Casual Earthquake News" over "casualty"
    return None


_FRAMING_STEMS = frozenset(stem(w) for w in _FRAMING_TEXT.split())


def fallback_heading(facts: Sequence[Fact], earlier: Sequence[str]) -> str:
    """A heading built from the section's own words, none an earlier heading used: what one
    of its facts says, as a short headline ("Train Struck Near Village"); else a full name
    ("Rasmus Keel"), else a phrase ("Main Interest Rate"), else a one-word name. A person's
    name alone says who, not what: over a section that tells what they said it is "According
    to Rasmus Keel"."""
    used = " ".join(earlier).casefold()
    for fact in facts:  # what the section says, as a headline says it
        said = short_headline(fact.text, MAX_HEADING_WORDS)
        if said and said.casefold() not in used:
            return said
    names = _names(facts)
    phrases = [title_case(p) for p in _phrases(facts)]
    full = [n for n in names if len(n.split()) > 1]
    for heading in [*full, *phrases, *names]:
        if heading.casefold() not in used:
            return _what_they_said(heading, facts)
    taken = {e.casefold() for e in earlier}
    return next((h for h in _SPARE if h.casefold() not in taken), _SPARE[-1])


_SPEECH = r"(?:said|says|told|added|warned|stressed|urged|announced)"


def _what_they_said(name: str, facts: Sequence[Fact]) -> str:
    """`name`, or "According to NAME" when NAME is a person the section reports speaking ("NAME,
    head of the town, said ...", "..., said NAME")."""
    text = " ".join(f.text for f in facts)
    who = re.escape(name)
    speaks = re.search(
        rf"\b{who}\b[^.;:\"“”]{{0,60}}?\b{_SPEECH}\b|\b{_SPEECH}\s+(?:[a-z]+\s+){{0,3}}{who}\b",
        text,
    )
    if speaks is None:
        return name
    people = {e.text for found in spacy_entities([text]) for e in found if e.label == "PERSON"}
    return f"According to {name}" if name in people else name


_PHRASE_TAGS = frozenset({"NN", "NNS", "JJ"})
_NOUN_TAGS = frozenset({"NN", "NNS"})


def _phrases(facts: Sequence[Fact]) -> list[str]:
    """Runs of two or three lower-case adjectives and nouns ending on a noun ("main interest
    rate", "drone strike"), in text order: a topic, never a cut clause ("drone strike killed",
    "struck near")."""
    found: list[str] = []
    for tokens in pos_tags([f.text for f in facts]):
        run: list[Token] = []
        for token in [*tokens, None]:
            if token is not None and _in_phrase(token):
                run.append(token)
                continue
            while run and run[-1].tag not in _NOUN_TAGS:
                run.pop()
            if len(run) >= 2:
                found.append(" ".join(t.text for t in run[-3:]))
            run = []
    return found


def _in_phrase(token: Token) -> bool:
    word = token.text
    return (
        token.tag in _PHRASE_TAGS
        and word.isalpha()
        and word.islower()
        and word not in STOPWORDS
        and len(word) > 2
    )


_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’\-]*|[^\sA-Za-z0-9]")
_SPARE = ("More Details", "Further Details", "Also in the Story", "And Finally")


def _names(facts: Sequence[Fact]) -> list[str]:
    """Runs of 1-4 capitalised words ("of" may join two) in the facts, without days and
    months. A fact's first word counts only when a capitalised word follows it."""
    found: list[str] = []
    for fact in facts:
        # Punctuation is kept as tokens so a run stops at it ("Halvard Capital, Lumora").
        tokens = [w.removesuffix("'s").removesuffix("’s") for w in _TOKEN.findall(fact.text)]
        run: list[str] = []
        for i, word in enumerate([*tokens, "x"]):
            nxt = tokens[i + 1] if i + 1 < len(tokens) else "x"
            if _capital(word) and (i > 0 or _capital(nxt)):
                run.append(word)
                continue
            if word == "of" and run and _capital(nxt):
                run.append(word)
                continue
            if run and len(run) <= 4:
                found.append(" ".join(run))
            run = []
    return list(dict.fromkeys(found))


def _capital(word: str) -> bool:
    return (
        len(word) > 1
        and word[0].isupper()
        and word.lower() not in STOPWORDS
        and not _CUES["when"].fullmatch(word.rstrip("s"))
    )
